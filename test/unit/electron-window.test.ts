// Settings window lifecycle, secure defaults, navigation rules and the IPC sender check, with Electron replaced
// by a stand-in (test/unit/electron-stand-in.ts).
import { describe, expect, it, vi } from 'vitest';
import { createSettingsWindow, type SettingsWindowOptions } from '../../electron/settings-window.js';
import { RENDERER_URL } from '../../electron/renderer-protocol.js';
import { electronStandIn } from './electron-stand-in.js';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

function setup(over: Partial<SettingsWindowOptions> = {}) {
  const electron = electronStandIn();
  const state = { quitting: false, tray: true };
  const openExternal = vi.fn();
  const win = createSettingsWindow(electron, {
    preload: '/app/dist/electron/preload.cjs',
    title: 'Presence Bridge',
    hideOnClose: () => state.tray,
    isQuitting: () => state.quitting,
    openExternal,
    log: silent,
    ...over,
  });
  return { electron, state, openExternal, win };
}

describe('settings window with Electron replaced by a stand-in', () => {
  it('is created on first show with isolation, sandbox and no Node, and loads the app renderer', () => {
    const { electron, win } = setup();
    expect(electron.windows).toHaveLength(0);
    win.show();
    expect(electron.windows).toHaveLength(1);
    const w = electron.windows[0]!;
    expect(w.options.show).toBe(false);
    expect(w.options.webPreferences).toEqual({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      spellcheck: false,
    });
    // webSecurity and allowRunningInsecureContent stay at Electron's safe defaults.
    expect(w.options.webPreferences).not.toHaveProperty('webSecurity');
    expect(w.loadedUrl).toBe('app://presence-bridge/index.html');
    expect(w.visible).toBe(true);
    expect(w.focused).toBe(true);
  });

  it('reuses the one window: a second show restores and focuses it', () => {
    const { electron, win } = setup();
    win.show();
    const w = electron.windows[0]!;
    w.minimize();
    w.hide();
    win.show();
    expect(electron.windows).toHaveLength(1);
    expect(w).toMatchObject({ visible: true, minimized: false, focused: true });
  });

  it('hides instead of closing while the app runs in the tray', () => {
    const { electron, win } = setup();
    win.show();
    const w = electron.windows[0]!;
    expect(w.close()).toBe(false);
    expect(w.destroyed).toBe(false);
    expect(w.visible).toBe(false);
    expect(win.window).toBe(w);
  });

  it('really closes when the app quits, and a later show makes a new window', () => {
    const { electron, state, win } = setup();
    win.show();
    state.quitting = true;
    expect(electron.windows[0]!.close()).toBe(true);
    expect(win.window).toBeUndefined();
    state.quitting = false;
    win.show();
    expect(electron.windows).toHaveLength(2);
  });

  it('closes for real when there is no tray to hide in', () => {
    const { electron, state, win } = setup();
    state.tray = false;
    win.show();
    expect(electron.windows[0]!.close()).toBe(true);
  });

  it('blocks every navigation and new window; links go to the external opener', () => {
    const { electron, openExternal, win } = setup();
    win.show();
    const wc = electron.windows[0]!.webContents;
    expect(wc.navigate('https://learn.microsoft.com/graph')).toBe(false);
    expect(openExternal).toHaveBeenLastCalledWith('https://learn.microsoft.com/graph');
    expect(wc.navigate('file:///etc/passwd')).toBe(false);
    expect(wc.navigate(`${RENDERER_URL}#/users`)).toBe(false);
    expect(openExternal).toHaveBeenCalledTimes(2); // the app's own URL is not handed to the browser
    expect(wc.openWindow('https://evil.example/')).toBe('deny');
    expect(openExternal).toHaveBeenLastCalledWith('https://evil.example/'); // the opener decides (and refuses)
    expect(wc.redirect('https://evil.example/')).toBe(false);
  });

  describe('IPC sender check', () => {
    it('accepts only the top frame of its own window showing the app renderer', () => {
      const { electron, win } = setup();
      win.show();
      const wc = electron.windows[0]!.webContents;
      expect(win.isTrustedSender(wc.invokeEvent())).toBe(true);
      // an iframe inside the window
      expect(win.isTrustedSender(wc.invokeEvent({ url: RENDERER_URL, parent: wc.mainFrame }))).toBe(false);
      // the window after navigating elsewhere
      expect(win.isTrustedSender(wc.invokeEvent({ url: 'https://evil.example/', parent: null }))).toBe(false);
      expect(win.isTrustedSender(wc.invokeEvent({ url: 'file:///app/renderer/dist/index.html', parent: null }))).toBe(false);
      expect(win.isTrustedSender(wc.invokeEvent({ url: 'app://other-host/index.html', parent: null }))).toBe(false);
      // a frame that is gone
      expect(win.isTrustedSender(wc.invokeEvent(null))).toBe(false);
    });

    it('rejects other windows and anything before the window exists or after it closed', () => {
      const { electron, state, win } = setup();
      const other = new electron.BrowserWindow({});
      void other.loadURL(RENDERER_URL);
      expect(win.isTrustedSender(other.webContents.invokeEvent())).toBe(false);
      win.show();
      const own = electron.windows[1]!;
      expect(win.isTrustedSender(other.webContents.invokeEvent())).toBe(false);
      state.quitting = true;
      own.close();
      expect(win.isTrustedSender(own.webContents.invokeEvent())).toBe(false);
      expect(win.eventTargets()).toEqual([]);
    });
  });
});
