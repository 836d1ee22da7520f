// Issue 15 item 2: settings.preview of the real engine against both simulators says what a save would do before
// it is made — an emptied client ID stops the sync for every synced user, a group that does not exist selects 0 —
// and saves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/control/dispatch.js';
import type { Settings } from '../../src/core/settings.js';
import { startSyncWorld, waitForConvergence, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;

async function call<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
  const reply = await dispatch(w.service.api, { method, params });
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

interface Preview { ok: boolean; effects: { code: string; params: Record<string, number> }[]; usersNow: number; usersAfter: number | null }

beforeAll(async () => {
  w = await startSyncWorld({ users: 5 });
  await waitForConvergence(w, 20_000);
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('settings.preview', () => {
  it('an emptied client ID: "sync stops" for every synced user; nothing is saved', async () => {
    const { settings } = await call<{ settings: Settings }>('settings.get');
    const p = await call<Preview>('settings.preview', { settings: { ...settings, microsoft: { ...settings.microsoft, clientId: '' } } });
    expect(p.ok).toBe(true);
    expect(p.effects).toEqual([{ code: 'sync-stops', params: { users: 5 } }]);
    expect((await call<{ settings: Settings }>('settings.get')).settings.microsoft.clientId).toBe(settings.microsoft.clientId);
    expect(w.service.host.syncStatus().state).toBe('running');
  });

  it('a group that does not exist: "0 users selected", read from the PBX now', async () => {
    const { settings } = await call<{ settings: Settings }>('settings.get');
    const p = await call<Preview>('settings.preview', { settings: { ...settings, users: { selection: 'group', group: 'Gibt es nicht', extraLoginIds: [] } } });
    expect(p).toMatchObject({ ok: true, usersNow: 5, usersAfter: 0, effects: [{ code: 'users-zero', params: { from: 5 } }] });
  });

  it('the PBX administrator account is not among "all users"; listed as an extra login ID it is counted', async () => {
    const { settings } = await call<{ settings: Settings }>('settings.get');
    const admin = settings.starface.adminLogin;
    const p = await call<Preview>('settings.preview', { settings: { ...settings, users: { selection: 'all', extraLoginIds: [admin] } } });
    expect(p).toMatchObject({ ok: true, usersNow: 5, usersAfter: 6 });
  });

  it('a rule change: no effects; invalid settings: the issues', async () => {
    const { settings } = await call<{ settings: Settings }>('settings.get');
    const rules = { ...settings.rules, offline: { ...settings.rules.offline, chatText: 'Weg' } };
    expect((await call<Preview>('settings.preview', { settings: { ...settings, rules } })).effects).toEqual([]);
    const bad = await call<Preview & { issues: { path: string }[] }>('settings.preview', { settings: { ...settings, starface: { ...settings.starface, baseUrl: 'ftp://x' } } });
    expect(bad.ok).toBe(false);
    expect(bad.issues.map((i) => i.path)).toContain('starface.baseUrl');
  });
});
