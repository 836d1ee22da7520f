// Tray states, tooltip and menu, with Electron replaced by a stand-in (test/unit/electron-stand-in.ts).
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import type { AuthStatus, SyncStatus } from '../../src/control/contract.js';
import { createTrayController, type TrayActions } from '../../electron/tray-controller.js';
import { MAX_TOOLTIP, formatSyncTime, isSyncOn, trayView, type TrayModel } from '../../electron/tray-state.js';
import { electronStandIn } from './electron-stand-in.js';

const NOW = new Date('2025-03-04T14:30:00.000Z');
const sync = (state: SyncStatus['state'], extra: Partial<SyncStatus> = {}): SyncStatus => ({
  state, since: '2025-03-04T08:00:00.000Z',
  counters: { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0 }, ...extra,
});
const auth = (state: AuthStatus['state'], extra: Partial<AuthStatus> = {}): AuthStatus => ({ state, appCredential: 'ok', ...extra });

describe('tray view (state → icon and tooltip)', () => {
  it.each<[string, TrayModel, string]>([
    ['running + signed in', { sync: sync('running'), auth: auth('signed-in'), language: 'en' }, 'syncing'],
    ['starting', { sync: sync('starting'), auth: auth('signed-in'), language: 'en' }, 'syncing'],
    ['stopped', { sync: sync('stopped'), auth: auth('signed-in'), language: 'en' }, 'paused'],
    ['paused', { sync: sync('paused'), auth: auth('signed-in'), language: 'en' }, 'paused'],
    ['nothing known yet', { language: 'en' }, 'paused'],
    ['sign-in expired', { sync: sync('running'), auth: auth('needs-sign-in'), language: 'en' }, 'attention'],
    ['engine waits for sign-in', { sync: sync('signed-out'), auth: auth('signed-out'), language: 'en' }, 'attention'],
    ['not set up', { sync: sync('stopped'), auth: auth('not-configured'), language: 'en' }, 'attention'],
    ['credential expiring', { sync: sync('running'), auth: auth('signed-in', { appCredential: 'expiring' }), language: 'en' }, 'attention'],
    ['degraded', { sync: sync('degraded', { reason: '3 users failed' }), auth: auth('signed-in'), language: 'en' }, 'attention'],
    ['error', { sync: sync('error', { reason: 'PBX unreachable' }), auth: auth('needs-sign-in'), language: 'en' }, 'error'],
  ])('%s → %s', (_name, model, icon) => {
    expect(trayView(model, NOW).icon).toBe(icon);
  });

  it('says in one line what is going on, with the reason of a problem', () => {
    expect(trayView({ sync: sync('error', { reason: 'STARFACE does not answer: check the PBX address.' }), language: 'en' }, NOW).tooltip)
      .toBe('Presence Bridge: stopped by an error – STARFACE does not answer: check the PBX address.');
    expect(trayView({ sync: sync('running', { lastSuccessfulSync: '2025-03-04T14:29:00.000Z' }), auth: auth('signed-in'), language: 'de' }, NOW).tooltip)
      .toBe('Presence Bridge: synchronisiert – 14:29');
    expect(trayView({ sync: sync('stopped'), language: 'en' }, NOW).tooltip).toBe('Presence Bridge: sync is off');
  });

  it('gives a coded reason in the tray\'s language, not the engine\'s English sentence', () => {
    const degraded = sync('degraded', {
      reason: '2 of 9 STARFACE sessions are not connected; they log in again on their own (login refused)',
      reasonCode: 'sessions-down', reasonParams: { down: 2, total: 9 }, reasonDetail: 'login refused',
    });
    expect(trayView({ sync: degraded, auth: auth('signed-in'), language: 'de' }, NOW).tooltip)
      .toMatch(/– 2 von 9 STARFACE-Sitzungen sind nicht verbunden/);
    expect(trayView({ sync: degraded, auth: auth('signed-in'), language: 'en' }, NOW).tooltip)
      .toMatch(/– 2 of 9 STARFACE sessions are not connected/);
  });

  it('shows a stop that could not restore everyone as a problem, with what is left (en and de)', () => {
    const restore = {
      total: 3, restored: 1, notRestored: 2, logins: ['1001', '1002'], reason: 'pbx-unreachable' as const, at: '2025-03-04T14:00:00.000Z',
      message: '2 of 3 users not restored: PBX unreachable; they are restored as soon as the PBX answers again, at the latest at the next start.',
    };
    const en = trayView({ sync: sync('stopped', { reason: `stopped; ${restore.message}`, restore }), auth: auth('signed-in'), language: 'en' }, NOW);
    expect(en.icon).toBe('attention');
    expect(en.tooltip).toBe('Presence Bridge: 2 of 3 users not restored – PBX unreachable; restored when it answers again');
    const de = trayView({ sync: sync('stopped', { restore }), auth: auth('signed-in'), language: 'de' }, NOW);
    expect(de.icon).toBe('attention');
    expect(de.tooltip).toBe('Presence Bridge: 2 von 3 Benutzern nicht wiederhergestellt – Telefonanlage nicht erreichbar; wird nachgeholt');
    // Once everybody is back, sync is simply off again.
    expect(trayView({ sync: sync('stopped', { restore: { ...restore, restored: 3, notRestored: 0, logins: [] } }), auth: auth('signed-in'), language: 'en' }, NOW).icon).toBe('paused');
  });

  it('keeps the tooltip on one line within the Windows limit', () => {
    const long = `line one\nline two ${'x'.repeat(300)}`;
    const { tooltip } = trayView({ sync: sync('error', { reason: long }), language: 'en' }, NOW);
    expect(tooltip.length).toBeLessThanOrEqual(MAX_TOOLTIP);
    expect(tooltip).not.toMatch(/\n/);
    expect(tooltip.endsWith('…')).toBe(true);
  });

  it('shows the time today and the date on other days (machine time zone)', () => {
    expect(formatSyncTime('2025-03-04T09:05:00.000Z', 'en', NOW)).toBe('09:05');
    expect(formatSyncTime('2025-03-02T09:05:00.000Z', 'en', NOW)).toBe('2 Mar, 09:05');
    expect(formatSyncTime('2025-03-02T09:05:00.000Z', 'de', NOW)).toMatch(/^2\. März, 09:05$/);
  });

  it('counts a running engine waiting for sign-in as sync on, a stopped or failed one as off', () => {
    expect(['starting', 'running', 'degraded', 'signed-out'].map((s) => isSyncOn(sync(s as SyncStatus['state'])))).toEqual([true, true, true, true]);
    expect(['stopped', 'paused', 'error'].map((s) => isSyncOn(sync(s as SyncStatus['state'])))).toEqual([false, false, false]);
    expect(isSyncOn(undefined)).toBe(false);
  });
});

