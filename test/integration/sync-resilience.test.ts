// Faults that must not lose a change: a PBX restart (all UCI sessions dropped, PBX down for a moment) and a
// Graph 429 burst on the presence reads. 200 users, both simulators over real sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncWorld, syncedLogins, waitFor, waitForConvergence, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;

beforeAll(async () => {
  w = await startSyncWorld({ users: 200 });
  await waitForConvergence(w, 30_000);
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('faults', () => {
  it('survives a PBX restart: changes made while it was down arrive, and call events flow again', async () => {
    const changed = ['1040', '1041', '1042', '1043', '1044'];
    const res = await fetch(`${w.env.starface.url}/_sim/restart`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ downMs: 1_500 }),
    });
    expect(res.status).toBe(200);
    for (const l of changed) w.setTeams(l, 'Busy', 'InAMeeting');
    await waitFor(() => changed.every((l) => w.pbxUser(l).dnd && w.pbxUser(l).chatPresenceMessage === 'Beschäftigt – In einer Besprechung'), 20_000, 'changes after restart');
    // One session per synced person; the PBX administrator account the bridge logs in with is not synced.
    await waitFor(() => w.env.starface.pbx.sessionCount() >= syncedLogins(w).length, 20_000, 'all sessions back');
    expect(w.env.starface.pbx.aliveSessions(w.env.starface.admin.login)).toHaveLength(0);

    const login = '1045';
    const id = w.env.microsoftIdOf(login);
    const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: login });
    w.env.starface.pbx.answer(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 1, 3_000, 'Teams session after restart');
    w.env.starface.pbx.hangup(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 3_000, 'Teams session cleared');
    await waitFor(() => w.service.host.syncStatus().state === 'running', 10_000, 'running again');
  });

  it('survives a Graph 429 burst without an early retry and without losing the change', async () => {
    w.env.graph.resetStats();
    w.env.graph.injectFaults({ throttle: { count: 5, retryAfterSeconds: 1, endpoints: ['getPresencesByUserId'] } });
    w.setTeams('1050', 'DoNotDisturb', 'DoNotDisturb');
    w.setTeams('1051', 'Away', 'Away');
    await waitFor(() => w.pbxUser('1050').dnd && w.pbxUser('1051').chatPresenceMessage === 'Abwesend', 20_000, 'changes after the burst');
    const stats = w.env.graph.stats();
    expect(stats.throttle.responses429).toBe(5);
    expect(stats.throttle.earlyRetries).toBe(0);
    await waitFor(() => w.service.host.syncStatus().state === 'running', 10_000, 'running again');
  });

  it('survives presence write failures during a call: the session is set once Graph answers again', async () => {
    w.env.graph.injectFaults({ errors: { count: 2, status: 503, endpoints: ['setPresence'] } });
    const login = '1052';
    const id = w.env.microsoftIdOf(login);
    const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: login });
    w.env.starface.pbx.answer(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 1, 10_000, 'Teams session despite 503s');
    w.env.starface.pbx.hangup(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 5_000, 'cleared');
  });
});
