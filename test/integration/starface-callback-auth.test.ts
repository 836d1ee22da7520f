// Issue 14 item 8 (client side): real PBXs append de.vertico.starface.user and de.vertico.starface.auth (the
// user's UCI token) to callback URLs. The callback server checks the auth value (constant time) in addition to the
// path token: by default when present; 'required' refuses events without it; 'off' ignores it.
import { afterEach, describe, expect, it } from 'vitest';
import { uciAuthToken } from '../../src/starface/auth.js';
import { CallbackServer, type CallbackServerOptions } from '../../src/starface/callback-server.js';
import { encodeMethodCall } from '../../src/starface/xmlrpc/index.js';
import { waitFor } from './starface-helpers.js';

const TOKEN = uciAuthToken('1001', 'Pass1001');
const AD_TOKEN = uciAuthToken('1002', 'P+ss/1002?', 'ad-base64');
const ringing = (id: string): string => encodeMethodCall('ucp.v30.events.call.receiveCallState', [{ id, state: 'RINGING' }]);

describe('CallbackServer: the auth parameter', () => {
  let server: CallbackServer | undefined;
  afterEach(() => server?.close());

  async function start(opts: CallbackServerOptions = {}): Promise<{ base: string; path: (login: string) => string }> {
    server = new CallbackServer(opts);
    const { url } = await server.start();
    const paths = new Map<string, string>();
    paths.set('1001', server.register('1001', { expectedAuth: () => TOKEN }).path);
    paths.set('1002', server.register('1002', { expectedAuth: () => AD_TOKEN }).path);
    paths.set('1003', server.register('1003', { expectedAuth: () => undefined }).path);
    return { base: url, path: (l) => paths.get(l)! };
  }
  const post = async (url: string, body: string): Promise<number> => (await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/xml' } })).status;

  it('by default refuses a wrong auth value and accepts the right one or none', async () => {
    const { base, path } = await start();
    const at = (login: string, auth?: string): string => `${base}${path(login)}?de.vertico.starface.user=${login}${auth === undefined ? '' : `&de.vertico.starface.auth=${auth}`}`;
    expect(await post(at('1001', encodeURIComponent(uciAuthToken('1001', 'wrong'))), ringing('a'))).toBe(403);
    expect(await post(at('1001', ''), ringing('a'))).toBe(403);
    expect(await post(at('1001', TOKEN.slice(0, -1)), ringing('a'))).toBe(403);
    expect(server!.telephonyState('1001')).toBe('idle');
    expect(server!.stats().rejected.auth).toBe(3);
    expect(await post(at('1001', TOKEN), ringing('a'))).toBe(200);
    await waitFor(() => server!.telephonyState('1001') === 'ringing', '1001 ringing');
    // A base64 token, encoded or (as some PBXs may append it) raw with + and /.
    expect(await post(at('1002', encodeURIComponent(AD_TOKEN)), ringing('b'))).toBe(200);
    expect(await post(at('1002', AD_TOKEN), ringing('c'))).toBe(200);
    // Without the parameter the path token alone identifies the user; an OAuth session has no token to compare.
    expect(await post(at('1001'), ringing('d'))).toBe(200);
    expect(await post(at('1003', 'whatever'), ringing('e'))).toBe(200);
  });

  it('"required" refuses events without the auth value or without a token to compare', async () => {
    const { base, path } = await start({ authParam: 'required' });
    expect(await post(`${base}${path('1001')}?de.vertico.starface.user=1001`, ringing('a'))).toBe(403);
    expect(await post(`${base}${path('1003')}?de.vertico.starface.user=1003&de.vertico.starface.auth=x`, ringing('a'))).toBe(403);
    expect(await post(`${base}${path('1001')}?de.vertico.starface.user=1001&de.vertico.starface.auth=${TOKEN}`, ringing('a'))).toBe(200);
  });

  it('"off" ignores the auth value', async () => {
    const { base, path } = await start({ authParam: 'off' });
    expect(await post(`${base}${path('1001')}?de.vertico.starface.user=1001&de.vertico.starface.auth=wrong`, ringing('a'))).toBe(200);
  });
});
