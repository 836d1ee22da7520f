// A stand-in for Electron: plain classes that behave like the parts of Electron the shell uses (Tray, Menu,
// BrowserWindow + WebContents, ipcMain, app with single-instance lock and quit sequence, Notification,
// powerMonitor, shell, session) and record what was done to them. The Electron binary cannot run on the build
// machines; with this stand-in the shell's real modules run unchanged in plain Node.
import { vi } from 'vitest';
import type { MenuItemSpec } from '../../electron/ports.js';

type Listener = (...args: never[]) => unknown;

class Emitter {
  private readonly listeners = new Map<string, { fn: Listener; once: boolean }[]>();
  on(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: false }]);
    return this;
  }
  once(event: string, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { fn, once: true }]);
    return this;
  }
  removeListener(event: string, fn: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l.fn !== fn));
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    const ls = this.listeners.get(event) ?? [];
    this.listeners.set(event, ls.filter((l) => !l.once));
    for (const l of ls) (l.fn as (...a: unknown[]) => unknown)(...args);
    return ls.length > 0;
  }
  listenerCount(event: string): number {
    return (this.listeners.get(event) ?? []).length;
  }
}

/** An Electron-style event whose default action a listener may cancel. */
export class StandInEvent {
  defaultPrevented = false;
  constructor(readonly url?: string) {}
  preventDefault(): void { this.defaultPrevented = true; }
}

export class StandInMenu {
  constructor(readonly items: MenuItemSpec[]) {}
  item(id: string): MenuItemSpec {
    const found = this.items.find((i) => i.id === id);
    if (!found) throw new Error(`no menu item "${id}" in [${this.items.map((i) => i.id ?? i.type).join(', ')}]`);
    return found;
  }
  /** Clicks an item as Electron would (checkboxes flip before the click handler runs). */
  click(id: string): void {
    const item = this.item(id);
    if (item.enabled === false) throw new Error(`menu item "${id}" is disabled`);
    if (item.type === 'checkbox') item.checked = !item.checked;
    item.click?.();
  }
}

export interface FrameStandIn { url: string; parent: FrameStandIn | null }

export class StandInWebContents extends Emitter {
  sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  url = '';
  mainFrame: FrameStandIn = { url: '', parent: null };
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' | 'allow' }) | undefined;
  constructor(readonly id: number) { super(); }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean { return this.destroyed; }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void { this.windowOpenHandler = handler; }
  /** The page tries to navigate (link click, location change); returns whether Electron would go ahead. */
  navigate(url: string): boolean {
    const e = new StandInEvent(url);
    this.emit('will-navigate', e, url);
    return !e.defaultPrevented;
  }
  redirect(url: string): boolean {
    const e = new StandInEvent(url);
    this.emit('will-redirect', e, url);
    return !e.defaultPrevented;
  }
  /** The page calls window.open / a target=_blank link; returns the handler's decision. */
  openWindow(url: string): 'deny' | 'allow' {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }).action : 'allow';
  }
  /** An IPC invoke event as ipcMain.handle receives it, from the main frame or a given frame. */
  invokeEvent(frame: FrameStandIn | null = this.mainFrame): { sender: { id: number }; senderFrame: FrameStandIn | null } {
    return { sender: { id: this.id }, senderFrame: frame };
  }
}

export class StandInIpcMain {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, fn: (event: never, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, fn as (event: unknown, ...args: unknown[]) => unknown);
  }
  removeHandler(channel: string): void { this.handlers.delete(channel); }
  /** What ipcRenderer.invoke(channel, ...args) from `event`'s sender would resolve to. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, ...args);
  }
}

export interface ElectronStandIn {
  app: StandInApp;
  Tray: new (image: string) => StandInTray;
  Menu: { buildFromTemplate(template: MenuItemSpec[]): StandInMenu };
  BrowserWindow: new (options: object) => StandInWindow;
  ipcMain: StandInIpcMain;
  shell: { openExternal(url: string): Promise<void>; opened: string[] };
  Notification: { new (options: { title: string; body: string; icon?: string }): StandInNotification; isSupported(): boolean; supported: boolean };
  powerMonitor: StandInPowerMonitor;
  isOnline: () => boolean;
  session: StandInSession;
  /** Everything created so far, for assertions. */
  trays: StandInTray[];
  windows: StandInWindow[];
  notifications: StandInNotification[];
  network: { online: boolean };
}

