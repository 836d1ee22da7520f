// The ControlApi of the real engine service, called through dispatch (which validates every result against
// the contract), with both simulators: settings with live re-configuration, secrets (write-only), sync on/off,
// sign-in, connection tests, roster, snapshot, log, and the events the UI listens to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlEventSchema, type ControlEvent } from '../../src/control/contract.js';
import { dispatch } from '../../src/control/dispatch.js';
import { startSyncWorld, waitFor, waitForConvergence, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;
const events: ControlEvent[] = [];

async function call<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
  const reply = await dispatch(w.service.api, { method, params });
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

beforeAll(async () => {
  w = await startSyncWorld({ users: 20, start: false });
  w.service.api.subscribe((e) => events.push(e));
  await w.service.start();
  await waitForConvergence(w, 20_000);
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('ControlApi of the engine', () => {
  it('answers every read method with results that satisfy the contract', async () => {
    const snap = await call<{ sync: { state: string }; users: { login: string }[]; capabilities: { canSetDnd: boolean; reasons: Record<string, string> } }>('state.snapshot');
    expect(snap.sync.state).toBe('running');
    // 20 people; the PBX administrator account the bridge logs in with is left out of "all users".
    const admin = w.env.starface.admin.login;
    expect(snap.users).toHaveLength(20);
    expect(snap.users.map((u) => u.login)).not.toContain(admin);
    expect(snap.capabilities.canSetDnd).toBe(true);
    expect(snap.capabilities.reasons.canSetTelephonyState).toBeTruthy();
    const roster = await call<{ users: { login: string }[]; counts: { matched: number; conflicts: number }; adminLeftOut?: string }>('roster.get');
    expect(roster.counts).toEqual({ matched: 20, conflicts: 0 });
    expect(roster.users.map((u) => u.login)).not.toContain(admin);
    expect(roster.adminLeftOut).toBe(admin);
    // The group picker's list: the PBX's own groups, from one GET /rest/groups.
    expect(await call<{ groups: string[] }>('roster.groups')).toEqual({ groups: ['Development', 'Sales', 'Support'] });
    const auth = await call<{ state: string; appCredential: string }>('auth.status');
    expect(auth.appCredential).toBe('ok');
    expect((await call<{ url: string }>('auth.consentUrl')).url).toMatch(/\/adminconsent\?client_id=/);
    const log = await call<{ entries: { msg: string }[] }>('log.entries', { level: 'info', limit: 50 });
    expect(log.entries.length).toBeGreaterThan(0);
    expect((await call<{ text: string }>('log.export')).text.split('\n').length).toBeGreaterThan(1);
    const ms = await call<{ ok: boolean; checks: unknown[] }>('connections.test', { target: 'microsoft' });
    expect(ms.ok).toBe(true);
    const sf = await call<{ ok: boolean }>('connections.test', { target: 'starface' });
    expect(sf.ok).toBe(true);
    expect(events.some((e) => e.type === 'state.user')).toBe(true);
    expect(events.some((e) => e.type === 'state.sync')).toBe(true);
    expect(events.some((e) => e.type === 'roster.changed')).toBe(true);
    expect(events.some((e) => e.type === 'log.entry')).toBe(true);
    // Every event the engine sent so far has the contract's shape (hosts drop anything else).
    const broken = events.filter((e) => !ControlEventSchema.safeParse(e).success);
    expect(broken.map((e) => e.type)).toEqual([]);
  });

  it('validates settings with field issues, saves valid ones, and resets the rules without saving', async () => {
    const { settings } = await call<{ settings: Record<string, unknown> & { rules: Record<string, { chatText: string }> } }>('settings.get');
    const bad = await call<{ ok: boolean; issues: { path: string }[] }>('settings.validate', { settings: { ...settings, starface: { baseUrl: 'ftp://x' } } });
    expect(bad.ok).toBe(false);
    expect(bad.issues.map((i) => i.path)).toContain('starface.baseUrl');
    const notSaved = await call<{ ok: boolean }>('settings.save', { settings: { ...settings, sync: { pollIntervalSeconds: 0 } } });
    expect(notSaved.ok).toBe(false);

    // A rule change applies live: the chat text of every "Offline" user follows.
    const rules = { ...settings.rules, offline: { ...settings.rules.offline, chatText: 'Nicht am Platz' } };
    expect(await call('settings.save', { settings: { ...settings, rules } })).toEqual({ ok: true, issues: [] });
    expect(events.some((e) => e.type === 'settings.changed')).toBe(true);
    await waitFor(() => w.pbxUser('1005').chatPresenceMessage === 'Nicht am Platz', 5_000, 'new rule applied');
    const reset = await call<{ settings: { rules: Record<string, { chatText: string }> } }>('settings.reset', { section: 'rules' });
    expect(reset.settings.rules.offline!.chatText).toBe('Offline');
    expect((await call<{ settings: { rules: Record<string, { chatText: string }> } }>('settings.get')).settings.rules.offline!.chatText).toBe('Nicht am Platz');
  });

  it('keeps secrets write-only, imports a CSV with line errors that never show a password', async () => {
    const status = await call<{ microsoftClientSecret: boolean; starfaceUserPasswords: string[] }>('secrets.status');
    expect(status.microsoftClientSecret).toBe(true);
    expect(status.starfaceUserPasswords).toContain('1001');
    expect(JSON.stringify(status)).not.toContain('Pass1001');
    const imported = await call<{ imported: number; errors: { line: number; message: string }[] }>('secrets.importStarfaceCsv', {
      csv: 'login;password\n2001;geheim-1\n2002,geheim-2\nbad login;geheim-3\n2003;\n',
    });
    expect(imported.imported).toBe(2);
    expect(imported.errors.map((e) => e.line)).toEqual([4, 5]);
    expect(JSON.stringify(imported)).not.toMatch(/geheim/);
    expect(await w.env.secrets.get('starface.user.2002.password')).toBe('geheim-2');
    await call('secrets.delete', { name: 'starface.user.2001.password' });
    expect(await w.env.secrets.get('starface.user.2001.password')).toBeUndefined();
    const logged = JSON.stringify(w.logger.ring.entries({}));
    expect(logged).not.toMatch(/geheim/);
  });

  it('removing a UCI password turns the user into a conflict, and the sync leaves them', async () => {
    await call('secrets.delete', { name: 'starface.user.1007.password' });
    await waitFor(async () => (await call<{ counts: { conflicts: number } }>('roster.get')).counts.conflicts === 1, 5_000, 'conflict');
    const roster = await call<{ users: { login: string; status: string; reason?: string }[] }>('roster.get');
    expect(roster.users.find((u) => u.login === '1007')).toMatchObject({ status: 'conflict', reason: 'no-uci-password' });
    await call('secrets.set', { name: 'starface.user.1007.password', value: 'Pass1007' });
    await waitFor(async () => (await call<{ counts: { conflicts: number } }>('roster.get')).counts.conflicts === 0, 5_000, 'matched again');
  });

  it('reconnects with new connection settings and keeps syncing', async () => {
    const { settings } = await call<{ settings: { starface: Record<string, unknown> } & Record<string, unknown> }>('settings.get');
    const r = await call<{ ok: boolean }>('settings.save', { settings: { ...settings, starface: { ...settings.starface, keepAliveSeconds: 20 } } });
    expect(r.ok).toBe(true);
    await waitFor(() => w.service.host.syncStatus().state === 'running', 10_000, 'running after reconnect');
    w.setTeams('1008', 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser('1008').dnd, 10_000, 'syncing after reconnect');
  });

  it('device code sign-in reports the code and then the signed-in account', async () => {
    const code = await call<{ userCode: string; verificationUri: string; expiresAt: string }>('auth.deviceCode');
    expect(code.userCode).toMatch(/\S+/);
    expect((await call<{ state: string; deviceCode?: { userCode: string } }>('auth.status')).deviceCode?.userCode).toBe(code.userCode);
    w.env.graph.approveDeviceCode(code.userCode);
    await waitFor(async () => (await call<{ state: string }>('auth.status')).state === 'signed-in', 15_000, 'signed in');
    expect((await call<{ account?: string }>('auth.status')).account).toMatch(/@/);
    expect((await call<{ state: string }>('auth.signOut')).state).toBe('signed-out');
  });

  it('cancels a waiting device-code sign-in: the code is gone, the state is back, and a new sign-in can start', async () => {
    const before = (await call<{ state: string }>('auth.status')).state;
    const code = await call<{ userCode: string }>('auth.deviceCode');
    expect((await call<{ state: string }>('auth.status')).state).toBe('signing-in');
    const after = await call<{ state: string; deviceCode?: unknown }>('auth.cancelSignIn');
    expect(after.state).toBe(before);
    expect(after.deviceCode).toBeUndefined();
    // Approving the cancelled code afterwards signs nobody in: MSAL stopped polling.
    w.env.graph.approveDeviceCode(code.userCode);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await call<{ state: string }>('auth.status')).state).toBe(before);
    // Nothing is left locked: the next sign-in starts and completes.
    const next = await call<{ userCode: string }>('auth.deviceCode');
    expect(next.userCode).not.toBe(code.userCode);
    w.env.graph.approveDeviceCode(next.userCode);
    await waitFor(async () => (await call<{ state: string }>('auth.status')).state === 'signed-in', 15_000, 'signed in');
    expect((await call<{ state: string }>('auth.signOut')).state).toBe('signed-out');
  });

  it('cancels a waiting browser sign-in: the call ends without an error and the state is back', async () => {
    const before = (await call<{ state: string }>('auth.status')).state;
    const pending = call<{ state: string }>('auth.signInInteractive');
    await waitFor(async () => (await call<{ state: string }>('auth.status')).state === 'signing-in', 10_000, 'signing in');
    const cancelled = await call<{ state: string }>('auth.cancelSignIn');
    expect(cancelled.state).toBe(before);
    expect((await pending).state).toBe(before);
    // A cancel with nothing running changes nothing.
    expect((await call<{ state: string }>('auth.cancelSignIn')).state).toBe(before);
  });

  it('sync.stop and sync.start switch the engine and persist the choice', async () => {
    const stopped = await call<{ state: string }>('sync.stop', { restore: true });
    expect(stopped.state).toBe('stopped');
    expect(w.pbxUser('1008').dnd).toBe(false);
    expect((await call<{ settings: { sync: { enabled: boolean } } }>('settings.get')).settings.sync.enabled).toBe(false);
    const started = await call<{ state: string }>('sync.start');
    expect(['running', 'starting', 'degraded']).toContain(started.state);
    await waitFor(() => w.pbxUser('1008').dnd, 10_000, 'DND again after start');
  });
});
