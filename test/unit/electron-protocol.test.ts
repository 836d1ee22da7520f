// The app:// handler that serves the built renderer with a strict CSP, tested with real files in a temp dir
// and WHATWG Request/Response (what Electron's protocol.handle passes and expects).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RENDERER_CSP, RENDERER_URL, createRendererProtocolHandler, isRendererUrl } from '../../electron/renderer-protocol.js';

let dir: string;
let handle: (r: Request) => Promise<Response>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pb-renderer-'));
  const root = join(dir, 'renderer', 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/index-1.js"></script>');
  writeFileSync(join(root, 'assets', 'index-1.js'), 'console.log("hi")');
  writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'a b.svg'), '<svg/>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  handle = createRendererProtocolHandler(root);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

describe('renderer protocol (app://presence-bridge/)', () => {
  it('serves the page with the strict CSP and the right content type', async () => {
    const res = await get(RENDERER_URL);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<script type="module"');
    expect((await get('app://presence-bridge/')).status).toBe(200);
  });

  it('serves scripts, styles and encoded names', async () => {
    expect((await get('app://presence-bridge/assets/index-1.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://presence-bridge/assets/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('app://presence-bridge/assets/a%20b.svg')).status).toBe(200);
  });

  it('never serves anything outside renderer/dist', async () => {
    for (const url of [
      'app://presence-bridge/../secret.txt',
      'app://presence-bridge/%2e%2e/secret.txt',
      'app://presence-bridge/assets/%2e%2e/%2e%2e/secret.txt',
      'app://presence-bridge/..%2f..%2fsecret.txt',
      'app://presence-bridge/..%5c..%5csecret.txt',
      'app://presence-bridge/%2fetc%2fpasswd',
    ]) {
      const res = await get(url);
      expect(res.status, url).not.toBe(200);
      expect(await res.text(), url).not.toContain('outside the renderer');
    }
  });

  it('answers missing files, other hosts, bad encodings and writes with errors (still under the CSP)', async () => {
    const missing = await get('app://presence-bridge/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect((await get('app://elsewhere/index.html')).status).toBe(404);
    expect((await get('app://presence-bridge/%E0%A4%A')).status).toBe(400);
    expect((await get('app://presence-bridge/assets/%00x')).status).toBe(400);
    expect((await get(RENDERER_URL, 'POST')).status).toBe(405);
    const head = await get(RENDERER_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('allows nothing but the app itself in the CSP', () => {
    expect(RENDERER_CSP).toContain("default-src 'none'");
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(RENDERER_CSP).toContain("frame-ancestors 'none'");
    expect(RENDERER_CSP).toContain("object-src 'none'");
  });

  it('recognises the app renderer URL and nothing else', () => {
    expect(isRendererUrl(RENDERER_URL)).toBe(true);
    expect(isRendererUrl('app://presence-bridge/index.html#/users')).toBe(true);
    for (const url of ['app://presence-bridge.evil/index.html', 'app://user:pw@presence-bridge/index.html', 'https://presence-bridge/index.html',
      'file:///app/renderer/dist/index.html', 'not a url', '']) {
      expect(isRendererUrl(url), url).toBe(false);
    }
  });
});
