// The settings window in Debian Chromium, served by the real headless host. The engine behind the host is an
// in-test stand-in (fakeEngineApi): the engine is not under test here, the renderer is.
import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, eventually, openPage, rendererSuite, screenshot } from './renderer-harness.js';

if (!HAVE_CHROMIUM) console.log('renderer e2e: skipped, /usr/bin/chromium is missing (apt-get install chromium).');

const PAGES = [
  { nav: 'Statusübersicht', en: 'Status board', shot: 'board' },
  { nav: 'Statusregeln', en: 'Status rules', shot: 'rules' },
  { nav: 'Benutzer', en: 'Users', shot: 'users' },
  { nav: 'Verbindungen', en: 'Connections', shot: 'connections' },
  { nav: 'Protokoll', en: 'Log', shot: 'log' },
] as const;

describe.skipIf(!HAVE_CHROMIUM)('renderer shell and pages (Chromium, real headless host, engine stand-in fakeEngineApi)', () => {
  const suite = rendererSuite();

  for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 700 }]) {
    it(`renders every page in German by default at ${viewport.width}×${viewport.height}, without page errors`, async () => {
      const page = await suite.start({}, viewport);
      await page.getByRole('heading', { level: 1, name: 'Statusübersicht' }).waitFor();
      await page.getByText('Anna Müller 0', { exact: true }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      for (const p of PAGES) {
        await page.getByRole('navigation').getByRole('button', { name: p.nav }).click();
        await page.getByRole('heading', { level: 1, name: p.nav }).waitFor();
        await expect.poll(() => page.getByRole('navigation').getByRole('button', { name: p.nav }).getAttribute('aria-current')).toBe('page');
        await screenshot(page, `${p.shot}-de-${viewport.width}`);
        // Nothing may stick out sideways at this width: the page itself never scrolls horizontally.
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
        expect(overflow, `${p.nav} overflows horizontally`).toBeLessThanOrEqual(0);
      }
      expect(suite.opened().errors).toEqual([]);
    });
  }

  it('shows the live connection to the host and the sync state in the header', async () => {
    const page = await suite.start();
    await page.locator('.host').getByText('Dienst verbunden').waitFor();
    await page.getByRole('status').filter({ hasText: 'Verbunden mit dem Dienst' }).waitFor();
    await expect.poll(() => page.getByRole('switch', { name: 'Synchronisierung' }).getAttribute('aria-checked')).toBe('true');
    await page.locator('.sync-badge', { hasText: 'Läuft' }).waitFor();
    // The engine reports a degraded state with a reason: the header shows both.
    suite.engine().emit({
      type: 'state.sync',
      data: {
        state: 'degraded', reason: 'Graph throttled (429): next poll in 30 s', since: new Date().toISOString(),
        counters: { cycles: 1, presenceRequests: 1, pbxWrites: 0, teamsWrites: 0, errors: 1 },
      },
    });
    await page.locator('.sync-badge', { hasText: 'Eingeschränkt' }).waitFor();
    // The full reason is on every page (the header may have to shorten it).
    await page.locator('.banners').getByText('Graph throttled (429): next poll in 30 s').waitFor();
    // Host gone: the indicator says so (the client reconnects on its own).
    await suite.host().close();
    await page.getByRole('alert').filter({ hasText: 'Keine Verbindung zum Dienst' }).waitFor();
    await page.getByText('Presence Bridge is not reachable').waitFor();
    await screenshot(page, 'header-disconnected');
  });

  it('switches the language to English, stores it in settings.ui.language, and keeps it after a reload', async () => {
    const page = await suite.start();
    await page.getByRole('heading', { level: 1, name: 'Statusübersicht' }).waitFor();
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Status board' }).waitFor();
    for (const p of PAGES) await page.getByRole('navigation').getByRole('button', { name: p.en }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await eventually(() => expect(suite.engine().settings().ui.language).toBe('en'));
    await page.getByRole('navigation').getByRole('button', { name: 'Status rules' }).click();
    await page.getByRole('heading', { level: 1, name: 'Status rules' }).waitFor();
    await page.getByRole('row', { name: /Busy – in a call/ }).waitFor();
    await screenshot(page, 'rules-en');

    // A fresh browser (no local copy of the choice) still opens in English: it comes from the settings.
    const other = await openPage(suite.browser(), suite.host());
    try {
      await other.page.getByRole('heading', { level: 1, name: 'Status board' }).waitFor();
    } finally {
      await other.close();
    }
  });

  it('asks before leaving a page with unsaved edits, and can stay, discard or save', async () => {
    const page = await suite.start();
    const nav = page.getByRole('navigation');
    await nav.getByRole('button', { name: 'Statusregeln' }).click();
    const text = page.getByLabel('Chat-Statustext für Verfügbar', { exact: true });
    await text.fill('Im Büro');
    await page.getByText('Nicht gespeicherte Änderungen').first().waitFor();

    // Stay: the dialog closes, the edit is still there.
    await nav.getByRole('button', { name: 'Benutzer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nicht gespeicherte Änderungen' });
    await dialog.waitFor();
    await screenshot(page, 'leave-dialog');
    await dialog.getByRole('button', { name: 'Weiter bearbeiten' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => text.inputValue()).toBe('Im Büro');

    // Escape also keeps editing.
    await nav.getByRole('button', { name: 'Benutzer' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { level: 1, name: 'Statusregeln' }).waitFor();

    // Closing or reloading the window: the beforeunload handler asks the browser to confirm, only while dirty.
    const unloadBlocked = () => page.evaluate(`(() => { const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; })()`);
    expect(await unloadBlocked()).toBe(true);
    await page.getByRole('button', { name: 'Verwerfen', exact: true }).click();
    await expect.poll(() => text.inputValue()).toBe('Verfügbar');
    expect(await unloadBlocked()).toBe(false);
  });

  it('saves and switches when the admin chooses "save and switch"; discard drops the edit', async () => {
    const page = await suite.start();
    const nav = page.getByRole('navigation');
    await nav.getByRole('button', { name: 'Statusregeln' }).click();
    await page.getByLabel('Chat-Statustext für Abwesend', { exact: true }).fill('Kurz weg');
    await nav.getByRole('button', { name: 'Benutzer' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Speichern und wechseln' }).click();
    await page.getByRole('heading', { level: 1, name: 'Benutzer' }).waitFor();
    await eventually(() => expect(suite.engine().settings().rules.away.chatText).toBe('Kurz weg'));

    await nav.getByRole('button', { name: 'Statusregeln' }).click();
    await page.getByLabel('Chat-Statustext für Abwesend', { exact: true }).fill('Verworfen');
    await nav.getByRole('button', { name: 'Protokoll' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Verwerfen und wechseln' }).click();
    await page.getByRole('heading', { level: 1, name: 'Protokoll' }).waitFor();
    await nav.getByRole('button', { name: 'Statusregeln' }).click();
    await expect.poll(() => page.getByLabel('Chat-Statustext für Abwesend', { exact: true }).inputValue()).toBe('Kurz weg');
    expect(suite.engine().callsOf('settings.save')).toHaveLength(1);
  });
});
