// The whole product end to end, nothing stood in: the real renderer in Debian Chromium, the real headless host
// (src/control/http-host.ts), the real engine service (createEngineService, as `presence-bridge demo` starts
// it) and both simulators over real sockets. Each test drives the page or a simulator's /_sim/ API and checks
// the other side: rules → PBX, Teams call → board, STARFACE call → board + Teams session, form validation,
// live log, and the host's request guards.
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { DemoEnvironment } from '../../src/commands/demo-environment.js';
import type { HttpHost } from '../../src/control/http-host.js';
import type { Settings } from '../../src/core/settings.js';
import { presenceName } from '../../src/core/teams-names.js';
import { startProductWorld, type ProductWorld } from './product-harness.js';
import { HAVE_CHROMIUM, screenshot, type OpenedPage } from './renderer-harness.js';
import { waitFor } from '../integration/sync-helpers.js';

if (!HAVE_CHROMIUM) console.log('product e2e: skipped, /usr/bin/chromium is missing (apt-get install chromium).');

const USERS = 30;
const POLL_MS = 1_000;
/** Slack on top of the poll interval for a loaded 2-core machine (poll + UCI write + SSE + React render). */
const MARGIN_MS = 2_500;

interface SimPbxUser { login: string; dnd: boolean; chatPresenceMessage: string; telephonyState: string }
interface SimPresence { presence: { availability: string; activity: string }; sessions: { availability: string; activity: string }[] }
interface SimCall { id: string; phase: string }

