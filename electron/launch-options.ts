// Command-line switches and environment of the shell, parsed without Electron so they can be tested.
//   --hidden              start in the tray without opening the settings window (used by start at login)
//   --no-tray             no tray icon: the settings window opens at start and closing it quits
//   PRESENCE_BRIDGE_USER_DATA=<dir>   use this folder for settings, vault file, journal and logs (tests, portable use)
//   PRESENCE_BRIDGE_NO_TRAY=1         same as --no-tray
//   PRESENCE_BRIDGE_ENGINE_MODULE=<file.mjs>  development only (ignored when packaged): load the engine from
//                                     this module instead of dist/src/control/service.js (end-to-end tests)
import { isAbsolute, join, resolve } from 'node:path';
import { HIDDEN_FLAG } from './autostart.js';

export interface LaunchOptions {
  startHidden: boolean;
  tray: boolean;
  userDataDir?: string;
}

export function parseLaunchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): LaunchOptions {
  const opts: LaunchOptions = {
    startHidden: argv.includes(HIDDEN_FLAG),
    tray: !argv.includes('--no-tray') && env.PRESENCE_BRIDGE_NO_TRAY !== '1',
  };
  const dir = env.PRESENCE_BRIDGE_USER_DATA;
  if (dir) opts.userDataDir = isAbsolute(dir) ? dir : resolve(cwd, dir);
  return opts;
}

/** Where the packaged files are, relative to app.getAppPath() (the folder or app.asar holding package.json). */
export interface AppPaths {
  rendererDir: string;
  preload: string;
  trayIconDir: string;
  appIcon: string;
}

export function appPaths(appRoot: string): AppPaths {
  return {
    rendererDir: join(appRoot, 'renderer', 'dist'),
    preload: join(appRoot, 'dist', 'electron', 'preload.cjs'),
    trayIconDir: join(appRoot, 'assets', 'tray'),
    appIcon: join(appRoot, 'assets', 'app', 'icon-256.png'),
  };
}

/** The command that starts this app again (for the login item / autostart entry). */
export function relaunchCommand(p: { isPackaged: boolean; execPath: string; appRoot: string; env: NodeJS.ProcessEnv }): string[] {
  // An AppImage runs from a temporary mount; APPIMAGE is the path of the file itself.
  if (p.isPackaged) return [p.env.APPIMAGE ?? p.execPath];
  return [p.execPath, p.appRoot];
}
