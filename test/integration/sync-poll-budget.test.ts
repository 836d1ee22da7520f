// Issue 17 end to end: the engine against both simulators over real sockets reads Teams as often as configured
// (down to 0.25 s), widens the interval to keep its share of the tenant's presence budget and after a 429 from
// Graph, says why in the sync status; and with debounce on, a Teams status that flickers back within one cycle
// causes no PBX write.
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/core/engine-state.js';
import { FAST_TUNING, startSyncWorld, syncedLogins, waitFor, type SyncWorld } from './sync-helpers.js';

// The settings' poll interval decides here, not the tests' 300 ms override.
const { pollIntervalMs: _override, ...engineTuning } = FAST_TUNING.engine!;
const TUNING = { ...FAST_TUNING, engine: engineTuning };

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const reads = (w: SyncWorld): number => w.env.graph.stats().endpoints['getPresencesByUserId']?.count ?? 0;
const poll = (w: SyncWorld): SyncStatus['poll'] => w.service.host.syncStatus().poll;

describe('poll interval and the presence budget (issue 17)', () => {
  it('reads every 0.25 s as configured and says so in the sync status', async () => {
    world = await startSyncWorld({ users: 20, pollIntervalSeconds: 0.25, tuning: TUNING });
    await waitFor(() => poll(world!)?.reasonCode === 'poll-configured', 5_000, 'a poll status');
    expect(poll(world)).toMatchObject({ intervalMs: 250, configuredMs: 250, ceilingPercent: 25 });
    const before = reads(world);
    await new Promise((r) => setTimeout(r, 1_000));
    // 4 cycles a second (one request each at 20 users); a loaded machine may lose one.
    expect(reads(world) - before).toBeGreaterThanOrEqual(3);
  });

  it('widens the interval to stay within its share of a small tenant budget, and says why', async () => {
    // 100 requests per 30 s, 25 % of it for the bridge, a tenth of that kept for writes: 22.5 reads → 1.33 s.
    world = await startSyncWorld({
      users: 20, pollIntervalSeconds: 0.25, tuning: TUNING,
      settings: (s) => ({ ...s, sync: { ...s.sync, presenceRequestsPer30Seconds: 100 } }),
    });
    const events: SyncStatus[] = [];
    const unsubscribe = world.service.host.subscribe((e) => { if (e.type === 'state.sync') events.push(e.data); });
    await waitFor(() => reads(world!) >= 1, 5_000, 'the first read');
    const before = reads(world);
    await new Promise((r) => setTimeout(r, 2_000));
    unsubscribe();
    expect(reads(world) - before).toBeLessThanOrEqual(2); // 8 at the configured 0.25 s
    expect(poll(world)).toMatchObject({ reasonCode: 'poll-budget-share', configuredMs: 250, intervalMs: 1334, params: { limit: 100, ceilingPercent: 25, readsPerCycle: 1 } });
    expect(events.some((s) => s.poll?.reasonCode === 'poll-budget-share')).toBe(true);
  });

  it('after a 429 from Graph waits for Retry-After and doubles the interval, saying why', async () => {
    world = await startSyncWorld({ users: 20, pollIntervalSeconds: 0.25, tuning: TUNING });
    await waitFor(() => reads(world!) >= 2, 5_000, 'cycles');
    world.env.graph.injectFaults({ throttle: { count: 1, retryAfterSeconds: 1, endpoints: ['getPresencesByUserId'] } });
    await waitFor(() => poll(world!)?.reasonCode === 'poll-throttled', 5_000, 'the throttled status');
    expect(poll(world)).toMatchObject({ intervalMs: 500, params: { retryAfterMs: 1_000, factor: 2 } });
    expect(poll(world)?.pausedUntil).toBeDefined();
    // Nothing before the Retry-After, and the loop goes on afterwards.
    const after = reads(world);
    await waitFor(() => reads(world!) >= after + 2, 5_000, 'reads after the pause');
    expect(world.env.graph.stats().throttle.earlyRetries).toBe(0);
  });
});

describe('debounce (issue 17 item 2)', () => {
  /** Resolves right after the engine reports the next finished cycle. */
  function nextCycle(w: SyncWorld): Promise<void> {
    const start = w.service.host.syncStatus().counters.cycles;
    return waitFor(() => w.service.host.syncStatus().counters.cycles > start, 5_000, 'a cycle').then(() => undefined);
  }

  it('with debounceCycles 1, a Teams status that flickers back within one cycle makes no PBX write; one that stays is written a cycle later', async () => {
    world = await startSyncWorld({
      users: 6, pollIntervalSeconds: 1, tuning: TUNING,
      settings: (s) => ({ ...s, sync: { ...s.sync, debounceCycles: 1 } }),
    });
    const w = world;
    const login = syncedLogins(w)[0]!;
    await waitFor(() => w.pbxUser(login).chatPresenceMessage === 'Offline', 10_000, 'the first sync');
    await nextCycle(w);
    const writes = await w.pbxWrites();

    // Flicker: in a meeting for one cycle, then back.
    w.setTeams(login, 'Busy', 'InAMeeting');
    await nextCycle(w);
    w.setTeams(login, 'Offline');
    await nextCycle(w);
    await nextCycle(w);
    expect(await w.pbxWrites()).toBe(writes);
    expect(w.pbxUser(login).dnd).toBe(false);

    // A change that stays: held for one cycle, written after the next.
    w.setTeams(login, 'Busy', 'InAMeeting');
    await nextCycle(w);
    await new Promise((r) => setTimeout(r, 300)); // a write would have landed by now
    expect(await w.pbxWrites()).toBe(writes);
    await nextCycle(w);
    await waitFor(() => w.pbxUser(login).dnd, 5_000, 'DND on the PBX');
  });
});
