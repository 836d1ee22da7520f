import http from 'node:http';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpHost, type HttpHost, type HttpHostOptions } from '../../src/control/http-host.js';
import { FIXED_TIME, fakeEngineApi, type FakeEngine } from './control-fake-engine.js';

interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: string }

/** Raw HTTP so tests control every header (fetch would refuse to forge Host). */
function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

let tmp: string;
let rendererDir: string;
const hosts: HttpHost[] = [];

async function start(extra: Partial<HttpHostOptions> = {}, api: FakeEngine = fakeEngineApi()): Promise<{ host: HttpHost; api: FakeEngine; call: (method: string, params?: unknown, headers?: Record<string, string>) => Promise<RawResponse> }> {
  const host = await startHttpHost({ api, port: 0, rendererDir, ...extra });
  hosts.push(host);
  const call = (method: string, params: unknown = {}, headers: Record<string, string> = {}) => request(host.port, {
    method: 'POST', path: `/api/${method}`, body: JSON.stringify(params),
    headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json', ...headers },
  });
  return { host, api, call };
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-control-host-'));
  rendererDir = path.join(tmp, 'dist');
  await fs.mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>PB</title><div id="root"></div>');
  await fs.writeFile(path.join(rendererDir, 'assets', 'app-123.js'), 'console.log("app")');
  await fs.writeFile(path.join(tmp, 'secret.txt'), 'TOP-SECRET-OUTSIDE-ROOT');
  await fs.symlink(path.join(tmp, 'secret.txt'), path.join(rendererDir, 'assets', 'link.txt'));
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('http host: startup', () => {
  it('listens on loopback with a fresh 32-byte token in the page link fragment', async () => {
    const { host } = await start();
    const other = (await start()).host;
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.pageUrl).toBe(`${host.url}#token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(other.token).not.toBe(host.token);
  });

  it('refuses to bind anything but loopback', async () => {
    await expect(startHttpHost({ api: fakeEngineApi(), host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/loopback/);
  });
});

describe('http host: API access control', () => {
  it('answers a call with the right token', async () => {
    const { call } = await start();
    const res = await call('roster.get');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { counts: { matched: 1, conflicts: 1 } } });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('rejects a missing or wrong token with 401 and a message that says what to do', async () => {
    const { host, call, api } = await start();
    for (const auth of [undefined, 'Bearer', `Bearer ${host.token}x`, `Bearer ${host.token.slice(0, -1)}`, host.token, `Basic ${host.token}`]) {
      const headers: Record<string, string> = { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json' };
      if (auth !== undefined) headers.Authorization = auth;
      const res = await request(host.port, { method: 'POST', path: '/api/sync.start', headers, body: '{}' });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringContaining('#token=') } });
    }
    // The token in the query string is not a substitute for the header.
    const q = await request(host.port, { method: 'POST', path: `/api/sync.start?token=${host.token}`, headers: { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(q.status).toBe(401);
    expect(api.calls).toHaveLength(0);
    expect((await call('sync.start')).status).toBe(200);
  });

  it('rejects foreign Host headers (DNS rebinding) even with the right token, and accepts the loopback names', async () => {
    const { host, call } = await start();
    for (const h of ['evil.example', `evil.example:${host.port}`, `127.0.0.1:${host.port + 1}`, '127.0.0.1', `127.0.0.2:${host.port}`, `localhost.evil.example:${host.port}`]) {
      const res = await call('roster.get', {}, { Host: h });
      expect(res.status, h).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'forbidden-host' } });
      const page = await request(host.port, { path: '/', headers: { Host: h } });
      expect(page.status).toBe(403);
    }
    for (const h of [`127.0.0.1:${host.port}`, `localhost:${host.port}`, `LOCALHOST:${host.port}`, `[::1]:${host.port}`]) {
      expect((await call('roster.get', {}, { Host: h })).status, h).toBe(200);
    }
  });

  it('rejects foreign origins and cross-site fetches, accepts its own origin', async () => {
    const { host, call } = await start();
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}`, `http://localhost:${host.port}`]) {
      const res = await call('roster.get', {}, { Origin: origin });
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'forbidden-origin' } });
    }
    expect((await call('roster.get', {}, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await call('roster.get', {}, { 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
    expect((await call('roster.get', {}, { Origin: `http://127.0.0.1:${host.port}`, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect((await call('roster.get', {}, { Host: `localhost:${host.port}`, Origin: `http://localhost:${host.port}` })).status).toBe(200);
  });

  it('never sends CORS headers and answers preflights with 405', async () => {
    const { host, call } = await start();
    const pre = await request(host.port, {
      method: 'OPTIONS', path: '/api/secrets.set',
      headers: { Host: `127.0.0.1:${host.port}`, Origin: `http://127.0.0.1:${host.port}`, 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(405);
    const ok = await call('roster.get');
    const page = await request(host.port, { path: '/', headers: { Host: `127.0.0.1:${host.port}` } });
    for (const res of [pre, ok, page]) {
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('requires POST with a JSON content type for methods', async () => {
    const { host, call } = await start();
    const get = await request(host.port, { path: '/api/roster.get', headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}` } });
    expect(get.status).toBe(405);
    expect((await call('roster.get', {}, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await call('roster.get', {}, { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await call('roster.get', {}, { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200);
  });
});

describe('http host: request bodies and replies', () => {
  it('answers bad JSON with 400 and a readable message that does not quote the body', async () => {
    const { host } = await start();
    const res = await request(host.port, {
      method: 'POST', path: '/api/secrets.set',
      headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: '{"name":"starface.adminPassword","value":"s3cr3t-value-xyz"',
    });
    expect(res.status).toBe(400);
    const reply = JSON.parse(res.body);
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-json', message: expect.stringContaining('not valid JSON') } });
    expect(res.body).not.toContain('s3cr3t');
    // Invalid UTF-8 is bad JSON too.
    const bin = await request(host.port, {
      method: 'POST', path: '/api/roster.get', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
    });
    expect(bin.status).toBe(400);
  });

  it('treats an empty body as no params', async () => {
    const { host } = await start();
    const res = await request(host.port, {
      method: 'POST', path: '/api/state.snapshot',
      headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { users: [{ login: '0001' }] } });
  });

  it('rejects an oversized body with 413, declared or streamed, and keeps serving', async () => {
    const { host, call, api } = await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ csv: 'x'.repeat(5000) });
    const declared = await call('secrets.importStarfaceCsv', { csv: '0001;pw-1' }).then(() => request(host.port, {
      method: 'POST', path: '/api/secrets.importStarfaceCsv', body: big,
      headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(big)) },
    }));
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: { code: 'too-large' } });
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/secrets.importStarfaceCsv', agent: false,
        headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write('x'.repeat(400));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(api.calls.filter((c) => c.method === 'secrets.importStarfaceCsv')).toHaveLength(1); // only the first, small call
    expect((await call('roster.get')).status).toBe(200);
  });

  it('maps dispatch outcomes to HTTP status codes with the reply as body', async () => {
    const { call, api } = await start();
    const invalid = await call('sync.stop', { restore: 'yes' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'invalid-params', issues: [{ path: 'restore' }] } });
    expect((await call('no.such.method')).status).toBe(404);
    const refused = await call('connections.test', { target: 'starface' });
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body)).toMatchObject({ ok: false, error: { code: 'not-configured' } });
    api.failNext('roster.get', new Error('boom'));
    expect((await call('roster.get')).status).toBe(500);
  });
});

describe('http host: static renderer', () => {
  it('serves the page without a token, with a strict CSP and nosniff', async () => {
    const { host } = await start();
    const res = await request(host.port, { path: '/', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<div id="root">');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'] ?? '';
    for (const d of ["default-src 'self'", "connect-src 'self'", "script-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const js = await request(host.port, { path: '/assets/app-123.js', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log("app")');
    // Client-side routes get the app; missing files a 404.
    expect((await request(host.port, { path: '/rules', headers: { Host: `127.0.0.1:${host.port}` } })).body).toContain('id="root"');
    expect((await request(host.port, { path: '/assets/missing.js', headers: { Host: `127.0.0.1:${host.port}` } })).status).toBe(404);
    const post = await request(host.port, { method: 'POST', path: '/', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(post.status).toBe(405);
  });

  it('never serves files outside the renderer directory', async () => {
    const { host } = await start();
    const paths = [
      '/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt', '/assets/link.txt', '/%00', '/%E0%A4%A', `/${'../'.repeat(8)}etc/passwd`,
    ];
    for (const p of paths) {
      const res = await request(host.port, { path: p, headers: { Host: `127.0.0.1:${host.port}` } });
      expect(res.body, p).not.toContain('TOP-SECRET');
      expect(res.body, p).not.toContain('root:');
      expect([200, 400, 404], p).toContain(res.status);
    }
  });

  it('explains how to build the page when the renderer is missing', async () => {
    const { host } = await start({ rendererDir: path.join(tmp, 'not-built') });
    const res = await request(host.port, { path: '/', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(res.status).toBe(503);
    expect(res.body).toContain('npm run build');
    const noDir = await start({ rendererDir: undefined });
    expect((await request(noDir.host.port, { path: '/', headers: { Host: `127.0.0.1:${noDir.host.port}` } })).body).toContain('npm run build');
  });
});

/** Reads an SSE stream over a raw socket-backed response until `until` says stop. */
function openEvents(host: HttpHost, headers: Record<string, string> = {}): Promise<{ res: http.IncomingMessage; text: () => string; waitFor: (s: string, ms?: number) => Promise<void>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: host.port, path: '/api/events', agent: false,
      headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, Accept: 'text/event-stream', ...headers },
    }, (res) => {
      let buf = '';
      const waiters: { s: string; resolve: () => void }[] = [];
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        for (const w of [...waiters]) if (buf.includes(w.s)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
      });
      resolve({
        res,
        text: () => buf,
        waitFor: (s, ms = 2000) => new Promise<void>((ok, fail) => {
          if (buf.includes(s)) { ok(); return; }
          const t = setTimeout(() => fail(new Error(`timed out waiting for ${JSON.stringify(s)}; got ${JSON.stringify(buf)}`)), ms);
          waiters.push({ s, resolve: () => { clearTimeout(t); ok(); } });
        }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** vi.waitUntil options: how long a condition may take, polled every few ms. */
const WAIT = { timeout: 2000, interval: 10 };

const syncEvent = { type: 'state.sync' as const, data: { state: 'running' as const, since: FIXED_TIME, counters: { cycles: 3, presenceRequests: 1, pbxWrites: 2, teamsWrites: 0, errors: 0 } } };

describe('http host: event stream', () => {
  it('delivers contract events as SSE, with heartbeats', async () => {
    const { host, api } = await start({ heartbeatMs: 50 });
    const sse = await openEvents(host);
    expect(sse.res.statusCode).toBe(200);
    expect(sse.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await sse.waitFor(': connected');
    await vi.waitUntil(() => api.listenerCount() === 1, WAIT);
    api.emit(syncEvent);
    await sse.waitFor('event: state.sync\ndata: ');
    const frame = sse.text().split('\n\n').find((f) => f.includes('event: state.sync'))!;
    const data = frame.split('\n').find((l) => l.startsWith('data: '))!.slice(6);
    expect(JSON.parse(data)).toEqual(syncEvent.data);
    expect(frame).toMatch(/^id: \d+$/m);
    await sse.waitFor(': ping');
    sse.close();
  });

  it('drops events that break the contract', async () => {
    const { host, api } = await start();
    const sse = await openEvents(host);
    await vi.waitUntil(() => api.listenerCount() === 1, WAIT);
    api.emitRaw({ type: 'state.sync', data: { state: 'bogus' } });
    api.emitRaw({ type: 'made.up', data: {} });
    api.emit({ type: 'log.entry', data: { seq: 7, time: FIXED_TIME, level: 'info', msg: 'after the bad ones' } });
    await sse.waitFor('after the bad ones');
    expect(sse.text()).not.toContain('bogus');
    expect(sse.text()).not.toContain('made.up');
    sse.close();
  });

  it('requires the token and rejects foreign origins for the stream', async () => {
    const { host } = await start();
    const noToken = await request(host.port, { path: '/api/events', headers: { Host: `127.0.0.1:${host.port}` } });
    expect(noToken.status).toBe(401);
    const foreign = await request(host.port, { path: '/api/events', headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, Origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
  });

  it('unsubscribes from the engine when the last client leaves', async () => {
    const { host, api } = await start();
    const a = await openEvents(host);
    const b = await openEvents(host);
    await vi.waitUntil(() => api.listenerCount() === 1, WAIT);
    a.close();
    await new Promise((r) => setTimeout(r, 30));
    expect(api.listenerCount()).toBe(1);
    b.close();
    await vi.waitUntil(() => api.listenerCount() === 0, WAIT);
  });

  it('limits the number of concurrent streams', async () => {
    const { host } = await start({ maxSseClients: 1 });
    const a = await openEvents(host);
    const b = await request(host.port, { path: '/api/events', headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}` } });
    expect(b.status).toBe(503);
    a.close();
  });

  it('disconnects a client that does not read instead of buffering without bound', async () => {
    const { host, api } = await start({ maxSseBufferBytes: 256 * 1024 });
    const slow = await openEvents(host);
    slow.res.pause();
    // A reader that keeps up, without keeping megabytes of text around.
    let fastTail = '';
    let fastBytes = 0;
    const fastReq = http.request({
      host: '127.0.0.1', port: host.port, path: '/api/events', agent: false,
      headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}` },
    }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => { fastBytes += c.length; fastTail = (fastTail + c).slice(-200); });
    });
    fastReq.end();
    await vi.waitUntil(() => host.eventStreams() === 2, WAIT);
    const big = 'x'.repeat(16 * 1024);
    // 16 MB in total: more than the kernel's socket buffers can hide from the server.
    for (let i = 0; i < 1000 && host.eventStreams() === 2; i++) {
      api.emit({ type: 'log.entry', data: { seq: i, time: FIXED_TIME, level: 'info', msg: big } });
      await new Promise((r) => setImmediate(r));
    }
    await vi.waitUntil(() => host.eventStreams() === 1, { ...WAIT, timeout: 5000 });
    api.emit({ type: 'log.entry', data: { seq: 9999, time: FIXED_TIME, level: 'info', msg: 'still-alive' } });
    await vi.waitUntil(() => fastTail.includes('still-alive'), { ...WAIT, timeout: 5000 });
    expect(fastBytes).toBeGreaterThan(big.length);
    fastReq.destroy();
    slow.close();
  });

  it('ends open streams on close', async () => {
    const { host } = await start();
    const sse = await openEvents(host);
    const ended = new Promise<void>((r) => { sse.res.on('end', () => r()); sse.res.on('close', () => r()); });
    await host.close();
    await ended;
  });
});
