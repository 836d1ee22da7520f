// The shell put together: tray, settings window, IPC host, notifications, sleep/network handling and an
// orderly quit, around an engine that is already created. Every Electron object comes in through `electron`,
// so this whole lifecycle runs in the unit tests with a stand-in for Electron; main.ts only gathers the real
// objects and the paths.
import type { AuthStatus, ContractSettings, ControlApi, ControlEvent, ControlReply, SyncStatus } from '../src/control/contract.js';
import type { Autostart } from './autostart.js';
import type { EngineService } from './engine-port.js';
import { createExternalOpener, hostsFromSettings, type ExternalOpener } from './external-links.js';
import { startIpcHost, type IpcHost } from './ipc-host.js';
import { createPowerCoordinator, type PowerCoordinator, type PowerCoordinatorOptions } from './power-coordinator.js';
import { createProblemNotifier } from './problem-notifier.js';
import { createSettingsWindow, type SettingsWindow } from './settings-window.js';
import { pickLanguage } from './shell-text.js';
import { createTrayController, type TrayController } from './tray-controller.js';
import { isSyncOn, type TrayModel } from './tray-state.js';
import type {
  AppPort, BrowserWindowConstructor, IpcMainPort, MenuFactory, NotificationConstructor, PermissionSessionPort,
  PowerMonitorPort, ShellLogger, ShellPort, TrayConstructor,
} from './ports.js';

export interface ShellElectron<TMenu> {
  app: AppPort;
  Tray: TrayConstructor<TMenu>;
  Menu: MenuFactory<TMenu>;
  BrowserWindow: BrowserWindowConstructor;
  ipcMain: IpcMainPort;
  shell: ShellPort;
  Notification: NotificationConstructor;
  powerMonitor: PowerMonitorPort;
  /** net.isOnline() */
  isOnline: () => boolean;
  /** The session the settings window uses (default session). */
  session: PermissionSessionPort;
}

export interface ShellOptions {
  engine: EngineService;
  dispatch: (api: ControlApi, request: unknown) => Promise<ControlReply>;
  paths: { preload: string; trayIconDir: string; appIcon?: string };
  /** Started at login (--hidden): stay in the tray instead of opening the settings window. */
  startHidden: boolean;
  /** false: no tray icon (--no-tray, or a desktop without one); the window then opens at start and closing it quits. */
  tray: boolean;
  osLocale: string;
  autostart: Autostart;
  log: ShellLogger;
  /** Upper bound for the engine's stop on quit, so a hung network call never blocks quitting. */
  quitTimeoutMs?: number;
  power?: Partial<Pick<PowerCoordinatorOptions, 'pollMs' | 'resumeDelayMs' | 'setTimer' | 'setRepeating'>>;
  now?: () => Date;
}

export interface Shell {
  readonly settingsWindow: SettingsWindow;
  readonly tray: TrayController | undefined;
  readonly power: PowerCoordinator;
  readonly model: Readonly<TrayModel>;
  readonly external: ExternalOpener;
  /** For the engine's interactive sign-in: opens a validated URL in the system browser, else throws. */
  openBrowser(url: string): Promise<void>;
  /** Stops the engine (restoring what it changed if asked), then quits the app. */
  quit(opts: { restore: boolean }): Promise<void>;
  /** Resolves when the engine has started and the first state is shown. */
  readonly ready: Promise<void>;
}

const DEFAULT_QUIT_TIMEOUT_MS = 20_000;

