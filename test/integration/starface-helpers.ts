// Shared set-up for the STARFACE tests: a real simulator, a real callback server and real transports on
// 127.0.0.1 with ephemeral ports; helpers that wait for a condition instead of sleeping.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import { HttpTransport, type HttpRequest, type HttpResponse } from '../../src/platform/http-transport.js';

/** The probe's value once it is neither undefined nor false (vi.waitFor polls it). */
export function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5_000): Promise<T> {
  return vi.waitFor(async () => {
    const v = await probe();
    if (v === undefined || v === false) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    return v;
  }, { timeout: timeoutMs, interval: 10 });
}

/** The real transport, recording every request it sends (to check wire shapes). */
export class RecordingTransport extends HttpTransport {
  readonly sent: { url: string; method: string; headers: Record<string, string>; body: string }[] = [];
  override async request(req: HttpRequest): Promise<HttpResponse> {
    this.sent.push({
      url: String(req.url), method: req.method ?? 'GET', headers: { ...req.headers },
      body: req.body === undefined ? '' : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : req.body,
    });
    return super.request(req);
  }
}

export async function simJson<T = unknown>(base: string, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface SimUserDetail {
  login: string;
  dnd: boolean;
  chatPresence: string;
  chatPresenceMessage: string;
  telephonyState: string;
  sessions: { callback: string | null; subscriptions: string[] }[];
  calls: string[];
}

/** Starts a test counterpart's HTTP server on 127.0.0.1 (ephemeral port); close() also ends kept-alive connections. */
export async function listenOnLoopback(server: http.Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
