// Issue 13 item 4: the callback path token (a per-session secret) reached the log when the PBX or a scanner used
// a case variant of the path (/STARFACE/events/<token>). No path of the callback server is ever logged in full,
// whatever its case, encoding or shape; neither is the auth parameter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type RootLogger } from '../../src/platform/logger.js';
import { CallbackServer } from '../../src/starface/callback-server.js';
import { encodeMethodCall } from '../../src/starface/xmlrpc/index.js';

describe('CallbackServer log redaction', () => {
  let log: RootLogger;
  let server: CallbackServer;
  let base: string;
  let token: string;

  beforeAll(async () => {
    log = createLogger({ level: 'debug' });
    server = new CallbackServer({ logger: log });
    ({ url: base } = await server.start());
    token = server.register('1001').path.split('/').pop()!;
  });
  afterAll(async () => {
    await server.close();
    await log.close();
  });

  it('logs no path token for case variants, doubled slashes, encodings, other prefixes, queries or other verbs', async () => {
    const body = encodeMethodCall('ucp.v30.events.call.receiveCallState', [{ id: 'c1', state: 'RINGING' }]);
    const paths = [
      `/STARFACE/events/${token}?de.vertico.starface.user=1001`,
      `/Starface/Events/${token}?de.vertico.starface.user=1001`,
      `/starface/EVENTS/${token.toUpperCase()}`,
      `//starface/events/${token}`,
      `/starface%2Fevents%2F${token}`,
      `/other/${token}/x`,
      `/${token}`,
      `/starface/events/${token}/extra`,
      `/starface/events/x?de.vertico.starface.auth=${token}&de.vertico.starface.user=1001`,
      `/starface/events/${token}?de.vertico.starface.user=9999`,
    ];
    for (const p of paths) {
      for (const method of ['POST', 'GET']) {
        const res = await fetch(`${base}${p}`, { method, body: method === 'POST' ? body : undefined, headers: { 'content-type': 'text/xml' } });
        await res.text();
      }
    }
    const text = JSON.stringify(log.ring.entries());
    expect(log.ring.entries().filter((e) => e.msg === 'STARFACE callback rejected').length).toBeGreaterThanOrEqual(paths.length);
    expect(text).not.toContain(token);
    expect(text.toLowerCase()).not.toContain(token.toLowerCase());
    expect(text).not.toContain(token.slice(0, 12));
  });
});
