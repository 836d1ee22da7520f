import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { HttpTransport, TransportError, describeCaPem } from '../../src/platform/http-transport.js';

interface Pems { cert: string; key: string }

async function makeCert(): Promise<Pems> {
  const p = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { cert: p.cert, key: p.private };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    (server as http.Server).closeAllConnections?.();
    server.close(() => resolve());
  });
}

async function expectTransportError(p: Promise<unknown>, code: TransportError['code']): Promise<TransportError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TransportError);
  const te = err as TransportError;
  expect(te.code, te.message).toBe(code);
  return te;
}

/** A minimal HTTP CONNECT proxy; records the tunnels it opened. */
function startProxy(opts: { refuse?: number } = {}): { server: http.Server; tunnels: string[]; sockets: Set<net.Socket> } {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    if (opts.refuse) {
      client.end(`HTTP/1.1 ${opts.refuse} Nope\r\nProxy-Authenticate: Basic realm="x"\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { server, tunnels, sockets };
}

let pems: Pems;
let httpsServer: https.Server;
let httpsPort: number;
let httpServer: http.Server;
let httpPort: number;
let httpConnections = 0;
let httpsConnections = 0;
const transports: HttpTransport[] = [];

function transport(settings?: ConstructorParameters<typeof HttpTransport>[0]): HttpTransport {
  const t = new HttpTransport(settings);
  transports.push(t);
  return t;
}

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/json') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] });
    res.end(JSON.stringify({ ok: true, method: req.method }));
  } else if (url.pathname === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'text/plain' });
      res.end(`${req.method} ${req.headers['content-type'] ?? ''} ${Buffer.concat(chunks).toString()}`);
    });
  } else if (url.pathname === '/big') {
    res.writeHead(200, { 'content-length': '5000' });
    res.end(Buffer.alloc(5000, 'a'));
  } else if (url.pathname === '/big-chunked') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, 'b'));
    res.end();
  } else if (url.pathname === '/stall') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
    // never ends: the idle (read) timeout must fire
  } else if (url.pathname === '/slow') {
    setTimeout(() => { res.writeHead(200); res.end('late'); }, 1_000).unref();
  } else if (url.pathname === '/gzip') {
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
    res.end(zlib.gzipSync(JSON.stringify({ zipped: 'yes' })));
  } else if (url.pathname === '/bomb') {
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end(zlib.gzipSync(Buffer.alloc(100_000, 0)));
  } else if (url.pathname === '/empty') {
    res.writeHead(204);
    res.end();
  } else {
    res.writeHead(404);
    res.end('not found');
  }
}

beforeAll(async () => {
  pems = await makeCert();
  httpsServer = https.createServer({ cert: pems.cert, key: pems.key }, handler);
  httpsServer.keepAliveTimeout = 2_000;
  httpsServer.on('secureConnection', () => { httpsConnections++; });
  httpsPort = await listen(httpsServer);
  httpServer = http.createServer(handler);
  httpServer.on('connection', () => { httpConnections++; });
  httpPort = await listen(httpServer);
});

afterEach(() => {
  for (const t of transports.splice(0)) t.close();
});

afterAll(async () => {
  await close(httpsServer);
  await close(httpServer);
});

describe('HttpTransport over TLS', () => {
  it('rejects a self-signed server certificate with a tls error that names the host and says what to do', async () => {
    const t = transport();
    const err = await expectTransportError(t.request({ url: `https://127.0.0.1:${httpsPort}/json` }), 'tls');
    expect(err.message).toContain(`127.0.0.1:${httpsPort}`);
    expect(err.message).toMatch(/not trusted/);
    expect(err.message).toMatch(/extra CA/);
    expect(err.url).toBe(`https://127.0.0.1:${httpsPort}/json`);
  });

  it('trusts the server once its certificate is given as extra CA, and parses JSON', async () => {
    const t = transport({ extraCaPem: [pems.cert] });
    const res = await t.request({ url: `https://127.0.0.1:${httpsPort}/json` });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, method: 'GET' });
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-multi']).toBe('a, b');
  });

  it('checks the host name against the certificate', async () => {
    const other = await generate([{ name: 'commonName', value: 'pbx.example' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 2, value: 'pbx.example' }] }],
    });
    const server = https.createServer({ cert: other.cert, key: other.private }, handler);
    const port = await listen(server);
    try {
      const t = transport({ extraCaPem: [other.cert] });
      const err = await expectTransportError(t.request({ url: `https://127.0.0.1:${port}/json` }), 'tls');
      expect(err.message).toMatch(/does not match the host name/);
    } finally {
      await close(server);
    }
  });

  it('reconfigure() with the CA turns a failing transport into a working one', async () => {
    const t = transport();
    await expectTransportError(t.request({ url: `https://localhost:${httpsPort}/json` }), 'tls');
    t.reconfigure({ extraCaPem: [pems.cert] });
    const res = await t.request({ url: `https://localhost:${httpsPort}/json` });
    expect(res.status).toBe(200);
  });

  it('refuses CA text that is not a certificate, with a readable message', () => {
    expect(() => new HttpTransport({ extraCaPem: ['hello'] })).toThrow(/PEM/);
    expect(describeCaPem(pems.cert)[0]?.subject).toContain('localhost');
  });

  it('builds one TLS context per configuration: agents carry it instead of a CA list, requests add none', async () => {
    const url = `https://127.0.0.1:${httpsPort}/json`;
    const t = transport({ extraCaPem: [pems.cert] });
    const agent = t.agentFor(url) as https.Agent;
    const first = agent.options.secureContext;
    expect(first).toBeDefined();
    expect(agent.options.ca).toBeUndefined();
    expect((await t.request({ url })).status).toBe(200);
    // https.Agent keys its pool by the connection options; a CA list (~200 KB) there is rebuilt per request.
    const poolKeys = [...Object.keys(agent.freeSockets), ...Object.keys(agent.sockets)];
    expect(poolKeys.length).toBeGreaterThan(0);
    for (const k of poolKeys) expect(k.length).toBeLessThan(1_000);

    // Through a proxy too (its agent keys the pool the same way).
    const proxy = startProxy();
    const proxyPort = await listen(proxy.server);
    try {
      const viaProxy = transport({ extraCaPem: [pems.cert], proxyUrl: `http://127.0.0.1:${proxyPort}` });
      expect((await viaProxy.request({ url })).status).toBe(200);
      const proxyAgent = viaProxy.agentFor(url);
      const proxyKeys = [...Object.keys(proxyAgent.freeSockets), ...Object.keys(proxyAgent.sockets)];
      expect(proxyKeys.length).toBeGreaterThan(0);
      for (const k of proxyKeys) expect(k.length).toBeLessThan(1_000);
    } finally {
      for (const s of proxy.sockets) s.destroy();
      await close(proxy.server);
    }

    t.reconfigure({ readTimeoutMs: 5_000 });
    const next = (t.agentFor(url) as https.Agent).options.secureContext;
    expect(next).toBeDefined();
    expect(next).not.toBe(first);
    expect((await t.request({ url })).status).toBe(200);
  });

  it('opens many new TLS connections for less than one context build each', async () => {
    const url = `https://127.0.0.1:${httpsPort}/json`;
    // What one per-connection context with Node's roots + the extra CA costs on this machine right now.
    const builds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      tls.createSecureContext({ ca: [...tls.rootCertificates, pems.cert] });
      builds.push(performance.now() - started);
    }
    const perBuild = builds.sort((a, b) => a - b)[1]!;
    const t = transport({ extraCaPem: [pems.cert], keepAlive: false });
    const before = httpsConnections;
    const started = performance.now();
    for (let i = 0; i < 50; i++) expect((await t.request({ url })).status).toBe(200);
    const elapsed = performance.now() - started;
    // With a context per connection this takes at least 50 builds; with one shared context, handshakes only
    // (about a quarter of a build each here). Relative to a build measured now, so machine load cancels out.
    expect(httpsConnections - before).toBe(50);
    expect(elapsed, `50 connections took ${elapsed.toFixed(0)} ms; one context build ${perBuild.toFixed(1)} ms`).toBeLessThan(35 * perBuild);
  });

  it('times out the TLS handshake with the connect timeout when a server accepts but never answers', async () => {
    const accepted: net.Socket[] = [];
    const silent = net.createServer((s) => { accepted.push(s); /* accept, say nothing */ });
    const port = await listen(silent);
    try {
      const t = transport({ connectTimeoutMs: 200 });
      const started = Date.now();
      const err = await expectTransportError(t.request({ url: `https://127.0.0.1:${port}/` }), 'timeout');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err.message).toMatch(/Connecting to 127\.0\.0\.1:\d+ timed out after 200 ms/);
      expect(accepted).toHaveLength(1);
    } finally {
      for (const s of accepted) s.destroy();
      await close(silent);
    }
  });
});

