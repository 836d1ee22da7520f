// The users page in German at 1366×860 (issue 15 item 10): search the mapping list by login, name or e-mail,
// the list takes the window's height, and the group is picked from the PBX's groups.
import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, rendererSuite, screenshot } from './renderer-harness.js';

const VIEWPORT = { width: 1366, height: 860 };

describe.skipIf(!HAVE_CHROMIUM)('users page in German at 1366×860 (Chromium, real headless host)', () => {
  const suite = rendererSuite();

  it('searches the mapping list by login, name and e-mail; the list uses the window height', async () => {
    const page = await suite.start({ users: 40 }, VIEWPORT);
    await page.getByRole('navigation').getByRole('button', { name: 'Benutzer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Benutzer' }).waitFor();
    // 40 matched + 4 conflicts from the stand-in's roster.
    await page.getByText('44 von 44 angezeigt').waitFor();
    const search = page.getByLabel('Suchen');
    await search.fill('1007');
    await page.getByText('1 von 44 angezeigt').waitFor();
    await page.getByText('Hannes Müller 7').waitFor();
    await search.fill('INFO@contoso');
    await page.getByText('2 von 44 angezeigt').waitFor(); // e-mail, case-insensitive: the two conflicts
    await search.fill('Lager');
    await page.getByText('1 von 44 angezeigt').waitFor();
    await search.fill('');
    await page.getByText('44 von 44 angezeigt').waitFor();

    const height = await page.locator('.vt-roster').evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeGreaterThan(VIEWPORT.height - 12 * 16 - 2); // calc(100vh - 12rem), not the old fixed 24rem
    await screenshot(page, 'users-search-de');
  });

  it('picks the group from the PBX\'s groups; a saved group the PBX no longer has stays visible, marked', async () => {
    const page = await suite.start({ users: 10, usersSelection: { selection: 'group', group: 'Lager', extraLoginIds: [] } }, VIEWPORT);
    const engine = suite.engine();
    await page.getByRole('navigation').getByRole('button', { name: 'Benutzer' }).click();
    const picker = page.getByLabel('Gruppenname');
    await picker.locator('option', { hasText: 'Vertrieb' }).waitFor({ state: 'attached' });
    expect(await picker.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(engine.callsOf('roster.groups').length).toBeGreaterThan(0);
    expect(await picker.locator('option').allInnerTexts()).toEqual(['– Gruppe wählen –', 'Lager (nicht auf der STARFACE)', 'Entwicklung', 'Support', 'Vertrieb']);
    expect(await picker.inputValue()).toBe('Lager');
    await picker.selectOption('Vertrieb');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Speichern bestätigen' });
    await Promise.race([confirm.waitFor(), page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor()]);
    if (await confirm.isVisible()) await confirm.getByRole('button', { name: 'Trotzdem speichern' }).click();
    await expect.poll(() => engine.settings().users.group).toBe('Vertrieb');
  });

  it('lets the admin type the group when the PBX cannot list its groups', async () => {
    const page = await suite.start({ users: 10, pbxGroups: 'unreachable', usersSelection: { selection: 'group', group: 'Vertrieb', extraLoginIds: [] } }, VIEWPORT);
    const engine = suite.engine();
    await page.getByRole('navigation').getByRole('button', { name: 'Benutzer' }).click();
    const field = page.getByLabel('Gruppenname');
    await field.waitFor();
    await expect.poll(() => engine.callsOf('roster.groups').length).toBeGreaterThan(0);
    expect(await field.evaluate((el) => el.tagName)).toBe('INPUT');
    expect(await field.inputValue()).toBe('Vertrieb');
    await page.getByText('Genau wie in der STARFACE-Administration geschrieben.').waitFor();
  });
});
