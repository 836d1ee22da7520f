// Delegated presence reads: without a signed-in administrator the sync says "signed-out" (a state, not a crash);
// after a device-code sign-in it runs on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncWorld, waitFor, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;

beforeAll(async () => {
  w = await startSyncWorld({ users: 20, settings: (s) => ({ ...s, microsoft: { ...s.microsoft, presenceRead: 'delegated' } }) });
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('sign-in for delegated presence reads', () => {
  it('is signed-out until an administrator signs in with a device code, then syncs', async () => {
    await waitFor(() => w.service.host.syncStatus().state === 'signed-out', 10_000, 'signed-out state');
    expect(w.service.host.syncStatus().reason).toMatch(/sign in/i);
    expect(w.pbxUser('1001').chatPresenceMessage).toBe('');

    const code = await w.service.api['auth.deviceCode']({});
    w.env.graph.approveDeviceCode(code.userCode);
    await waitFor(() => w.service.host.syncStatus().state === 'running', 15_000, 'running after sign-in');
    await waitFor(() => w.pbxUser('1001').chatPresenceMessage === 'Offline', 5_000, 'synced');
    w.setTeams('1002', 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser('1002').dnd, 5_000, 'DND via delegated read');

    const auth = await w.service.api['auth.signOut']({});
    expect(auth.state).toBe('signed-out');
    await waitFor(() => w.service.host.syncStatus().state === 'signed-out', 5_000, 'signed-out again');
  });
});
