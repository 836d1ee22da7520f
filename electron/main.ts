// Electron main process: the only file that imports Electron at run time. It gathers the real Electron objects
// and hands them to the shell (electron/shell.ts), whose logic is tested with a stand-in.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, Notification, powerMonitor, protocol, session, shell, Tray } from 'electron';
import { homedir } from 'node:os';
import { dispatch } from '../src/control/dispatch.js';
import { createAutostart } from './autostart.js';
import { loadEngineFactory, type EngineService } from './engine-port.js';
import { appPaths, parseLaunchOptions, relaunchCommand } from './launch-options.js';
import { consoleLogger, type ShellLogger } from './ports.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createRendererProtocolHandler } from './renderer-protocol.js';
import { startShell, type Shell } from './shell.js';
import { claimSingleInstance } from './single-instance.js';

const APP_ID = 'de.presencebridge.app';

// Must happen before 'ready': gives app:// an origin, a secure context and fetch support.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);

const launch = parseLaunchOptions(process.argv, process.env, process.cwd());
// Before the single-instance lock, which lives in the user-data folder.
if (launch.userDataDir) app.setPath('userData', launch.userDataDir);

// A second start quits here; the first instance gets 'second-instance' and shows its window.
if (claimSingleInstance(app)) {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    consoleLogger.error('Presence Bridge could not start', { error: message });
    dialog.showErrorBox('Presence Bridge could not start', message);
    app.exit(1);
  });
}

async function main(): Promise<void> {
  await app.whenReady();
  if (process.platform === 'darwin') app.setActivationPolicy('accessory');
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

  const root = app.getAppPath();
  const paths = appPaths(root);
  protocol.handle(APP_SCHEME, createRendererProtocolHandler(paths.rendererDir));

  // The engine needs openBrowser before the shell exists; sign-in only happens once both are up.
  const started: { shell?: Shell } = {};
  // End-to-end tests swap in an engine stand-in; only an unpackaged (development) app honours this.
  const engineOverride = app.isPackaged ? undefined : process.env.PRESENCE_BRIDGE_ENGINE_MODULE;
  const createEngineService = await loadEngineFactory(root, engineOverride);
  const engine: EngineService = await createEngineService({
    dataDir: app.getPath('userData'),
    openBrowser: (url) => (started.shell
      ? started.shell.openBrowser(url)
      : Promise.reject(new Error('Presence Bridge is still starting: try the sign-in again in a moment.'))),
  });
  const log: ShellLogger = engine.logger?.child?.({ component: 'shell' }) ?? engine.logger ?? consoleLogger;

  const appShell = startShell(
    { app, Tray, Menu, BrowserWindow, ipcMain, shell, Notification, powerMonitor, isOnline: () => net.isOnline(), session: session.defaultSession },
    {
      engine,
      dispatch: (api, request) => dispatch(api, request),
      paths,
      startHidden: launch.startHidden || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin),
      tray: launch.tray,
      osLocale: app.getLocale(),
      autostart: createAutostart({
        platform: process.platform,
        app,
        env: process.env,
        homeDir: homedir(),
        command: relaunchCommand({ isPackaged: app.isPackaged, execPath: process.execPath, appRoot: root, env: process.env }),
      }),
      log,
    },
  );
  started.shell = appShell;
  await appShell.ready;
}
