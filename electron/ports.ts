// The narrow slices of the Electron API that the shell's modules use. Each module takes these injected, so it
// runs (and is unit-tested) in plain Node with a stand-in for Electron; main.ts passes the real objects, and the
// type checker proves they fit. Keep these minimal: every member here is something a stand-in must implement.

/** A cancellable Electron event (close, will-navigate, …). */
export interface PreventableEvent {
  preventDefault(): void;
}

/** Navigation events carry the target URL on the event (newer Electron) and as a deprecated second argument. */
export interface NavigationEvent extends PreventableEvent {
  readonly url?: string;
}

export interface MenuItemSpec {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

export interface MenuFactory<TMenu> {
  buildFromTemplate(template: MenuItemSpec[]): TMenu;
}

export interface TrayPort<TMenu> {
  setImage(image: string): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: TMenu): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export type TrayConstructor<TMenu> = new (image: string) => TrayPort<TMenu>;

export interface FramePort {
  readonly url: string;
  /** null for the top-level frame. */
  readonly parent: unknown;
}

/** What ipcMain.handle hands a listener: the sending WebContents and frame. */
export interface IpcInvokeEventPort {
  readonly sender: { readonly id: number };
  readonly senderFrame: FramePort | null;
}

export interface IpcMainPort {
  handle(channel: string, listener: (event: IpcInvokeEventPort, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface WebContentsPort {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  on(event: 'will-navigate', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface WindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: string;
  autoHideMenuBar: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webviewTag: false;
    spellcheck: boolean;
  };
}

export interface BrowserWindowPort {
  readonly webContents: WebContentsPort;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
  destroy(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export type BrowserWindowConstructor = new (options: WindowOptions) => BrowserWindowPort;

export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

export interface NotificationPort {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationConstructor {
  new (options: { title: string; body: string; icon?: string }): NotificationPort;
  isSupported(): boolean;
}

export interface PowerMonitorPort {
  on(event: 'suspend' | 'resume', listener: () => void): unknown;
  /**
   * Linux and macOS: the system is about to shut down; preventDefault asks it to wait for an orderly quit.
   * (Electron passes the event although its typings declare no argument.)
   */
  on(event: 'shutdown', listener: (event?: PreventableEvent) => void): unknown;
  removeListener(event: 'suspend' | 'resume', listener: () => void): unknown;
}

export interface PermissionSessionPort {
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
}

/** The `app` object, as far as the lifecycle needs it. */
export interface AppPort {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
}

/** Minimal logger: src/platform/logger.ts's Logger satisfies it. Never pass secrets in fields. */
export interface ShellLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: ShellLogger = {
  info: (msg, fields) => console.log(`[shell] ${msg}`, fields ?? ''),
  warn: (msg, fields) => console.warn(`[shell] ${msg}`, fields ?? ''),
  error: (msg, fields) => console.error(`[shell] ${msg}`, fields ?? ''),
};
