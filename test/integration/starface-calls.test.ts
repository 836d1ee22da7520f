// Call events end to end over real sockets: calls scripted through /_sim/calls reach the bridge's callback
// server as ringing → in call → idle; a PBX restart is survived without restarting anything on our side.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { CallbackServer } from '../../src/starface/callback-server.js';
import type { TelephonyChange } from '../../src/starface/telephony.js';
import { UciSessionPool } from '../../src/starface/uci-session-pool.js';
import { DEFAULT_BEHAVIOUR } from '../../src/simulators/starface/options.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { simJson, waitFor, type SimUserDetail } from './starface-helpers.js';

describe('call events', () => {
  let sim: StarfaceSimulator;
  let transport: HttpTransport;
  let callbacks: CallbackServer;
  let pool: UciSessionPool;
  let changes: TelephonyChange[];
  const statesOf = (login: string): string[] => changes.filter((c) => c.login === login).map((c) => c.state);

  beforeAll(async () => {
    sim = await startStarfaceSimulator({ users: 20 });
    transport = new HttpTransport();
    callbacks = new CallbackServer({ reconcileGraceMs: 0 });
    await callbacks.start();
    const pw = new Map(sim.users.map((u) => [u.login, u.password]));
    pool = new UciSessionPool({
      baseUrl: sim.url, transport, callbackServer: callbacks, passwordFor: (l) => pw.get(l),
      settings: { keepAliveMs: 150, backoffInitialMs: 30, backoffMaxMs: 300, stateRefreshMs: 0 },
    });
    pool.on('telephony', (c) => changes.push(c));
    await pool.setUsers(sim.users.filter((u) => !u.admin).map((u) => u.login));
    expect(await pool.whenStarted()).toEqual({ connected: 20, failed: 0 });
  });
  beforeEach(() => {
    changes = [];
    sim.setBehaviour({ ...DEFAULT_BEHAVIOUR });
  });
  afterAll(async () => {
    await pool.close();
    await callbacks.close();
    transport.close();
    await sim.close();
  });

  it('an incoming call reaches the client as ringing → in call → idle', async () => {
    const call = await simJson<{ id: string }>(sim.url, '/_sim/calls', { to: '1001', from: '+4972112345' });
    await waitFor(() => callbacks.telephonyState('1001') === 'ringing', 'ringing');
    expect((await simJson<SimUserDetail>(sim.url, '/_sim/users/1001')).telephonyState).toBe('RINGING');
    expect(callbacks.activeCallIds('1001')).toEqual([call.id]);
    await simJson(sim.url, `/_sim/calls/${call.id}/answer`, {});
    await waitFor(() => callbacks.telephonyState('1001') === 'in-call', 'in call');
    expect((await pool.getUserState('1001')).telephonyState).toBe('ACTIVE');
    await simJson(sim.url, `/_sim/calls/${call.id}/hangup`, {});
    await waitFor(() => callbacks.telephonyState('1001') === 'idle', 'idle');
    expect(statesOf('1001')).toEqual(['ringing', 'in-call', 'idle']);
    expect(changes.at(-1)).toMatchObject({ login: '1001', state: 'idle', previous: 'in-call', callId: call.id, callState: 'HANGUP', callIds: [] });
  });

  it('an outgoing call (PROCEEDING) counts as in call; a missed call goes ringing → idle', async () => {
    const out = await simJson<{ id: string }>(sim.url, '/_sim/calls', { from: '1002', to: '+4930999' });
    await waitFor(() => callbacks.telephonyState('1002') === 'in-call', 'outgoing in call');
    await simJson(sim.url, `/_sim/calls/${out.id}/hangup`, {});
    const missed = await simJson<{ id: string }>(sim.url, '/_sim/calls', { to: '1003', from: '+4989111' });
    await waitFor(() => callbacks.telephonyState('1003') === 'ringing', 'ringing');
    await simJson(sim.url, `/_sim/calls/${missed.id}/hangup`, {});
    await waitFor(() => statesOf('1002').length === 2 && statesOf('1003').length === 2, 'both calls ended');
    expect(statesOf('1002')).toEqual(['in-call', 'idle']);
    expect(statesOf('1003')).toEqual(['ringing', 'idle']);
  });

  it('an internal call rings the callee and puts the caller in a call; group calls ring every member', async () => {
    const internal = await simJson<{ id: string }>(sim.url, '/_sim/calls', { from: '1004', to: '1005' });
    await waitFor(() => callbacks.telephonyState('1005') === 'ringing' && callbacks.telephonyState('1004') === 'in-call', 'internal call');
    await simJson(sim.url, `/_sim/calls/${internal.id}/hangup`, {});
    // Support = users 1001, 1004, 1007, …, 1019 (every third).
    const group = await simJson<{ id: string; groupID: string }>(sim.url, '/_sim/calls', { to: 'Support', from: '+4940123' });
    expect(group.groupID).toMatch(/^group-/);
    await waitFor(() => ['1001', '1007', '1019'].every((l) => callbacks.telephonyState(l) === 'ringing'), 'all members ringing');
    await simJson(sim.url, `/_sim/calls/${group.id}/answer`, { by: '1007' });
    await waitFor(() => callbacks.telephonyState('1007') === 'in-call' && callbacks.telephonyState('1001') === 'idle', 'one answered, others stop ringing');
    await simJson(sim.url, `/_sim/calls/${group.id}/hangup`, {});
    await waitFor(() => callbacks.telephonyState('1007') === 'idle', 'group call ended');
  });

  it('copes with an empty first event and dateTime timestamps (simulator options)', async () => {
    sim.setBehaviour({ emptyFirstCallEvent: true, callbackTimestamp: 'dateTime' });
    const seen: string[] = [];
    const onCall = (e: { login: string; state: string; timestamp: string }): void => {
      if (e.login === '1006') seen.push(`${e.state}@${e.timestamp}`);
    };
    callbacks.on('callState', onCall);
    const call = await simJson<{ id: string }>(sim.url, '/_sim/calls', { to: '1006', from: '+4972100' });
    await simJson(sim.url, `/_sim/calls/${call.id}/answer`, {});
    await simJson(sim.url, `/_sim/calls/${call.id}/hangup`, {});
    await waitFor(() => statesOf('1006').at(-1) === 'idle', 'idle');
    callbacks.off('callState', onCall);
    expect(statesOf('1006')).toEqual(['ringing', 'in-call', 'idle']);
    expect(seen[0]).toMatch(/^@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/); // a dateTime.iso8601 decoded to a Date
    expect(seen.slice(1).map((s) => s.split('@')[0])).toEqual(['INCOMING', 'RINGING', 'CONNECTED', 'HANGUP']);
  });

  it('survives a PBX restart: sessions come back, a call cut by the restart ends, and events flow again', async () => {
    const cut = await simJson<{ id: string }>(sim.url, '/_sim/calls', { to: '1010', from: '+4972155' });
    await waitFor(() => callbacks.telephonyState('1010') === 'ringing', 'ringing before restart');
    const relogins = pool.stats().relogins;
    const { droppedSessions } = await simJson<{ droppedSessions: number }>(sim.url, '/_sim/restart', { downMs: 300 });
    expect(droppedSessions).toBe(20);
    expect(sim.pbx.sessionCount()).toBe(0);
    await waitFor(() => sim.pbx.sessionCount() === 20 && pool.stats().byStatus.connected === 20, 'all 20 sessions back', 10_000);
    expect(pool.stats().relogins).toBeGreaterThanOrEqual(relogins + 20);
    // The restart dropped the call; the re-read state (AVAILABLE) ends it on our side.
    await waitFor(() => callbacks.telephonyState('1010') === 'idle', 'cut call reconciled');
    expect(sim.pbx.call(cut.id)).toBeUndefined();
    const after = await simJson<{ id: string }>(sim.url, '/_sim/calls', { to: '1011', from: '+4972166' });
    await waitFor(() => callbacks.telephonyState('1011') === 'ringing', 'events flowing after restart');
    await simJson(sim.url, `/_sim/calls/${after.id}/hangup`, {});
    await waitFor(() => callbacks.telephonyState('1011') === 'idle', 'idle after restart');
    const detail = await simJson<SimUserDetail>(sim.url, '/_sim/users/1011');
    expect(detail.sessions).toHaveLength(1);
    expect(detail.sessions[0]!.subscriptions).toEqual(['ucp.v30.events.call']);
  });
});
