// End to end with a real Electron through Playwright's _electron: launch, tray-less start, start in the tray,
// single instance, open settings, toggle sync, hide to tray and quit. The app is the real shell, preload and
// renderer from `npm run build`. Most tests use test/e2e/electron-engine-stand-in.mjs as the engine (an unpackaged
// app may load one through PRESENCE_BRIDGE_ENGINE_MODULE) to check exactly what the shell does; one runs the real
// engine against the STARFACE and Microsoft simulators of `presence-bridge demo`. No tenant or PBX needed.
// Runs where an Electron binary is installed (a desktop with internet: `npx electron --version` fetches it);
// on the build machines it skips with one line saying why.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const engineModule = join(repo, 'test', 'e2e', 'electron-engine-stand-in.mjs');

/** The Electron executable if one is installed, without triggering the electron package's lazy download. */
function electronBinary(): string | undefined {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const full = override ? join(override, rel ?? 'electron') : rel ? join(pkgDir, 'dist', rel) : undefined;
  return full && existsSync(full) ? full : undefined;
}

const binary = electronBinary();
const skipReason = !binary
  ? 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); run `npx electron --version` on a desktop with internet'
  : process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
    ? 'no display for Electron windows; run the suite under `xvfb-run -a`'
    : undefined;
if (skipReason) console.log(`electron e2e skipped: ${skipReason}`);

const running: ElectronApplication[] = [];
const dirs: string[] = [];

function userDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pb-e2e-'));
  dirs.push(dir);
  return dir;
}

function appEnv(userData: string, extra: Record<string, string> = { PRESENCE_BRIDGE_ENGINE_MODULE: engineModule }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'PRESENCE_BRIDGE_ENGINE_MODULE') env[k] = v;
  return { ...env, PRESENCE_BRIDGE_USER_DATA: userData, ...extra };
}

// Chromium refuses its OS sandbox as root (CI containers); the renderer sandbox (webPreferences) stays on.
const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

async function launch(userData: string, args: string[] = [], env = appEnv(userData)): Promise<ElectronApplication> {
  const app = await _electron.launch({
    executablePath: binary!,
    args: [...rootArgs, repo, ...args],
    env,
    timeout: 30_000,
  });
  running.push(app);
  return app;
}

function engineCalls(userData: string): string[] {
  const file = join(userData, 'engine-calls.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  await vi.waitFor(async () => {
    if (!(await check())) throw new Error(`timed out waiting for: ${what}`);
  }, { timeout: timeoutMs, interval: 50 });
}

/** A control request from inside the settings page, through the preload. */
const request = (page: Page, method: string, params: unknown = {}) => page.evaluate(
  ([m, p]) => (globalThis as unknown as { presenceBridge: { request(m: string, p: unknown): Promise<{ ok: boolean; result?: unknown; error?: { message: string } }> } }).presenceBridge.request(m as string, p),
  [method, params] as const,
);

const windowStates = (app: ElectronApplication) =>
  app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() })));

