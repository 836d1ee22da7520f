// Request checks of the headless host: who may talk to it at all. The host listens on loopback, but any web
// page in the admin's browser can also reach loopback, so every request must prove it comes from our own page:
// Host header (defeats DNS rebinding), Origin / Sec-Fetch-Site (defeats cross-site requests) and, for /api/,
// the per-start bearer token that only the page opened via the printed link knows.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Host header values our own page can send: the loopback names with the exact port. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export type GuardFailure = { status: number; code: string; message: string };

export function checkHostAndOrigin(req: IncomingMessage, port: number): GuardFailure | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts(port).has(host)) {
    return {
      status: 403, code: 'forbidden-host',
      message: `This address is not allowed. Open the settings page as http://127.0.0.1:${port}/ (the link printed at start).`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    return {
      status: 403, code: 'forbidden-origin',
      message: 'Requests from other web pages are not allowed. Use the settings page itself.',
    };
  }
  // Browsers label requests made by other sites even where Origin is absent (e.g. some navigations).
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return {
      status: 403, code: 'forbidden-origin',
      message: 'Requests from other web pages are not allowed. Use the settings page itself.',
    };
  }
  return undefined;
}

/** Compares in constant time: hashing first makes both sides the same length. */
export function tokenMatches(authorization: string | undefined, token: string): boolean {
  if (typeof authorization !== 'string') return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const given = m?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}
