// The one window: the settings UI. Created on demand, hidden (not closed) when the admin closes it so the app
// keeps running in the tray, and destroyed only when the app really quits. It loads only the app's own renderer;
// navigation and new windows are blocked, and links go to the system browser through the external opener.
import { RENDERER_URL, isRendererUrl } from './renderer-protocol.js';
import type { BrowserWindowConstructor, BrowserWindowPort, FramePort, IpcInvokeEventPort, ShellLogger, WindowOptions } from './ports.js';

export interface SettingsWindowOptions {
  preload: string;
  icon?: string;
  title: string;
  /** Closing hides the window while the app keeps running (tray present); false: closing closes it. */
  hideOnClose: () => boolean;
  /** True once the app is quitting: then close really closes. */
  isQuitting: () => boolean;
  openExternal: (url: string) => void;
  /** Called after the window has closed for good (not when it is only hidden). */
  onClosed?: () => void;
  log: ShellLogger;
  url?: string;
}

export interface SettingsWindow {
  /** Creates the window if needed, then shows, restores and focuses it. */
  show(): BrowserWindowPort;
  hide(): void;
  readonly window: BrowserWindowPort | undefined;
  /** The IPC sender check: the settings window's own top-level frame showing the app's renderer. */
  isTrustedSender(event: IpcInvokeEventPort): boolean;
  /** Where control events go (none while the window does not exist). */
  eventTargets(): { send(channel: string, ...args: unknown[]): void }[];
  destroy(): void;
}

export function settingsWindowOptions(opts: Pick<SettingsWindowOptions, 'preload' | 'icon' | 'title'>): WindowOptions {
  const options: WindowOptions = {
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: opts.title,
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
  if (opts.icon) options.icon = opts.icon;
  return options;
}

export function createSettingsWindow(deps: { BrowserWindow: BrowserWindowConstructor }, opts: SettingsWindowOptions): SettingsWindow {
  const url = opts.url ?? RENDERER_URL;
  let win: BrowserWindowPort | undefined;

  function create(): BrowserWindowPort {
    const w = new deps.BrowserWindow(settingsWindowOptions(opts));
    const wc = w.webContents;
    // The page never navigates (it is a single page); a clicked link goes to the browser, if allowed.
    wc.on('will-navigate', (event, legacyUrl) => {
      event.preventDefault();
      const target = event.url ?? legacyUrl;
      if (!isRendererUrl(target)) opts.openExternal(target);
    });
    wc.on('will-redirect', (event, legacyUrl) => {
      if (!isRendererUrl(event.url ?? legacyUrl)) event.preventDefault();
    });
    wc.on('will-attach-webview', (event) => event.preventDefault());
    wc.setWindowOpenHandler(({ url: target }) => {
      opts.openExternal(target);
      return { action: 'deny' };
    });
    w.once('ready-to-show', () => {
      if (!w.isDestroyed()) w.show();
    });
    w.on('close', (event) => {
      if (!opts.isQuitting() && opts.hideOnClose()) {
        event.preventDefault();
        w.hide();
      }
    });
    w.on('closed', () => {
      if (win === w) win = undefined;
      opts.onClosed?.();
    });
    w.loadURL(url).catch((err: unknown) => {
      opts.log.error('the settings page failed to load', { error: err instanceof Error ? err.message : String(err) });
    });
    return w;
  }

  return {
    show() {
      if (!win || win.isDestroyed()) win = create();
      else {
        if (win.isMinimized()) win.restore();
        win.show();
      }
      win.focus();
      return win;
    },
    hide() {
      if (win && !win.isDestroyed()) win.hide();
    },
    get window() {
      return win && !win.isDestroyed() ? win : undefined;
    },
    isTrustedSender(event) {
      const w = win;
      if (!w || w.isDestroyed()) return false;
      if (event.sender.id !== w.webContents.id) return false;
      return isTopRendererFrame(event.senderFrame);
    },
    eventTargets() {
      const w = win;
      if (!w || w.isDestroyed() || w.webContents.isDestroyed()) return [];
      return [w.webContents];
    },
    destroy() {
      if (win && !win.isDestroyed()) win.destroy();
      win = undefined;
    },
  };
}

function isTopRendererFrame(frame: FramePort | null): boolean {
  if (!frame) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isRendererUrl(frame.url);
}
