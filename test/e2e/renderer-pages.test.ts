// The settings window in Debian Chromium, served by the real headless host. The engine behind the host is an
// in-test stand-in (fakeEngineApi): the engine is not under test here, the renderer is.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ControlApi } from '../../src/control/contract.js';
import type { HttpHost } from '../../src/control/http-host.js';
import { HAVE_CHROMIUM, eventually, openPage, rendererSuite, screenshot, type OpenedPage } from './renderer-harness.js';

if (!HAVE_CHROMIUM) console.log('renderer e2e: skipped, /usr/bin/chromium is missing (apt-get install chromium).');

const PAGES = [
  { nav: 'Statusübersicht', en: 'Status board', shot: 'board' },
  { nav: 'Statusregeln', en: 'Status rules', shot: 'rules' },
  { nav: 'Benutzer', en: 'Users', shot: 'users' },
  { nav: 'Verbindungen', en: 'Connections', shot: 'connections' },
  { nav: 'Protokoll', en: 'Log', shot: 'log' },
] as const;

/**
 * The network between the page and the host, as a plain HTTP relay that can be cut (every open connection
 * dropped, new ones refused) and restored: the host and its token stay the same, as after a network outage.
 * The relay presents itself to the host under the host's own address (Host and Origin checks).
 */
async function cuttableLink(target: HttpHost): Promise<{ pageUrl: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let down = false;
  const hostAddr = `127.0.0.1:${target.port}`;
  const server = http.createServer((req, res) => {
    const headers = { ...req.headers, host: hostAddr, ...(req.headers.origin ? { origin: `http://${hostAddr}` } : {}) };
    const up = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers, agent: false }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  server.on('connection', (socket) => {
    if (down) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    pageUrl: `http://127.0.0.1:${port}/#token=${target.token}`,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Opens the page through a cuttable link to the suite's host. */
async function openThroughLink(suite: ReturnType<typeof rendererSuite>): Promise<{ opened: OpenedPage; link: Awaited<ReturnType<typeof cuttableLink>>; close(): Promise<void> }> {
  const link = await cuttableLink(suite.host());
  const opened = await openPage(suite.browser(), { ...suite.host(), pageUrl: link.pageUrl });
  return { opened, link, close: async () => { await opened.close(); await link.close(); } };
}

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
        reasonCode: 'graph-request-failed', reasonDetail: 'Graph throttled (429): next poll in 30 s',
        counters: { cycles: 1, presenceRequests: 1, pbxWrites: 0, teamsWrites: 0, errors: 1 },
      },
    });
    await page.locator('.sync-badge', { hasText: 'Eingeschränkt' }).waitFor();
    // The full reason is on every page (the header may have to shorten it): the code's German text, the
    // counterpart's English words only as the tooltip.
    const graph = page.locator('.banners').getByText('Eine Anfrage an Microsoft Graph ist fehlgeschlagen.');
    await graph.waitFor();
    expect(await graph.getAttribute('title')).toBe('Graph throttled (429): next poll in 30 s');
    const sessions = '3 of 40 STARFACE sessions are not connected; they log in again on their own (UCI login failed: wrong password)';
    suite.engine().emit({
      type: 'state.sync',
      data: {
        state: 'degraded', reason: sessions, reasonCode: 'sessions-down', reasonParams: { down: 3, total: 40 }, reasonDetail: 'UCI login failed: wrong password',
        since: new Date().toISOString(), counters: { cycles: 2, presenceRequests: 2, pbxWrites: 0, teamsWrites: 0, errors: 1 },
      },
    });
    const german = '3 von 40 STARFACE-Sitzungen sind nicht verbunden; sie melden sich selbst wieder an';
    const translated = page.locator('.banners').getByText(german);
    await translated.waitFor();
    expect(await translated.getAttribute('title')).toBe('UCI login failed: wrong password');
    expect(await page.locator('.sync-reason').innerText()).toBe(german);
    await screenshot(page, 'header-degraded-de');
    // Host gone: the indicator says so (the client reconnects on its own).
    await suite.host().close();
    await page.getByRole('alert').filter({ hasText: 'Keine Verbindung zum Dienst' }).waitFor();
    // Why, in German; the client's own (English) words stay as the tooltip.
    const why = page.locator('.banners').getByText('Presence Bridge ist nicht erreichbar. Prüfen Sie, ob der Dienst noch läuft');
    await why.waitFor();
    expect(await why.getAttribute('title')).toContain('Presence Bridge is not reachable');
    await screenshot(page, 'header-disconnected');
  });

  it('connection lost: the sync state shows as unknown until the connection is back and a fresh snapshot arrived', async () => {
    await suite.start();
    const engine = suite.engine();
    const { opened, link, close } = await openThroughLink(suite);
    try {
      const page = opened.page;
      const badge = page.locator('.sync-badge');
      const sw = page.getByRole('switch', { name: 'Synchronisierung' });
      await badge.filter({ hasText: 'Läuft' }).waitFor();
      await expect.poll(() => sw.getAttribute('aria-checked')).toBe('true');

      // The network goes away: the event stream breaks, the page cannot know what the engine does meanwhile.
      link.cut();
      await page.getByRole('alert').filter({ hasText: 'Keine Verbindung zum Dienst' }).waitFor();
      await expect.poll(() => badge.innerText()).toContain('Unbekannt – keine Verbindung');
      expect(await badge.innerText()).not.toContain('Läuft');
      expect(await sw.getAttribute('aria-checked')).toBe('mixed'); // neither on nor off
      expect(await page.locator('.switch-state').innerText()).toBe('?');
      expect(await sw.isDisabled()).toBe(true);
      await screenshot(page, 'header-connection-lost');

      // Meanwhile the engine stops (nobody hears the event), and its next snapshot is held back for a moment.
      await engine['sync.stop']({ restore: false });
      let release!: () => void;
      const held = new Promise<void>((r) => { release = r; });
      const snapshot = engine['state.snapshot'].bind(engine);
      let asked = 0;
      (engine as { 'state.snapshot': ControlApi['state.snapshot'] })['state.snapshot'] = async (p) => {
        asked++;
        await held;
        return snapshot(p);
      };
      link.restore();
      await page.locator('.host').getByText('Dienst verbunden').waitFor({ timeout: 15_000 });
      // Connected again, but the last known state ("running") is not shown as current before the snapshot.
      await eventually(() => expect(asked).toBeGreaterThan(0));
      expect(await badge.innerText()).toContain('Unbekannt');
      expect(await sw.getAttribute('aria-checked')).toBe('mixed');
      release();
      await badge.filter({ hasText: 'Gestoppt' }).waitFor();
      await expect.poll(() => sw.getAttribute('aria-checked')).toBe('false');
      expect(await sw.isDisabled()).toBe(false);
      expect(opened.errors.filter((e) => !/Failed to load resource|ERR_/.test(e))).toEqual([]);
    } finally {
      await close();
    }
  });

  it('notes from loading the settings fit the page, can be dismissed, and are gone after a successful save', async () => {
    const moved = 'The settings file /var/lib/presence-bridge/config/settings.json was not valid JSON (Unexpected token } in JSON at position 812) and was moved aside to /var/lib/presence-bridge/config/settings.json.corrupt-2025-03-14T09-00-00-000Z_with_a_very_long_unbroken_name_0123456789abcdef0123456789abcdef; the defaults are in use.';
    const missing = 'Not configured yet — microsoft.tenantId: not set: enter the directory (tenant) ID of your Microsoft 365 tenant';
    const restart = async () => {
      await suite.opened().close();
      await suite.host().close();
    };
    for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 700 }]) {
      const page = await suite.start({ problems: [moved, missing], problemCodes: [null, { code: 'sync-not-configured', params: { fields: 'microsoft.tenantId' } }] }, viewport);
      const notice = page.locator('.settings-problems');
      await notice.getByText('Hinweis beim Laden der Einstellungen: The settings file', { exact: false }).waitFor();
      // The engine's coded "not configured" note in the page's language; its own words stay as the tooltip.
      const translated = notice.getByText('Hinweis beim Laden der Einstellungen: Noch nicht eingerichtet: Mandanten-ID (Tenant ID)');
      await translated.waitFor();
      expect(await translated.getAttribute('title')).toBe(missing);
      await page.getByRole('navigation').getByRole('button', { name: 'Statusregeln' }).click();
      await page.getByRole('heading', { level: 1, name: 'Statusregeln' }).waitFor();
      await screenshot(page, `settings-problems-${viewport.width}`);
      // Drawn within the page's margins (aligned with the heading), never wider than the window.
      const box = (await notice.boundingBox())!;
      const head = (await page.locator('.page-head').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(head.x - 1);
      expect(box.x + box.width).toBeLessThanOrEqual(head.x + head.width + 1);
      expect(Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))).toBeLessThanOrEqual(0);
      expect(await notice.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
      await restart();
    }

    // Dismiss: gone, and a later reload of the settings (after a reconnect) does not bring the same notes back.
    await suite.start({ problems: [moved] });
    const linked = await openThroughLink(suite);
    try {
      const p = linked.opened.page;
      await p.locator('.settings-problems').waitFor();
      await p.getByRole('button', { name: 'Hinweis ausblenden' }).click();
      await p.locator('.settings-problems').waitFor({ state: 'detached' });
      const loads = suite.engine().callsOf('settings.get').length;
      linked.link.cut();
      await p.getByRole('alert').filter({ hasText: 'Keine Verbindung zum Dienst' }).waitFor();
      linked.link.restore();
      await p.locator('.host').getByText('Dienst verbunden').waitFor({ timeout: 15_000 });
      await eventually(() => expect(suite.engine().callsOf('settings.get').length).toBeGreaterThan(loads));
      await p.getByRole('heading', { level: 1, name: 'Statusübersicht' }).waitFor();
      expect(await p.locator('.settings-problems').count()).toBe(0);
    } finally {
      await linked.close();
    }
    await restart();

    // A successful save clears them: the file they were about was just replaced.
    const page = await suite.start({ problems: [moved] });
    await page.locator('.settings-problems').waitFor();
    await page.getByRole('navigation').getByRole('button', { name: 'Statusregeln' }).click();
    await page.getByLabel('Chat-Statustext für Abwesend', { exact: true }).fill('Kurz weg');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    await page.locator('.settings-problems').waitFor({ state: 'detached' });
    expect(suite.engine().callsOf('settings.get').length).toBeGreaterThan(1); // reloaded after the save, still reported
    await page.getByRole('navigation').getByRole('button', { name: 'Statusübersicht' }).click();
    expect(await page.locator('.settings-problems').count()).toBe(0);
  }, 120_000); // five page starts and a reconnect: minutes when the build machine is loaded

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

  it('puts the unsaved-changes dot only on the pages whose fields differ from the saved settings', async () => {
    const page = await suite.start();
    const nav = page.getByRole('navigation');
    const dotted = async (): Promise<string[]> =>
      (await nav.locator('.nav-item', { has: page.locator('.nav-dirty') }).allInnerTexts()).map((t) => t.replace('•', '').trim());
    await nav.getByRole('button', { name: 'Statusregeln' }).click();
    const text = page.getByLabel('Chat-Statustext für Verfügbar', { exact: true });
    await text.fill('Im Büro');
    await expect.poll(dotted).toEqual(['Statusregeln']);
    await screenshot(page, 'nav-dirty-rules');
    // Typing the saved value back: nothing differs any more.
    await text.fill('Verfügbar');
    await expect.poll(dotted).toEqual([]);
    expect(await page.getByRole('button', { name: 'Speichern', exact: true }).isDisabled()).toBe(true);

    await page.getByLabel('Abfrageintervall (Sekunden)').fill('10');
    await expect.poll(dotted).toEqual(['Statusregeln']);
    // Another window stores a different user selection meanwhile: that page has no edits here, and Save keeps it.
    const engine = suite.engine();
    const other = { ...engine.settings(), users: { selection: 'group' as const, group: 'Vertrieb', extraLoginIds: ['1001'] } };
    expect((await engine['settings.save']({ settings: other })).ok).toBe(true);
    await page.getByText('Die Einstellungen wurden inzwischen an anderer Stelle geändert.', { exact: false }).waitFor();
    expect(await dotted()).toEqual(['Statusregeln']);
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    await expect.poll(dotted).toEqual([]);
    const stored = engine.settings();
    expect(stored.sync.pollIntervalSeconds).toBe(10);
    expect(stored.users).toEqual({ selection: 'group', group: 'Vertrieb', extraLoginIds: ['1001'] });

    // An edit on Connections marks Connections only; a field the setup assistant shows as well marks both.
    await nav.getByRole('button', { name: 'Verbindungen' }).click();
    await page.getByLabel('Proxy (optional)').fill('http://proxy.contoso.example:3128');
    await expect.poll(dotted).toEqual(['Verbindungen']);
    await page.getByLabel('Administrator-Login-ID').fill('0002');
    await expect.poll(dotted).toEqual(['Verbindungen', 'Einrichtung']);
    // The save bar of the page says so; Save stores everything.
    await page.locator('.savebar-state').getByText('Nicht gespeicherte Änderungen', { exact: true }).waitFor();
    await screenshot(page, 'nav-dirty-connections');
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
