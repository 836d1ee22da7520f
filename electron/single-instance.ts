// One Presence Bridge per user: a second start must not open the vault, poll Graph or write the PBX a second
// time. Electron's lock tells the first instance ('second-instance'), which shows its settings window.
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
}

/** True if this process is the one instance; otherwise it asks the app to quit and returns false. */
export function claimSingleInstance(app: SingleInstanceApp): boolean {
  if (app.requestSingleInstanceLock()) return true;
  app.quit();
  return false;
}
