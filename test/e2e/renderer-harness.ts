// Shared set-up for the renderer's end-to-end tests: build the renderer if needed, serve it with the REAL
// headless host (src/control/http-host.ts) in front of an in-test engine stand-in, drive it in Debian Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import type { ControlApi } from '../../src/control/contract.js';
import { startHttpHost, type HttpHost } from '../../src/control/http-host.js';
import { fakeEngineApi, type FakeEngine, type FakeEngineOptions } from './renderer-fake-engine.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'renderer/dist');
export const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, name)));
  return max;
}

/** Builds renderer/dist when it is missing or older than its sources (one build at a time across workers). */
export async function ensureRendererBuilt(): Promise<void> {
  const lock = path.join(ROOT, 'test-results/.renderer-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker builds; a lock older than two minutes is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error('Timed out waiting for another renderer build (test-results/.renderer-build.lock).');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const sources = Math.max(
      newestMtime(path.join(ROOT, 'renderer/src')),
      newestMtime(path.join(ROOT, 'renderer/index.html')),
      newestMtime(path.join(ROOT, 'renderer/public')),
      newestMtime(path.join(ROOT, 'vite.config.ts')),
      newestMtime(path.join(ROOT, 'src/control/contract.ts')),
      newestMtime(path.join(ROOT, 'src/core')),
    );
    const built = newestMtime(path.join(DIST, 'index.html'));
    if (built === 0 || built < sources) {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
        cwd: ROOT, stdio: 'pipe',
      });
    }
  } finally {
    rmdirSync(lock);
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** The page starts its reconnect backoff at 200 ms instead of the product's 2 s: a reconnect test waits less. */
export async function serve(api: ControlApi): Promise<HttpHost> {
  return startHttpHost({ api, rendererDir: DIST, heartbeatMs: 1_000, sseRetryMs: 200 });
}

export interface OpenedPage {
  page: Page;
  /** Errors the page threw or logged (a clean UI has none). */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser, host: HttpHost, viewport = { width: 1280, height: 800 }, locale = 'de-DE'): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport, locale, acceptDownloads: true });
  // Short waits give a readable failure (which locator) long before the test's own timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(host.pageUrl);
  return { page, errors, close: () => context.close() };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls until `fn` stops throwing (for state the engine stand-in records asynchronously). */
export function eventually<T>(fn: () => T, timeoutMs = 5_000): Promise<T> {
  return vi.waitFor(fn, { timeout: timeoutMs, interval: 25 });
}

export interface RendererSuite {
  /** Starts a fresh engine stand-in and host, and opens the page (German browser, 1280×800 unless given). */
  start(opts?: FakeEngineOptions, viewport?: { width: number; height: number }): Promise<Page>;
  engine(): FakeEngine;
  host(): HttpHost;
  opened(): OpenedPage;
  browser(): Browser;
}

/** Registers the hooks of one describe block: one browser for the block, a fresh host and page per test. */
export function rendererSuite(): RendererSuite {
  let browser: Browser | undefined;
  let engine: FakeEngine | undefined;
  let host: HttpHost | undefined;
  let opened: OpenedPage | undefined;
  beforeAll(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
    await host?.close();
    host = undefined;
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} not started: call suite.start() first`);
    return v;
  };
  return {
    async start(opts = {}, viewport) {
      engine = fakeEngineApi(opts);
      host = await serve(engine);
      opened = await openPage(need(browser, 'browser'), host, viewport);
      return opened.page;
    },
    engine: () => need(engine, 'engine'),
    host: () => need(host, 'host'),
    opened: () => need(opened, 'page'),
    browser: () => need(browser, 'browser'),
  };
}
