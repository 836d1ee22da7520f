// The Microsoft Graph + Entra ID simulator: one HTTPS origin serving the tenant's identity endpoints
// (/{tenant}/oauth2/v2.0/...), Graph (/v1.0/...) and the control API (/_sim/...).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServerCertificates } from './certs.js';
import { parseFaultSpec, presenceView, setOwnPresence, type OwnPresence, type PresenceView } from './control.js';
import { Faults, PRESENCE_READ_ENDPOINTS, SlidingWindowBudget, type FaultSpec, type PresenceBudget } from './faults.js';
import { GraphApi } from './graph-api.js';
import { graphError, HttpError, oauthError, parseJsonBody, readBody, sendJson } from './http-util.js';
import { Identity } from './identity.js';
import { createSigningKey } from './jwt.js';
import { GRAPH_PROFILE_NAMES, graphProfile, type GraphProfile, type GraphProfileName } from './profiles.js';
import {
  generateTenant, generateUsers, parseStarfaceUsers, parseTenant, usersFromStarface,
  type SimApp, type SimTenant, type StarfaceUserLike, type TenantInput,
} from './tenant.js';
import { SimWorld, type PresenceListener } from './world.js';

export interface GraphSimulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** The tenant, given directly or as a tenant file; otherwise one is generated (and written to outDir). */
  tenant?: TenantInput;
  tenantFile?: string;
  /** For a generated tenant: N generated users (default 25)… */
  users?: number;
  /** …or the people of a STARFACE users file (by path or already parsed), matched by e-mail. */
  usersFile?: string;
  starfaceUsers?: StarfaceUserLike[];
  /** Where ca.pem (and a generated tenant.json) are written; default: a new temp directory removed on close. */
  outDir?: string;
  accessTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  deviceCodeIntervalSeconds?: number;
  deviceCodeLifetimeSeconds?: number;
  /** Per-app presence read budget; default 1,500 requests per 30 s (the documented Graph limit). */
  presenceBudget?: PresenceBudget;
  /** Delay added to every Graph and identity response (simulated network latency). */
  latencyMs?: number;
  /** The user who "signs in" at the authorize endpoint / approves device codes by default (id or e-mail). */
  signInUser?: string;
  /**
   * A request counts as an early retry when it arrives later than this after we answered 429/503 with
   * Retry-After (and before that time). Requests that were already on their way when the answer went out
   * (concurrent requests) cannot be told apart on the wire; the grace covers them. Default 20 ms.
   */
  earlyRetryGraceMs?: number;
  /** A preset of real-world variants (profiles.ts); default 'default'. Changeable at run time with PUT /_sim/profile. */
  profile?: GraphProfileName;
  /** Called for unexpected handler errors (the request gets a 500; the server keeps running). */
  onError?: (err: unknown) => void;
}

export interface EndpointStats {
  count: number;
  statuses: Record<string, number>;
  lastAt: string | null;
}

export interface SimulatorStats {
  since: string;
  total: number;
  endpoints: Record<string, EndpointStats>;
  throttle: { responses429: number; earlyRetries: number; earlyRetryLog: Array<{ endpoint: string; at: string; allowedAt: string }> };
  tokenGrants: Record<string, number>;
}

export interface GraphSimulator {
  /** https://host:port — both the authority host and the Graph base URL. */
  url: string;
  port: number;
  /** host:port, for MSAL's knownAuthorities. */
  authorityHost: string;
  /** https://host:port/<tenantId> */
  authority: string;
  graphBaseUrl: string;
  caPem: string;
  caFile: string;
  /** Path of the generated tenant file (undefined when the tenant was given). */
  tenantFile?: string;
  tenant: SimTenant;
  /** The tenant's first app. */
  app: SimApp;
  /** The profile in effect. */
  readonly profile: GraphProfile;
  setProfile(name: GraphProfileName): void;
  /** Users without a Teams licence under the current profile (ids). */
  unlicensedUsers(): string[];
  /** A reset of the presence stamps: they start again at `next` (optionally with another width). */
  restartSequence(next: number, width?: number): void;
  setUserPresence(idOrEmail: string, presence: OwnPresence): PresenceView;
  presenceOf(idOrEmail: string): PresenceView;
  approveDeviceCode(userCode: string, user?: string): void;
  pendingDeviceCodes(): string[];
  injectFaults(spec: FaultSpec): void;
  clearFaults(): void;
  revokeTokens(): void;
  stats(): SimulatorStats;
  resetStats(): void;
  onPresenceChange(listener: PresenceListener): () => void;
  close(): Promise<void>;
}

