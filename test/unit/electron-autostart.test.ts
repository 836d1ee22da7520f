// Start at login: the Linux autostart entry written into a temporary HOME, and the login-item API on Windows and
// macOS through the app stand-in (test/unit/electron-stand-in.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAutostart, execLine, linuxAutostartFile, parseExecLine } from '../../electron/autostart.js';
import { electronStandIn } from './electron-stand-in.js';

let home: string;
beforeEach(() => { home = mkdtempSync(join(tmpdir(), 'pb-home-')); });
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('Linux autostart entry', () => {
  it('writes ~/.config/autostart/presence-bridge.desktop that starts the app hidden, and removes it', async () => {
    const { app } = electronStandIn();
    const auto = createAutostart({ platform: 'linux', app, env: {}, homeDir: home, command: ['/opt/Presence Bridge/presence-bridge'] });
    const file = join(home, '.config', 'autostart', 'presence-bridge.desktop');
    expect(await auto.isEnabled()).toBe(false);
    await auto.setEnabled(true);
    expect(await auto.isEnabled()).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('[Desktop Entry]');
    expect(text).toContain('Type=Application\n');
    expect(text).toContain('Name=Presence Bridge\n');
    expect(text).toContain('Exec="/opt/Presence Bridge/presence-bridge" --hidden\n');
    expect(text).toContain('X-GNOME-Autostart-enabled=true\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(app.loginItem.openAtLogin).toBe(false); // Linux never touches the login-item API
    await auto.setEnabled(false);
    expect(existsSync(file)).toBe(false);
    expect(await auto.isEnabled()).toBe(false);
    await auto.setEnabled(false); // already off: no error
  });

  it('honours an absolute XDG_CONFIG_HOME and ignores a relative one', () => {
    expect(linuxAutostartFile({ XDG_CONFIG_HOME: '/cfg' }, home)).toBe(join('/cfg', 'autostart', 'presence-bridge.desktop'));
    expect(linuxAutostartFile({ XDG_CONFIG_HOME: 'rel/cfg' }, home)).toBe(join(home, '.config', 'autostart', 'presence-bridge.desktop'));
    expect(linuxAutostartFile({}, home)).toBe(join(home, '.config', 'autostart', 'presence-bridge.desktop'));
  });

  it('treats an entry the desktop disabled (Hidden=true) as off, and rewrites it when turned on', async () => {
    const { app } = electronStandIn();
    const env = { XDG_CONFIG_HOME: join(home, 'xdg') };
    const auto = createAutostart({ platform: 'linux', app, env, homeDir: home, command: ['/usr/bin/presence-bridge'] });
    const file = linuxAutostartFile(env, home);
    mkdirSync(join(home, 'xdg', 'autostart'), { recursive: true });
    writeFileSync(file, '[Desktop Entry]\nType=Application\nExec=/usr/bin/presence-bridge\nHidden=true\n');
    expect(await auto.isEnabled()).toBe(false);
    await auto.setEnabled(true);
    expect(await auto.isEnabled()).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('Hidden=true');
  });

  it('quotes and escapes Exec arguments as the Desktop Entry spec requires', () => {
    const argv = ['/home/anna/Apps/Presence Bridge.AppImage', '/path/with "quotes"/$HOME/`x`', 'C:\\dir', '100%', ''];
    const line = execLine([...argv, '--hidden']);
    expect(line).toBe('"/home/anna/Apps/Presence Bridge.AppImage" "/path/with \\\\"quotes\\\\"/\\\\$HOME/\\\\`x\\\\`" "C:\\\\\\\\dir" 100%% "" --hidden');
    expect(parseExecLine(line)).toEqual([...argv, '--hidden']);
    expect(execLine(['/usr/bin/presence-bridge', '--hidden'])).toBe('/usr/bin/presence-bridge --hidden');
  });
});

describe('login item on Windows and macOS (app stand-in)', () => {
  for (const platform of ['win32', 'darwin'] as const) {
    it(`${platform}: uses app.setLoginItemSettings with --hidden and writes no file`, async () => {
      const { app } = electronStandIn();
      const auto = createAutostart({ platform, app, env: {}, homeDir: home, command: ['C:\\Program Files\\Presence Bridge\\Presence Bridge.exe'] });
      expect(await auto.isEnabled()).toBe(false);
      await auto.setEnabled(true);
      expect(app.loginItem).toEqual({ openAtLogin: true, args: ['--hidden'] });
      expect(await auto.isEnabled()).toBe(true);
      await auto.setEnabled(false);
      expect(await auto.isEnabled()).toBe(false);
      expect(existsSync(join(home, '.config'))).toBe(false);
    });
  }
});
