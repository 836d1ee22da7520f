// UCI sessions and the pool against the simulator over real sockets: 200 logins with bounded concurrency,
// DND and chat text written and read back, and the client under every simulator setting for the facts the
// reference marks unknown (DND flag, chat presence setter, unknown-method answer, v22/v30, session timeout,
// HTML login pages, HTTP errors).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { createLogger } from '../../src/platform/logger.js';
import { CallbackServer } from '../../src/starface/callback-server.js';
import { UciNotConnectedError } from '../../src/starface/errors.js';
import type { UciSessionSettings } from '../../src/starface/options.js';
import { UciSession } from '../../src/starface/uci-session.js';
import { UciSessionPool } from '../../src/starface/uci-session-pool.js';
import { DEFAULT_BEHAVIOUR } from '../../src/simulators/starface/options.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { simJson, waitFor, type SimUserDetail } from './starface-helpers.js';

const FAST: Partial<UciSessionSettings> = { keepAliveMs: 200, backoffInitialMs: 30, backoffMaxMs: 200, stateRefreshMs: 0, requestTimeoutMs: 3_000 };

describe('UciSessionPool with 200 users', () => {
  let sim: StarfaceSimulator;
  let transport: HttpTransport;
  let callbacks: CallbackServer;
  let pool: UciSessionPool;
  beforeAll(async () => {
    // A PBX whose getUserState carries a DND flag (not the default: real PBXs show none), to test reading it back.
    sim = await startStarfaceSimulator({ users: 200, behaviour: { userStateDndKey: 'doNotDisturb' } });
    transport = new HttpTransport();
    callbacks = new CallbackServer();
    await callbacks.start();
  });
  afterAll(async () => {
    await pool?.close();
    await callbacks.close();
    transport.close();
    await sim.close();
  });

  it('logs in 200 sessions with at most maxConcurrentLogins at a time, all subscribed to call events', async () => {
    const passwords = new Map(sim.users.map((u) => [u.login, u.password]));
    pool = new UciSessionPool({
      baseUrl: sim.url, transport, callbackServer: callbacks, maxConcurrentLogins: 10,
      passwordFor: (login) => passwords.get(login), settings: { ...FAST, keepAliveMs: 5_000 },
    });
    let maxInFlight = 0;
    const sampler = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, pool.loginsInFlight);
    }, 1);
    const logins = sim.users.filter((u) => !u.admin).map((u) => u.login);
    const t0 = Date.now();
    await pool.setUsers(logins);
    const started = await pool.whenStarted();
    clearInterval(sampler);
    expect(started).toEqual({ connected: 200, failed: 0 });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(10);
    expect(pool.stats().byStatus.connected).toBe(200);
    expect(sim.pbx.sessionCount()).toBe(200);
    const detail = await simJson<SimUserDetail>(sim.url, '/_sim/users/1150');
    expect(detail.sessions).toHaveLength(1);
    expect(detail.sessions[0]!.subscriptions).toEqual(['ucp.v30.events.call']);
    expect(detail.sessions[0]!.callback).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/starface\/events\/[A-Za-z0-9_-]{32}$/);
  });

  it('sets DND and chat text and reads them back; sees a DND key pressed on the phone', async () => {
    await pool.setDnd('1007', true);
    await pool.setChatPresenceMessage('1007', 'Im Teams-Meeting');
    const detail = await simJson<SimUserDetail>(sim.url, '/_sim/users/1007');
    expect(detail).toMatchObject({ dnd: true, chatPresenceMessage: 'Im Teams-Meeting' });
    expect(await pool.getUserState('1007')).toMatchObject({ dnd: true, dndFrom: 'pbx', chatPresenceMessage: 'Im Teams-Meeting', telephonyState: 'AVAILABLE', telephony: 'idle' });
    await simJson(sim.url, '/_sim/users/1007/dnd', { dnd: false });
    expect(await pool.getUserState('1007')).toMatchObject({ dnd: false, dndFrom: 'pbx' });
    // Writes of one user keep their order.
    await Promise.all([pool.setDnd('1008', true), pool.setDnd('1008', false), pool.setDnd('1008', true)]);
    expect(sim.pbx.user('1008')!.dnd).toBe(true);
    const caps = pool.capabilities();
    expect(caps).toMatchObject({ canSetDnd: true, canSetChatPresenceMessage: true, dndReadable: true, canSetChatPresence: false, canSetTelephonyState: false });
    expect(caps.reasons.canSetChatPresence).toMatch(/no UCI request to set the chat presence/);
    expect(caps.reasons.canSetTelephonyState).toMatch(/derives the telephony state/);
  });

  it('rejects a write for a user outside the selection', async () => {
    await expect(pool.setDnd('9999', true)).rejects.toBeInstanceOf(UciNotConnectedError);
  });

  it('removes users no longer selected and logs them out', async () => {
    const keep = pool.logins().slice(0, 150);
    await pool.setUsers(keep);
    expect(pool.size).toBe(150);
    expect(sim.pbx.sessionCount()).toBe(150);
  });
});

