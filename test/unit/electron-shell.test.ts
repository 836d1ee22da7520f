// The whole shell lifecycle — start, tray, settings window, IPC, single instance, hide-to-tray, quit — with
// Electron replaced by a stand-in (test/unit/electron-stand-in.ts) around the control helper's engine test
// double and the real dispatch.
import { beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ContractSettings, ControlEvent } from '../../src/control/contract.js';
import { dispatch } from '../../src/control/dispatch.js';
import type { Autostart } from '../../electron/autostart.js';
import type { EngineService } from '../../electron/engine-port.js';
import { CONTROL_REQUEST_CHANNEL } from '../../electron/ipc-channels.js';
import { startShell, type ShellOptions } from '../../electron/shell.js';
import { claimSingleInstance } from '../../electron/single-instance.js';
import { fakeEngineApi, FIXED_TIME, type FakeEngine } from '../integration/control-fake-engine.js';
import { electronStandIn, SingleInstanceLock, StandInEvent, until, type ElectronStandIn } from './electron-stand-in.js';

type TestEngine = EngineService & { api: FakeEngine; log: string[] };

function testEngine(opts: { failStart?: Error; stopDelayMs?: number } = {}): TestEngine {
  const log: string[] = [];
  const api = fakeEngineApi();
  return {
    api,
    log,
    async start() {
      log.push('start');
      if (opts.failStart) throw opts.failStart;
    },
    async stop({ restore }) {
      log.push(`stop restore=${restore}`);
      if (opts.stopDelayMs) await new Promise((r) => setTimeout(r, opts.stopDelayMs));
    },
  };
}

function memoryAutostart(): Autostart & { on: boolean } {
  const a = { on: false, async isEnabled() { return a.on; }, async setEnabled(v: boolean) { a.on = v; } };
  return a;
}

const logLines: string[] = [];
const log = {
  info: (m: string) => { logLines.push(`info ${m}`); },
  warn: (m: string, f?: Record<string, unknown>) => { logLines.push(`warn ${m} ${JSON.stringify(f ?? {})}`); },
  error: (m: string, f?: Record<string, unknown>) => { logLines.push(`error ${m} ${JSON.stringify(f ?? {})}`); },
};

beforeEach(() => { logLines.length = 0; });

const noTimers = { setTimer: () => ({ cancel() {} }), setRepeating: () => ({ cancel() {} }) };

async function start(over: Partial<ShellOptions> & { electron?: ElectronStandIn; engine?: TestEngine } = {}) {
  const electron = over.electron ?? electronStandIn();
  const engine = over.engine ?? testEngine();
  const autostart = memoryAutostart();
  const shell = startShell(electron, {
    engine,
    dispatch: (api, request) => dispatch(api, request),
    paths: { preload: '/app/dist/electron/preload.cjs', trayIconDir: '/app/assets/tray', appIcon: '/app/assets/app/icon-256.png' },
    startHidden: false,
    tray: true,
    osLocale: 'en-US',
    autostart,
    log,
    power: noTimers,
    ...over,
  });
  await shell.ready;
  const tray = () => electron.trays[0]!;
  const menu = () => tray().menu!;
  const win = () => electron.windows.at(-1)!;
  return { electron, engine, shell, autostart, tray, menu, win };
}

const settingsEvent = (settings: Record<string, unknown>): ControlEvent => ({ type: 'settings.changed', data: { settings: settings as unknown as ContractSettings } });

