// Property-based fuzzing of the STARFACE callback server (issue 13): random paths, queries, methods and bodies —
// including well-formed call events that would make a user ring — never change any user's state without the
// exact path token of that user, and never crash the server.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackServer } from '../../src/starface/callback-server.js';
import { encodeMethodCall } from '../../src/starface/xmlrpc/index.js';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-runs.js';

const USERS = ['1001', '1002'];

describe('CallbackServer (fuzz)', () => {
  let server: CallbackServer;
  let base: string;
  let tokens: string[];
  const changes: string[] = [];

  beforeAll(async () => {
    server = new CallbackServer({ maxBodyBytes: 8 * 1024 });
    ({ url: base } = await server.start());
    tokens = USERS.map((u) => server.register(u).path.split('/').pop()!);
    server.on('telephony', (c) => changes.push(`${c.login}:${c.state}`));
    server.on('callState', (e) => changes.push(`${e.login}:${e.state}`));
  });
  afterAll(() => server.close());

  /** A token that is never a registered one: a registered token changed in case, length or one character. */
  const wrongToken = fc.tuple(fc.nat({ max: 1 }), fc.constantFrom('upper', 'lower', 'cut', 'extra', 'flip', 'empty', 'random'), fc.string({ maxLength: 40 }))
    .map(([i, how, random]) => {
      const t = tokens[i]!;
      const out = how === 'upper' ? t.toUpperCase() : how === 'lower' ? t.toLowerCase() : how === 'cut' ? t.slice(0, -1)
        : how === 'extra' ? `${t}A` : how === 'flip' ? `${t.slice(0, 5)}${t[5] === 'x' ? 'y' : 'x'}${t.slice(6)}` : how === 'empty' ? '' : encodeURIComponent(random);
      return tokens.includes(out) ? `${out}_` : out;
    });
  const prefix = fc.constantFrom('/starface/events/', '/STARFACE/events/', '//starface/events/', '/starface/events//', '/', '/x/starface/events/', '/starface%2Fevents%2F');
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom(...USERS).map((u) => `?de.vertico.starface.user=${u}`),
    fc.string({ maxLength: 30 }).map((s) => `?de.vertico.starface.user=${encodeURIComponent(s)}&de.vertico.starface.auth=${encodeURIComponent(s)}`),
  );
  const ringing = fc.tuple(
    fc.constantFrom('ucp.v30.events.call.receiveCallState', 'ucp.v22.events.call.receiveCallState', 'ucp.v20.client.communication.call.receiveCallState'),
    fc.record({ id: fc.string({ minLength: 1, maxLength: 10 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x')), state: fc.constantFrom('RINGING', 'CONNECTED', 'INCOMING', 'PROCEEDING') }),
  ).map(([method, p]) => encodeMethodCall(method, [p]));
  const body = fc.oneof(ringing, fc.string({ unit: 'binary', maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)));

  it('no request without a user\'s exact path token changes any user\'s state', async () => {
    await fc.assert(fc.asyncProperty(prefix, wrongToken, query, body, fc.constantFrom('POST', 'PUT', 'GET'), async (p, token, q, b, method) => {
      let res: Response;
      try {
        res = await fetch(`${base}${p}${token}${q}`, { method, body: method === 'GET' ? undefined : b, headers: { 'content-type': 'text/xml' } });
      } catch (err) {
        // fetch refuses some URLs itself (nothing was sent): not the server's doing.
        if (err instanceof TypeError) return;
        throw err;
      }
      await res.text();
      expect(res.status).toBeGreaterThanOrEqual(200);
      await new Promise((r) => setImmediate(r));
      expect(changes).toEqual([]);
      for (const u of USERS) expect(server.telephonyState(u)).toBe('idle');
    }), { numRuns: fuzzRuns(150) });
    // The server still works for the real token.
    const ok = await fetch(`${base}/starface/events/${tokens[0]}?de.vertico.starface.user=1001`, {
      method: 'POST', body: encodeMethodCall('ucp.v30.events.call.receiveCallState', [{ id: 'c1', state: 'RINGING' }]), headers: { 'content-type': 'text/xml' },
    });
    expect(ok.status).toBe(200);
    await expect.poll(() => server.telephonyState('1001')).toBe('ringing');
  }, fuzzTimeoutMs(60_000, 20));
});