export function startShell<TMenu>(electron: ShellElectron<TMenu>, opts: ShellOptions): Shell {
  const { app } = electron;
  const api = opts.engine.api;
  const log = opts.log;
  const now = opts.now ?? (() => new Date());
  let settings: ContractSettings | undefined;
  const model: TrayModel = { language: pickLanguage(undefined, opts.osLocale) };
  let quitState: 'running' | 'stopping' | 'done' = 'running';

  hardenSession(electron.session);

  const external = createExternalOpener(electron.shell, () => hostsFromSettings(settings), log);
  const openLink = (url: string): void => { void external.open(url); };

  let trayController: TrayController | undefined;
  const settingsWindow = createSettingsWindow(electron, {
    preload: opts.paths.preload,
    ...(opts.paths.appIcon ? { icon: opts.paths.appIcon } : {}),
    title: 'Presence Bridge',
    hideOnClose: () => trayController !== undefined,
    isQuitting: () => quitState !== 'running',
    openExternal: openLink,
    log,
  });

  const notifier = createProblemNotifier(electron, {
    onClick: () => settingsWindow.show(),
    ...(opts.paths.appIcon ? { icon: opts.paths.appIcon } : {}),
  });

  const restoreOnStop = (): boolean => {
    const v = (settings as { sync?: { restoreOnStop?: unknown } } | undefined)?.sync?.restoreOnStop;
    return typeof v === 'boolean' ? v : true;
  };

  function render(): void {
    trayController?.update({ ...model });
    notifier.observe(model);
  }

  function setSync(status: SyncStatus): void { model.sync = status; render(); }
  function setAuth(status: AuthStatus): void { model.auth = status; render(); }
  function setSettings(next: ContractSettings): void {
    settings = next;
    model.language = pickLanguage(next, opts.osLocale);
    render();
  }

  const onEvent = (event: ControlEvent): void => {
    if (event.type === 'state.sync') setSync(event.data);
    else if (event.type === 'auth.changed') setAuth(event.data);
    else if (event.type === 'settings.changed') setSettings(event.data.settings);
  };
  const unsubscribe = api.subscribe(onEvent);

  const ipc: IpcHost = startIpcHost({
    ipcMain: electron.ipcMain,
    dispatch: (request) => opts.dispatch(api, request),
    subscribe: (listener) => api.subscribe(listener),
    isTrustedSender: (event) => settingsWindow.isTrustedSender(event),
    eventTargets: () => settingsWindow.eventTargets(),
    log,
  });

  /** Runs an engine call for the tray or the shell; failures are logged (never thrown) and reported as false. */
  async function attempt(what: string, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      log.warn(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  const power = createPowerCoordinator({
    powerMonitor: electron.powerMonitor,
    isOnline: electron.isOnline,
    isSyncOn: () => isSyncOn(model.sync),
    // The service's own stop/start, not the contract's sync.stop/sync.start: those also save "sync off" in the
    // settings, and a machine that dies asleep must come back syncing. State changes arrive as events.
    pause: () => opts.engine.stop({ restore: false }),
    resume: () => opts.engine.start(),
    log,
    ...opts.power,
  });

  const actions = {
    setSync(on: boolean): void {
      power.userChangedSync();
      void attempt(on ? 'starting sync' : 'stopping sync', async () => {
        setSync(on ? await api['sync.start']({}) : await api['sync.stop']({ restore: restoreOnStop() }));
      }).then((ok) => { if (!ok) settingsWindow.show(); });
    },
    openSettings: () => { settingsWindow.show(); },
    signIn(): void {
      // A failed sign-in shows the settings window, where the reason and the device-code alternative are.
      void attempt('signing in', async () => setAuth(await api['auth.signInInteractive']({}))).then((ok) => {
        if (!ok) settingsWindow.show();
      });
    },
    signOut(): void { void attempt('signing out', async () => setAuth(await api['auth.signOut']({}))); },
    setStartAtLogin(on: boolean): void {
      void attempt('changing start at login', async () => {
        await opts.autostart.setEnabled(on);
        trayController?.setStartAtLogin(await opts.autostart.isEnabled());
      });
    },
    restoreAndQuit: () => { void shell.quit({ restore: true }); },
    quit: () => { void shell.quit({ restore: restoreOnStop() }); },
  };

  if (opts.tray) {
    try {
      trayController = createTrayController(electron, { iconDir: opts.paths.trayIconDir, actions, initial: { ...model }, now });
      void opts.autostart.isEnabled().then((on) => trayController?.setStartAtLogin(on), () => undefined);
    } catch (err) {
      // Some Linux desktops have no tray: then the window is the way in, and closing it quits.
      log.warn('no tray icon available; the settings window stays open instead', { error: err instanceof Error ? err.message : String(err) });
      trayController = undefined;
    }
  }

  app.on('second-instance', () => { settingsWindow.show(); });
  app.on('activate', () => { settingsWindow.show(); });
  app.on('window-all-closed', () => {
    // With a tray the app lives on; without one the window was the app.
    if (!trayController) void shell.quit({ restore: restoreOnStop() });
  });
  electron.powerMonitor.on('shutdown', (event) => {
    // Shutdown or reboot (Linux, macOS): ask the OS to wait, restore what the bridge changed, then quit.
    event?.preventDefault();
    void shell.quit({ restore: restoreOnStop() });
  });
  app.on('before-quit', (event) => {
    if (quitState === 'done') return;
    // Quit from the OS or the dock: stop the engine first, then quit for real.
    event.preventDefault();
    void shell.quit({ restore: restoreOnStop() });
  });

  if (!opts.startHidden || !trayController) settingsWindow.show();

  const ready = (async () => {
    try {
      await opts.engine.start();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error('the engine did not start', { error: message });
      setSync({
        state: 'error', reason: message, since: now().toISOString(),
        counters: { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 1 },
      });
      return;
    }
    await attempt('reading the settings', async () => setSettings((await api['settings.get']({})).settings));
    await attempt('reading the state', async () => {
      const snap = await api['state.snapshot']({});
      model.sync = snap.sync;
      model.auth = snap.auth;
      render();
    });
  })();

  const shell: Shell = {
    settingsWindow,
    get tray() { return trayController; },
    power,
    get model() { return model; },
    external,
    ready,
    async openBrowser(url) {
      if (!(await external.open(url))) {
        throw new Error('The sign-in page address was refused (it is not an https address of Microsoft or the configured sign-in host). Check the sign-in authority in the settings.');
      }
    },
    async quit({ restore }) {
      if (quitState !== 'running') return;
      quitState = 'stopping';
      power.dispose();
      await power.idle();
      try {
        const engine = opts.engine;
        await withTimeout(engine.close ? engine.close({ restore }) : engine.stop({ restore }), opts.quitTimeoutMs ?? DEFAULT_QUIT_TIMEOUT_MS);
      } catch (err) {
        log.error('the engine did not stop cleanly', { error: err instanceof Error ? err.message : String(err) });
      }
      ipc.dispose();
      unsubscribe();
      trayController?.destroy();
      quitState = 'done';
      app.quit();
    },
  };
  return shell;
}

/** The settings page needs no device or browser permission (camera, notifications, clipboard, …). */
export function hardenSession(session: PermissionSessionPort): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}
