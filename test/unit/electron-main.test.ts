// electron/main.ts booted for real, with the 'electron' module replaced by a stand-in
// (test/unit/electron-stand-in.ts): the order of start-up steps, the single-instance hand-over, the app://
// renderer, the engine module, and what a packaged app refuses.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronModuleStandIn, electronStandIn, SingleInstanceLock, until, type ElectronStandIn } from './electron-stand-in.js';

// Each test boots main.ts afresh against its own stand-in: doMock + resetModules before every import.
const holder: { module: Record<string, unknown> } = { module: {} };

// A minimal engine module, as PRESENCE_BRIDGE_ENGINE_MODULE would name it; it reports to the test via globalThis.
const ENGINE_MODULE = `
const calls = (globalThis.__pbEngineCalls ??= []);
export async function createEngineService(opts) {
  calls.push('create ' + opts.dataDir);
  const status = { state: 'stopped', since: '2025-01-01T00:00:00.000Z', counters: { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0 } };
  const api = {
    'settings.get': async () => ({ settings: { ui: { language: 'en' } }, problems: [] }),
    'state.snapshot': async () => ({ sync: status, auth: { state: 'signed-in', appCredential: 'ok' }, users: [], capabilities: { canSetDnd: true, canSetChatPresenceMessage: true, canSetChatPresence: false, canSetTelephonyState: false, reasons: {} } }),
    'roster.get': async () => ({ users: [], counts: { matched: 0, conflicts: 0 } }),
    'sync.start': async () => ({ ...status, state: 'running' }),
    'sync.stop': async () => status,
    subscribe: () => () => {},
  };
  return { api, start: async () => { calls.push('start'); }, stop: async ({ restore }) => { calls.push('stop ' + restore); } };
}
`;

let dir: string;
let electron: ElectronStandIn;
let mod: ReturnType<typeof electronModuleStandIn>;
const engineCalls = (): string[] => ((globalThis as { __pbEngineCalls?: string[] }).__pbEngineCalls ??= []);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pb-main-'));
  const appRoot = join(dir, 'app');
  mkdirSync(join(appRoot, 'renderer', 'dist'), { recursive: true });
  writeFileSync(join(appRoot, 'renderer', 'dist', 'index.html'), '<!doctype html><title>Presence Bridge</title>');
  writeFileSync(join(dir, 'engine.mjs'), ENGINE_MODULE);
  electron = electronStandIn();
  electron.app.appPath = appRoot;
  mod = electronModuleStandIn(electron);
  holder.module = mod;
  engineCalls().length = 0;
  vi.stubEnv('PRESENCE_BRIDGE_ENGINE_MODULE', join(dir, 'engine.mjs'));
  vi.stubEnv('PRESENCE_BRIDGE_USER_DATA', join(dir, 'user-data'));
  vi.resetModules();
  vi.doMock('electron', () => holder.module);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.doUnmock('electron');
  rmSync(dir, { recursive: true, force: true });
});

describe('main process start-up with the electron module replaced by a stand-in', () => {
  it('registers app:// before ready, then serves the renderer, opens the window, the tray and the engine', async () => {
    await import('../../electron/main.js');
    expect(mod.protocol.registeredBeforeReady).toBe(true);
    expect(mod.protocol.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    // The user-data folder is chosen before the single-instance lock, which lives in it.
    expect(electron.app.calls.slice(0, 2)).toEqual(['setPath userData', 'requestSingleInstanceLock']);
    expect(electron.windows).toHaveLength(0);

    electron.app.emitReady();
    await until(() => engineCalls().includes('start') && electron.windows.length === 1 && electron.trays.length === 1, 'shell up');
    expect(engineCalls()[0]).toBe(`create ${join(dir, 'user-data')}`);

    const win = electron.windows[0]!;
    expect(win.loadedUrl).toBe('app://presence-bridge/index.html');
    expect((win.options.webPreferences as { preload: string }).preload).toBe(join(dir, 'app', 'dist', 'electron', 'preload.cjs'));
    expect(electron.trays[0]!.image).toBe(join(dir, 'app', 'assets', 'tray', 'paused.png'));

    const page = await mod.protocol.fetch('app://presence-bridge/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);

    const reply = await electron.ipcMain.invoke('control:request', win.webContents.invokeEvent(), { method: 'roster.get', params: {} });
    expect(reply).toEqual({ ok: true, result: { users: [], counts: { matched: 0, conflicts: 0 } } });
  });

  it('a second instance quits at once and never loads the engine', async () => {
    const lock = new SingleInstanceLock();
    const first = electronStandIn(lock);
    expect(first.app.requestSingleInstanceLock()).toBe(true);
    electron = electronStandIn(lock);
    electron.app.appPath = join(dir, 'app');
    holder.module = mod = electronModuleStandIn(electron);
    const secondInstance = new Promise<void>((resolve) => first.app.on('second-instance', () => resolve()));
    await import('../../electron/main.js');
    await secondInstance;
    expect(electron.app.quitRequests).toBe(1);
    electron.app.emitReady();
    await new Promise((r) => setTimeout(r, 50));
    expect(engineCalls()).toEqual([]);
    expect(electron.windows).toHaveLength(0);
  });

  it('a packaged app ignores the engine override and explains a missing engine', async () => {
    electron.app.isPackaged = true;
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    await import('../../electron/main.js');
    electron.app.emitReady();
    await until(() => electron.app.exitCode !== undefined, 'app exit');
    quiet.mockRestore();
    expect(electron.app.exitCode).toBe(1);
    expect(engineCalls()).toEqual([]);
    expect(mod.errorBoxes).toHaveLength(1);
    expect(mod.errorBoxes[0]!.content).toMatch(/dist\/src\/control\/service\.js is missing.*npm run build/);
  });
});