function setup(initial: TrayModel) {
  const electron = electronStandIn();
  const actions: TrayActions = {
    setSync: vi.fn(), openSettings: vi.fn(), signIn: vi.fn(), signOut: vi.fn(), setStartAtLogin: vi.fn(),
    restoreAndQuit: vi.fn(), quit: vi.fn(),
  };
  const controller = createTrayController(electron, { iconDir: '/app/assets/tray', actions, initial, now: () => NOW });
  const tray = electron.trays[0]!;
  return { electron, actions, controller, tray, menu: () => tray.menu! };
}

describe('tray controller with Electron replaced by a stand-in', () => {
  it('creates one tray with the icon, tooltip and menu of the current state', () => {
    const { electron, tray, menu } = setup({ sync: sync('running', { lastSuccessfulSync: '2025-03-04T14:00:00.000Z' }), auth: auth('signed-in', { account: 'admin@contoso.example' }), language: 'en' });
    expect(electron.trays).toHaveLength(1);
    expect(tray.image).toBe(join('/app/assets/tray', 'syncing.png'));
    expect(tray.toolTip).toBe('Presence Bridge: syncing – 14:00');
    expect(menu().items.map((i) => i.label ?? '—')).toEqual([
      'Presence Bridge: syncing', 'Last successful sync: 14:00', '—', 'Sync on', 'Open settings…',
      'Sign out (admin@contoso.example)', '—', 'Start at login', '—', 'Restore and quit', 'Quit',
    ]);
    expect(menu().item('status').enabled).toBe(false);
    expect(menu().item('last-sync').enabled).toBe(false);
    expect(menu().item('sync').checked).toBe(true);
  });

  it('switches icon, tooltip and menu when the state changes, and sets the menu again (Linux)', () => {
    const { controller, tray, menu } = setup({ sync: sync('running'), auth: auth('signed-in'), language: 'en' });
    const before = tray.setContextMenuCalls;
    controller.update({ sync: sync('running'), auth: auth('needs-sign-in', { message: 'The sign-in expired.' }), language: 'en' });
    expect(tray.image).toBe(join('/app/assets/tray', 'attention.png'));
    expect(tray.toolTip).toBe('Presence Bridge: sign-in needed – The sign-in expired.');
    expect(menu().item('sign-in').label).toBe('Sign in to Microsoft…');
    expect(tray.setContextMenuCalls).toBe(before + 1);
    controller.update({ sync: sync('error', { reason: 'boom' }), language: 'en' });
    expect(tray.image).toBe(join('/app/assets/tray', 'error.png'));
    controller.update({ sync: sync('stopped'), auth: auth('signed-in'), language: 'en' });
    expect(tray.image).toBe(join('/app/assets/tray', 'paused.png'));
    expect(menu().item('sync').checked).toBe(false);
    expect(menu().item('last-sync').label).toBe('Last successful sync: never');
  });

  it('turns each menu item into its action', () => {
    const { actions, controller, menu } = setup({ sync: sync('running'), auth: auth('signed-in'), language: 'en' });
    menu().click('sync');
    expect(actions.setSync).toHaveBeenCalledWith(false);
    controller.update({ sync: sync('stopped'), auth: auth('signed-in'), language: 'en' });
    menu().click('sync');
    expect(actions.setSync).toHaveBeenLastCalledWith(true);
    menu().click('open-settings');
    expect(actions.openSettings).toHaveBeenCalledTimes(1);
    menu().click('sign-out');
    expect(actions.signOut).toHaveBeenCalledTimes(1);
    controller.update({ sync: sync('stopped'), auth: auth('signed-out'), language: 'en' });
    menu().click('sign-in');
    expect(actions.signIn).toHaveBeenCalledTimes(1);
    menu().click('start-at-login');
    expect(actions.setStartAtLogin).toHaveBeenCalledWith(true);
    menu().click('restore-and-quit');
    expect(actions.restoreAndQuit).toHaveBeenCalledTimes(1);
    menu().click('quit');
    expect(actions.quit).toHaveBeenCalledTimes(1);
  });

  it('offers no sign-in while one is running or nothing is set up', () => {
    const { controller, menu } = setup({ sync: sync('stopped'), auth: auth('signing-in'), language: 'en' });
    expect(menu().item('sign-in')).toMatchObject({ label: 'Signing in… (see your browser)', enabled: false });
    controller.update({ sync: sync('stopped'), auth: auth('not-configured'), language: 'en' });
    expect(menu().item('sign-in').enabled).toBe(false);
  });

  it('opens the settings on a tray click and reflects start at login', () => {
    const { actions, controller, tray, menu } = setup({ language: 'en' });
    tray.click();
    expect(actions.openSettings).toHaveBeenCalledTimes(1);
    expect(menu().item('start-at-login').checked).toBe(false);
    controller.setStartAtLogin(true);
    expect(menu().item('start-at-login').checked).toBe(true);
  });

  it('speaks German when the settings say so', () => {
    const { menu } = setup({ sync: sync('stopped'), auth: auth('signed-out'), language: 'de' });
    expect(menu().items.filter((i) => i.label).map((i) => i.label)).toEqual([
      'Presence Bridge: Synchronisation aus', 'Letzte erfolgreiche Synchronisation: noch keine', 'Synchronisation an',
      'Einstellungen öffnen…', 'Bei Microsoft anmelden…', 'Bei der Anmeldung starten', 'Wiederherstellen und beenden', 'Beenden',
    ]);
  });

  it('removes the tray icon once on destroy and ignores later updates', () => {
    const { controller, tray } = setup({ language: 'en' });
    controller.destroy();
    controller.destroy();
    expect(tray.destroyed).toBe(true);
    const calls = tray.setContextMenuCalls;
    controller.update({ sync: sync('running'), language: 'en' });
    expect(tray.setContextMenuCalls).toBe(calls);
  });
});

describe('tray: the sign-in notes in the tray\'s language', () => {
  it('renders coded auth messages in German, Microsoft\'s raw words never in the tooltip', () => {
    const raw = 'invalid_grant: AADSTS700082 Trace ID: 1f2e Correlation ID: 9a8b Timestamp: 2025-03-04 14:00:00Z';
    const a = auth('needs-sign-in', { message: raw, messageCodes: [{ code: 'needs-sign-in', detail: raw }] });
    const de = trayView({ sync: sync('running'), auth: a, language: 'de' }, NOW).tooltip;
    expect(de).toContain('Bitte erneut bei Microsoft anmelden');
    expect(de).not.toMatch(/Trace ID|Timestamp|AADSTS/);
  });
});