afterEach(async () => {
  for (const app of running.splice(0)) await app.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined)('Electron app end to end (Playwright _electron)', () => {
  beforeAll(() => {
    // The shell, preload and renderer as they ship.
    const build = spawnSync('npm', ['run', 'build'], { cwd: repo, encoding: 'utf8', shell: process.platform === 'win32' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }, 180_000);

  it('launches without a tray: the settings window opens on the app renderer, isolated and under the CSP', async () => {
    const userData = userDataDir();
    const app = await launch(userData, ['--no-tray']);
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(page.url()).toBe('app://presence-bridge/index.html');
    expect(await page.title()).toBe('Presence Bridge');
    const inside = await page.evaluate(() => {
      const w = globalThis as unknown as Record<string, unknown>;
      let evalBlocked = false;
      try { (0, eval)('1'); } catch { evalBlocked = true; }
      return { api: Object.keys(w.presenceBridge as object).sort(), require: typeof w.require, process: typeof w.process, evalBlocked };
    });
    expect(inside).toEqual({ api: ['request', 'subscribe'], require: 'undefined', process: 'undefined', evalBlocked: true });
    await until(() => engineCalls(userData).includes('start'), 'engine started');
  });

  it('toggles sync through the control contract and hears the events', async () => {
    const userData = userDataDir();
    const app = await launch(userData, ['--no-tray']);
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    const result = await page.evaluate(async () => {
      const bridge = (globalThis as unknown as { presenceBridge: { request(m: string, p?: unknown): Promise<{ ok: boolean; result?: { state?: string } }>; subscribe(fn: (e: { type: string; data: { state?: string } }) => void): () => void } }).presenceBridge;
      const states: string[] = [];
      const off = bridge.subscribe((e) => { if (e.type === 'state.sync' && e.data.state) states.push(e.data.state); });
      const on = await bridge.request('sync.start', {});
      const stop = await bridge.request('sync.stop', { restore: true });
      await new Promise((r) => setTimeout(r, 200));
      off();
      const bad = await bridge.request('sync.stop', { restore: 'yes' });
      return { on: on.result?.state, off: stop.result?.state, states, bad: bad.ok };
    });
    expect(result).toEqual({ on: 'running', off: 'stopped', states: ['running', 'stopped'], bad: false });
    expect(engineCalls(userData)).toEqual(['start', 'sync.start', 'sync.stop restore=true']);
  });

  it('started at login it stays in the tray; a second start opens the settings of the first', async () => {
    const userData = userDataDir();
    const app = await launch(userData, ['--hidden']);
    await until(() => engineCalls(userData).includes('start'), 'engine started');
    expect(await windowStates(app)).toEqual([]);
    const second = spawn(binary!, [...rootArgs, repo], { env: appEnv(userData), stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(0);
    const page = await app.firstWindow();
    expect(page.url()).toBe('app://presence-bridge/index.html');
    await until(async () => (await windowStates(app)).some((w) => w.visible), 'settings window visible');
    expect(engineCalls(userData)).toEqual(['start']); // the second start never touched the engine
  });

  it('closing the window hides it to the tray; quit stops the engine and ends the process', async () => {
    const userData = userDataDir();
    const app = await launch(userData);
    await app.firstWindow();
    await until(async () => (await windowStates(app)).some((w) => w.visible), 'settings window visible');
    await app.evaluate(({ BrowserWindow }) => { BrowserWindow.getAllWindows()[0]?.close(); });
    await until(async () => (await windowStates(app)).every((w) => !w.visible), 'window hidden');
    expect(await windowStates(app)).toEqual([{ visible: false, destroyed: false }]);
    const exited = new Promise<void>((resolve) => app.process().on('exit', () => resolve()));
    await app.evaluate(({ app: electronApp }) => { electronApp.quit(); });
    await exited;
    expect(engineCalls(userData)).toEqual(['start', 'stop restore=true']);
  });

  it('runs the real engine against the simulators; sync goes off and on from the settings window', async () => {
    const userData = userDataDir();
    const { startDemoEnvironment } = await import('../../src/commands/demo-environment.js');
    const demo = await startDemoEnvironment({ users: 3, dir: userData, pollIntervalSeconds: 1 });
    try {
      const app = await launch(userData, ['--no-tray'], appEnv(userData, { PRESENCE_BRIDGE_VAULT_PASSPHRASE: demo.vaultPassphrase ?? '' }));
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      const syncState = async () => ((await request(page, 'state.snapshot')).result as { sync: { state: string } } | undefined)?.sync.state;
      await until(async () => (await syncState()) === 'running', 'real engine running', 30_000);
      expect((await request(page, 'sync.stop', { restore: true })).ok).toBe(true);
      expect(await syncState()).toBe('stopped');
      expect((await request(page, 'sync.start')).ok).toBe(true);
      await until(async () => (await syncState()) === 'running', 'running again', 30_000);
      const exited = new Promise<void>((resolve) => app.process().on('exit', () => resolve()));
      await app.evaluate(({ app: electronApp }) => { electronApp.quit(); });
      await exited;
    } finally {
      await demo.close();
    }
  }, 90_000);
});
