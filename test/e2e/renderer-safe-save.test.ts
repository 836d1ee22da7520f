// Issue 15 item 2 in Chromium, in German: a save that would stop the sync or change how many users are synced says
// what will happen (settings.preview) and asks first; cancelled, nothing is saved and nothing typed is lost. A sync
// that runs with nobody selected is shown as a warning, not as green "Läuft".
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Roster } from '../../src/core/roster.js';
import { HAVE_CHROMIUM, rendererSuite, screenshot } from './renderer-harness.js';

if (!HAVE_CHROMIUM) console.log('renderer e2e: skipped, /usr/bin/chromium is missing (apt-get install chromium).');

async function goTo(page: Page, nav: string): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: nav }).click();
  await page.getByRole('heading', { level: 1, name: nav }).waitFor();
}

describe.skipIf(!HAVE_CHROMIUM)('safe saves (Chromium, real headless host, engine stand-in)', () => {
  const suite = rendererSuite();

  /** The stand-in with complete connection settings (sync can run), the page reloaded to show them. */
  async function startConfigured(): Promise<Page> {
    const page = await suite.start();
    const engine = suite.engine();
    const s = engine.settings();
    const complete = {
      ...s,
      microsoft: { ...s.microsoft, tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222' },
      starface: { ...s.starface, baseUrl: 'https://pbx.contoso.example', adminLogin: '0001' },
    };
    expect((await engine['settings.save']({ settings: complete })).ok).toBe(true);
    await page.reload();
    await page.locator('.sync-badge', { hasText: 'Läuft' }).waitFor();
    return page;
  }

  it('an emptied client ID says "Synchronisierung stoppt für 40 Benutzer" and saves only when confirmed', async () => {
    const page = await startConfigured();
    const engine = suite.engine();
    const savesBefore = engine.callsOf('settings.save').length;
    await goTo(page, 'Verbindungen');
    const clientId = page.getByLabel('Anwendungs-ID (Client ID)');
    await clientId.fill('');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Speichern bestätigen' });
    await dialog.getByText('Die Synchronisierung stoppt für 40 Benutzer.').waitFor();
    await screenshot(page, 'save-confirm-sync-stops');
    await dialog.getByRole('button', { name: 'Abbrechen' }).click();
    await page.getByRole('status').filter({ hasText: 'Nicht gespeichert. Ihre Änderungen bleiben erhalten.' }).waitFor();
    expect(engine.callsOf('settings.save')).toHaveLength(savesBefore);
    expect(await clientId.inputValue()).toBe('');
    expect(engine.settings().microsoft.clientId).not.toBe('');

    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    await dialog.getByRole('button', { name: 'Trotzdem speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    expect(engine.settings().microsoft.clientId).toBe('');
  });

  it('a group that selects nobody says "0 Benutzer ausgewählt"; running with 0 users is a warning', async () => {
    const page = await startConfigured();
    const engine = suite.engine();
    await goTo(page, 'Benutzer');
    await page.getByLabel('Mitglieder einer STARFACE-Gruppe').check();
    const group = page.getByLabel('Gruppenname');
    await group.locator('option', { hasText: 'Support' }).waitFor({ state: 'attached' }); // roster.groups answered
    await group.selectOption('Support');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Speichern bestätigen' });
    await dialog.getByText('0 Benutzer ausgewählt (bisher 40). Es wird niemand mehr synchronisiert.').waitFor();
    await dialog.getByRole('button', { name: 'Trotzdem speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    expect(engine.settings().users.group).toBe('Support');

    // The engine evaluates the new selection: nobody. The sync still runs — shown as a warning.
    const empty: Roster = { users: [], counts: { matched: 0, conflicts: 0 } };
    engine.emit({ type: 'roster.changed', data: empty });
    const badge = page.locator('.sync-badge');
    await badge.filter({ hasText: 'Läuft – 0 Benutzer' }).waitFor();
    expect(await badge.getAttribute('class')).toContain('sync-degraded');
    expect(await badge.getAttribute('class')).not.toContain('sync-running');
    await screenshot(page, 'sync-running-no-users');
  });

  it('a save that changes nothing about the sync asks nothing', async () => {
    const page = await startConfigured();
    await goTo(page, 'Statusregeln');
    await page.getByLabel('Abfrageintervall (Sekunden)').fill('10');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    expect(await page.getByRole('dialog', { name: 'Speichern bestätigen' }).isVisible()).toBe(false);
    expect(suite.engine().callsOf('settings.preview').length).toBeGreaterThan(0);
  });
});
