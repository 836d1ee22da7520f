// Issue 13 item 5: a `__proto__` member in a call event's struct must not become the struct's prototype. With
// the old decoder a HANGUP event whose own `state` was missing read `state` through a planted prototype and
// left the user "ringing" for minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackServer } from '../../src/starface/callback-server.js';
import { waitFor } from './starface-helpers.js';

const member = (name: string, value: string): string => `<member><name>${name}</name><value>${value}</value></member>`;
const call = (members: string): string =>
  `<?xml version="1.0"?><methodCall><methodName>ucp.v30.events.call.receiveCallState</methodName><params><param><value><struct>${members}</struct></value></param></params></methodCall>`;

describe('CallbackServer and __proto__ in a struct', () => {
  let server: CallbackServer;
  let base: string;
  let path: string;

  beforeAll(async () => {
    server = new CallbackServer();
    ({ url: base } = await server.start());
    path = `${server.register('1001').path}?de.vertico.starface.user=1001`;
  });
  afterAll(() => server.close());

  it('does not read call fields through a __proto__, constructor or prototype member', async () => {
    const planted = `<struct>${member('state', '<string>RINGING</string>')}${member('id', '<string>ghost</string>')}</struct>`;
    const bodies = [
      call(`${member('id', '<string>call-1</string>')}${member('__proto__', planted)}`),
      call(member('__proto__', planted)),
      call(`${member('id', '<string>call-2</string>')}${member('constructor', planted)}${member('prototype', planted)}`),
    ];
    for (const body of bodies) {
      const res = await fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
      await res.text();
    }
    // Give the server the chance to process (events apply on setImmediate after the answer).
    await new Promise((r) => setImmediate(r));
    await waitFor(() => server.stats().accepted + Object.values(server.stats().rejected).reduce((a, b) => a + b, 0) >= 3, 'three answers');
    expect(server.telephonyState('1001')).toBe('idle');
    expect(server.activeCallIds('1001')).toEqual([]);
    expect(({} as Record<string, unknown>).state).toBeUndefined();
  });
});