describe('HttpTransport over plain HTTP', () => {
  it('sends a body and returns non-2xx statuses without throwing', async () => {
    const t = transport();
    const res = await t.request({ url: `http://127.0.0.1:${httpPort}/echo`, method: 'POST', body: 'hi there', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(201);
    expect(res.text()).toBe('POST text/plain hi there');
    const nf = await t.request({ url: `http://127.0.0.1:${httpPort}/nope` });
    expect(nf.status).toBe(404);
  });

  it('reuses one connection with keep-alive', async () => {
    const t = transport({ keepAlive: true });
    const before = httpConnections;
    for (let i = 0; i < 3; i++) expect((await t.request({ url: `http://127.0.0.1:${httpPort}/json` })).status).toBe(200);
    expect(httpConnections - before).toBe(1);
  });

  it('survives the server closing an idle keep-alive connection', async () => {
    const server = http.createServer(handler);
    server.keepAliveTimeout = 50;
    const port = await listen(server);
    try {
      const t = transport({ keepAlive: true });
      expect((await t.request({ url: `http://127.0.0.1:${port}/json`, method: 'POST', body: '{}' })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 150)); // longer than the server's keep-alive timeout
      expect((await t.request({ url: `http://127.0.0.1:${port}/json`, method: 'POST', body: '{}' })).status).toBe(200);
    } finally {
      await close(server);
    }
  });

  it('answers or fails with a TransportError when several pooled keep-alive sockets went stale at once', async () => {
    // Each connection serves one request; while `stale` is set, a later request on it is dropped unanswered —
    // what a client sees when the server closed its idle keep-alive sockets and the close crossed the request.
    let stale: 'none' | 'reused' | 'all' = 'none';
    const served = new WeakMap<net.Socket, number>();
    let connections = 0;
    const server = http.createServer((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      if (stale === 'all' || (stale === 'reused' && n > 1)) {
        req.socket.destroy();
        return;
      }
      setTimeout(() => { res.writeHead(200); res.end('ok'); }, 20);
    });
    server.on('connection', () => { connections++; });
    const port = await listen(server);
    const url = `http://127.0.0.1:${port}/`;
    const fillPool = async (t: HttpTransport): Promise<void> => {
      stale = 'none';
      const before = connections;
      await Promise.all([1, 2, 3].map(() => t.request({ url })));
      expect(connections - before).toBe(3); // three idle sockets in the pool now
    };
    try {
      const t = transport({ keepAlive: true });
      await fillPool(t);
      stale = 'reused';
      const before = connections;
      const res = await t.request({ url, method: 'POST', body: '{}' });
      expect(res.text()).toBe('ok');
      expect(connections - before).toBe(1); // two stale pooled sockets tried, then one new connection

      const t2 = transport({ keepAlive: true });
      await fillPool(t2);
      stale = 'all';
      const err = await expectTransportError(t2.request({ url, method: 'POST', body: '{}' }), 'network');
      expect(err.message).toContain(`127.0.0.1:${port}`);
      expect(err.message).toMatch(/closed the connection/);
    } finally {
      await close(server);
    }
  });

  it('opens a new connection per request without keep-alive', async () => {
    const t = transport({ keepAlive: false });
    const before = httpConnections;
    for (let i = 0; i < 2; i++) await t.request({ url: `http://127.0.0.1:${httpPort}/json` });
    expect(httpConnections - before).toBe(2);
  });

  it('reports a refused connection as connect error naming the host', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    await close(probe); // the port is now closed
    const t = transport();
    const err = await expectTransportError(t.request({ url: `http://127.0.0.1:${port}/` }), 'connect');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('fires the read (idle) timeout when the server stalls mid-body', async () => {
    const t = transport({ readTimeoutMs: 200 });
    const err = await expectTransportError(t.request({ url: `http://127.0.0.1:${httpPort}/stall` }), 'timeout');
    expect(err.message).toMatch(/sent no data for 200 ms/);
  });

  it('applies the per-request overall timeout', async () => {
    const t = transport();
    const err = await expectTransportError(t.request({ url: `http://127.0.0.1:${httpPort}/slow`, timeoutMs: 150 }), 'timeout');
    expect(err.message).toMatch(/within 150 ms/);
  });

  it('enforces maxResponseBytes by content-length and while streaming', async () => {
    const t = transport();
    await expectTransportError(t.request({ url: `http://127.0.0.1:${httpPort}/big`, maxResponseBytes: 4_000 }), 'too-large');
    await expectTransportError(t.request({ url: `http://127.0.0.1:${httpPort}/big-chunked`, maxResponseBytes: 4_000 }), 'too-large');
    const ok = await t.request({ url: `http://127.0.0.1:${httpPort}/big-chunked`, maxResponseBytes: 20_000 });
    expect(ok.body.length).toBe(10_000);
  });

  it('decompresses gzip and limits the decompressed size', async () => {
    const t = transport();
    const res = await t.request({ url: `http://127.0.0.1:${httpPort}/gzip` });
    expect(res.json()).toEqual({ zipped: 'yes' });
    expect(res.headers['content-encoding']).toBeUndefined();
    await expectTransportError(t.request({ url: `http://127.0.0.1:${httpPort}/bomb`, maxResponseBytes: 10_000 }), 'too-large');
  });

  it('aborts with an AbortSignal, before and during the request', async () => {
    const t = transport();
    await expectTransportError(t.request({ url: `http://127.0.0.1:${httpPort}/json`, signal: AbortSignal.abort() }), 'aborted');
    const ac = new AbortController();
    const p = t.request({ url: `http://127.0.0.1:${httpPort}/slow`, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expectTransportError(p, 'aborted');
    await expectTransportError(t.request({ url: `http://127.0.0.1:${httpPort}/slow`, signal: AbortSignal.timeout(50) }), 'timeout');
  });

  it('fetch() returns a WHATWG Response', async () => {
    const t = transport();
    const res = await t.fetch(`http://127.0.0.1:${httpPort}/json`, { headers: new Headers({ accept: 'application/json' }) });
    expect(res).toBeInstanceOf(Response);
    expect(res.ok).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true, method: 'GET' });
    expect(res.url).toBe(`http://127.0.0.1:${httpPort}/json`);
    const posted = await t.fetch(new URL(`http://127.0.0.1:${httpPort}/echo`), { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect(await posted.text()).toBe('POST application/x-www-form-urlencoded;charset=UTF-8 a=1');
    const empty = await t.fetch(`http://127.0.0.1:${httpPort}/empty`);
    expect(empty.status).toBe(204);
    await expect(t.fetch(`http://127.0.0.1:${httpPort}/json`, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(TransportError);
  });

  it('agentFor() gives a Node agent usable by other libraries', async () => {
    const t = transport({ extraCaPem: [pems.cert] });
    const agent = t.agentFor(`https://127.0.0.1:${httpsPort}/`);
    const status = await new Promise<number>((resolve, reject) => {
      https.get(`https://127.0.0.1:${httpsPort}/json`, { agent }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
    });
    expect(status).toBe(200);
  });
});

describe('HttpTransport through an HTTP CONNECT proxy', () => {
  it('tunnels https requests through the proxy and still verifies the target with the extra CA', async () => {
    const proxy = startProxy();
    const proxyPort = await listen(proxy.server);
    try {
      const t = transport({ extraCaPem: [pems.cert], proxyUrl: `http://127.0.0.1:${proxyPort}` });
      const res = await t.request({ url: `https://127.0.0.1:${httpsPort}/json` });
      expect(res.json()).toEqual({ ok: true, method: 'GET' });
      expect(proxy.tunnels).toEqual([`127.0.0.1:${httpsPort}`]);

      const untrusted = transport({ proxyUrl: `http://127.0.0.1:${proxyPort}` });
      await expectTransportError(untrusted.request({ url: `https://127.0.0.1:${httpsPort}/json` }), 'tls');
    } finally {
      for (const s of proxy.sockets) s.destroy();
      await close(proxy.server);
    }
  });

  it('tunnels plain http requests too, and bypasses the proxy for noProxy hosts', async () => {
    const proxy = startProxy();
    const proxyPort = await listen(proxy.server);
    try {
      const t = transport({ proxyUrl: `http://127.0.0.1:${proxyPort}` });
      const res = await t.request({ url: `http://127.0.0.1:${httpPort}/json` });
      expect(res.status).toBe(200);
      expect(proxy.tunnels).toEqual([`127.0.0.1:${httpPort}`]);
      t.reconfigure({ noProxy: ['127.0.0.1'] });
      expect((await t.request({ url: `http://127.0.0.1:${httpPort}/json` })).status).toBe(200);
      expect(proxy.tunnels).toHaveLength(1);
    } finally {
      for (const s of proxy.sockets) s.destroy();
      await close(proxy.server);
    }
  });

  it('reports a proxy that refuses the tunnel as a proxy error (never as the target response)', async () => {
    const proxy = startProxy({ refuse: 407 });
    const proxyPort = await listen(proxy.server);
    try {
      const t = transport({ extraCaPem: [pems.cert], proxyUrl: `http://user:pw@127.0.0.1:${proxyPort}` });
      const err = await expectTransportError(t.request({ url: `https://127.0.0.1:${httpsPort}/json` }), 'proxy');
      expect(err.message).toMatch(/407/);
      expect(err.message).toMatch(/user name and password/);
      expect(err.message).not.toContain('pw@');
    } finally {
      for (const s of proxy.sockets) s.destroy();
      await close(proxy.server);
    }
  });

  it('reports an unreachable proxy as a proxy error', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    await close(probe);
    const t = transport({ proxyUrl: `http://127.0.0.1:${port}` });
    const err = await expectTransportError(t.request({ url: `https://127.0.0.1:${httpsPort}/json` }), 'proxy');
    expect(err.message).toMatch(/Cannot reach proxy http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('HttpTransport with a pinned certificate (issue 14 item 10)', () => {
  // A self-signed certificate for another name: no CA vouches for it and its name does not match 127.0.0.1.
  let wrongName: Pems & { fingerprint: string };
  let server: https.Server;
  let port: number;
  const seen: string[] = [];
  beforeAll(async () => {
    const p = await generate([{ name: 'commonName', value: 'starface.local' }], {
      keySize: 2048, algorithm: 'sha256',
      extensions: [{ name: 'basicConstraints', cA: false }, { name: 'subjectAltName', altNames: [{ type: 2, value: 'starface.local' }] }],
    });
    wrongName = { cert: p.cert, key: p.private, fingerprint: new X509Certificate(p.cert).fingerprint256 };
    server = https.createServer({ cert: wrongName.cert, key: wrongName.key }, (req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      handler(req, res);
    });
    port = await listen(server);
  });
  afterAll(async () => {
    await close(server);
  });

  const pinFor = (p: number, fp: string): Record<string, string> => ({ [`127.0.0.1:${p}`]: fp });

  it('accepts exactly the pinned certificate, whatever its name and issuer', async () => {
    const t = transport({ pinnedCertificates: pinFor(port, wrongName.fingerprint.replace(/:/g, '').toLowerCase()) });
    const res = await t.request({ url: `https://127.0.0.1:${port}/json` });
    expect(res.json()).toEqual({ ok: true, method: 'GET' });
    // Kept-alive and new connections alike.
    expect((await t.request({ url: `https://127.0.0.1:${port}/json` })).status).toBe(200);
    expect((await t.fetch(`https://127.0.0.1:${port}/json`)).status).toBe(200);
  });

  it('without the pin the same server is refused, and a name mismatch names the fingerprint to pin', async () => {
    const untrusted = await expectTransportError(transport().request({ url: `https://127.0.0.1:${port}/json` }), 'tls');
    expect(untrusted.message).toMatch(/not trusted/);
    const mismatch = await expectTransportError(transport({ extraCaPem: [wrongName.cert] }).request({ url: `https://127.0.0.1:${port}/json` }), 'tls');
    expect(mismatch.message).toMatch(/does not match the host name/);
    expect(mismatch.message).toContain(wrongName.fingerprint);
  });

  it('refuses any other certificate — even one that verifies — with the new fingerprint, before sending a byte', async () => {
    seen.length = 0;
    const pinnedElsewhere = 'AB'.repeat(32).match(/../g)!.join(':');
    const t = transport({ pinnedCertificates: pinFor(port, pinnedElsewhere) });
    const err = await expectTransportError(t.request({ url: `https://127.0.0.1:${port}/json`, headers: { authorization: 'Bearer secret-token' } }), 'tls');
    expect(err.message).toContain(`now presents the certificate with SHA-256 fingerprint ${wrongName.fingerprint}`);
    expect(err.message).toContain(pinnedElsewhere);
    // The main test server's certificate is trusted through the extra CAs, but a pin decides alone.
    const trustedButPinned = transport({ extraCaPem: [pems.cert], pinnedCertificates: pinFor(httpsPort, pinnedElsewhere) });
    await expectTransportError(trustedButPinned.request({ url: `https://127.0.0.1:${httpsPort}/json` }), 'tls');
    expect(seen).toEqual([]);
  });

  it('pins per host and port: other servers keep the usual verification', async () => {
    const t = transport({ extraCaPem: [pems.cert], pinnedCertificates: pinFor(port, wrongName.fingerprint) });
    expect((await t.request({ url: `https://127.0.0.1:${httpsPort}/json` })).status).toBe(200);
    expect((await t.request({ url: `https://127.0.0.1:${port}/json` })).status).toBe(200);
    await expectTransportError(t.request({ url: `https://localhost:${port}/json` }), 'tls');
  });

  it('honours the pin through an HTTP CONNECT proxy too', async () => {
    const proxy = startProxy();
    const proxyPort = await listen(proxy.server);
    try {
      const ok = transport({ proxyUrl: `http://127.0.0.1:${proxyPort}`, pinnedCertificates: pinFor(port, wrongName.fingerprint) });
      expect((await ok.request({ url: `https://127.0.0.1:${port}/json` })).status).toBe(200);
      seen.length = 0;
      const wrong = transport({ proxyUrl: `http://127.0.0.1:${proxyPort}`, pinnedCertificates: pinFor(port, 'CD'.repeat(32)) });
      const err = await expectTransportError(wrong.request({ url: `https://127.0.0.1:${port}/json` }), 'tls');
      expect(err.message).toContain(wrongName.fingerprint);
      expect(seen).toEqual([]);
    } finally {
      for (const s of proxy.sockets) s.destroy();
      await close(proxy.server);
    }
  });

  it('refuses a pin that is not a SHA-256 fingerprint, with a readable message', () => {
    expect(() => transport({ pinnedCertificates: { 'pbx:443': 'abc' } })).toThrow(/not a SHA-256 fingerprint/);
  });
});