export class StandInTray extends Emitter {
  image: string;
  toolTip = '';
  menu: StandInMenu | null = null;
  setContextMenuCalls = 0;
  destroyed = false;
  constructor(image: string) { super(); this.image = image; }
  setImage(image: string): void { this.image = image; }
  setToolTip(t: string): void { this.toolTip = t; }
  setContextMenu(menu: StandInMenu | null): void { this.menu = menu; this.setContextMenuCalls++; }
  destroy(): void { this.destroyed = true; }
  click(): void { this.emit('click', new StandInEvent()); }
}

export class StandInWindow extends Emitter {
  readonly webContents: StandInWebContents;
  visible = false;
  minimized = false;
  focused = false;
  destroyed = false;
  loadedUrl: string | undefined;
  constructor(readonly options: Record<string, unknown>, id: number, private readonly onClosed: (w: StandInWindow) => void) {
    super();
    this.webContents = new StandInWebContents(id);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.url = url;
    this.webContents.mainFrame = { url, parent: null };
    this.emit('ready-to-show');
  }
  show(): void { this.visible = true; this.minimized = false; }
  hide(): void { this.visible = false; this.focused = false; }
  focus(): void { this.focused = true; }
  restore(): void { this.minimized = false; }
  minimize(): void { this.minimized = true; this.focused = false; }
  isMinimized(): boolean { return this.minimized; }
  isVisible(): boolean { return this.visible; }
  isDestroyed(): boolean { return this.destroyed; }
  /** Like the window's close button: 'close' may be cancelled; otherwise the window is gone. Returns whether it closed. */
  close(): boolean {
    if (this.destroyed) return true;
    const e = new StandInEvent();
    this.emit('close', e);
    if (e.defaultPrevented) return false;
    this.destroy();
    return true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.emit('closed');
    this.onClosed(this);
  }
}

export class StandInNotification extends Emitter {
  shown = false;
  constructor(readonly options: { title: string; body: string; icon?: string }) { super(); }
  show(): void { this.shown = true; }
  click(): void { this.emit('click', new StandInEvent()); }
}

export class StandInPowerMonitor extends Emitter {}

export class StandInSession {
  permissionRequestHandler: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string) => boolean) | null = null;
  setPermissionRequestHandler(h: StandInSession['permissionRequestHandler']): void { this.permissionRequestHandler = h; }
  setPermissionCheckHandler(h: StandInSession['permissionCheckHandler']): void { this.permissionCheckHandler = h; }
}

/** Shared by the app stand-ins of "two processes": the single-instance lock of one user-data folder. */
export class SingleInstanceLock {
  holder: StandInApp | undefined;
}

export class StandInApp extends Emitter {
  quitRequests = 0;
  quitted = false;
  exitCode: number | undefined;
  isPackaged = false;
  appPath = '/app';
  paths = new Map<string, string>([['userData', '/home/user/.config/Presence Bridge']]);
  calls: string[] = [];
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((r) => { this.readyResolve = r; });
  loginItem = { openAtLogin: false, args: [] as string[] };
  private readonly windowsOpen = new Set<StandInWindow>();
  constructor(private readonly lock: SingleInstanceLock) { super(); }
  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    if (this.lock.holder && this.lock.holder !== this && !this.lock.holder.quitted) {
      this.lock.holder.emit('second-instance', new StandInEvent(), ['presence-bridge'], '/');
      return false;
    }
    this.lock.holder = this;
    return true;
  }
  /** Electron's quit: 'before-quit' (cancellable), then every window gets 'close' (cancellable), then quit. */
  quit(): void {
    this.quitRequests++;
    const e = new StandInEvent();
    this.emit('before-quit', e);
    if (e.defaultPrevented) return;
    for (const w of [...this.windowsOpen]) if (!w.close()) return;
    this.quitted = true;
    this.emit('will-quit', new StandInEvent());
  }
  setLoginItemSettings(s: { openAtLogin: boolean; args?: string[] }): void { this.loginItem = { openAtLogin: s.openAtLogin, args: s.args ?? [] }; }
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } { return { openAtLogin: this.loginItem.openAtLogin, wasOpenedAtLogin: false }; }
  /** Electron's 'ready': the test decides when it happens. */
  emitReady(): void { this.calls.push('ready'); this.readyResolve(); this.emit('ready'); }
  whenReady(): Promise<void> { return this.ready; }
  getAppPath(): string { return this.appPath; }
  getPath(name: string): string { return this.paths.get(name) ?? `/stand-in/${name}`; }
  setPath(name: string, value: string): void { this.calls.push(`setPath ${name}`); this.paths.set(name, value); }
  getLocale(): string { return 'en-US'; }
  setActivationPolicy(policy: string): void { this.calls.push(`setActivationPolicy ${policy}`); }
  setAppUserModelId(id: string): void { this.calls.push(`setAppUserModelId ${id}`); }
  exit(code = 0): void { this.exitCode = code; this.quitted = true; }
  track(w: StandInWindow): void { this.windowsOpen.add(w); }
  untrack(w: StandInWindow): void {
    this.windowsOpen.delete(w);
    // Electron emits this when the last window closed (not during quit).
    if (this.windowsOpen.size === 0 && !this.quitted) this.emit('window-all-closed');
  }
}

