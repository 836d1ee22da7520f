// Directory, presence reading and writing with the real Graph client against the simulator over HTTPS,
// at 2,000 users, with throttling (429 + Retry-After), 5xx and the shared presence budget.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport, type HttpRequest, type HttpResponse } from '../../src/platform/http-transport.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import {
  createTeamsClients, DirectoryIndex, GraphRequestError, MicrosoftAuth, PresenceReadError,
  type TeamsClients, type TeamsClientsOptions,
} from '../../src/teams/index.js';

/** The real transport, noting when each request left and its answer came back (to check Retry-After). */
class RecordingTransport extends HttpTransport {
  log: Array<{ path: string; sentAt: number; doneAt: number; status: number; retryAfter?: string }> = [];
  override async request(req: HttpRequest): Promise<HttpResponse> {
    const sentAt = performance.now();
    const r = await super.request(req);
    this.log.push({ path: new URL(req.url).pathname, sentAt, doneAt: performance.now(), status: r.status, retryAfter: r.headers['retry-after'] });
    return r;
  }
}

/** Every request sent after a Retry-After answer arrived waited at least that long (1 ms clock tolerance). */
function assertRetryAfterHonoured(log: RecordingTransport['log'], path: string): number {
  let checked = 0;
  for (const answer of log.filter((e) => e.path === path && e.retryAfter !== undefined)) {
    const allowedAt = answer.doneAt + Number(answer.retryAfter) * 1000;
    for (const later of log.filter((e) => e.path === path && e.sentAt > answer.doneAt)) {
      expect(later.sentAt, `request sent ${Math.round(allowedAt - later.sentAt)} ms before Retry-After allowed`).toBeGreaterThanOrEqual(allowedAt - 1);
      checked++;
    }
  }
  return checked;
}

const N = 2000;
let sim: GraphSimulator;
let transport: RecordingTransport;
let auth: MicrosoftAuth;

beforeAll(async () => {
  sim = await startGraphSimulator({ users: N });
  transport = new RecordingTransport({ extraCaPem: [sim.caPem], connectTimeoutMs: 2000, readTimeoutMs: 10_000 });
  auth = new MicrosoftAuth({
    tenantId: sim.tenant.tenantId, clientId: sim.app.clientId, authorityHost: sim.url, transport,
    appCredential: { kind: 'secret', clientSecret: sim.app.clientSecret! },
  });
});

afterAll(async () => {
  transport.close();
  await sim.close();
});

beforeEach(async () => {
  await control('DELETE', 'faults');
  await control('POST', 'faults', { presenceBudget: { limit: 1500, windowSeconds: 30 } });
  await control('DELETE', 'stats');
  transport.log = [];
});

function clients(extra: Partial<TeamsClientsOptions> = {}): TeamsClients {
  return createTeamsClients({
    transport, auth, clientId: sim.app.clientId, graphBaseUrl: sim.graphBaseUrl, presenceRead: 'application',
    retry: { backoffBaseMs: 50, backoffMaxMs: 200 },
    ...extra,
  });
}

