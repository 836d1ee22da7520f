// Desktop notifications only for problems that need the admin, with Electron's Notification replaced by a
// stand-in (test/unit/electron-stand-in.ts).
import { describe, expect, it, vi } from 'vitest';
import type { AuthStatus, SyncStatus } from '../../src/control/contract.js';
import { createProblemNotifier, problemsOf, type ProblemModel } from '../../electron/problem-notifier.js';
import { electronStandIn } from './electron-stand-in.js';

const sync = (state: SyncStatus['state'], reason?: string): SyncStatus => ({
  state, since: '2025-01-01T00:00:00.000Z', counters: { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0 },
  ...(reason ? { reason } : {}),
});
const auth = (state: AuthStatus['state'], appCredential: AuthStatus['appCredential'] = 'ok'): AuthStatus => ({ state, appCredential });

function setup() {
  const electron = electronStandIn();
  const onClick = vi.fn();
  const notifier = createProblemNotifier(electron, { onClick, icon: '/app/assets/app/icon-256.png' });
  return { electron, onClick, notifier };
}

describe('problem notifications (Notification stand-in)', () => {
  it('stays silent for routine states', () => {
    const { electron, notifier } = setup();
    const routine: ProblemModel[] = [
      { language: 'en' },
      { sync: sync('stopped'), auth: auth('signed-out'), language: 'en' },
      { sync: sync('starting'), auth: auth('signing-in'), language: 'en' },
      { sync: sync('running'), auth: auth('signed-in'), language: 'en' },
      { sync: sync('degraded', '1 user failed'), auth: auth('signed-in'), language: 'en' },
      { sync: sync('paused'), auth: auth('signed-in'), language: 'en' },
      { sync: sync('stopped'), auth: auth('not-configured', 'missing'), language: 'en' },
    ];
    for (const m of routine) notifier.observe(m);
    expect(electron.notifications).toEqual([]);
  });

  it('announces an expired sign-in once, and again only after it was fixed and expired again', () => {
    const { electron, notifier } = setup();
    notifier.observe({ sync: sync('running'), auth: auth('signed-in'), language: 'en' });
    notifier.observe({ sync: sync('running'), auth: auth('needs-sign-in'), language: 'en' });
    notifier.observe({ sync: sync('signed-out'), auth: auth('needs-sign-in'), language: 'en' });
    notifier.observe({ sync: sync('signed-out'), auth: auth('needs-sign-in'), language: 'en' });
    expect(electron.notifications).toHaveLength(1);
    expect(electron.notifications[0]!.options).toMatchObject({ title: 'Presence Bridge: sign-in needed', icon: '/app/assets/app/icon-256.png' });
    expect(electron.notifications[0]!.options.body).toMatch(/Sign in to Microsoft/);
    expect(electron.notifications[0]!.shown).toBe(true);
    notifier.observe({ sync: sync('running'), auth: auth('signed-in'), language: 'en' });
    notifier.observe({ sync: sync('running'), auth: auth('needs-sign-in'), language: 'en' });
    expect(electron.notifications).toHaveLength(2);
  });

  it('announces a sync error with its reason, and a bad or expiring app credential', () => {
    const { electron, notifier } = setup();
    notifier.observe({ sync: sync('error', 'STARFACE rejected the admin password.'), auth: auth('signed-in', 'expiring'), language: 'en' });
    expect(electron.notifications.map((n) => n.options.title)).toEqual(['Presence Bridge stopped syncing', 'Presence Bridge: app credential']);
    expect(electron.notifications[0]!.options.body).toContain('STARFACE rejected the admin password.');
    expect(electron.notifications[1]!.options.body).toContain('expires soon');
    expect(notifier.active).toEqual(['sync-error', 'credential-expiring']);
  });

  it('announces a missing credential only when sync is on and needs it', () => {
    expect(problemsOf({ sync: sync('stopped'), auth: auth('signed-in', 'missing'), language: 'en' })).toEqual([]);
    expect(problemsOf({ sync: sync('running'), auth: auth('signed-in', 'missing'), language: 'en' }).map((p) => p.key)).toEqual(['credential-missing']);
  });

  it('opens the settings when a notification is clicked, in the UI language', () => {
    const { electron, notifier, onClick } = setup();
    notifier.observe({ sync: sync('running'), auth: auth('needs-sign-in'), language: 'de' });
    expect(electron.notifications[0]!.options.title).toBe('Presence Bridge: Anmeldung nötig');
    electron.notifications[0]!.click();
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('shows nothing where the desktop has no notifications', () => {
    const { electron, notifier } = setup();
    (electron.Notification as unknown as { supported: boolean }).supported = false;
    notifier.observe({ sync: sync('error', 'x'), language: 'en' });
    expect(electron.notifications).toEqual([]);
  });
});
