// The language at first start: German is the product default (settings.ui.language 'de'). The real engine
// service starts without a settings file, the page opens in a browser whose own language is English, and the
// window is German anyway, until the admin switches (stored in the settings, so it sticks).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpHost, type HttpHost } from '../../src/control/http-host.js';
import { MemorySecretStore } from '../../src/platform/vault.js';
import { createEngineService, type EngineService } from '../../src/control/service.js';
import { DIST, HAVE_CHROMIUM, ensureRendererBuilt, eventually, launchChromium, openPage, screenshot } from './renderer-harness.js';

describe.skipIf(!HAVE_CHROMIUM)('renderer at first start (Chromium, real headless host, real engine, no settings file)', () => {
  let browser: Browser | undefined;
  let dir = '';
  let service: EngineService | undefined;
  let host: HttpHost | undefined;

  beforeAll(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'pb-first-start-'));
    service = await createEngineService({ settingsFile: join(dir, 'settings.json'), secrets: new MemorySecretStore(), logToConsole: false });
    host = await startHttpHost({ api: service.api, rendererDir: DIST, heartbeatMs: 1_000 });
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await service?.close();
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens in German in an English browser, and in English only after the admin switched', async () => {
    expect(service!.host.settings.ui.language).toBe('de');
    const first = await openPage(browser!, host!, { width: 1280, height: 800 }, 'en-GB');
    try {
      // Not configured yet: the window opens on the setup assistant, in German.
      await first.page.getByRole('heading', { level: 1, name: 'Einrichtungsassistent' }).waitFor();
      expect(await first.page.locator('html').getAttribute('lang')).toBe('de');
      expect(await first.page.getByLabel('Sprache').inputValue()).toBe('de');
      await first.page.getByRole('navigation').getByRole('button', { name: 'Statusübersicht' }).waitFor();
      await screenshot(first.page, 'first-start-de');
      await first.page.getByLabel('Sprache').selectOption('en');
      await first.page.getByRole('heading', { level: 1, name: 'Setup assistant' }).waitFor();
      await eventually(() => expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).ui.language).toBe('en'));
      expect(first.errors).toEqual([]);
    } finally {
      await first.close();
    }
    // A fresh browser with German preferences follows the stored choice.
    const second = await openPage(browser!, host!, { width: 1280, height: 800 }, 'de-DE');
    try {
      await second.page.getByRole('heading', { level: 1, name: 'Setup assistant' }).waitFor();
      expect(await second.page.locator('html').getAttribute('lang')).toBe('en');
    } finally {
      await second.close();
    }
  });
});