/** A raw HTTP request with full control over Host/Origin (fetch does not let a test forge Host). */
function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => {
        let json: unknown = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = text; }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe.skipIf(!HAVE_CHROMIUM)('product end to end (Chromium + real headless host + real engine + STARFACE and Graph simulators)', () => {
  let world: ProductWorld;
  let env: DemoEnvironment;
  let host: HttpHost;
  let browser: Browser;
  let opened: OpenedPage;
  let page: Page;
  /** Non-admin PBX users; each test takes its own so they cannot disturb each other. */
  let people: { login: string; email: string }[];

  const api = <T,>(method: string, params: unknown = {}): Promise<T> => world.api<T>(method, params);

  /** The Graph simulator's /_sim/ API over HTTPS, trusting its own CA (what the demo's curl --cacert does). */
  function graphSim<T>(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<{ status: number; json: T }> {
    return new Promise((resolve, reject) => {
      const req = https.request(`${env.graph.url}${path}`, {
        method, ca: env.graph.caPem, headers: body ? { 'Content-Type': 'application/json' } : {},
      }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => { text += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: (text ? JSON.parse(text) : null) as T }));
      });
      req.on('error', reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  }

  async function setTeams(email: string, availability: string, activity: string): Promise<void> {
    const r = await graphSim<unknown>('PUT', `/_sim/presence/${encodeURIComponent(email)}`, { availability, activity });
    expect(r.status).toBe(200);
  }

  async function pbxUser(login: string): Promise<SimPbxUser> {
    const res = await fetch(`${env.starface.url}/_sim/users/${login}`);
    expect(res.status).toBe(200);
    return (await res.json()) as SimPbxUser;
  }

  async function sfPost<T>(path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${env.starface.url}${path}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? '' : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as T };
  }

  async function goTo(nav: string): Promise<void> {
    await page.getByRole('navigation').getByRole('button', { name: nav }).click();
    await page.getByRole('heading', { level: 1, name: nav }).waitFor();
  }

  /** The board row of one user, brought into the (virtualised) table by searching for the e-mail address. */
  async function boardRow(email: string): Promise<Locator> {
    await goTo('Status board');
    await page.getByLabel('Search').fill(email);
    await page.getByText(`1 of ${USERS} users`).waitFor();
    return page.locator('.vt-body [role=row]').filter({ hasText: email });
  }

  beforeAll(async () => {
    world = await startProductWorld({ users: USERS, pollIntervalSeconds: POLL_MS / 1000 });
    ({ env, host, browser, opened, page } = world);
    people = env.starface.users.filter((u) => !u.admin).map((u) => ({ login: u.login, email: u.email }));
    // The demo stores English as the UI language; the page follows the stored setting.
    await page.getByRole('heading', { level: 1, name: 'Status board' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it('shows every synced user on the board with sync running, and renders every page (screenshots)', async () => {
    // Every person, not the PBX administrator account the bridge logs in with (issue 15 item 9).
    await page.getByText(`${USERS} of ${USERS} users`).waitFor({ timeout: 15_000 });
    await page.locator('.sync-badge', { hasText: 'Running' }).waitFor({ timeout: 15_000 });
    await page.locator('.host').getByText('Service connected').waitFor();
    // Every user has a Teams presence read from the Graph simulator by now.
    await waitFor(async () => (await api<{ users: { teams: unknown }[] }>('state.snapshot')).users.every((u) => u.teams !== null),
      10_000, 'Teams presence for every user');
    await page.getByText('No presence').waitFor({ state: 'detached' });
    await screenshot(page, 'product-board');

    await goTo('Status rules');
    await page.getByRole('row', { name: /Busy – in a call/ }).waitFor();
    await screenshot(page, 'product-rules');

    await goTo('Users');
    await page.getByText(`${USERS} matched, 0 with conflicts`).waitFor({ timeout: 10_000 });
    await page.getByText(`Except the administrator account ${env.starface.admin.login} the bridge logs in to STARFACE with.`, { exact: false }).waitFor();
    await screenshot(page, 'product-users');

    await goTo('Connections');
    expect(await page.getByLabel('STARFACE address').inputValue()).toBe(env.starface.url);
    await page.locator('.secret', { hasText: 'Administrator password' }).getByText('Stored', { exact: true }).waitFor();
    await screenshot(page, 'product-connections');

    await goTo('Log');
    await page.getByText(/^[1-9]\d* of [1-9]\d* entries$/).waitFor();
    await page.locator('.vt-body [role=row]').first().waitFor();
    await screenshot(page, 'product-log');
    expect(opened.errors).toEqual([]);
  });

  it('edit a rule and save → the PBX follows when the Teams presence matches it', async () => {
    const who = people[0]!;
    await goTo('Status rules');
    await page.getByLabel('Do not disturb for Busy', { exact: true }).selectOption('on');
    await page.getByLabel('Chat status text for Busy', { exact: true }).fill('Bitte später');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await screenshot(page, 'product-rules-saved');
    // Stored by the engine, not only shown by the page.
    const { settings } = await api<{ settings: Settings }>('settings.get');
    expect(settings.rules.busy).toMatchObject({ dnd: 'on', chatText: 'Bitte später' });
    expect((await pbxUser(who.login)).chatPresenceMessage).not.toBe('Bitte später');

    await setTeams(who.email, 'Busy', 'Busy');
    const ms = await waitFor(async () => {
      const u = await pbxUser(who.login);
      return u.dnd && u.chatPresenceMessage === 'Bitte später';
    }, 2 * POLL_MS + MARGIN_MS, `DND on and "Bitte später" on the PBX for ${who.login}`);
    console.log(`rule → PBX: ${ms} ms after the Teams change`);

    const row = await boardRow(who.email);
    await row.getByText('DND on').waitFor();
    await row.getByText('Bitte später').waitFor();
  });

  it('a simulated Teams call → the board shows the user in DND within the poll interval', async () => {
    const who = people[1]!;
    await setTeams(who.email, 'Available', 'Available');
    const row = await boardRow(who.email);
    await row.getByText('Available', { exact: true }).first().waitFor({ timeout: 2 * POLL_MS + MARGIN_MS });
    await row.getByText('DND off').waitFor();

    const t0 = Date.now();
    await setTeams(who.email, 'Busy', 'InACall');
    await row.getByText('DND on').waitFor({ timeout: POLL_MS + MARGIN_MS });
    const ms = Date.now() - t0;
    console.log(`Teams call → board DND: ${ms} ms (poll interval ${POLL_MS} ms)`);
    expect(ms).toBeLessThanOrEqual(POLL_MS + MARGIN_MS);
    await row.getByText('Busy – in a call').waitFor();
    // The row's chat text as stored (the demo keeps the default rules, German texts).
    const { settings } = await api<{ settings: Settings }>('settings.get');
    const text = settings.rules['busy-in-call'].chatText;
    expect(text).not.toBe('');
    await row.getByText(text, { exact: true }).waitFor();
    await screenshot(page, 'product-board-teams-call');
    expect(await pbxUser(who.login)).toMatchObject({ dnd: true, chatPresenceMessage: text });
  });

  it('a STARFACE call → the board shows the telephony state and Teams the app session; hang-up clears both', async () => {
    const who = people[2]!;
    await setTeams(who.email, 'Available', 'Available');
    const row = await boardRow(who.email);
    await row.getByText('Available', { exact: true }).first().waitFor({ timeout: 2 * POLL_MS + MARGIN_MS });
    await row.getByText('DND off').waitFor();

    const placed = await sfPost<SimCall>('/_sim/calls', { to: who.login, from: '+4972112345' });
    expect(placed.status).toBe(201);
    await row.getByText('Ringing').waitFor({ timeout: 5_000 });
    const answered = await sfPost<SimCall>(`/_sim/calls/${placed.json.id}/answer`);
    expect(answered.status).toBe(200);
    await row.locator('.badge-call', { hasText: 'In a call' }).waitFor({ timeout: 5_000 });
    await waitFor(async () => (await graphSim<SimPresence>('GET', `/_sim/presence/${encodeURIComponent(who.email)}`)).json.sessions.length === 1,
      5_000, 'the bridge\'s Teams session');
    const p = (await graphSim<SimPresence>('GET', `/_sim/presence/${encodeURIComponent(who.email)}`)).json;
    expect(p.sessions[0]).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    expect(p.presence).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    await row.getByText('Busy – In a call', { exact: true }).waitFor({ timeout: 5_000 }); // the Teams session column
    // Teams shows the bridge's own session, the row stays with the user's own status: the board says why.
    await row.getByText('set by the bridge', { exact: true }).waitFor({ timeout: 5_000 });
    expect(await row.getByTestId('row-label').innerText()).toBe('Available');
    await screenshot(page, 'product-board-starface-call');

    expect((await sfPost<SimCall>(`/_sim/calls/${placed.json.id}/hangup`)).status).toBe(200);
    await waitFor(async () => (await graphSim<SimPresence>('GET', `/_sim/presence/${encodeURIComponent(who.email)}`)).json.sessions.length === 0,
      5_000, 'the Teams session cleared after hang-up');
    await row.locator('.badge-call').waitFor({ state: 'detached', timeout: 5_000 });
    await row.getByText('none', { exact: true }).waitFor({ timeout: 5_000 });
    expect((await pbxUser(who.login)).telephonyState).not.toMatch(/CONNECTED|RINGING/i);
  });

  it('the log page streams engine entries live (a STARFACE call appears without reloading)', async () => {
    const who = people[3]!;
    await goTo('Log');
    // Info and up keeps the per-poll debug lines out, so the new entries stay in the followed (newest) window.
    await page.getByLabel('Show from').selectOption('info');
    // The User filter must find engine lines about this user (the user is a column of the entry, not text).
    await page.locator('#log-user').fill(who.login);
    const entry = (msg: string) => page.locator('.vt-body [role=row]').filter({ hasText: msg }).filter({ hasText: who.login });
    expect(await entry('reason: STARFACE call').count()).toBe(0);
    const total = async () => Number(/of (\d+) entries/.exec(await page.getByText(/ of \d+ entries$/).innerText())![1]);
    const before = await total();

    const placed = await sfPost<SimCall>('/_sim/calls', { to: who.login, from: '+4972199999' });
    await sfPost<SimCall>(`/_sim/calls/${placed.json.id}/answer`);
    await entry(`Teams status "${presenceName('Busy', 'InACall', 'en')}" set for`).waitFor({ timeout: 5_000 });
    await sfPost<SimCall>(`/_sim/calls/${placed.json.id}/hangup`);
    await entry('Teams status cleared for').waitFor({ timeout: 5_000 });
    expect(await total()).toBeGreaterThan(before);
    await screenshot(page, 'product-log-live');
    await page.locator('#log-user').fill('');
    await page.getByLabel('Show from').selectOption('debug');
  });

  it('bad input in the forms gets clear messages and nothing is saved', async () => {
    const before = await api<{ settings: Settings }>('settings.get');
    const secretsBefore = await api<{ microsoftCertificateKey: boolean }>('secrets.status');

    await goTo('Connections');
    const url = page.getByLabel('STARFACE address');
    await url.fill('pbx.contoso.example');
    await page.getByText('Please enter a full address starting with http:// or https://.').waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Paste certificate (PEM)').fill('hello, I am not a certificate');
    await page.getByRole('button', { name: 'Add certificate' }).click();
    await page.getByText('This does not look like a PEM certificate.', { exact: false }).waitFor();

    // A bad private key is refused in the page; the vault is not touched.
    await page.getByLabel('Certificate', { exact: true }).check();
    await page.getByLabel('New value for Certificate private key (PEM)').fill('not a key');
    await page.locator('.secret', { hasText: 'Certificate private key' }).getByRole('button', { name: 'Store' }).click();
    await page.getByText('This does not look like a PEM private key').waitFor();
    await screenshot(page, 'product-connections-invalid');

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Not saved: please correct the marked fields/ }).waitFor();
    expect(await url.inputValue()).toBe('pbx.contoso.example'); // the input is kept for correcting

    // Discard, then the user selection with a broken login ID list.
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await expect.poll(() => url.inputValue()).toBe(env.starface.url);
    await goTo('Users');
    await page.getByLabel('Additional login IDs').fill('1001, 1002\n10 03\nx;y');
    await page.getByText('Invalid login ID(s): "10 03", "x;y".', { exact: false }).waitFor();
    await screenshot(page, 'product-users-invalid');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Not saved/ }).waitFor();

    // The engine refuses too when something bypasses the page, naming the field.
    const direct = await api<{ ok: boolean; issues: { path: string; message: string }[] }>('settings.save', {
      settings: { ...before.settings, starface: { ...before.settings.starface, baseUrl: 'pbx.contoso.example' } },
    });
    expect(direct.ok).toBe(false);
    expect(direct.issues.map((i) => i.path)).toContain('starface.baseUrl');

    const after = await api<{ settings: Settings }>('settings.get');
    expect(after.settings).toEqual(before.settings);
    expect((await api<{ microsoftCertificateKey: boolean }>('secrets.status')).microsoftCertificateKey).toBe(secretsBefore.microsoftCertificateKey);
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await page.getByText('No changes').first().waitFor();
  });

  it('the host rejects requests without the token, with a foreign Host header, or from another origin', async () => {
    const api = `${host.url}api/settings.get`;
    const json = { 'Content-Type': 'application/json' };
    const auth = { Authorization: `Bearer ${host.token}` };
    const good = await rawRequest(api, { method: 'POST', headers: { ...json, ...auth }, body: '{}' });
    expect(good.status).toBe(200);

    const noToken = await rawRequest(api, { method: 'POST', headers: json, body: '{}' });
    expect(noToken.status).toBe(401);
    expect(noToken.json).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrongToken = await rawRequest(api, { method: 'POST', headers: { ...json, Authorization: `Bearer ${host.token.slice(0, -2)}xx` }, body: '{}' });
    expect(wrongToken.status).toBe(401);
    expect((await rawRequest(`${host.url}api/events`, {})).status).toBe(401);

    // DNS rebinding: a foreign name pointing at 127.0.0.1 — refused even with the right token, page included.
    const rebound = await rawRequest(api, { method: 'POST', headers: { ...json, ...auth, Host: `evil.example:${host.port}` }, body: '{}' });
    expect(rebound.status).toBe(403);
    expect(rebound.json).toMatchObject({ error: { code: 'forbidden-host' } });
    expect((await rawRequest(host.url, { headers: { Host: 'evil.example' } })).status).toBe(403);

    const foreign = await rawRequest(api, { method: 'POST', headers: { ...json, ...auth, Origin: 'http://evil.example' }, body: '{}' });
    expect(foreign.status).toBe(403);
    expect(foreign.json).toMatchObject({ error: { code: 'forbidden-origin' } });
    const preflight = await rawRequest(api, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(403);

    // From a real page on another origin (the STARFACE simulator's address), even knowing the token.
    const other = await browser.newContext();
    try {
      const p = await other.newPage();
      await p.goto(`${env.starface.url}/_sim/users`);
      const outcome = await p.evaluate(async ({ url, token }) => {
        try {
          const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}' });
          return `status ${r.status}`;
        } catch (err) {
          return `blocked: ${(err as Error).name}`;
        }
      }, { url: api, token: host.token });
      expect(outcome).toBe('blocked: TypeError');
    } finally {
      await other.close();
    }
  });
});
