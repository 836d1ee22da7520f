// Issue 13 item 2: a token endpoint 5xx must cost seconds, not a minute, and a token Graph rejected (401) is
// never sent again. Real MSAL, real Graph client, the simulator over HTTPS.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import { createTeamsClients, MicrosoftAuth, PresenceReadError, TokenRequestError, type TeamsClients } from '../../src/teams/index.js';

let sim: GraphSimulator;
let transport: HttpTransport;

beforeAll(async () => {
  sim = await startGraphSimulator({ users: 3 });
  transport = new HttpTransport({ extraCaPem: [sim.caPem], connectTimeoutMs: 2000, readTimeoutMs: 5000 });
});

afterAll(async () => {
  transport.close();
  await sim.close();
});

beforeEach(() => {
  sim.clearFaults();
  sim.resetStats();
});

function clients(tokenRetry: { attempts?: number; baseMs?: number } = {}): TeamsClients {
  const auth = new MicrosoftAuth({
    tenantId: sim.tenant.tenantId, clientId: sim.app.clientId, authorityHost: sim.url, transport,
    appCredential: { kind: 'secret', clientSecret: sim.app.clientSecret! },
    tokenRetry: { baseMs: 200, ...tokenRetry },
  });
  return createTeamsClients({
    transport, auth, clientId: sim.app.clientId, graphBaseUrl: sim.graphBaseUrl, presenceRead: 'application',
    retry: { backoffBaseMs: 20, backoffMaxMs: 50 },
  });
}

const ids = (): string[] => sim.tenant.users.map((u) => u.id);
const graph401 = (): number => sim.stats().endpoints.getPresencesByUserId?.statuses['401'] ?? 0;

describe('token endpoint outage', () => {
  it('one 503 without Retry-After from the token endpoint delays a read by about a second, not a minute', async () => {
    const c = clients({ baseMs: 1_000 });
    await c.reader.read(ids());
    sim.revokeTokens();
    sim.injectFaults({ errors: { count: 1, status: 503, endpoints: ['token'] } });
    const started = Date.now();
    const r = await c.reader.read(ids());
    const took = Date.now() - started;
    expect(r.presences.size).toBe(3);
    expect(took).toBeLessThan(5_000);
    expect(graph401()).toBe(1);
    // The next read uses the fresh token from the cache: no further 401.
    await c.reader.read(ids());
    expect(graph401()).toBe(1);
  });

  it('never sends a token Graph rejected while the token endpoint keeps failing, and recovers when it answers again', async () => {
    const c = clients({ attempts: 2, baseMs: 50 });
    await c.reader.read(ids());
    sim.revokeTokens();
    sim.injectFaults({ errors: { count: 1000, status: 503, endpoints: ['token'] } });
    for (let i = 0; i < 4; i++) {
      const err = await c.reader.read(ids()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PresenceReadError);
      const cause = (err as PresenceReadError).cause;
      expect(cause).toBeInstanceOf(TokenRequestError);
      expect((cause as TokenRequestError).code).toBe('microsoft-sign-in-unavailable');
      expect((cause as TokenRequestError).message).toMatch(/^Microsoft sign-in temporarily failing/);
    }
    // Only the first failing read sent the revoked token; the other three did not call Graph at all
    // (2 = the read before the revocation + that one).
    expect(graph401()).toBe(1);
    expect(sim.stats().endpoints.getPresencesByUserId?.count).toBe(2);

    sim.clearFaults();
    const r = await c.reader.read(ids());
    expect(r.presences.size).toBe(3);
    expect(graph401()).toBe(1);
  });

  it('gives up at once on a token endpoint Retry-After longer than the inline limit, with retryAfterMs', async () => {
    const c = clients();
    sim.injectFaults({ errors: { count: 1, status: 503, retryAfterSeconds: 120, endpoints: ['token'] } });
    const started = Date.now();
    const err = await c.reader.read(ids()).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    const cause = (err as PresenceReadError).cause as TokenRequestError;
    expect(cause.code).toBe('microsoft-sign-in-unavailable');
    expect(cause.retryAfterMs).toBe(120_000);
  });

  it('keeps a refused token request (wrong secret) a configuration error, not a temporary one', async () => {
    const auth = new MicrosoftAuth({
      tenantId: sim.tenant.tenantId, clientId: sim.app.clientId, authorityHost: sim.url, transport,
      appCredential: { kind: 'secret', clientSecret: 'wrong' },
    });
    const err = await auth.getAppToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as TokenRequestError).code).toBe('microsoft-token-refused');
    expect((err as Error).message).toMatch(/AADSTS7000215/);
  });
});