async function control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await transport.request({ url: `${sim.url}/_sim/${path}`, method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (r.status >= 300) throw new Error(`control ${method} ${path}: ${r.status} ${r.text()}`);
  return r.json();
}

interface Stats {
  endpoints: Record<string, { count: number; statuses: Record<string, number> }>;
  throttle: { responses429: number; earlyRetries: number };
}
async function stats(): Promise<Stats> {
  return (await control('GET', 'stats')) as unknown as Stats;
}

describe('directory', () => {
  it('pages through 2,000 users with $top=999 and $select, and finds people by e-mail', async () => {
    const c = clients();
    const users = await c.listUsers();
    expect(users).toHaveLength(N);
    expect(new Set(users.map((u) => u.id)).size).toBe(N);
    // 999 per page: three pages for 2,000 users (the default page size of 100 would need 20).
    expect((await stats()).endpoints.users!.count).toBe(Math.ceil(N / 999));
    // proxyAddresses are only returned with $select.
    expect(users[0]!.proxyAddresses[0]).toMatch(/^SMTP:/);

    const index = new DirectoryIndex(users);
    const someone = sim.tenant.users[1234]!;
    const hit = index.findByEmail(someone.mail!.toUpperCase());
    expect(hit).toMatchObject({ status: 'found', via: 'mail' });
    expect(hit.status === 'found' && hit.user.id).toBe(someone.id);
  });
});

describe('presence reader', () => {
  it('reads 2,000 users with exactly ceil(N/650) getPresencesByUserId requests per read', async () => {
    const c = clients();
    const ids = sim.tenant.users.map((u) => u.id);
    const target = sim.tenant.users[1999]!;
    await control('PUT', `presence/${encodeURIComponent(target.mail!)}`, { availability: 'Busy', activity: 'InAMeeting', outOfOffice: true });

    const first = await c.reader.read(ids);
    expect(first.presences.size).toBe(N);
    expect(first.requests).toBe(Math.ceil(N / 650));
    expect((await stats()).endpoints.getPresencesByUserId!.count).toBe(Math.ceil(N / 650));
    expect(first.presences.get(target.id)).toMatchObject({ availability: 'Busy', activity: 'InAMeeting', outOfOffice: true });
    expect(first.presences.get(ids[0]!)).toMatchObject({ availability: 'Offline', activity: 'Offline' });

    await control('PUT', `presence/${target.id}`, { availability: 'Available', outOfOffice: false });
    const second = await c.reader.read(ids);
    expect((await stats()).endpoints.getPresencesByUserId!.count).toBe(2 * Math.ceil(N / 650));
    expect(second.presences.get(target.id)).toMatchObject({ availability: 'Available', activity: 'Available', outOfOffice: false });
    expect(second.presences.get(target.id)!.sequenceNumber! > first.presences.get(target.id)!.sequenceNumber!).toBe(true);
    expect(second.stale).toEqual([]);
  });

  it('honours 429 Retry-After (no request before the time) and recovers without losing updates', async () => {
    // One request at a time, so the simulator's own early-retry count is exact (nothing is in flight
    // when it answers 429); the recording transport checks the same from the client's side.
    const c = clients({ reader: { concurrency: 1 } });
    const ids = sim.tenant.users.map((u) => u.id);
    await c.reader.read(ids);
    // The simulator's own budget: 4 presence requests per 2 s. The next read exceeds it.
    await control('POST', 'faults', { presenceBudget: { limit: 4, windowSeconds: 2 } });
    await c.reader.read(ids);
    const changed = sim.tenant.users.slice(0, 20);
    const reading = c.reader.read(ids);
    // Updates made while the client waits out the Retry-After must show in the result.
    for (const u of changed) await control('PUT', `presence/${u.id}`, { availability: 'DoNotDisturb', activity: 'Presenting' });
    const result = await reading;
    const s = await stats();
    expect(s.throttle.responses429).toBeGreaterThan(0);
    expect(s.throttle.earlyRetries).toBe(0);
    expect(assertRetryAfterHonoured(transport.log, '/v1.0/communications/getPresencesByUserId')).toBeGreaterThan(0);
    expect(result.presences.size).toBe(N);
    for (const u of changed) expect(result.presences.get(u.id)).toMatchObject({ availability: 'DoNotDisturb', activity: 'Presenting' });
  });

  it('waits out injected 429 bursts, gating every request to the endpoint', async () => {
    const c = clients();
    const ids = sim.tenant.users.map((u) => u.id);
    await control('POST', 'faults', { throttle: { count: 3, retryAfterSeconds: 1, endpoints: ['getPresencesByUserId'] } });
    // Every 429 is reported, also the ones retried inline, so the poll scheduler can widen its interval.
    const throttled: unknown[] = [];
    const unsubscribe = c.throttle.onThrottled((e) => throttled.push(e));
    const t0 = Date.now();
    const result = await c.reader.read(ids);
    const elapsed = Date.now() - t0;
    unsubscribe();
    const s = await stats();
    expect(result.presences.size).toBe(N);
    expect(s.endpoints.getPresencesByUserId!.statuses['429']).toBe(3);
    expect(throttled).toEqual(Array.from({ length: 3 }, () => ({ group: 'presence-read', presence: true, waitMs: 1000, retryAfterFromServer: true })));
    // Four requests were in flight together, so only the client-side record can tell what was sent when.
    expect(assertRetryAfterHonoured(transport.log, '/v1.0/communications/getPresencesByUserId')).toBeGreaterThan(0);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
  });

  it('backs off and retries a 503 without Retry-After', async () => {
    const c = clients();
    await control('POST', 'faults', { errors: { count: 2, status: 503, endpoints: ['getPresencesByUserId'] } });
    const result = await c.reader.read(sim.tenant.users.slice(0, 10).map((u) => u.id));
    expect(result.presences.size).toBe(10);
    expect((await stats()).endpoints.getPresencesByUserId!.statuses['503']).toBe(2);
  });

  it('hands a long Retry-After to the caller instead of blocking (retryAfterMs for the scheduler)', async () => {
    const c = clients({ retry: { maxInlineWaitMs: 500, backoffBaseMs: 50 } });
    await control('POST', 'faults', { throttle: { count: 1, retryAfterSeconds: 1, endpoints: ['getPresencesByUserId'] } });
    const e = await c.reader.read(sim.tenant.users.slice(0, 5).map((u) => u.id)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PresenceReadError);
    expect((e as PresenceReadError).retryAfterMs).toBe(1000);
    expect((e as Error).message).toMatch(/HTTP 429 TooManyRequests/);
    // The gate stays closed: an immediate second read waits instead of calling early.
    await control('DELETE', 'faults');
    const again = await c.reader.read(sim.tenant.users.slice(0, 5).map((u) => u.id));
    expect(again.presences.size).toBe(5);
    expect((await stats()).throttle.earlyRetries).toBe(0);
    expect(assertRetryAfterHonoured(transport.log, '/v1.0/communications/getPresencesByUserId')).toBe(1);
  });

  it('keeps itself under a shared budget so Graph never has to throttle', async () => {
    await control('POST', 'faults', { presenceBudget: { limit: 2, windowSeconds: 1 } });
    // The client counts when it sends, Graph when requests arrive: a little margin absorbs the difference.
    const c = clients({ presenceBudget: { limit: 2, windowSeconds: 1.5 } });
    const t0 = Date.now();
    const result = await c.reader.read(sim.tenant.users.map((u) => u.id));
    expect(result.presences.size).toBe(N);
    expect((await stats()).throttle.responses429).toBe(0);
    // 4 requests with 2 allowed per 1.5 s: the last two had to wait for the window.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
  });

  it('reads with the signed-in admin\'s delegated token when presenceRead is "delegated"', async () => {
    const admin = new MicrosoftAuth({ tenantId: sim.tenant.tenantId, clientId: sim.app.clientId, authorityHost: sim.url, transport });
    await admin.init();
    const c = clients({ auth: admin, presenceRead: 'delegated' });
    // Not signed in yet: a clear "sign in" error, not a crash.
    const e = await c.reader.read([sim.tenant.users[0]!.id]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PresenceReadError);
    expect((e as Error).message).toMatch(/Sign in to Microsoft/);
    await admin.signInWithDeviceCode({ onCode: (i) => { void control('POST', `devicecode/${i.userCode}/approve`); }, timeoutMs: 20_000 });
    const grantsBefore = (await stats() as unknown as { tokenGrants: Record<string, number> }).tokenGrants.client_credentials ?? 0;
    const r = await c.reader.read(sim.tenant.users.map((u) => u.id));
    expect(r.presences.size).toBe(N);
    // No application token was needed for reading.
    expect((await stats() as unknown as { tokenGrants: Record<string, number> }).tokenGrants.client_credentials ?? 0).toBe(grantsBefore);
  });

  it('surfaces a missing permission as a readable Graph error', async () => {
    const locked = await startGraphSimulator({
      tenant: {
        tenantId: '11111111-2222-3333-4444-555555555555',
        apps: [{ clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', clientSecret: 's3cret', application: ['User.Read.All'] }],
        users: [{ id: '00000000-0000-0000-0000-000000000001', userPrincipalName: 'a@contoso.example', mail: 'a@contoso.example' }],
      },
    });
    const t = new HttpTransport({ extraCaPem: [locked.caPem] });
    try {
      const a = new MicrosoftAuth({ tenantId: locked.tenant.tenantId, clientId: locked.app.clientId, authorityHost: locked.url, transport: t, appCredential: { kind: 'secret', clientSecret: 's3cret' } });
      const c = createTeamsClients({ transport: t, auth: a, clientId: locked.app.clientId, graphBaseUrl: locked.graphBaseUrl, presenceRead: 'application' });
      const e = await c.reader.read(['00000000-0000-0000-0000-000000000001']).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PresenceReadError);
      const cause = (e as PresenceReadError).cause;
      expect(cause).toBeInstanceOf(GraphRequestError);
      expect((cause as GraphRequestError).status).toBe(403);
      expect((e as Error).message).toMatch(/Presence\.Read\.All/);
      expect((e as Error).message).toMatch(/admin consent/);
    } finally {
      t.close();
      await locked.close();
    }
  });
});

describe('presence writer', () => {
  it('sets the app session, keeps it alive, and clears it (404 = already clear)', async () => {
    const c = clients({ writer: { refreshEveryMs: 150 } });
    const user = sim.tenant.users[42]!;
    await control('PUT', `presence/${user.id}`, { availability: 'Available' });
    await c.writer.hold(user.id, { availability: 'busy', activity: 'inacall' });
    let view = await control('GET', `presence/${user.id}`) as { sessions: Array<{ sessionId: string; expiresAt: string; setAt: string }>; presence: { availability: string; activity: string } };
    expect(view.sessions).toHaveLength(1);
    expect(view.sessions[0]!.sessionId).toBe(sim.app.clientId);
    expect(Date.parse(view.sessions[0]!.expiresAt) - Date.parse(view.sessions[0]!.setAt)).toBe(5 * 60_000);
    expect(view.presence).toEqual({ availability: 'Busy', activity: 'InACall', outOfOffice: false, sequenceNumber: expect.any(String) });

    // Keep-alive refreshes before expiry while held.
    const startCount = (await stats()).endpoints.setPresence!.count;
    await new Promise((r) => setTimeout(r, 500));
    expect((await stats()).endpoints.setPresence!.count).toBeGreaterThanOrEqual(startCount + 2);

    expect(await c.writer.release(user.id)).toBe('cleared');
    view = await control('GET', `presence/${user.id}`) as typeof view;
    expect(view.sessions).toHaveLength(0);
    expect(view.presence).toMatchObject({ availability: 'Available', activity: 'Available' });
    const afterRelease = (await stats()).endpoints.setPresence!.count;
    await new Promise((r) => setTimeout(r, 300));
    expect((await stats()).endpoints.setPresence!.count).toBe(afterRelease);
    expect(await c.writer.clearPresence(user.id)).toBe('already-clear');
  });

  it('rejects pairs Teams does not accept, before calling Graph', async () => {
    const c = clients();
    await expect(c.writer.setPresence(sim.tenant.users[0]!.id, { availability: 'Busy', activity: 'InAMeeting' })).rejects.toThrow(/Busy\/InACall/);
    expect((await stats()).endpoints.setPresence).toBeUndefined();
  });

  it('closing with clear releases every held session', async () => {
    const c = clients();
    const a = sim.tenant.users[7]!.id;
    const b = sim.tenant.users[8]!.id;
    await c.writer.hold(a, { availability: 'DoNotDisturb', activity: 'Presenting' });
    await c.writer.hold(b, { availability: 'Busy', activity: 'InAConferenceCall' });
    expect(c.writer.heldUsers().sort()).toEqual([a, b].sort());
    await c.writer.close({ clear: true });
    for (const id of [a, b]) expect(((await control('GET', `presence/${id}`)) as { sessions: unknown[] }).sessions).toHaveLength(0);
  });
});
