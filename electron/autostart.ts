// Start at login. Windows and macOS have Electron's login-item API; Linux has none, so there we write an XDG
// autostart entry ($XDG_CONFIG_HOME/autostart/presence-bridge.desktop, default ~/.config/autostart) and delete
// it to turn autostart off. Started at login, the app comes up hidden in the tray (--hidden).
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';

export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE_NAME = 'presence-bridge.desktop';

export interface LoginItemPort {
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  getLoginItemSettings(): { openAtLogin: boolean };
}

export interface Autostart {
  isEnabled(): Promise<boolean>;
  setEnabled(on: boolean): Promise<void>;
}

export interface AutostartOptions {
  platform: NodeJS.Platform;
  app: LoginItemPort;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** The command that starts this app, e.g. [AppImage path] or [electron, app dir] in development. */
  command: string[];
  appName?: string;
  comment?: string;
}

export function createAutostart(opts: AutostartOptions): Autostart {
  if (opts.platform === 'linux') return linuxAutostart(opts);
  return {
    async isEnabled() {
      return opts.app.getLoginItemSettings().openAtLogin;
    },
    async setEnabled(on) {
      opts.app.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_FLAG] });
    },
  };
}

export function linuxAutostartFile(env: NodeJS.ProcessEnv, homeDir: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  // The spec says to ignore a relative XDG_CONFIG_HOME.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homeDir, '.config');
  return join(base, 'autostart', AUTOSTART_FILE_NAME);
}

function linuxAutostart(opts: AutostartOptions): Autostart {
  const file = linuxAutostartFile(opts.env, opts.homeDir);
  return {
    async isEnabled() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return false;
      }
      return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
    },
    async setEnabled(on) {
      if (!on) {
        await rm(file, { force: true });
        return;
      }
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, desktopEntry({
        name: opts.appName ?? 'Presence Bridge',
        comment: opts.comment ?? 'Keeps Microsoft Teams presence and STARFACE in step',
        exec: [...opts.command, HIDDEN_FLAG],
      }));
      // Readable by the session's autostart manager whatever the umask; never executable or group-writable.
      await chmod(file, 0o644);
    },
  };
}

export function desktopEntry(e: { name: string; comment: string; exec: string[] }): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${escapeValue(e.name)}`,
    `Comment=${escapeValue(e.comment)}`,
    `Exec=${execLine(e.exec)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * The Exec key: each argument quoted when it holds a reserved character, with ", `, $ and \ escaped inside the
 * quotes and % doubled; then the string-value escaping of the whole line (\ → \\), as the Desktop Entry
 * Specification requires.
 */
export function execLine(argv: string[]): string {
  const quoted = argv.map((arg) => {
    const a = arg.replace(/%/g, '%%');
    return a === '' || /[\s"'\\><~|&;$*?#()`]/.test(a) ? `"${a.replace(/(["`$\\])/g, '\\$1')}"` : a;
  });
  return escapeValue(quoted.join(' '));
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/** Parses an Exec value back into argv (the inverse of execLine), for tests and diagnostics. */
export function parseExecLine(value: string): string[] {
  // Undo the string-value escaping first, then the quoting.
  const unescaped = value.replace(/\\(.)/g, (_m, c: string) => ({ s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' } as Record<string, string>)[c] ?? `\\${c}`);
  const args: string[] = [];
  let cur = '';
  let inQuotes = false;
  let has = false;
  for (let i = 0; i < unescaped.length; i++) {
    const c = unescaped[i]!;
    if (inQuotes) {
      if (c === '\\' && i + 1 < unescaped.length) { cur += unescaped[++i]; continue; }
      if (c === '"') { inQuotes = false; continue; }
      cur += c;
    } else if (c === '"') { inQuotes = true; has = true; }
    else if (c === ' ') { if (has || cur) args.push(cur); cur = ''; has = false; }
    else { cur += c; has = true; }
  }
  if (has || cur) args.push(cur);
  return args.map((a) => a.replace(/%%/g, '%'));
}
