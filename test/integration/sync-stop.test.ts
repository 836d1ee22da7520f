// Stop without restore logs every UCI session out — bounded, so thousands of logouts never race their short
// deadline and none stays open on the PBX. 300 users, both simulators over real sockets, a PBX that takes
// 20 ms per request like a real network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../src/simulators/starface/options.js';
import { startSyncWorld, syncedLogins, waitForConvergence, type SyncWorld } from './sync-helpers.js';

const USERS = 300;
let w: SyncWorld;

beforeAll(async () => {
  w = await startSyncWorld({ users: USERS });
  await waitForConvergence(w, 45_000);
  await w.service.host.syncEngine!.idle();
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('stop', () => {
  it('logs every session out within a few seconds and leaves none open on the PBX', async () => {
    const pbx = w.env.starface.pbx;
    // One UCI session per person; the PBX administrator account the bridge logs in with is not synced.
    expect(syncedLogins(w)).toHaveLength(USERS);
    expect(pbx.sessionCount()).toBe(USERS);
    expect(pbx.aliveSessions(w.env.starface.admin.login)).toHaveLength(0);
    pbx.faults = { ...NO_FAULTS, delayMs: 20 };
    const t0 = Date.now();
    await w.service.host.stop({ restore: false });
    const elapsed = Date.now() - t0;
    expect(w.service.host.syncStatus().state).toBe('stopped');
    // Stop resolves only after the logouts: nothing is left for the PBX's own session timeout.
    expect(pbx.sessionCount()).toBe(0);
    // 300 logouts, 16 at a time (maxConcurrentLogins), 20 ms each ≈ 0.4 s; generous for a loaded machine.
    expect(elapsed).toBeLessThan(10_000);
  });
});