describe('UciSession under every simulator setting', () => {
  let sim: StarfaceSimulator;
  let transport: HttpTransport;
  const sessions: UciSession[] = [];
  const open = (login: string, settings: Partial<UciSessionSettings> = {}, extra: Partial<ConstructorParameters<typeof UciSession>[0]> = {}): UciSession => {
    const s = new UciSession({ baseUrl: sim.url, login, password: `Pass${login}`, transport, settings: { ...FAST, discoverServices: false, ...settings }, ...extra });
    sessions.push(s);
    return s;
  };
  beforeAll(async () => {
    sim = await startStarfaceSimulator({ users: 10 });
    transport = new HttpTransport();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
    sim.setBehaviour({ ...DEFAULT_BEHAVIOUR });
    await simJson(sim.url, '/_sim/faults', {}, 'DELETE');
  });
  afterAll(async () => {
    transport.close();
    await sim.close();
  });

  it('without a DND flag in getUserState (the default) relies on what it wrote, and says so in the capabilities', async () => {
    const s = open('1001');
    await s.start();
    expect(s.lastState).toMatchObject({ dnd: undefined, dndFrom: 'unknown' });
    await s.setDnd(true);
    expect(await s.getUserState()).toMatchObject({ dnd: true, dndFrom: 'written' });
    expect(s.facts.dndInUserState).toBe(false);
    sim.setBehaviour({ userStateDndKey: 'dnd' });
    expect(await s.getUserState()).toMatchObject({ dnd: true, dndFrom: 'pbx' });
  });

  it('remembers a write the PBX refuses with a fault as a capability fact, until a write succeeds', async () => {
    const s = open('1003');
    await s.start();
    // Values of the wrong type make the simulator answer a real XML-RPC fault.
    await expect(s.setDnd('yes' as unknown as boolean)).rejects.toThrow(/setDoNotDisturbSetting expects one boolean/);
    await expect(s.setChatPresenceMessage(7 as unknown as string)).rejects.toThrow(/must be a string/);
    expect(s.facts.dndWriteRejected).toMatch(/setDoNotDisturbSetting expects one boolean/);
    expect(s.facts.chatMessageWriteRejected).toMatch(/must be a string/);
    await s.setDnd(true);
    await s.setChatPresenceMessage('Im Meeting');
    expect(s.facts.dndWriteRejected).toBeUndefined();
    expect(s.facts.chatMessageWriteRejected).toBeUndefined();
  });

  it('finds a chat presence setter where the PBX has one, and uses it', async () => {
    sim.setBehaviour({ chatPresenceSetter: true });
    const s = open('1002');
    await s.start();
    expect(s.facts.chatPresenceSetter).toBe(true);
    await s.setChatPresence('AWAY');
    expect(sim.pbx.user('1002')!.chatPresence).toBe('AWAY');
  });

  it.each(['fault', 'http404'] as const)('treats a missing chat presence setter (unknown method answered as %s) as a capability, not a lost session', async (answer) => {
    sim.setBehaviour({ unknownMethodAnswer: answer });
    const s = open('1003');
    expect(await s.start()).toBe(true);
    expect(s.facts.chatPresenceSetter).toBe(false);
    await expect(s.setChatPresence('AWAY')).rejects.toThrow(/no UCI request to set the chat presence/);
    expect(s.status).toBe('connected');
    expect(s.stats.relogins).toBe(0);
  });

  it('speaks v22 when set to, and reports a v30 client against a v22-only PBX as a failing login', async () => {
    sim.setBehaviour({ uciApis: ['v22'] });
    sim.pbx.resetStats();
    const v22 = open('1004', { uciApi: 'v22' });
    expect(await v22.start()).toBe(true);
    await v22.setDnd(true);
    expect(sim.pbx.stats()['ucp.v22.requests.userState.setDoNotDisturbSetting']).toBe(1);
    const v30 = open('1005');
    expect(await v30.start()).toBe(false);
    expect(v30.status).toBe('reconnecting');
    expect(v30.lastError).toMatch(/fault 0: No such handler: ucp\.v30\.requests\.connection\.login/);
  });

  it('subscribes with an array argument when set to', async () => {
    const s = open('1006', { subscribeArgument: 'array' }, { callback: { type: 'http', host: '127.0.0.1', port: 9, path: '/cb/x' } });
    expect(await s.start()).toBe(true);
    expect((await simJson<SimUserDetail>(sim.url, '/_sim/users/1006')).sessions[0]!.subscriptions).toEqual(['ucp.v30.events.call']);
  });

  it('keeps the session alive with keepAlive under a short server-side timeout, and logs in again when it lapsed', async () => {
    // Generous margins: the build machines are often busy, and a stalled event loop must not look like a lapse.
    sim.setBehaviour({ uciSessionTimeoutMs: 800 });
    const alive = open('1007', { keepAliveMs: 100 });
    await alive.start();
    await waitFor(() => alive.stats.keepAlives >= 8, 'eight keepAlives', 10_000);
    expect(alive.stats.relogins).toBe(0);
    // The first keepAlive comes after 50–100 % of the period (spread), so 2 s is always past the 0.8 s timeout.
    const lapsing = open('1008', { keepAliveMs: 2_000 });
    await lapsing.start();
    // relogins counts the login request; the session is 'connected' once it has re-read the state too.
    await waitFor(() => lapsing.stats.relogins >= 1 && lapsing.status === 'connected', 're-login after the server dropped the session', 8_000);
  });

  it('recovers from an HTML login page and from HTTP 503 once the PBX answers normally again', async () => {
    const log = createLogger({ level: 'debug' });
    const s = open('1009', {}, { logger: log });
    await s.start();
    await simJson(sim.url, '/_sim/faults', { htmlLoginPage: true });
    const err = await s.setDnd(true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UciNotConnectedError);
    expect((err as Error).message).toMatch(/HTML page/);
    expect(s.status).toBe('reconnecting');
    await simJson(sim.url, '/_sim/faults', { errorRate: 1, errorStatus: 503 });
    await new Promise((r) => setTimeout(r, 300));
    expect(s.status).toBe('reconnecting');
    await simJson(sim.url, '/_sim/faults', {}, 'DELETE');
    await waitFor(() => s.status === 'connected', 'session back after faults cleared');
    await s.setDnd(true);
    expect(sim.pbx.user('1009')!.dnd).toBe(true);
    const text = JSON.stringify(log.ring.entries());
    expect(text).toMatch(/UCI session lost; logging in again/);
    expect(text).not.toMatch(/Pass1009/);
    expect(text).not.toMatch(/1009:[0-9a-f]{128}/);
    await log.close();
  });

  it('reports a refused login (no UCI right) and a missing password without crashing', async () => {
    const sim2 = await startStarfaceSimulator({ users: [{ login: '2001', password: 'x', uci: false }] });
    try {
      const refused = new UciSession({ baseUrl: sim2.url, login: '2001', password: 'x', transport, settings: FAST });
      sessions.push(refused);
      expect(await refused.start()).toBe(false);
      expect(refused.lastError).toMatch(/UciIllegalAccessException/);
      sim2.setBehaviour({ loginDeniedAnswer: 'false' });
      await waitFor(() => /refused the UCI login/.test(refused.lastError ?? ''), 'login answered false');
      const nopw = new UciSession({ baseUrl: sim2.url, login: '2001', password: async () => undefined, transport, settings: FAST });
      sessions.push(nopw);
      expect(await nopw.start()).toBe(false);
      expect(nopw.lastError).toMatch(/no UCI password stored for user 2001/);
    } finally {
      await Promise.all(sessions.splice(0).map((s) => s.stop()));
      await sim2.close();
    }
  });

  it('re-reads the state on its timer (stateRefreshMs): sees a DND key press and survives a restart on that path', async () => {
    sim.setBehaviour({ userStateDndKey: 'doNotDisturb' }); // a PBX that reports DND back
    const s = open('1005', { keepAliveMs: 60, stateRefreshMs: 100 });
    const seen: (boolean | undefined)[] = [];
    s.on('userState', (st) => seen.push(st.dnd));
    await s.start();
    await simJson(sim.url, '/_sim/users/1005/dnd', { dnd: true });
    await waitFor(() => seen.at(-1) === true, 'DND key press seen by the periodic refresh');
    await simJson(sim.url, '/_sim/restart', {});
    await waitFor(() => s.stats.relogins >= 1 && s.status === 'connected', 're-login after restart');
    expect(sim.pbx.aliveSessions('1005')).toHaveLength(1);
  });

  it('accepts legacy MD5 tokens where the PBX still expects them', async () => {
    sim.setBehaviour({ acceptMd5Tokens: true });
    const s = open('1010', { tokenAlgorithm: 'md5' });
    expect(await s.start()).toBe(true);
  });
});
