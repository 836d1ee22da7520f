// Serves the built renderer (renderer/dist) to the headless host's browser page: only files inside the
// directory (no traversal, no symlinks out), with a strict Content-Security-Policy.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The policy for the served page: only our own scripts, styles and API; no framing. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with every response of the host, API and static alike. */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Presence Bridge — settings page not built</title></head>
<body><main><h1>The settings page has not been built yet</h1>
<p>Run <code>npm run build</code> in the Presence Bridge folder, then reload this page.</p>
<p lang="de">Die Einstellungsseite ist noch nicht gebaut: bitte <code>npm run build</code> ausführen und die Seite neu laden.</p>
</main></body></html>
`;

export interface StaticFiles {
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void>;
}

export function staticFiles(rendererDir: string | undefined): StaticFiles {
  const root = rendererDir ? path.resolve(rendererDir) : undefined;
  let realRoot: Promise<string | undefined> | undefined;
  const getRealRoot = (): Promise<string | undefined> => {
    // Not cached when missing, so a build made while the host runs is picked up on reload.
    realRoot ??= root ? fs.realpath(root).catch(() => undefined) : Promise.resolve(undefined);
    return realRoot.then((r) => {
      if (r === undefined) realRoot = undefined;
      return r;
    });
  };

  return {
    async serve(req, res, pathname) {
      const base = await getRealRoot();
      const index = base ? await readInside(base, 'index.html') : undefined;
      if (!base || !index) {
        send(res, req, 503, 'text/html; charset=utf-8', Buffer.from(NOT_BUILT_PAGE), 'no-store');
        return;
      }
      let rel: string;
      try {
        rel = decodeURIComponent(pathname);
      } catch {
        send(res, req, 400, 'text/plain; charset=utf-8', Buffer.from('Malformed URL.\n'), 'no-store');
        return;
      }
      if (rel.includes('\0') || rel.includes('\\')) {
        send(res, req, 400, 'text/plain; charset=utf-8', Buffer.from('Malformed URL.\n'), 'no-store');
        return;
      }
      if (rel === '/' || rel === '/index.html') {
        send(res, req, 200, CONTENT_TYPES['.html']!, index, 'no-cache');
        return;
      }
      const file = await readInside(base, rel);
      if (file) {
        const ext = path.extname(rel).toLowerCase();
        const cache = rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        send(res, req, 200, CONTENT_TYPES[ext] ?? 'application/octet-stream', file, cache);
        return;
      }
      // Client-side routes (no file extension) get the app; missing files get a 404.
      if (path.extname(rel) === '') {
        send(res, req, 200, CONTENT_TYPES['.html']!, index, 'no-cache');
        return;
      }
      send(res, req, 404, 'text/plain; charset=utf-8', Buffer.from('Not found.\n'), 'no-store');
    },
  };
}

/** Reads a regular file only if its real path (after symlinks) stays inside base. */
async function readInside(base: string, rel: string): Promise<Buffer | undefined> {
  const candidate = path.resolve(base, `.${path.posix.normalize(`/${rel}`)}`);
  if (!isInside(base, candidate)) return undefined;
  try {
    const real = await fs.realpath(candidate);
    if (!isInside(base, real)) return undefined;
    const stat = await fs.stat(real);
    if (!stat.isFile()) return undefined;
    return await fs.readFile(real);
  } catch {
    return undefined;
  }
}

function isInside(base: string, p: string): boolean {
  return p === base || p.startsWith(base.endsWith(path.sep) ? base : base + path.sep);
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: Buffer, cache: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Security-Policy': RENDERER_CSP,
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': cache,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
