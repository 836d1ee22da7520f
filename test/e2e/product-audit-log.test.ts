// Issue 15 item 1 end to end, in German: the real engine service behind the real headless host with both
// simulators, the Log page in Chromium. Done when "a Teams change and a rule save appear in the log at the
// default level with user and reason"; the e-mail filter finds a user's entries, the level the bridge logs at is
// chosen on the Log page and kept in the settings, and the log exports as CSV.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DemoEnvironment } from '../../src/commands/demo-environment.js';
import type { Settings } from '../../src/core/settings.js';
import { STATUS_ROWS } from '../../src/core/status-rows.js';
import { presenceName } from '../../src/core/teams-names.js';
import { startProductWorld, type ProductWorld } from './product-harness.js';
import { HAVE_CHROMIUM, screenshot } from './renderer-harness.js';
import { waitFor } from '../integration/sync-helpers.js';

if (!HAVE_CHROMIUM) console.log('product audit e2e: skipped, /usr/bin/chromium is missing (apt-get install chromium).');

describe.skipIf(!HAVE_CHROMIUM)('audit log on the Log page (German, Chromium + real host + real engine + simulators)', () => {
  let world: ProductWorld;
  let env: DemoEnvironment;
  let page: Page;

  const api = <T,>(method: string, params: unknown = {}): Promise<T> => world.api<T>(method, params);

  const rows = () => page.locator('.vt-body [role=row]');

  beforeAll(async () => {
    world = await startProductWorld({ users: 4, pollIntervalSeconds: 1, settings: (s) => ({ ...s, ui: { language: 'de' } }) }, { width: 1366, height: 860 });
    ({ env, page } = world);
    await page.getByRole('heading', { level: 1, name: 'Statusübersicht' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it('a Teams change and a rule save appear at the default level with user and reason; the e-mail filter finds them', async () => {
    const who = env.starface.users.find((u) => !u.admin)!;
    expect((await api<{ settings: Settings }>('settings.get')).settings.log.level).toBe('info'); // the default
    await waitFor(async () => (await api<{ users: { login: string; pbx: { chatText: string | null } }[] }>('state.snapshot')).users
      .find((u) => u.login === who.login)?.pbx.chatText != null, 15_000, 'first sync of the user');
    await page.getByRole('navigation').getByRole('button', { name: 'Protokoll' }).click();
    await page.getByRole('heading', { level: 1, name: 'Protokoll' }).waitFor();
    await page.getByLabel('Protokolliert ab').waitFor();
    expect(await page.getByLabel('Protokolliert ab').inputValue()).toBe('info');

    // A Teams change: the user sets "Do not disturb" in Teams.
    env.graph.setUserPresence(env.microsoftIdOf(who.login), { availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    await page.getByLabel('Benutzer', { exact: true }).fill(who.email.toUpperCase()); // e-mail, any case
    const dnd = rows().filter({ hasText: /Nicht stören (aus|unbekannt) → ein für/ });
    await dnd.first().waitFor({ timeout: 10_000 });
    const text = await dnd.first().innerText();
    expect(text).toContain(who.email);
    expect(text).toContain(`Login ${who.login}`);
    expect(text).toContain(`Grund: Teams ${presenceName('DoNotDisturb', 'DoNotDisturb', 'de')}, Zeile „${STATUS_ROWS.find((r) => r.id === 'dnd')!.label.de}“`);
    // Every entry the filter shows is about this user (none is found by text elsewhere).
    const shown = await rows().allInnerTexts();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((r) => r.includes(who.login))).toBe(true);
    await screenshot(page, 'log-audit-de');

    // A rule save (what the Save button sends) is logged with the section and where it came from.
    const { settings } = await api<{ settings: Settings }>('settings.get');
    const rules = { ...settings.rules, offline: { ...settings.rules.offline, chatText: 'Außer Haus' } };
    expect(await api('settings.save', { settings: { ...settings, rules } })).toEqual({ ok: true, issues: [] });
    await page.getByLabel('Benutzer', { exact: true }).fill('');
    await rows().filter({ hasText: 'Einstellungen gespeichert (rules) im Einstellungsfenster' }).first().waitFor({ timeout: 10_000 });
    expect(world.opened.errors).toEqual([]);
  });

  it('the level the bridge logs at is chosen on the Log page and kept in the settings', async () => {
    await page.getByLabel('Protokolliert ab').selectOption('debug');
    await waitFor(async () => (await api<{ settings: Settings }>('settings.get')).settings.log.level === 'debug', 5_000, 'log level saved');
    expect(world.service.logger.level).toBe('debug');
    await page.getByLabel('Protokolliert ab').selectOption('info');
    await waitFor(async () => (await api<{ settings: Settings }>('settings.get')).settings.log.level === 'info', 5_000, 'log level saved back');
    await page.reload();
    await page.getByRole('navigation').getByRole('button', { name: 'Protokoll' }).click();
    await expect.poll(() => page.getByLabel('Protokolliert ab').inputValue()).toBe('info');
  });

  it('exports the log as CSV with the audit entries in German', async () => {
    const who = env.starface.users.find((u) => !u.admin)!;
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Als CSV exportieren …' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^presence-bridge-log-\d{8}-\d{4}\.csv$/);
    const csv = await readFile(await file.path(), 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('"time";"level";"component";"user";"email";"code";"message";"details"');
    const dnd = lines.find((l) => l.includes('"audit.dnd"') && l.includes(`"${who.email}"`) && l.includes('→ ein'));
    expect(dnd).toContain('Nicht stören');
    await page.getByText(/Protokoll exportiert \(presence-bridge-log-.*\.csv\)/).waitFor();
  });
});
