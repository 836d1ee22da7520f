// The first-run setup assistant in Chromium, end to end: the real renderer, served by the real headless host in
// front of the real engine service, against both simulators. The assistant detects and explains a wrong client
// secret and a missing admin consent, then walks through STARFACE, users, UCI passwords and the final test.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpHost, type HttpHost } from '../../src/control/http-host.js';
import { MemorySecretStore } from '../../src/platform/vault.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import { generateTenant, usersFromStarface } from '../../src/simulators/graph/tenant.js';
import { startStarfaceSimulator, type SimUserInput, type StarfaceSimulator } from '../../src/simulators/starface/index.js';
import { createEngineService, type EngineService } from '../../src/control/service.js';
import { DIST, HAVE_CHROMIUM, ROOT, ensureRendererBuilt, launchChromium, openPage, screenshot, type OpenedPage } from './renderer-harness.js';

const PBX_USERS: SimUserInput[] = [
  { login: '0001', password: 'Admin-Pass', email: 'admin@example.com', firstName: 'Admin', familyName: 'PBX', admin: true },
  { login: '1001', password: 'Pass1001', email: 'anna.schmidt@example.com', firstName: 'Anna', familyName: 'Schmidt' },
  { login: '1002', password: 'Pass1002', email: 'ben.meyer@example.com', firstName: 'Ben', familyName: 'Meyer' },
  { login: '1003', password: 'Pass1003', email: '', firstName: 'No', familyName: 'Mail' },
];

let browser: Browser;
let sf: StarfaceSimulator;
let graph: GraphSimulator;
let dir: string;
let service: EngineService;
let host: HttpHost;
let opened: OpenedPage;
let secrets: MemorySecretStore;

