// Property-based fuzzing of the STARFACE REST directory's JSON readers (src/starface/rest-directory.ts) over a
// real socket: a server answers the login, user and group requests with random JSON, random shapes of the
// documented answers, and non-JSON. Whatever it answers, listUsers/listGroups give well-typed users and groups
// or fail with the client's own STARFACE error (or the transport's) — never a TypeError or a hang.
import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport, TransportError } from '../../src/platform/http-transport.js';
import { StarfaceRestError } from '../../src/starface/errors.js';
import { StarfaceDirectory } from '../../src/starface/rest-directory.js';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-runs.js';

interface Answer { status: number; body: string }
interface Scenario { nonce: Answer; token: Answer; users: Answer; groups: Answer; group: Answer }

const loose = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof({ weight: 4, arbitrary: a }, { weight: 1, arbitrary: fc.jsonValue() });
const id = loose(fc.oneof(fc.nat(), fc.stringMatching(/^[0-9]{1,6}$/), fc.integer(), fc.double()));
const text = loose(fc.oneof(fc.string(), fc.constant(null)));
const user = fc.record({ id, login: loose(fc.oneof(fc.stringMatching(/^[0-9]{1,6}$/), fc.nat(), fc.string())), email: text, firstName: text, familyName: text }, { requiredKeys: [] });
const group = fc.record({
  id, name: text, groupname: text,
  assignableUsers: loose(fc.oneof(fc.constant(null), fc.array(fc.record({ id, assigned: loose(fc.oneof(fc.boolean(), fc.constant(null))) }, { requiredKeys: [] }), { maxLength: 6 }))),
}, { requiredKeys: [] });

/** A body: mostly the documented shape with odd values, sometimes any JSON, sometimes not JSON at all. */
function answer(shape: fc.Arbitrary<unknown>): fc.Arbitrary<Answer> {
  const body = fc.oneof(
    { weight: 6, arbitrary: shape.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('', '<html><body>Login</body></html>', '{"unterminated": ', 'null')) },
  );
  const status = fc.oneof({ weight: 8, arbitrary: fc.constant(200) }, { weight: 1, arbitrary: fc.constantFrom(201, 204, 302, 400, 401, 403, 404, 500, 503) });
  return fc.record({ status, body });
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  nonce: answer(fc.record({ nonce: loose(fc.string({ minLength: 1 })), loginType: loose(fc.constantFrom('Internal', 'ActiveDirectory', 'active_directory', null)) }, { requiredKeys: [] })),
  token: answer(fc.record({ token: loose(fc.string({ minLength: 1 })) }, { requiredKeys: [] })),
  users: answer(fc.array(user, { maxLength: 8 })),
  groups: answer(fc.array(group, { maxLength: 4 })),
  group: answer(group),
});

let current: Scenario;
let server: http.Server;
let base: string;
const transport = new HttpTransport({ connectTimeoutMs: 2_000, readTimeoutMs: 2_000 });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const a = path === '/rest/login' ? (req.method === 'GET' ? current.nonce : current.token)
        : path === '/rest/users' ? current.users
          : path === '/rest/groups' ? current.groups
            : path.startsWith('/rest/groups/') ? current.group
              : { status: 404, body: '' };
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.status === 204 ? undefined : a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  transport.close();
  await new Promise((resolve) => server.close(resolve));
});

/** Only the client's own errors are acceptable failures. */
function expectOwnError(err: unknown): void {
  const ok = err instanceof StarfaceRestError || err instanceof TransportError;
  expect(ok, `unexpected ${(err as Error)?.name}: ${(err as Error)?.message}`).toBe(true);
  expect((err as Error).message.length).toBeGreaterThan(0);
}

/** For every random scenario: what `read` lists passes `check`, or it fails with the client's own error. */
function everyAnswer<T>(read: (dir: StarfaceDirectory) => Promise<T[]>, check: (item: T) => void): Promise<void> {
  return fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      current = s;
      const dir = new StarfaceDirectory({ baseUrl: base, login: '0001', password: 'pw', transport, requestTimeoutMs: 3_000 });
      try {
        for (const item of await read(dir)) check(item);
      } catch (err) {
        expectOwnError(err);
      }
    }),
    { numRuns: fuzzRuns(200) },
  );
}

describe('STARFACE REST directory readers under random answers (fast-check)', () => {
  it('lists users: well-typed users or its own error', async () => {
    await everyAnswer((dir) => dir.listUsers(), (u) => {
      expect(Number.isFinite(u.id)).toBe(true);
      for (const f of [u.login, u.email, u.firstName, u.familyName]) expect(typeof f).toBe('string');
    });
  }, fuzzTimeoutMs(60_000, 20));

  it('lists groups with member logins: well-typed groups or its own error', async () => {
    await everyAnswer((dir) => dir.listGroups(), (g) => {
      expect(Number.isFinite(g.id)).toBe(true);
      expect(typeof g.name).toBe('string');
      for (const m of g.members) expect(typeof m).toBe('string');
    });
  }, fuzzTimeoutMs(60_000, 20));
});