export function electronStandIn(lock = new SingleInstanceLock()): ElectronStandIn {
  const app = new StandInApp(lock);
  const trays: StandInTray[] = [];
  const windows: StandInWindow[] = [];
  const notifications: StandInNotification[] = [];
  const network = { online: true };
  let nextId = 1;

  class Tray extends StandInTray {
    constructor(image: string) { super(image); trays.push(this); }
  }
  class BrowserWindow extends StandInWindow {
    constructor(options: object) {
      super(options as Record<string, unknown>, nextId++, (w) => app.untrack(w));
      windows.push(this);
      app.track(this);
    }
  }
  const NotificationClass = class extends StandInNotification {
    static supported = true;
    static isSupported(): boolean { return NotificationClass.supported; }
    constructor(options: { title: string; body: string; icon?: string }) { super(options); notifications.push(this); }
  };
  const opened: string[] = [];
  return {
    app,
    Tray,
    Menu: { buildFromTemplate: (template) => new StandInMenu(template.map((i) => ({ ...i }))) },
    BrowserWindow,
    ipcMain: new StandInIpcMain(),
    shell: { opened, async openExternal(url) { opened.push(url); } },
    Notification: NotificationClass,
    powerMonitor: new StandInPowerMonitor(),
    isOnline: () => network.online,
    session: new StandInSession(),
    trays,
    windows,
    notifications,
    network,
  };
}

/** Waits until `check` holds (a throw counts as "not yet"), for effects the shell starts without awaiting. */
export async function until(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  await vi.waitFor(() => {
    if (!check()) throw new Error(`timed out waiting for: ${what}`);
  }, { timeout: timeoutMs, interval: 5 });
}

/** Electron's protocol module: privileged schemes must be registered before 'ready', handlers after. */
export class StandInProtocol {
  privileged: { scheme: string; privileges: Record<string, boolean> }[] = [];
  registeredBeforeReady = false;
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  constructor(private readonly app: StandInApp) {}
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void {
    this.registeredBeforeReady = !this.app.calls.includes('ready');
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (!this.app.calls.includes('ready')) throw new Error('protocol.handle before ready');
    this.handlers.set(scheme, handler);
  }
  /** What the renderer would get for a URL. */
  async fetch(url: string): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.replace(/:$/, ''));
    if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME ${url}`);
    return handler(new Request(url));
  }
}

/** The whole 'electron' module as main.ts imports it, built on a stand-in. */
export function electronModuleStandIn(e: ElectronStandIn) {
  const errorBoxes: { title: string; content: string }[] = [];
  return {
    app: e.app,
    BrowserWindow: e.BrowserWindow,
    Tray: e.Tray,
    Menu: e.Menu,
    Notification: e.Notification,
    ipcMain: e.ipcMain,
    powerMonitor: e.powerMonitor,
    shell: e.shell,
    session: { defaultSession: e.session },
    net: { isOnline: () => e.network.online },
    protocol: new StandInProtocol(e.app),
    dialog: { showErrorBox: (title: string, content: string) => { errorBoxes.push({ title, content }); } },
    errorBoxes,
  };
}
