// Starts the STARFACE PBX simulator in-process (tests, demo, benchmarks) on HTTP or HTTPS: `/xml-rpc` (UCI),
// `/rest` (admin API), `/_sim/` (control API), `/login.jsp` (the HTML page a PBX shows instead of XML), and
// with the `oauth` option STARFACE 10's token endpoint and OIDC discovery.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { silentLogger, type Logger } from '../../platform/logger.js';
import { CallbackDispatcher } from './callbacks.js';
import { handleControl } from './control.js';
import { handleOAuth } from './oauth.js';
import { mergeBehaviour, type StarfaceSimBehaviour } from './options.js';
import { SimPbx } from './pbx.js';
import { behaviourFor, parseProfiles, type StarfaceProfileName } from './profiles.js';
import { handleRest } from './rest.js';
import { handleUci, sendLoginPage } from './uci.js';
import { buildUsers, generateUsers, type SimUserInput } from './users.js';

export interface StartStarfaceSimulatorOptions {
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Serve HTTPS with a freshly generated CA + server certificate (the CA PEM is written to `caPath`). */
  tls?: boolean;
  /** Directory for the CA certificate file when `tls` is on; default a new temp directory. */
  certDir?: string;
  /** Generated users (count, plus admin 0001) or explicit users; default 10 generated users. */
  users?: number | SimUserInput[];
  /** Real-world variants (profiles.ts), e.g. `['ad-users', 'callback-auth-param']` or `'ad-users,callback-auth-param'`. */
  profiles?: string | readonly string[];
  /** Named options for behaviour the reference marks unknown (see options.ts); applied after the profiles. */
  behaviour?: Partial<StarfaceSimBehaviour>;
  logger?: Logger;
  /** Largest request body accepted; default 1 MiB. */
  maxBodyBytes?: number;
}

export interface SimUserCredentials {
  login: string;
  password: string;
  email: string;
  firstName: string;
  familyName: string;
  groups: string[];
  admin: boolean;
}

export interface StarfaceSimulator {
  /** Base URL, e.g. http://127.0.0.1:40123 (the UCI endpoint is `${url}/xml-rpc`, REST `${url}/rest`). */
  readonly url: string;
  readonly port: number;
  /** PEM of the CA that signed the server certificate (tls only): trust it via TransportSettings.extraCaPem. */
  readonly caPem?: string;
  readonly caPath?: string;
  /** Every account with its password (test infrastructure; the admin is the one with `admin: true`). */
  readonly users: SimUserCredentials[];
  readonly admin: SimUserCredentials;
  /** Direct access to the simulated state for assertions. */
  readonly pbx: SimPbx;
  readonly behaviour: StarfaceSimBehaviour;
  setBehaviour(patch: Partial<StarfaceSimBehaviour>): StarfaceSimBehaviour;
  /** The active profiles. */
  readonly profiles: readonly StarfaceProfileName[];
  /** Switches to these profiles: every option back to its default, then the profiles' options. */
  setProfiles(profiles: string | readonly string[]): StarfaceSimBehaviour;
  /** Resolves when every queued callback has been delivered or dropped. */
  callbacksIdle(): Promise<void>;
  close(): Promise<void>;
}

