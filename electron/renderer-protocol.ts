// The settings window loads the built renderer from app://presence-bridge/, served by this handler from
// renderer/dist inside the app package. Why not file://: a custom scheme gives the page its own origin (a
// file:// page may read any local file), and its responses carry a Content-Security-Policy header, which
// Electron does not reliably let us attach to file:// loads.
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, relative, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'presence-bridge';
export const RENDERER_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const RENDERER_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * Privileges for protocol.registerSchemesAsPrivileged (before app 'ready'): standard (relative URLs and an
 * origin), secure (a secure context, like https), fetch and CORS-mode loads of Vite's module scripts.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
} as const;

/**
 * Everything from the app itself, nothing from elsewhere: no inline or eval'd script, no network (the renderer
 * talks to the engine through the preload only), no frames, no plugins, no form posts.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "worker-src 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** True for the app's own renderer pages (any path under app://presence-bridge/). */
export function isRendererUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    // Node's URL gives custom schemes an opaque origin, so compare scheme and host.
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** Serves files under rootDir for app:// requests; anything outside it, or not a GET, gets an error status. */
export function createRendererProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = normalize(rootDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'Not found');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return plain(400, 'Bad request');
    }
    if (path.includes('\0')) return plain(400, 'Bad request');
    if (path === '/' || path === '') path = '/index.html';
    const file = normalize(join(root, path));
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return plain(404, 'Not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return plain(404, 'Not found');
    }
    const headers = securityHeaders();
    headers.set('content-type', MIME[extname(file).toLowerCase()] ?? 'application/octet-stream');
    headers.set('content-length', String(body.length));
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

function securityHeaders(): Headers {
  return new Headers({
    'content-security-policy': RENDERER_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
}

function plain(status: number, text: string): Response {
  const headers = securityHeaders();
  headers.set('content-type', 'text/plain; charset=utf-8');
  return new Response(text, { status, headers });
}