describe.skipIf(!HAVE_CHROMIUM)('setup assistant in the settings window', () => {
  beforeAll(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'pb-setup-e2e-'));
    sf = await startStarfaceSimulator({ users: PBX_USERS });
    const tenant = generateTenant(usersFromStarface(PBX_USERS));
    tenant.apps[0]!.application = []; // admin consent not granted yet
    graph = await startGraphSimulator({ tenant });
    // What an admin trying the simulators would set under "more settings": where Entra and Graph are.
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({
      version: 2,
      microsoft: { authorityHost: graph.url, graphBaseUrl: graph.url },
      network: { extraCaPem: [graph.caPem] },
      sync: { enabled: false },
      ui: { language: 'en' },
    }));
    secrets = new MemorySecretStore();
    service = await createEngineService({ settingsFile: join(dir, 'settings.json'), secrets });
    host = await startHttpHost({ api: service.api, rendererDir: DIST, heartbeatMs: 1_000 });
    opened = await openPage(browser, host, { width: 1280, height: 900 }, 'en-GB');
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await host?.close();
    await service?.close();
    await browser?.close();
    await Promise.all([sf?.close(), graph?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const page = (): Page => opened.page;
  const result = () => page().locator('.setup-result');
  const check = async (): Promise<void> => {
    await page().getByRole('button', { name: /^(Check|Check again)$/ }).click();
    await result().waitFor();
    await page().locator('.setup-actions button.btn-primary:not([disabled])').waitFor();
  };
  const storeSecret = async (label: string, value: string): Promise<void> => {
    const field = page().locator('.field.secret').filter({ hasText: label });
    if (await field.getByRole('button', { name: 'Replace' }).isVisible()) await field.getByRole('button', { name: 'Replace' }).click();
    await field.getByLabel(`New value for ${label}`).fill(value);
    await field.getByRole('button', { name: 'Store' }).click();
    await field.getByText(`${label} stored.`).waitFor();
  };

  it('opens on the assistant at first run, and detects and explains a wrong client secret', async () => {
    const p = page();
    await p.getByRole('heading', { level: 1, name: 'Setup assistant' }).waitFor();
    await expect.poll(() => p.locator('.notice-info').first().textContent()).toContain('Still missing: Microsoft: tenant ID');
    await p.getByRole('heading', { level: 2, name: 'Microsoft tenant and app' }).waitFor();
    await p.getByLabel('Tenant (directory) ID').fill(graph.tenant.tenantId);
    await p.getByLabel('Client (application) ID').fill(graph.app.clientId);
    await storeSecret('Client secret (value)', 'the-secret-id-not-the-value');
    await p.getByLabel('Client secret expiry date').fill('2027-06-30');
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('fail');
    const text = await result().textContent();
    expect(text).toContain('Entra ID rejected the client secret (AADSTS7000215: invalid client secret).');
    expect(text).toContain('Usually the "Secret ID" was copied instead of the "Value".');
    expect(text).not.toContain('the-secret-id-not-the-value');
    await screenshot(p, 'setup-wrong-secret');

    await storeSecret('Client secret (value)', graph.app.clientSecret!);
    await p.getByLabel('Client secret expiry date').fill('2027-06-30');
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('ok');
    expect(await result().textContent()).toContain(`The app signs in to Microsoft (tenant ${graph.tenant.tenantId}`);
    // The settings went through the engine's store; the secret only to the vault.
    expect(service.host.settings.microsoft).toMatchObject({ tenantId: graph.tenant.tenantId, clientId: graph.app.clientId });
    expect(await secrets.get('microsoft.clientSecret')).toBe(graph.app.clientSecret);
    expect(await secrets.get('microsoft.credentialExpiresAt')).toBe('2027-06-30T23:59:59.000Z');
  });

  it('detects a missing admin consent, shows the consent link, and passes once consent is granted', async () => {
    const p = page();
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('heading', { level: 2, name: 'Admin consent' }).waitFor();
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('fail');
    const text = await result().textContent();
    expect(text).toContain('Admin consent is missing for: User.Read.All');
    expect(text).toContain('Presence.ReadWrite.All');
    expect(text).toContain('Probe GET /users: denied (HTTP 403 Authorization_RequestDenied)');
    const link = result().locator('.copy-row a');
    expect(await link.getAttribute('href')).toBe(`${graph.url}/${graph.tenant.tenantId}/v2.0/adminconsent?client_id=${graph.app.clientId}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&redirect_uri=http%3A%2F%2Flocalhost`);
    await screenshot(p, 'setup-missing-consent');

    graph.app.application.push('User.Read.All', 'Presence.ReadWrite.All');
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('ok');
    expect(await result().textContent()).toContain('Admin consent is granted');
    expect(await p.locator('.setup-steps button[aria-current="step"]').textContent()).toContain('Admin consent');
  });

  it('walks STARFACE, user selection, UCI passwords and the final test', async () => {
    const p = page();
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('heading', { level: 2, name: 'STARFACE address and certificate' }).waitFor();
    await p.getByLabel('STARFACE address').fill(sf.url);
    await check();
    // The simulator speaks plain http: it works, with the warning to use https.
    await expect.poll(() => result().getAttribute('data-status')).toBe('warn');
    expect(await result().textContent()).toContain('STARFACE answers – but unencrypted (http).');

    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByLabel('Administrator login ID').fill('0001');
    await storeSecret('Administrator password', 'Admin-Pass');
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('ok');
    expect(await result().textContent()).toContain(`REST login as 0001 succeeded; ${PBX_USERS.length} users visible.`);

    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('heading', { level: 2, name: 'User selection' }).waitFor();
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('warn');
    const preview = result().locator('.setup-roster tbody tr');
    // The PBX administrator account (0001) the bridge logs in with is left out of "all users", and the step says so.
    expect(await preview.count()).toBe(3);
    expect(await result().textContent()).toContain('The administrator account 0001 is not selected');
    expect(await preview.first().textContent()).toContain('No e-mail address on STARFACE.');

    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('heading', { level: 2, name: 'Users\' UCI passwords' }).waitFor();
    await p.getByLabel('Import a CSV file (login;password)').fill('login;password\n0001;Admin-Pass\n1001;Pass1001\n');
    await p.getByRole('button', { name: 'Import' }).click();
    await p.getByText('2 passwords imported').waitFor();
    await check();
    // 1002 still has no password: named, and settable right here.
    await expect.poll(() => result().getAttribute('data-status')).toBe('warn');
    expect(await result().textContent()).toContain('UCI login: 1 of 2 users succeeded, 1 without a password.');
    await storeSecret('1002 – Ben Meyer', 'Pass1002');
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('ok');

    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('heading', { level: 2, name: 'Final test' }).waitFor();
    // The PBX administrator (0001) is not in the selection, so it is not offered as the test user.
    expect(await p.getByLabel('Test user').inputValue()).toBe('1001');
    expect(await p.getByLabel('Test user').locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).not.toContain('0001');
    await p.getByLabel('Test user').selectOption('1002');
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('ok');
    const text = await result().textContent();
    expect(text).toContain('Final test with 1002 (Ben Meyer) passed');
    // Like real PBXs, the simulator does not report DND back by default: the test says so.
    expect(text).toContain('This STARFACE does not report DND back: the writes were accepted, DND is now off.');
    expect(sf.pbx.user('1002')!.dnd).toBe(false);
    await p.getByText('Setup is complete. Switch syncing on with "Sync" at the top.').waitFor();
    // The shell's notes from loading the settings follow the engine: nothing is "not configured" any more.
    await expect.poll(() => p.getByText(/Not configured yet/).count()).toBe(0);
    await screenshot(p, 'setup-final-test');
    await expect.poll(() => p.locator('.notice-info').first().textContent()).toContain('Everything needed is set up.');

    // The steps come from the engine in the window's language.
    await p.getByLabel('Language').selectOption('de');
    await p.getByRole('heading', { level: 1, name: 'Einrichtungsassistent' }).waitFor();
    await p.getByRole('heading', { level: 2, name: 'Abschlusstest' }).waitFor();
    expect(await p.locator('.setup-steps').textContent()).toContain('Administratorzustimmung');
    expect(opened.errors).toEqual([]);
  });

  it('warns on every page ahead of the client secret\'s expiry (expiry watch → auth status → banner)', async () => {
    const p = page();
    await p.locator('#lang-select').selectOption('en');
    await p.locator('.setup-steps').getByRole('button', { name: /Microsoft tenant and app/ }).click();
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    await p.getByLabel('Client secret expiry date').fill(soon);
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('warn');
    const banner = p.locator('.banners');
    await banner.getByText('Application credential expires soon:').waitFor();
    expect(await banner.textContent()).toMatch(/The client secret expires on .* \(in [45] days\)/);
    await p.getByRole('navigation').getByRole('button', { name: 'Status board' }).click();
    await banner.getByText('Application credential expires soon:').waitFor();
    expect(await service.api['auth.status']({})).toMatchObject({ appCredential: 'expiring' });

    await p.getByRole('navigation').getByRole('button', { name: 'Setup' }).click();
    await p.locator('.setup-steps').getByRole('button', { name: /Microsoft tenant and app/ }).click();
    await p.getByLabel('Client secret expiry date').fill('2099-12-31');
    await check();
    await expect.poll(() => result().getAttribute('data-status')).toBe('ok');
    await expect.poll(() => p.locator('.banners').count()).toBe(0);
    expect(opened.errors).toEqual([]);
  });

  it('in German at 1366×860 as the README shows it (`npm run screenshots` writes docs/screenshots/setup.png)', async () => {
    const de = await openPage(browser, host, { width: 1366, height: 860 }, 'de-DE');
    try {
      const p = de.page;
      // The page follows the stored language (English in this suite); the admin switches on the page.
      await p.locator('#lang-select').selectOption('de');
      await p.getByRole('navigation').getByRole('button', { name: 'Einrichtung' }).click();
      await p.getByRole('heading', { level: 1, name: 'Einrichtungsassistent' }).waitFor();
      await p.locator('.setup-steps button').first().click();
      await p.getByRole('button', { name: /^(Prüfen|Erneut prüfen)$/ }).click();
      await p.locator('.setup-result').waitFor();
      expect(await p.locator('.setup-result').getAttribute('data-status')).toBe('ok');
      await p.locator('#setup-title').scrollIntoViewIfNeeded(); // the README shows the page from its top
      const file = process.env.SCREENSHOTS_DOCS === '1' ? join(ROOT, 'docs/screenshots/setup.png') : await screenshot(p, 'setup-de');
      if (process.env.SCREENSHOTS_DOCS === '1') await p.screenshot({ path: file });
      expect(statSync(file).size).toBeLessThan(250_000);
      expect(de.errors).toEqual([]);
    } finally {
      await de.close();
    }
  });
});
