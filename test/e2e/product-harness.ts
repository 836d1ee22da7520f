// The whole product for the e2e suites that stand nothing in: the same path as `presence-bridge demo`
// (demo environment → engine service → headless host → start), and the real renderer in Debian Chromium.
import type { Browser, Page } from 'playwright-core';
import { startDemoEnvironment, type DemoEnvironment, type DemoEnvironmentOptions } from '../../src/commands/demo-environment.js';
import { startHttpHost, type HttpHost } from '../../src/control/http-host.js';
import { createEngineService, type EngineService } from '../../src/control/service.js';
import { DIST, ensureRendererBuilt, launchChromium, openPage, type OpenedPage } from './renderer-harness.js';

type Reply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };

export interface ProductWorld {
  env: DemoEnvironment;
  service: EngineService;
  host: HttpHost;
  browser: Browser;
  opened: OpenedPage;
  page: Page;
  /** One control method over the host's HTTP API, as the page calls it. */
  api<T>(method: string, params?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startProductWorld(demo: DemoEnvironmentOptions, viewport?: { width: number; height: number }): Promise<ProductWorld> {
  await ensureRendererBuilt();
  const env = await startDemoEnvironment(demo);
  const service = await createEngineService({ settingsFile: env.settingsFile, secrets: env.secrets, logToConsole: false });
  const host = await startHttpHost({ api: service.api, rendererDir: DIST, logger: service.logger.child({ component: 'http' }) });
  await service.start();
  const browser = await launchChromium();
  const opened = await openPage(browser, host, viewport);
  return {
    env, service, host, browser, opened, page: opened.page,
    async api<T>(method: string, params: unknown = {}): Promise<T> {
      const res = await fetch(`${host.url}api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
        body: JSON.stringify(params),
      });
      const reply = (await res.json()) as Reply<T>;
      if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
      return reply.result;
    },
    async close() {
      await opened.close();
      await browser.close();
      await host.close();
      await service.close({ restore: false }).catch(() => undefined);
      await env.close();
    },
  };
}
