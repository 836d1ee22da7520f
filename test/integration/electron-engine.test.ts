// The shell around the REAL engine service and both simulators over real sockets (the `demo` environment), with
// only Electron replaced by a stand-in (test/unit/electron-stand-in.ts): tray state from live engine events, the
// settings window's IPC, sync off/on from the tray (restore + saved setting), pause across sleep (no restore, no
// saved setting), and quit (restore, close).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/control/dispatch.js';
import { CONTROL_REQUEST_CHANNEL } from '../../electron/ipc-channels.js';
import { startShell, type Shell } from '../../electron/shell.js';
import { electronStandIn, type ElectronStandIn } from '../unit/electron-stand-in.js';
import { startSyncWorld, waitFor, type SyncWorld } from './sync-helpers.js';

let world: SyncWorld;
let electron: ElectronStandIn;
let shell: Shell;
const oneShotTimers: (() => void)[] = [];

const tray = () => electron.trays[0]!;
const menu = () => tray().menu!;
const ipc = (method: string, params: unknown = {}) =>
  electron.ipcMain.invoke(CONTROL_REQUEST_CHANNEL, electron.windows[0]!.webContents.invokeEvent(), { method, params });
const LOGIN = '1001';

beforeAll(async () => {
  world = await startSyncWorld({ users: 5, start: false });
  electron = electronStandIn();
  shell = startShell(electron, {
    engine: world.service,
    dispatch: (api, request) => dispatch(api, request),
    paths: { preload: '/app/dist/electron/preload.cjs', trayIconDir: '/app/assets/tray' },
    startHidden: false,
    tray: true,
    osLocale: 'en-US',
    autostart: { isEnabled: async () => false, setEnabled: async () => {} },
    log: world.logger.child({ component: 'shell' }),
    power: {
      setTimer: (fn) => { oneShotTimers.push(fn); return { cancel: () => {} }; },
      setRepeating: () => ({ cancel: () => {} }),
    },
  });
  await shell.ready;
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('shell with the real engine (Electron replaced by a stand-in)', () => {
  it('shows the running engine in the tray, with the time of the last successful sync', async () => {
    await waitFor(() => tray().image.endsWith('syncing.png'), 20_000, 'tray syncing');
    await waitFor(() => !menu().item('last-sync').label!.endsWith('never'), 20_000, 'a successful cycle');
    expect(menu().item('sync').checked).toBe(true);
    expect(tray().toolTip).toMatch(/^Presence Bridge: (syncing|synchronisiert)/);
  });

  it('answers the settings window over IPC from the live engine, and never logs a secret it carries', async () => {
    const snap = await ipc('state.snapshot') as { ok: boolean; result: { users: unknown[] } };
    expect(snap.ok).toBe(true);
    expect(snap.result.users).toHaveLength(5); // 5 people; the PBX administrator account is not synced
    const secret = 'Zz-electron-ipc-secret-9f8e7d6c5b4a';
    // A login that is not on the PBX, so no session of a synced user is disturbed.
    expect(await ipc('secrets.set', { name: 'starface.user.9999.password', value: secret })).toEqual({ ok: true, result: {} });
    expect(await ipc('secrets.set', { name: 'not.a.secret.name', value: secret })).toMatchObject({ ok: false });
    expect(JSON.stringify(world.logger.ring.entries())).not.toContain(secret);
  });

  it('sync off from the tray restores the PBX and saves the choice; on again resumes', async () => {
    world.setTeams(LOGIN, 'DoNotDisturb', 'Presenting');
    await waitFor(() => world.pbxUser(LOGIN).dnd, 10_000, 'DND set by the bridge');
    menu().click('sync');
    await waitFor(() => tray().image.endsWith('paused.png'), 20_000, 'tray paused');
    await waitFor(() => !world.pbxUser(LOGIN).dnd, 20_000, 'DND restored');
    expect(world.service.host.settings.sync.enabled).toBe(false);
    menu().click('sync');
    await waitFor(() => tray().image.endsWith('syncing.png') && world.pbxUser(LOGIN).dnd, 20_000, 'syncing again');
    expect(world.service.host.settings.sync.enabled).toBe(true);
  });

  it('sleep pauses without restoring or saving "sync off"; wake-up resumes', async () => {
    electron.powerMonitor.emit('suspend');
    await waitFor(() => tray().image.endsWith('paused.png'), 20_000, 'paused for sleep');
    expect(world.pbxUser(LOGIN).dnd).toBe(true); // nothing put back while asleep
    expect(world.service.host.settings.sync.enabled).toBe(true);
    electron.powerMonitor.emit('resume');
    for (const fire of oneShotTimers.splice(0)) fire();
    await waitFor(() => tray().image.endsWith('syncing.png'), 20_000, 'resumed after wake-up');
  });

  it('quit restores what the bridge changed, closes the engine and quits', async () => {
    menu().click('quit');
    await waitFor(() => electron.app.quitted, 30_000, 'app quit');
    expect(world.pbxUser(LOGIN).dnd).toBe(false);
    expect(tray().destroyed).toBe(true);
  });
});