export const DEFAULT_PRESENCE_BUDGET: PresenceBudget = { limit: 1500, windowSeconds: 30 };

export async function loadTenant(opts: GraphSimulatorOptions): Promise<{ tenant: SimTenant; generated: boolean }> {
  if (opts.tenant) return { tenant: parseTenant(opts.tenant, 'tenant'), generated: false };
  if (opts.tenantFile) {
    const text = await readFile(opts.tenantFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new Error(`Cannot read the tenant file ${opts.tenantFile}: ${e.code ?? e.message}.`);
    });
    let raw: unknown;
    try { raw = JSON.parse(text); } catch { throw new Error(`The tenant file ${opts.tenantFile} is not valid JSON.`); }
    return { tenant: parseTenant(raw, `tenant file ${opts.tenantFile}`), generated: false };
  }
  let starface = opts.starfaceUsers;
  if (!starface && opts.usersFile) {
    const text = await readFile(opts.usersFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new Error(`Cannot read the users file ${opts.usersFile}: ${e.code ?? e.message}.`);
    });
    let raw: unknown;
    try { raw = JSON.parse(text); } catch { throw new Error(`The users file ${opts.usersFile} is not valid JSON.`); }
    starface = parseStarfaceUsers(raw, `users file ${opts.usersFile}`);
  }
  const users = starface ? usersFromStarface(starface) : generateUsers(opts.users ?? 25);
  return { tenant: generateTenant(users), generated: true };
}