async function makeCertificates(host: string): Promise<{ caPem: string; key: string; cert: string }> {
  const ca = await generate([{ name: 'commonName', value: 'Presence Bridge STARFACE Simulator CA' }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }];
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1' && host !== '0.0.0.0' && host !== '::') {
    altNames.push(/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec', algorithm: 'sha256', ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { caPem: ca.cert, key: leaf.private, cert: leaf.cert };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startStarfaceSimulator(opts: StartStarfaceSimulatorOptions = {}): Promise<StarfaceSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const log = (opts.logger ?? silentLogger).child({ component: 'starface-sim' });
  const inputs = Array.isArray(opts.users) ? opts.users : generateUsers(opts.users ?? 10);
  const { users, groups } = buildUsers(inputs);
  let profiles = parseProfiles(opts.profiles ?? []);
  const pbx = new SimPbx(users, groups, behaviourFor(profiles, opts.behaviour));
  const callbacks = new CallbackDispatcher(pbx, log);
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const setBehaviour = (patch: Partial<StarfaceSimBehaviour>): StarfaceSimBehaviour => {
    pbx.behaviour = mergeBehaviour(pbx.behaviour, patch);
    callbacks.reconfigure();
    return pbx.behaviour;
  };
  const setProfiles = (list: string | readonly string[]): StarfaceSimBehaviour => {
    const next = parseProfiles(list);
    pbx.behaviour = behaviourFor(next);
    profiles = next;
    callbacks.reconfigure();
    return pbx.behaviour;
  };
  let baseUrl = '';

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      const body = await readBody(req, maxBody);
      if (body === undefined) {
        res.writeHead(413, { 'Content-Type': 'text/plain', Connection: 'close' });
        res.end(`request body larger than ${maxBody} bytes\n`);
        return;
      }
      const path = url.pathname;
      if (path.startsWith('/_sim/') || path === '/_sim') {
        handleControl({ pbx, callbacks, setBehaviour, setProfiles, profiles: () => profiles }, req, res, url, body);
        return;
      }
      if (handleOAuth(pbx, req, res, url, body, baseUrl)) return;
      const surface = path === '/xml-rpc' ? 'uci' : path === '/rest' || path.startsWith('/rest/') ? 'rest' : undefined;
      if (surface && pbx.isDown()) {
        res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '1' });
        res.end('STARFACE is starting\n');
        return;
      }
      const f = pbx.faults;
      if (surface && (f.scope === 'all' || f.scope === surface)) {
        if (f.delayMs > 0) await new Promise((r) => setTimeout(r, f.delayMs));
        if (f.errorRate > 0 && Math.random() < f.errorRate) {
          pbx.count(`fault: HTTP ${f.errorStatus}`);
          res.writeHead(f.errorStatus, { 'Content-Type': 'text/plain' });
          res.end(`injected error ${f.errorStatus}\n`);
          return;
        }
        if (f.htmlLoginPage && surface === 'uci') {
          pbx.count('fault: HTML login page');
          sendLoginPage(res);
          return;
        }
      }
      if (surface === 'uci') await handleUci(pbx, log, req, res, url, body);
      else if (surface === 'rest') handleRest(pbx, log, req, res, url, body);
      else if (path === '/login.jsp' || path === '/') sendLoginPage(res);
      else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found\n');
      }
    })().catch((err: unknown) => {
      log.error('simulator request failed', { error: (err as Error).message, path: req.url?.split('?')[0] });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal simulator error\n');
    });
  };

  let caPem: string | undefined;
  let caPath: string | undefined;
  let server: http.Server;
  let tempDir: string | undefined;
  if (opts.tls) {
    const certs = await makeCertificates(host);
    caPem = certs.caPem;
    const dir = opts.certDir ?? (tempDir = await mkdtemp(join(tmpdir(), 'starface-sim-')));
    caPath = join(dir, 'starface-sim-ca.pem');
    await writeFile(caPath, caPem, { mode: 0o644 });
    server = https.createServer({ key: certs.key, cert: certs.cert }, handler);
  } else {
    server = http.createServer(handler);
  }
  // Hundreds of keep-alive clients (UCI sessions) share the server; keep idle sockets a while.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.maxHeadersCount = 100;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`;
  baseUrl = url;
  const sweeper = setInterval(() => pbx.sweep(), Math.min(5_000, Math.max(250, pbx.behaviour.uciSessionTimeoutMs / 2)));
  sweeper.unref();
  log.info('STARFACE simulator started', { url, users: users.length, groups: groups.length, profiles: profiles.join(',') || 'none' });

  const creds: SimUserCredentials[] = users.map((u) => ({
    login: u.login, password: u.password, email: u.email, firstName: u.firstName, familyName: u.familyName, groups: [...u.groups], admin: u.admin,
  }));
  const admin = creds.find((u) => u.admin);
  let closed = false;
  return {
    url,
    port,
    caPem,
    caPath,
    users: creds,
    get admin(): SimUserCredentials {
      if (!admin) throw new Error('The simulator has no admin user; add one with "admin": true to the users file.');
      return admin;
    },
    pbx,
    get behaviour() {
      return pbx.behaviour;
    },
    setBehaviour,
    get profiles() {
      return profiles;
    },
    setProfiles,
    callbacksIdle: () => callbacks.idle(),
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      callbacks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}
