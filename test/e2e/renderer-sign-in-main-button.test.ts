// Connections in German (issue 15 item 7, part): "Im Browser anmelden" is not the main button when the app-only
// credential reads presence (no sign-in needed), and is when presence is read as the signed-in administrator.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM, rendererSuite } from './renderer-harness.js';

async function signInButton(page: Page) {
  await page.getByRole('navigation').getByRole('button', { name: 'Verbindungen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Verbindungen' }).waitFor();
  return page.getByRole('button', { name: 'Im Browser anmelden' });
}

describe.skipIf(!HAVE_CHROMIUM)('sign-in main button in German (Chromium, real headless host)', () => {
  const suite = rendererSuite();

  it('app-only credential: sign-in is a plain button with a note that it is not needed', async () => {
    const page = await suite.start({}, { width: 1366, height: 860 });
    expect(suite.engine().settings().microsoft.presenceRead).toBe('application');
    const button = await signInButton(page);
    await page.getByText('eine Anmeldung ist dafür nicht nötig').waitFor();
    expect(await button.getAttribute('class')).not.toContain('btn-primary');
  });

  it('delegated presence read and not signed in: sign-in is the main button', async () => {
    const page = await suite.start({}, { width: 1366, height: 860 });
    const s = suite.engine().settings();
    await suite.engine()['settings.save']({ settings: { ...s, microsoft: { ...s.microsoft, presenceRead: 'delegated' } } });
    await page.reload();
    const button = await signInButton(page);
    suite.engine().emit({ type: 'auth.changed', data: { state: 'needs-sign-in', appCredential: 'ok' } });
    await expect.poll(() => button.getAttribute('class')).toContain('btn-primary');
    expect(await page.getByText('eine Anmeldung ist dafür nicht nötig').count()).toBe(0);
  });
});