export async function startGraphSimulator(opts: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const { tenant, generated } = await loadTenant(opts);
  const host = opts.host ?? '127.0.0.1';
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const certs = await createServerCertificates([urlHost]);
  const ownsDir = !opts.outDir;
  const outDir = opts.outDir ? resolve(opts.outDir) : mkdtempSync(join(tmpdir(), 'pb-graph-sim-'));
  mkdirSync(outDir, { recursive: true });
  const caFile = join(outDir, 'ca.pem');
  writeFileSync(caFile, certs.caPem);
  let tenantFile: string | undefined;
  if (generated) {
    tenantFile = join(outDir, 'tenant.json');
    writeFileSync(tenantFile, `${JSON.stringify(tenant, null, 2)}\n`, { mode: 0o600 });
  }

  let baseUrl = '';
  const world = new SimWorld(tenant);
  world.profile = graphProfile(opts.profile ?? 'default');
  const identity = new Identity(world, createSigningKey(), {
    accessTokenLifetimeSeconds: opts.accessTokenLifetimeSeconds ?? 3599,
    refreshTokenLifetimeSeconds: opts.refreshTokenLifetimeSeconds ?? 90 * 24 * 3600,
    deviceCodeIntervalSeconds: opts.deviceCodeIntervalSeconds ?? 5,
    deviceCodeLifetimeSeconds: opts.deviceCodeLifetimeSeconds ?? 900,
    signInUser: opts.signInUser,
  }, () => baseUrl);
  const graph = new GraphApi(world, () => baseUrl);
  const faults = new Faults(opts.latencyMs ?? 0);
  const budget = new SlidingWindowBudget({ ...(opts.presenceBudget ?? DEFAULT_PRESENCE_BUDGET) });
  const graceMs = opts.earlyRetryGraceMs ?? 20;
  const retryNotBefore = new Map<string, { sentAt: number; until: number }>();
  let stats = emptyStats();

  const record = (endpoint: string, status: number): void => {
    const e = (stats.endpoints[endpoint] ??= { count: 0, statuses: {}, lastAt: null });
    e.count += 1;
    e.statuses[String(status)] = (e.statuses[String(status)] ?? 0) + 1;
    e.lastAt = new Date().toISOString();
    stats.total += 1;
    if (status === 429) stats.throttle.responses429 += 1;
  };

  /**
   * Notes a request that arrives after we told this caller to wait (a 429/503 with Retry-After was sent) but
   * before that time. Requests arriving within the grace after the answer was probably in flight already.
   */
  const checkEarly = (caller: string, endpoint: string, arrivedAt: number): void => {
    const key = `${caller}|${endpoint}`;
    const gate = retryNotBefore.get(key);
    if (gate === undefined) return;
    if (arrivedAt >= gate.until) {
      retryNotBefore.delete(key);
      return;
    }
    if (arrivedAt <= gate.sentAt + graceMs) return;
    stats.throttle.earlyRetries += 1;
    if (stats.throttle.earlyRetryLog.length < 100) {
      stats.throttle.earlyRetryLog.push({ endpoint, at: new Date(arrivedAt).toISOString(), allowedAt: new Date(gate.until).toISOString() });
    }
  };
  const setRetryAfter = (caller: string, endpoint: string, seconds: number): void => {
    const key = `${caller}|${endpoint}`;
    const now = preciseNow();
    const prev = retryNotBefore.get(key);
    retryNotBefore.set(key, { sentAt: now, until: Math.max(prev?.until ?? 0, now + seconds * 1000) });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = preciseNow();
    const requestId = randomUUID();
    const clientRequestId = headerValue(req, 'client-request-id') ?? requestId;
    const url = new URL(req.url ?? '/', baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    let endpoint = 'unknown';
    let isGraph = false;
    res.on('finish', () => { if (endpoint !== '_sim') record(endpoint, res.statusCode); });
    try {
      const body = await readBody(req);
      if (path.startsWith('/_sim/')) {
        endpoint = '_sim';
        return handleControl(method, path.slice('/_sim/'.length), body, res);
      }
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);

      const graphMatch = /^\/(v1\.0|beta)(\/.*)?$/.exec(path);
      if (!graphMatch) {
        const idEndpoint = identityEndpoint(path);
        if (idEndpoint) {
          endpoint = idEndpoint;
          const injected = faults.take(idEndpoint);
          if (injected) {
            const headers = injected.retryAfterSeconds !== undefined ? { 'retry-after': String(injected.retryAfterSeconds) } : undefined;
            return sendJson(res, injected.status, oauthError('temporarily_unavailable', `AADSTS50196: Injected fault (${injected.status}).`, [50196]), headers);
          }
        }
        const handled = await identity.handle(req, res, url, body, (name) => { endpoint = name; });
        if (!handled) {
          endpoint = 'unknown';
          sendJson(res, 404, graphError('NotFound', `No such endpoint: ${method} ${path}.`, requestId, clientRequestId));
        }
        return;
      }

      isGraph = true;
      const common = { 'request-id': requestId, 'client-request-id': clientRequestId };
      const route = graph.route(method, graphMatch[2] ?? '/');
      if (!route) {
        throw new HttpError(400, 'BadRequest', `Resource not found for the segment '${(graphMatch[2] ?? '/').split('/').filter(Boolean).pop() ?? ''}' (${method} ${path}).`);
      }
      endpoint = route.endpoint;
      const token = /^Bearer\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1];
      const caller = callerOf(token ? identity.peekClaims(token) : undefined);
      checkEarly(caller, endpoint, arrivedAt);

      const injected = faults.take(endpoint);
      if (injected) {
        if (injected.retryAfterSeconds !== undefined) setRetryAfter(caller, endpoint, injected.retryAfterSeconds);
        const headers: Record<string, string> = { ...common };
        if (injected.retryAfterSeconds !== undefined) headers['retry-after'] = String(injected.retryAfterSeconds);
        const body429 = injected.status === 429
          ? graphError('TooManyRequests', 'Too many requests. Wait for the time in Retry-After before retrying.', requestId, clientRequestId)
          : graphError(injected.status === 503 ? 'ServiceUnavailable' : 'InternalServerError', `Injected server error (${injected.status}).`, requestId, clientRequestId);
        return sendJson(res, injected.status, body429, headers);
      }

      if (!token) {
        return sendJson(res, 401, graphError('InvalidAuthenticationToken', 'Access token is empty.', requestId, clientRequestId),
          { ...common, 'www-authenticate': 'Bearer realm="", client_id="00000003-0000-0000-c000-000000000000"' });
      }
      const check = identity.verifyAccessToken(token);
      if (!check.ok) {
        return sendJson(res, 401, graphError('InvalidAuthenticationToken', check.message, requestId, clientRequestId),
          { ...common, 'www-authenticate': 'Bearer realm="", error="invalid_token"' });
      }

      if (PRESENCE_READ_ENDPOINTS.has(endpoint)) {
        const wait = budget.hit(check.claims.appid.toLowerCase(), Date.now());
        if (wait > 0) {
          setRetryAfter(caller, endpoint, wait);
          return sendJson(res, 429, graphError('TooManyRequests', 'Too many requests: the presence budget for this application in this tenant is exhausted.', requestId, clientRequestId),
            { ...common, 'retry-after': String(wait) });
        }
      }

      const parsedBody = method === 'POST' ? parseJsonBody(body) : undefined;
      const held = faults.takeDelay(endpoint);
      if (held > 0) await sleep(held);
      const result = route.run({ method, url, body: parsedBody, claims: check.claims });
      const spoiled = faults.takeAfterEffect(endpoint);
      if (spoiled?.kind === 'reset') {
        record(endpoint, 0); // no answer: 'finish' never fires
        res.socket?.destroy();
        return;
      }
      if (spoiled) {
        res.writeHead(200, { ...common, 'content-type': spoiled.contentType, 'content-length': String(Buffer.byteLength(spoiled.body)) });
        res.end(spoiled.body);
        return;
      }
      if (result.body === undefined) {
        // The documented empty "200 OK" of the presence writes; some answers still say application/json.
        const type = world.profile.emptyWriteContentType;
        return sendJson(res, result.status, undefined, type ? { ...common, 'content-type': type } : common);
      }
      return sendJson(res, result.status, result.body,
        { ...common, 'content-type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8' });
    } catch (e) {
      if (e instanceof HttpError) {
        if (isGraph || endpoint === 'unknown' || endpoint === '_sim') {
          return sendJson(res, e.status, graphError(e.code, e.message, requestId, clientRequestId), { 'request-id': requestId, ...e.headers });
        }
        return sendJson(res, e.status, oauthError(e.code, e.message));
      }
      opts.onError?.(e);
      if (!res.headersSent) sendJson(res, 500, graphError('InternalServerError', `The simulator failed: ${e instanceof Error ? e.message : String(e)}`, requestId, clientRequestId));
      else res.destroy();
    }
  }

  function lookup(idOrEmail: string): NonNullable<ReturnType<SimWorld['findUser']>> {
    const user = world.findUser(decodeURIComponent(idOrEmail));
    if (!user) throw new HttpError(404, 'NotFound', `No user "${idOrEmail}" in the simulated tenant (use the object id, mail, UPN or a proxy address).`);
    return user;
  }

  function handleControl(method: string, rest: string, body: Buffer, res: ServerResponse): void {
    const parts = rest.replace(/\/+$/, '').split('/');
    const json = (): unknown => parseJsonBody(body);
    if (parts[0] === 'presence' && parts.length === 2) {
      const user = lookup(parts[1]!);
      if (method === 'PUT') {
        setOwnPresence(world, user, json());
        return sendJson(res, 200, presenceView(world, user));
      }
      if (method === 'GET') return sendJson(res, 200, presenceView(world, user));
    }
    if (parts[0] === 'devicecode' && parts.length === 1 && method === 'GET') {
      return sendJson(res, 200, { pending: identity.pendingDeviceCodes() });
    }
    if (parts[0] === 'devicecode' && parts.length === 3 && parts[2] === 'approve' && method === 'POST') {
      const b = json() as { user?: unknown } | undefined;
      const who = typeof b?.user === 'string' ? b.user : undefined;
      const r = identity.approveDeviceCode(decodeURIComponent(parts[1]!), who);
      if (!r.ok) throw new HttpError(r.status, 'NotFound', r.message);
      return sendJson(res, 200, { approved: true, userCode: parts[1], user: { id: r.user.id, userPrincipalName: r.user.userPrincipalName } });
    }
    if (parts[0] === 'faults' && parts.length === 1) {
      if (method === 'POST') {
        applyFaults(json());
        return sendJson(res, 200, describeFaults());
      }
      if (method === 'GET') return sendJson(res, 200, describeFaults());
      if (method === 'DELETE') {
        faults.clear();
        return sendJson(res, 200, describeFaults());
      }
    }
    if (parts[0] === 'stats' && parts.length === 1) {
      if (method === 'GET') return sendJson(res, 200, snapshotStats());
      if (method === 'DELETE') {
        stats = emptyStats();
        return sendJson(res, 200, snapshotStats());
      }
    }
    if (parts[0] === 'tenant' && parts.length === 1 && method === 'GET') {
      return sendJson(res, 200, { ...tenant, authority: `${baseUrl}/${tenant.tenantId}`, graphBaseUrl: baseUrl, profile: world.profile.name, unlicensedUsers: unlicensedUsers() });
    }
    if (parts[0] === 'sequence' && parts.length === 1 && method === 'PUT') {
      const b = json() as { next?: unknown; width?: unknown } | undefined;
      const next = typeof b?.next === 'number' && b.next >= 1 ? b.next : 1;
      const width = typeof b?.width === 'number' && b.width >= 1 ? b.width : undefined;
      world.restartSequence(next, width);
      return sendJson(res, 200, { restarted: true, next, width: width ?? null });
    }
    if (parts[0] === 'profile' && parts.length === 1) {
      if (method === 'PUT') {
        const b = json() as { name?: unknown } | undefined;
        const name = typeof b?.name === 'string' ? b.name : '';
        if (!(GRAPH_PROFILE_NAMES as readonly string[]).includes(name)) {
          throw new HttpError(400, 'BadRequest', `Expected {"name": one of ${GRAPH_PROFILE_NAMES.join(', ')}}.`);
        }
        world.profile = graphProfile(name);
      }
      if (method === 'PUT' || method === 'GET') return sendJson(res, 200, { ...world.profile, unlicensedUsers: unlicensedUsers() });
    }
    throw new HttpError(404, 'NotFound', `Unknown control call ${method} /_sim/${rest}. See docs/microsoft.md for the /_sim/ API.`);
  }

  function unlicensedUsers(): string[] {
    return world.users.filter((u) => !world.hasTeams(u)).map((u) => u.id);
  }

  function applyFaults(input: unknown): void {
    const spec = parseFaultSpec(input);
    faults.apply(spec);
    if (spec.revokeTokens) identity.revokeAll();
    if (spec.presenceBudget) {
      budget.budget = spec.presenceBudget;
      budget.reset();
    }
  }

  function describeFaults(): Record<string, unknown> {
    return { ...faults.describe(), presenceBudget: { ...budget.budget } };
  }

  function snapshotStats(): SimulatorStats {
    return JSON.parse(JSON.stringify({ ...stats, tokenGrants: identity.grants })) as SimulatorStats;
  }

  const server: Server = createServer({ key: certs.keyPem, cert: certs.certPem, keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      opts.onError?.(e);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'InternalServerError', message: 'The simulator failed.' } });
    });
  });
  server.on('clientError', (_err, socket) => { socket.destroy(); });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolveListen(); });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = urlHost.includes(':') ? `[${urlHost}]` : urlHost;
  baseUrl = `https://${hostPart}:${port}`;

  return {
    url: baseUrl,
    port,
    authorityHost: `${hostPart}:${port}`,
    authority: `${baseUrl}/${tenant.tenantId}`,
    graphBaseUrl: baseUrl,
    caPem: certs.caPem,
    caFile,
    tenantFile,
    tenant,
    app: tenant.apps[0]!,
    get profile() {
      return world.profile;
    },
    setProfile: (name) => { world.profile = graphProfile(name); },
    unlicensedUsers,
    restartSequence: (next, width) => world.restartSequence(next, width),
    setUserPresence(idOrEmail, presence) {
      const user = lookup(idOrEmail);
      setOwnPresence(world, user, presence);
      return presenceView(world, user);
    },
    presenceOf: (idOrEmail) => presenceView(world, lookup(idOrEmail)),
    approveDeviceCode(userCode, user) {
      const r = identity.approveDeviceCode(userCode, user);
      if (!r.ok) throw new Error(r.message);
    },
    pendingDeviceCodes: () => identity.pendingDeviceCodes(),
    injectFaults: (spec) => applyFaults(spec),
    clearFaults: () => faults.clear(),
    revokeTokens: () => identity.revokeAll(),
    stats: snapshotStats,
    resetStats: () => { stats = emptyStats(); },
    onPresenceChange: (l) => world.onPresenceChange(l),
    close: () => new Promise<void>((done) => {
      server.close(() => {
        if (ownsDir) rmSync(outDir, { recursive: true, force: true });
        done();
      });
      server.closeAllConnections();
    }),
  };
}

function emptyStats(): SimulatorStats {
  return { since: new Date().toISOString(), total: 0, endpoints: {}, throttle: { responses429: 0, earlyRetries: 0, earlyRetryLog: [] }, tokenGrants: {} };
}

function identityEndpoint(path: string): string | undefined {
  const m = /^\/[^/]+\/oauth2\/v2\.0\/(token|devicecode|authorize)\/?$/.exec(path);
  return m?.[1];
}

/** Which app is calling (from the token, unverified): used only to attribute Retry-After and statistics. */
function callerOf(claims: Record<string, unknown> | undefined): string {
  const appid = claims?.appid;
  return typeof appid === 'string' ? appid.toLowerCase() : 'anonymous';
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Sub-millisecond wall clock, so "arrived after we answered" is decided even within one millisecond. */
function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
