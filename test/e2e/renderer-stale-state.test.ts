// Issue 15 item 3 in Chromium, in German: the board follows the roster live (a selection that drops to 0 shows 0),
// a stopped board marks its PBX values as old ("Stand von …"), and an error banner leaves when the engine reports
// the recovery — without a manual test.
import { describe, expect, it } from 'vitest';
import type { Roster } from '../../src/core/roster.js';
import { HAVE_CHROMIUM, rendererSuite, screenshot } from './renderer-harness.js';

if (!HAVE_CHROMIUM) console.log('renderer e2e: skipped, /usr/bin/chromium is missing (apt-get install chromium).');

function rosterOf(logins: string[]): Roster {
  return {
    users: logins.map((login) => ({ login, email: `${login}@contoso.example`, status: 'matched' as const })),
    counts: { matched: logins.length, conflicts: 0 },
  };
}

describe.skipIf(!HAVE_CHROMIUM)('stale state (Chromium, real headless host + SSE, engine stand-in)', () => {
  const suite = rendererSuite();

  it('the board follows the roster: fewer users, then none', async () => {
    const page = await suite.start({ users: 40 });
    await page.getByText('40 von 40 Benutzern').waitFor();
    const engine = suite.engine();
    engine.emit({ type: 'roster.changed', data: rosterOf(engine.users.slice(0, 10).map((u) => u.login)) });
    await page.getByText('10 von 10 Benutzern').waitFor();
    engine.emit({ type: 'roster.changed', data: rosterOf([]) });
    await page.getByText('Keine Benutzer synchronisiert.', { exact: false }).waitFor();
    expect(await page.locator('.vt-body [role=row]').count()).toBe(0);
    await page.locator('.sync-badge', { hasText: 'Läuft – 0 Benutzer' }).waitFor();
  });

  it('a stopped board marks the PBX values as old ("Stand von …"); running again, the mark goes', async () => {
    const page = await suite.start({ users: 5 });
    await page.getByText('5 von 5 Benutzern').waitFor();
    expect(await page.getByText(/^Stand von /).count()).toBe(0);
    const sw = page.getByRole('switch', { name: 'Synchronisierung' });
    await sw.click();
    await page.getByRole('dialog', { name: 'Synchronisierung beenden' }).getByRole('button', { name: 'Beenden und zurücksetzen' }).click();
    await page.locator('.sync-badge', { hasText: 'Gestoppt' }).waitFor();
    await expect.poll(() => page.getByText(/^Stand von \d{2}\.\d{2}\.\d{2}, \d{2}:\d{2}:\d{2}$/).count()).toBe(5);
    await screenshot(page, 'board-stopped-stale');
    await sw.click();
    await expect.poll(() => page.getByText(/^Stand von /).count()).toBe(0);
  });

  it('an error banner leaves when the engine reports the recovery', async () => {
    const page = await suite.start({ users: 3 });
    await page.getByText('3 von 3 Benutzern').waitFor();
    const engine = suite.engine();
    const auth = await engine['auth.status']({});
    engine.emit({ type: 'auth.changed', data: { ...auth, appCredential: 'invalid', message: 'AADSTS7000215: Invalid client secret provided.' } });
    const banner = page.locator('.notice', { hasText: 'AADSTS7000215' });
    await banner.waitFor();
    engine.emit({ type: 'auth.changed', data: { ...auth, appCredential: 'ok' } });
    await banner.waitFor({ state: 'detached' });
    expect(engine.callsOf('connections.test')).toHaveLength(0);
  });
});