describe('shell lifecycle with Electron replaced by a stand-in', () => {
  it('starts the engine, shows the window and a tray reflecting the engine state in the configured language', async () => {
    const { electron, engine, tray, menu, win } = await start();
    expect(engine.log).toEqual(['start']);
    expect(electron.windows).toHaveLength(1);
    expect(win().visible).toBe(true);
    expect(win().loadedUrl).toBe('app://presence-bridge/index.html');
    expect(tray().image).toBe(join('/app/assets/tray', 'paused.png'));
    // the engine double's settings say ui.language = 'de'
    expect(menu().item('sync').label).toBe('Synchronisation an');
    expect(engine.api.calls.map((c) => c.method)).toEqual(['settings.get', 'state.snapshot']);
  });

  it('started at login, stays in the tray until the tray is clicked', async () => {
    const { electron, tray, win } = await start({ startHidden: true });
    expect(electron.windows).toHaveLength(0);
    tray().click();
    expect(win().visible).toBe(true);
  });

  it('closing the window hides it to the tray; the app and the engine keep running', async () => {
    const { electron, engine, win } = await start();
    expect(win().close()).toBe(false);
    expect(win().destroyed).toBe(false);
    expect(win().visible).toBe(false);
    expect(electron.app.quitRequests).toBe(0);
    expect(engine.log).toEqual(['start']);
  });

  it('switches sync on and off from the tray, restoring per the settings', async () => {
    const { engine, tray, menu } = await start();
    menu().click('sync');
    await until(() => tray().image.endsWith('syncing.png'), 'tray shows syncing');
    expect(engine.api.calls.at(-1)).toEqual({ method: 'sync.start', params: {} });
    menu().click('sync');
    await until(() => tray().image.endsWith('paused.png'), 'tray shows paused');
    expect(engine.api.calls.at(-1)).toEqual({ method: 'sync.stop', params: { restore: true } });
    engine.api.emit(settingsEvent({ ui: { language: 'en' }, sync: { restoreOnStop: false } }));
    expect(menu().item('sync').label).toBe('Sync on');
    menu().click('sync');
    menu().click('sync');
    await until(() => engine.api.calls.filter((c) => c.method === 'sync.stop').length === 2, 'second stop');
    expect(engine.api.calls.at(-1)).toEqual({ method: 'sync.stop', params: { restore: false } });
  });

  it('opens the settings window when switching sync on fails, so the reason is visible', async () => {
    const { engine, electron, menu } = await start({ startHidden: true });
    engine.api.failNext('sync.start', new Error('STARFACE URL is missing: enter it on the Connections page.'));
    menu().click('sync');
    await until(() => electron.windows.length === 1 && electron.windows[0]!.visible, 'window shown');
    expect(logLines.join('\n')).toContain('STARFACE URL is missing');
  });

  it('signs in and out from the tray; a failed sign-in opens the settings', async () => {
    const { engine, electron, menu } = await start({ startHidden: true });
    menu().click('sign-out');
    await until(() => menu().item('sign-in').label === 'Bei Microsoft anmelden…', 'signed out in the menu');
    engine.api.failNext('auth.signInInteractive', new Error('The browser sign-in was cancelled.'));
    menu().click('sign-in');
    await until(() => electron.windows.length === 1, 'window shown');
    expect(engine.api.calls.map((c) => c.method)).toContain('auth.signInInteractive');
  });

  it('quit stops the engine (restoring per the settings), then really quits and closes the window', async () => {
    const { electron, engine, menu, tray, win } = await start();
    menu().click('quit');
    await until(() => electron.app.quitted, 'app quit');
    expect(engine.log).toEqual(['start', 'stop restore=true']);
    expect(win().destroyed).toBe(true);
    expect(tray().destroyed).toBe(true);
    expect(electron.ipcMain.handlers.has(CONTROL_REQUEST_CHANNEL)).toBe(false);
    expect(engine.api.listenerCount()).toBe(0);
  });

  it('restore-and-quit always restores', async () => {
    const { electron, engine, menu } = await start();
    engine.api.emit(settingsEvent({ ui: { language: 'en' }, sync: { restoreOnStop: false } }));
    menu().click('restore-and-quit');
    await until(() => electron.app.quitted, 'app quit');
    expect(engine.log).toEqual(['start', 'stop restore=true']);
  });

  it('a quit from the OS waits for the engine to stop first', async () => {
    const { electron, engine } = await start({ engine: testEngine({ stopDelayMs: 30 }) });
    engine.api.emit(settingsEvent({ ui: { language: 'en' }, sync: { restoreOnStop: false } }));
    electron.app.quit();
    await until(() => engine.log.length === 2, 'engine stopping');
    expect(engine.log).toEqual(['start', 'stop restore=false']);
    expect(electron.app.quitted).toBe(false); // still waiting for the engine
    await until(() => electron.app.quitted, 'app quit');
    electron.app.quit(); // a second quit after stopping is harmless
    expect(engine.log).toEqual(['start', 'stop restore=false']);
  });

  it('on system shutdown it asks the OS to wait, stops the engine and quits', async () => {
    const { electron, engine } = await start();
    const event = new StandInEvent();
    electron.powerMonitor.emit('shutdown', event);
    expect(event.defaultPrevented).toBe(true);
    await until(() => electron.app.quitted, 'app quit');
    expect(engine.log).toEqual(['start', 'stop restore=true']);
  });

  it('quits even when the engine hangs on stop', async () => {
    const hung: TestEngine = { ...testEngine(), stop: () => new Promise<void>(() => {}) };
    const { electron } = await start({ engine: hung, quitTimeoutMs: 50 });
    electron.app.quit();
    await until(() => electron.app.quitted, 'app quit');
    expect(logLines.join('\n')).toMatch(/did not stop cleanly/);
  });

  it('a second start hands over to the first instance, which shows and focuses its window', async () => {
    const lock = new SingleInstanceLock();
    const first = electronStandIn(lock);
    expect(claimSingleInstance(first.app)).toBe(true);
    const { win } = await start({ electron: first, startHidden: true });
    expect(first.windows).toHaveLength(0);
    const second = electronStandIn(lock);
    expect(claimSingleInstance(second.app)).toBe(false);
    expect(second.app.quitRequests).toBe(1);
    expect(win()).toBeDefined();
    expect(win()).toMatchObject({ visible: true, focused: true });
    win().minimize();
    expect(claimSingleInstance(electronStandIn(lock).app)).toBe(false);
    expect(first.windows).toHaveLength(1);
    expect(win()).toMatchObject({ visible: true, minimized: false, focused: true });
  });

  it('without a tray the window opens even when started hidden, and closing it quits', async () => {
    const { electron, engine, win } = await start({ tray: false, startHidden: true });
    expect(electron.trays).toHaveLength(0);
    expect(win().visible).toBe(true);
    expect(win().close()).toBe(true);
    await until(() => electron.app.quitted, 'app quit');
    expect(engine.log).toEqual(['start', 'stop restore=true']);
  });

  it('falls back to the window when the desktop has no tray', async () => {
    const electron = electronStandIn();
    electron.Tray = class { constructor() { throw new Error('no StatusNotifier host'); } } as unknown as ElectronStandIn['Tray'];
    const { win } = await start({ electron, startHidden: true });
    expect(win().visible).toBe(true);
    expect(win().close()).toBe(true);
    await until(() => electron.app.quitted, 'app quit');
  });

  it('answers the settings window over IPC and rejects other senders', async () => {
    const { electron, win } = await start();
    const ok = await electron.ipcMain.invoke(CONTROL_REQUEST_CHANNEL, win().webContents.invokeEvent(), { method: 'roster.get', params: {} });
    expect(ok).toMatchObject({ ok: true, result: { counts: { matched: 1, conflicts: 1 } } });
    const other = new electron.BrowserWindow({});
    await other.loadURL('app://presence-bridge/index.html');
    const denied = await electron.ipcMain.invoke(CONTROL_REQUEST_CHANNEL, other.webContents.invokeEvent(), { method: 'roster.get', params: {} });
    expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('notifies once when the sign-in expires, not for routine changes; the click opens the settings', async () => {
    const { electron, engine, win, tray } = await start({ startHidden: true });
    engine.api.emit({ type: 'state.sync', data: { state: 'running', since: FIXED_TIME, counters: { cycles: 5, presenceRequests: 5, pbxWrites: 1, teamsWrites: 0, errors: 0 } } });
    expect(electron.notifications).toHaveLength(0);
    engine.api.emit({ type: 'auth.changed', data: { state: 'needs-sign-in', appCredential: 'ok', message: 'The refresh token expired.' } });
    engine.api.emit({ type: 'auth.changed', data: { state: 'needs-sign-in', appCredential: 'ok', message: 'The refresh token expired.' } });
    expect(electron.notifications).toHaveLength(1);
    expect(tray().image.endsWith('attention.png')).toBe(true);
    electron.notifications[0]!.click();
    expect(win().visible).toBe(true);
  });

  it('shows an engine that failed to start as an error in the tray', async () => {
    const { tray } = await start({ engine: testEngine({ failStart: new Error('The vault is locked: unlock the keychain.') }) });
    expect(tray().image.endsWith('error.png')).toBe(true);
    expect(tray().toolTip).toContain('The vault is locked: unlock the keychain.');
  });

  it('opens the sign-in page in the system browser only for allowed https hosts', async () => {
    const { electron, shell, engine } = await start();
    await shell.openBrowser('https://login.microsoftonline.com/contoso/oauth2/v2.0/authorize?client_id=1');
    await expect(shell.openBrowser('https://phish.example/authorize')).rejects.toThrow(/refused/);
    await expect(shell.openBrowser('http://login.microsoftonline.com/')).rejects.toThrow(/refused/);
    engine.api.emit(settingsEvent({ ui: { language: 'en' }, microsoft: { authorityHost: 'https://localhost:44321' } }));
    await shell.openBrowser('https://localhost:44321/t/oauth2/v2.0/authorize');
    expect(electron.shell.opened).toEqual([
      'https://login.microsoftonline.com/contoso/oauth2/v2.0/authorize?client_id=1',
      'https://localhost:44321/t/oauth2/v2.0/authorize',
    ]);
  });

  it('links clicked in the window open in the browser only when allowed', async () => {
    const { electron, win } = await start();
    expect(win().webContents.navigate('https://portal.azure.com/')).toBe(false);
    expect(win().webContents.openWindow('https://evil.example/')).toBe('deny');
    await until(() => electron.shell.opened.length === 1, 'link opened');
    expect(electron.shell.opened).toEqual(['https://portal.azure.com/']);
  });

  it('turns start at login on and off from the tray', async () => {
    const { autostart, menu, tray } = await start();
    await until(() => menu().item('start-at-login').checked === false, 'initial state read');
    let renders = tray().setContextMenuCalls;
    menu().click('start-at-login');
    await until(() => autostart.on && tray().setContextMenuCalls > renders, 'turned on and menu re-rendered');
    expect(menu().item('start-at-login').checked).toBe(true);
    renders = tray().setContextMenuCalls;
    menu().click('start-at-login');
    await until(() => !autostart.on && tray().setContextMenuCalls > renders, 'turned off and menu re-rendered');
    expect(menu().item('start-at-login').checked).toBe(false);
  });

  it('pauses sync across sleep through the service, without restoring and without saving "sync off"', async () => {
    const { electron, engine, menu } = await start();
    menu().click('sync');
    await until(() => menu().item('sync').checked === true, 'sync on');
    electron.powerMonitor.emit('suspend');
    await until(() => engine.log.includes('stop restore=false'), 'paused');
    expect(engine.api.calls.filter((c) => c.method === 'sync.stop')).toEqual([]);
    expect(engine.log).toEqual(['start', 'stop restore=false']);
  });

  it('closes the engine (releasing connections and the log) when it can, instead of only stopping it', async () => {
    const engine = testEngine();
    const withClose: TestEngine = { ...engine, close: async (o) => { engine.log.push(`close restore=${o?.restore}`); } };
    const { electron } = await start({ engine: withClose });
    electron.app.quit();
    await until(() => electron.app.quitted, 'app quit');
    expect(engine.log).toEqual(['start', 'close restore=true']);
  });

  it('denies every browser permission to the page', async () => {
    const { electron } = await start();
    const answers: boolean[] = [];
    electron.session.permissionRequestHandler?.({}, 'media', (granted) => answers.push(granted));
    electron.session.permissionRequestHandler?.({}, 'notifications', (granted) => answers.push(granted));
    expect(answers).toEqual([false, false]);
    expect(electron.session.permissionCheckHandler?.({}, 'clipboard-read')).toBe(false);
  });
});
