// The sync status follows the UCI sessions' health without a scan of every user per session status change,
// and subscribers (every open settings page) get a state.sync event when the state changes, not one per login:
// 200 sessions logging in, and all of them lost in a PBX restart. Both simulators over real sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/control/contract.js';
import { startSyncWorld, syncedLogins, waitFor, waitForConvergence, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;
const events: SyncStatus[] = [];

beforeAll(async () => {
  w = await startSyncWorld({ users: 200, start: false });
  w.service.host.subscribe((e) => {
    if (e.type === 'state.sync') events.push(e.data);
  });
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('sync status events', () => {
  it('200 logins at start-up cost a handful of state.sync events, and the last one says running', async () => {
    const t0 = Date.now();
    await w.service.start();
    await waitForConvergence(w, 30_000);
    await waitFor(() => events.at(-1)?.state === 'running' && events.at(-1)?.reason === undefined, 5_000, 'running event');
    const seconds = (Date.now() - t0) / 1000;
    const cycles = w.service.host.syncStatus().counters.cycles;
    // One per cycle, one per second while only the count of sessions still logging in changes, and one per
    // change of state (starting, running, degraded, running) — not one (or two) per login, as before.
    expect(events.length).toBeLessThanOrEqual(cycles + Math.ceil(seconds) + 4);
    expect(events[0]!.state).toBe('starting');
  });

  it('a PBX restart shows as degraded with the count of lost sessions, then running again', async () => {
    events.length = 0;
    const t0 = Date.now();
    const cyclesBefore = w.service.host.syncStatus().counters.cycles;
    const res = await fetch(`${w.env.starface.url}/_sim/restart`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ downMs: 1_000 }),
    });
    expect(res.status).toBe(200);
    // One session per synced person (200): the PBX administrator account is not synced.
    const people = syncedLogins(w).length;
    expect(people).toBe(200);
    await waitFor(() => events.some((e) => e.state === 'degraded' && new RegExp(`\\d+ of ${people} STARFACE sessions are not connected`).test(e.reason ?? '')), 15_000, 'degraded event');
    await waitFor(() => w.env.starface.pbx.sessionCount() >= people, 20_000, 'all sessions back');
    expect(w.env.starface.pbx.aliveSessions(w.env.starface.admin.login)).toHaveLength(0);
    await waitFor(() => events.at(-1)?.state === 'running' && w.service.host.syncStatus().state === 'running', 10_000, 'running again');
    const seconds = (Date.now() - t0) / 1000;
    const cycles = w.service.host.syncStatus().counters.cycles - cyclesBefore;
    // 200 sessions lost and back: two status changes each, but only a few events.
    expect(events.length).toBeLessThanOrEqual(cycles + Math.ceil(seconds) + 4);
    expect(w.service.host.syncStatus().reason).toBeUndefined();
  });
});
