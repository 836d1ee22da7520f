// Issue 15 item 3 (engine side): a failed Microsoft credential test shows an "invalid" banner; once the engine
// syncs again with the credential the banner's state clears by itself — no second manual test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncWorld, waitFor, waitForConvergence, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;

beforeAll(async () => {
  w = await startSyncWorld({ users: 3 });
  await waitForConvergence(w, 20_000);
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('banners clear on recovery', () => {
  it('app credential "invalid" from a failed test clears after the next good sync cycle', async () => {
    const host = w.service.host;
    // Every token request fails for a while: the test's token check fails.
    w.env.graph.injectFaults({ errors: { count: 50, status: 500, endpoints: ['token'] } });
    const report = await host.testConnection('microsoft', 'en');
    const token = report.checks.find((c) => c.id === 'app-token');
    expect(token?.ok).toBe(false);
    expect(host.authStatus().appCredential).toBe('invalid');
    // The fault is gone (Microsoft answers again): the engine's next good cycle clears the state.
    w.env.graph.injectFaults({ errors: undefined });
    await waitFor(() => host.authStatus().appCredential === 'ok', 10_000, 'the credential state to recover');
  });
});
