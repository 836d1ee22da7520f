// Screenshots of every page in German at 1366×860 for the README (issue 15). `npm run screenshots` writes them
// to docs/screenshots/; a normal run writes to test-results/ so the suite never changes tracked files.
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, ROOT, SCREENSHOTS, rendererSuite } from './renderer-harness.js';

const OUT = process.env.SCREENSHOTS_DOCS === '1' ? path.join(ROOT, 'docs/screenshots') : SCREENSHOTS;
const PAGES: { nav: string; file: string; heading?: string }[] = [
  { nav: 'Statusübersicht', file: 'board' },
  { nav: 'Statusregeln', file: 'rules' },
  { nav: 'Benutzer', file: 'users' },
  { nav: 'Verbindungen', file: 'connections' },
  { nav: 'Protokoll', file: 'log' },
  // The setup assistant needs the engine's setup service, which this stand-in lacks: setup-assistant.test.ts
  // drives it against the simulators and takes docs/screenshots/setup.png (npm run screenshots runs both).
];

describe.skipIf(!HAVE_CHROMIUM)('screenshots of every page (de, 1366×860)', () => {
  const suite = rendererSuite();

  it('takes one PNG per page, each small enough for the README', async () => {
    const page = await suite.start({ users: 40 }, { width: 1366, height: 860 });
    for (const p of PAGES) {
      await page.getByRole('navigation').getByRole('button', { name: p.nav }).click();
      await page.getByRole('heading', { level: 1, name: p.heading ?? p.nav }).waitFor();
      await page.waitForTimeout(200);
      const file = path.join(OUT, `${p.file}.png`);
      await page.screenshot({ path: file });
      expect(statSync(file).size).toBeLessThan(250_000);
    }
  });
});
