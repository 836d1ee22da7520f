// `npm run demo` as a newcomer runs it: the real CLI in its own process, its printed settings page opened in
// Debian Chromium, the simulated people on the status board, and Ctrl+C (SIGINT) ending it cleanly.
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startCli, type CliProcess } from '../integration/cli-helpers.js';
import { HAVE_CHROMIUM, ensureRendererBuilt, launchChromium, screenshot } from './renderer-harness.js';

if (!HAVE_CHROMIUM) console.log('product demo e2e: skipped, /usr/bin/chromium is missing (apt-get install chromium).');

const USERS = 5;

describe.skipIf(!HAVE_CHROMIUM)('presence-bridge demo in Chromium (spawned CLI, real engine and simulators)', () => {
  let cli: CliProcess | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await cli?.kill();
  });

  it('prints the page and simulator URLs, shows the people on the board, and exits cleanly on SIGINT', async () => {
    await ensureRendererBuilt(); // the demo serves renderer/dist
    cli = startCli(['demo', '--users', String(USERS), '--port', '0', '--poll-interval', '1', '--lang', 'en']);
    const [, pageUrl] = await cli.waitForLine(/Presence Bridge settings page: (\S+)/, 60_000);
    const [, sfUrl] = await cli.waitForLine(/STARFACE simulator: (\S+)/);
    const [, graphUrl] = await cli.waitForLine(/Microsoft Graph simulator: (\S+) \(CA certificate: \S+\)/);
    expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
    expect(sfUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(graphUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // The simulator is really there (the printed URL works).
    const sfUsers = (await (await fetch(`${sfUrl}/_sim/users`)).json()) as unknown[];
    expect(sfUsers.length).toBe(USERS + 1); // the people plus the PBX administrator

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(pageUrl!);
    await page.getByRole('heading', { level: 1, name: 'Status board' }).waitFor();
    const count = page.getByText(/^\d+ of \d+ users$/);
    // The people on the PBX; not its administrator account, which the bridge logs in with.
    await page.getByText(`${USERS} of ${USERS} users`).waitFor();
    expect(Number(/^(\d+)/.exec(await count.innerText())![1])).toBe(USERS);
    await page.locator('.sync-badge', { hasText: 'Running' }).waitFor();
    expect(await page.locator('.vt-body [role=row]').count()).toBe(USERS);
    await screenshot(page, 'product-demo-board');

    // Ctrl+C: the demo stops (restoring what it changed) and exits 0 within a few seconds, even with the page
    // and its event stream still open.
    const t0 = Date.now();
    cli.child.kill('SIGINT');
    const exit = await Promise.race([
      cli.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000)),
    ]);
    const ms = Date.now() - t0;
    expect(exit, `demo did not exit within 10 s of SIGINT\nstdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`).not.toBe('timeout');
    console.log(`demo: exited ${ms} ms after SIGINT`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(5_000);
    expect(cli.stdout()).toContain('Stopping the demo…');
    expect(cli.stdout()).toContain('Demo stopped.');
    expect(cli.stderr()).not.toMatch(/unhandled|\bError\b:/i);

    // The open page notices the service is gone instead of showing stale data as live.
    await page.getByRole('alert').filter({ hasText: 'No connection to the service' }).waitFor();
    await screenshot(page, 'product-demo-stopped');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
