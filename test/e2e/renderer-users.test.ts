// The users page in German at 1366×860 (issue 15 item 10): search the mapping list by login, name or e-mail,
// and the list takes the window's height.
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
});
