// The tray icon and its menu. It renders a TrayModel (engine state + language) and calls back into the shell
// for every action; it never talks to the engine itself.
import { join } from 'node:path';
import { shellText } from './shell-text.js';
import { isSyncOn, lastSyncLine, trayView, type TrayIconState, type TrayModel, type TrayView } from './tray-state.js';
import type { MenuFactory, MenuItemSpec, TrayConstructor, TrayPort } from './ports.js';

export interface TrayActions {
  setSync(on: boolean): void;
  openSettings(): void;
  signIn(): void;
  signOut(): void;
  setStartAtLogin(on: boolean): void;
  restoreAndQuit(): void;
  quit(): void;
}

export interface TrayDeps<TMenu> {
  Tray: TrayConstructor<TMenu>;
  Menu: MenuFactory<TMenu>;
}

export interface TrayOptions {
  /** Folder with <state>.png (+ <state>@2x.png) for every TrayIconState. */
  iconDir: string;
  actions: TrayActions;
  initial: TrayModel;
  startAtLogin?: boolean;
  now?: () => Date;
}

export interface TrayController {
  update(model: TrayModel): void;
  setStartAtLogin(on: boolean): void;
  readonly view: TrayView;
  /** The menu as last handed to Electron (for tests and diagnostics). */
  readonly menu: readonly MenuItemSpec[];
  destroy(): void;
}

export function trayIconPath(iconDir: string, state: TrayIconState): string {
  return join(iconDir, `${state}.png`);
}

export function createTrayController<TMenu>(deps: TrayDeps<TMenu>, opts: TrayOptions): TrayController {
  const now = opts.now ?? (() => new Date());
  let model = opts.initial;
  let startAtLogin = opts.startAtLogin ?? false;
  let view = trayView(model, now());
  let menu: MenuItemSpec[] = [];
  let destroyed = false;
  const tray: TrayPort<TMenu> = new deps.Tray(trayIconPath(opts.iconDir, view.icon));
  // Windows and macOS open the settings on a plain click; Linux shows the menu (and may not emit 'click').
  tray.on('click', () => opts.actions.openSettings());

  function render(): void {
    if (destroyed) return;
    view = trayView(model, now());
    tray.setImage(trayIconPath(opts.iconDir, view.icon));
    tray.setToolTip(view.tooltip);
    menu = buildMenu(model, view, startAtLogin, opts.actions, now());
    // Linux only picks up changed items when the whole menu is set again.
    tray.setContextMenu(deps.Menu.buildFromTemplate(menu));
  }
  render();

  return {
    update(next) { model = next; render(); },
    setStartAtLogin(on) { startAtLogin = on; render(); },
    get view() { return view; },
    get menu() { return menu; },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      tray.destroy();
    },
  };
}

function buildMenu(model: TrayModel, view: TrayView, startAtLogin: boolean, actions: TrayActions, now: Date): MenuItemSpec[] {
  const t = shellText(model.language);
  const on = isSyncOn(model.sync);
  const auth = model.auth?.state;
  const signInItem: MenuItemSpec = auth === 'signed-in'
    ? { id: 'sign-out', label: t.signOut(model.auth?.account), click: () => actions.signOut() }
    : auth === 'signing-in'
      ? { id: 'sign-in', label: t.signingIn, enabled: false }
      : { id: 'sign-in', label: t.signIn, enabled: auth !== 'not-configured', click: () => actions.signIn() };
  return [
    { id: 'status', label: `${t.appName}: ${view.status}`, enabled: false },
    { id: 'last-sync', label: lastSyncLine(model, now), enabled: false },
    { type: 'separator' },
    { id: 'sync', label: t.syncOn, type: 'checkbox', checked: on, click: () => actions.setSync(!on) },
    { id: 'open-settings', label: t.openSettings, click: () => actions.openSettings() },
    signInItem,
    { type: 'separator' },
    { id: 'start-at-login', label: t.startAtLogin, type: 'checkbox', checked: startAtLogin, click: () => actions.setStartAtLogin(!startAtLogin) },
    { type: 'separator' },
    { id: 'restore-and-quit', label: t.restoreAndQuit, click: () => actions.restoreAndQuit() },
    { id: 'quit', label: t.quit, click: () => actions.quit() },
  ];
}
