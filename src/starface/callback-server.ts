// The bridge's XML-RPC server the PBX calls with call events (reference §3.8). Each UCI session registers an
// unguessable path token; a request is accepted only on a registered path, with a matching
// `de.vertico.starface.user` parameter, a bounded body and a known method. It answers at once and turns
// call states into a per-user telephony state (ringing / in call / idle).
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { TelephonyState } from '../core/pbx-state.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { CallTracker, fromPbxTelephonyState, type TelephonyChange } from './telephony.js';
import { CALLBACK_METHODS, UCI_PARAM } from './uci-names.js';
import type { CallbackTarget } from './uci-session.js';
import { asString, decodeMethodCall, encodeFault, encodeMethodResponse, isStruct, type XmlRpcValue } from './xmlrpc/index.js';
import { coded } from '../core/messages/log-line.js';

export interface CallbackServerOptions {
  /** Bind address; default 127.0.0.1. Use 0.0.0.0 when the PBX is on another machine. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /**
   * Host name or IP the PBX must use to reach this server (settings.starface.callbackHost); the port is the
   * bound one. When empty, use `localAddressFacing(pbxUrl)`. Default: the bind address.
   */
  publicHost?: string;
  /** Full base URL the PBX must use when a NAT also maps the port, e.g. http://bridge.example:8765 (wins over publicHost). */
  publicUrl?: string;
  /** Path prefix before the per-session token; default /starface/events. */
  pathPrefix?: string;
  /** Largest accepted request body; default 64 KiB (a call event is < 2 KiB). */
  maxBodyBytes?: number;
  /**
   * Require the `de.vertico.starface.user` parameter the PBX appends (reference §3.8 [I, strong]); default true.
   * Set false for a PBX that does not append it; the path token still identifies the user, and a parameter
   * that is present must always match.
   */
  requireUserParam?: boolean;
  /**
   * The `de.vertico.starface.auth` value real PBXs append (the user's UCI token, addendum [C]), checked in
   * constant time in addition to the path token: 'when-present' (default) refuses a wrong value and accepts
   * none (older PBXs, our simulator); 'required' also refuses events without it — and events of sessions
   * without a token to compare (OAuth); 'off' ignores it.
   */
  authParam?: 'when-present' | 'required' | 'off';
  /** Serve HTTPS (callback type "https"); the PBX must trust this certificate. */
  tls?: { key: string; cert: string };
  /** getUserState saying idle clears tracked calls only if no call event came within this time; default 10 s. */
  reconcileGraceMs?: number;
  logger?: Logger;
}

export interface CallStateEvent {
  login: string;
  callId: string;
  state: string;
  callerNumber: string;
  callerName: string;
  calledNumber: string;
  calledName: string;
  groupId: string;
  timestamp: string;
  method: string;
}

export type CallbackRejectReason = 'method' | 'path' | 'user' | 'auth' | 'too-large' | 'malformed' | 'unknown-method' | 'bad-params';

export interface CallbackServerStats {
  accepted: number;
  rejected: Record<CallbackRejectReason, number>;
}

type Events = {
  /** A user's aggregate telephony state changed. */
  telephony: [change: TelephonyChange];
  /** Every accepted receiveCallState, as received. */
  callState: [event: CallStateEvent];
  /** The PBX reset the user's UCP connection (v20) — the session should log in again. */
  reset: [login: string];
  rejected: [info: { reason: CallbackRejectReason; remote: string | undefined }];
};

interface Registration {
  login: string;
  token: string;
  /** The UCI token the user's session logs in with (undefined: none, e.g. OAuth). */
  expectedAuth?: () => string | undefined;
}

const RECEIVE = new Set<string>(CALLBACK_METHODS.receiveCallState);
const CHANGES_ID = new Set<string>(CALLBACK_METHODS.callChangesId);
const MESSAGE_WAITING = new Set<string>(CALLBACK_METHODS.messageWaiting);
const RESET = new Set<string>(CALLBACK_METHODS.reset);

export class CallbackServer extends EventEmitter<Events> {
  private readonly log: Logger;
  private readonly prefix: string;
  private readonly maxBody: number;
  private readonly requireUserParam: boolean;
  private readonly graceMs: number;
  private readonly byToken = new Map<string, Registration>();
  private readonly byLogin = new Map<string, Registration>();
  private readonly tracker = new CallTracker();
  private readonly lastEventAt = new Map<string, number>();
  private server: http.Server | undefined;
  private publicBase: URL | undefined;
  private readonly counters: CallbackServerStats = {
    accepted: 0,
    rejected: { method: 0, path: 0, user: 0, auth: 0, 'too-large': 0, malformed: 0, 'unknown-method': 0, 'bad-params': 0 },
  };

  constructor(private readonly opts: CallbackServerOptions = {}) {
    super();
    this.log = (opts.logger ?? silentLogger).child({ component: 'starface-callback' });
    this.prefix = `/${(opts.pathPrefix ?? '/starface/events').replace(/^\/+|\/+$/g, '')}`;
    this.maxBody = opts.maxBodyBytes ?? 64 * 1024;
    this.requireUserParam = opts.requireUserParam ?? true;
    this.graceMs = opts.reconcileGraceMs ?? 10_000;
  }

  /** Starts listening; returns the public base URL and the bound port. */
  async start(): Promise<{ url: string; port: number }> {
    if (this.server) throw new Error('The callback server is already running.');
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.handle(req, res);
    const server = this.opts.tls ? https.createServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, handler) : http.createServer(handler);
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    server.keepAliveTimeout = 30_000;
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
        ? new Error(`Callback port ${this.opts.port} is already in use; choose another STARFACE callback port.`)
        : err));
      server.listen(this.opts.port ?? 0, host, () => resolve());
    });
    server.on('error', (err) => this.log.error('callback server error', coded('log-callback-server-error', { error: err.message })));
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    const scheme = this.opts.tls ? 'https' : 'http';
    const h = this.opts.publicHost || (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    const shownHost = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
    this.publicBase = new URL(this.opts.publicUrl ?? `${scheme}://${shownHost}:${port}`);
    this.log.info('STARFACE callback server listening', { bind: `${host}:${port}`, ...coded('log-callback-listening', { url: this.publicBase.origin }) });
    return { url: this.publicBase.origin, port };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** SHA-256 fingerprint of the HTTPS certificate (for the PBX admin to check); undefined over plain HTTP. */
  get certificateFingerprint(): string | undefined {
    return this.opts.tls ? new X509Certificate(this.opts.tls.cert).fingerprint256 : undefined;
  }

  /** The base URL the PBX is told (after start), e.g. http://192.0.2.10:8765. */
  get publicUrl(): string | undefined {
    return this.publicBase?.origin;
  }

  /** A fresh path token for a user's UCI session; replaces the user's previous token. */
  register(login: string, opts: { expectedAuth?: () => string | undefined } = {}): CallbackTarget {
    if (!this.publicBase) throw new Error('Start the callback server before registering sessions.');
    this.unregister(login);
    const reg: Registration = { login, token: randomBytes(24).toString('base64url'), expectedAuth: opts.expectedAuth };
    this.byToken.set(reg.token, reg);
    this.byLogin.set(login, reg);
    const base = this.publicBase;
    const basePath = base.pathname.replace(/\/+$/, '');
    return {
      type: base.protocol === 'https:' ? 'https' : 'http',
      host: base.hostname.replace(/^\[|\]$/g, ''),
      port: Number(base.port) || (base.protocol === 'https:' ? 443 : 80),
      path: `${basePath}${this.prefix}/${reg.token}`,
    };
  }

  unregister(login: string): void {
    const reg = this.byLogin.get(login);
    if (!reg) return;
    this.byLogin.delete(login);
    this.byToken.delete(reg.token);
    const change = this.tracker.clear(login, 'unregistered');
    this.lastEventAt.delete(login);
    if (change) this.emit('telephony', change);
  }

  telephonyState(login: string): TelephonyState {
    return this.tracker.stateOf(login);
  }

  activeCallIds(login: string): string[] {
    return this.tracker.callIdsOf(login);
  }

  /**
   * Feeds the PBX's own telephonyState (from getUserState): if it says the user is idle but calls are still
   * tracked (a HANGUP got lost, or the PBX restarted) and no event came recently, the calls are dropped.
   */
  reconcile(login: string, pbxTelephonyState: string): void {
    if (fromPbxTelephonyState(pbxTelephonyState) !== 'idle' || this.tracker.stateOf(login) === 'idle') return;
    if (Date.now() - (this.lastEventAt.get(login) ?? 0) < this.graceMs) return;
    const change = this.tracker.clear(login, 'reconciled');
    if (change) {
      this.log.info('call state reconciled with the PBX: no call going on', { user: login, ...coded('log-call-reconciled') });
      this.emit('telephony', change);
    }
  }

  /** Forgets the tracked calls of a user (e.g. the UCI session was re-created after a PBX restart). */
  resetUser(login: string): void {
    const change = this.tracker.clear(login, 'session-reset');
    if (change) this.emit('telephony', change);
  }

  stats(): CallbackServerStats {
    return { accepted: this.counters.accepted, rejected: { ...this.counters.rejected } };
  }

  // ---- request handling -------------------------------------------------------------------------------------

  private reject(req: http.IncomingMessage, res: http.ServerResponse, reason: CallbackRejectReason, status: number, message: string, detail?: Record<string, unknown>): void {
    this.counters.rejected[reason]++;
    const remote = req.socket.remoteAddress;
    // The path carries the secret token: log only the prefix.
    this.log.warn('STARFACE callback rejected', { status, remote, path: this.safePath(req.url), ...detail, ...coded('log-callback-rejected', { reason }) });
    this.emit('rejected', { reason, remote });
    if (res.headersSent) return;
    const body = Buffer.from(`${message}\n`, 'utf8');
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'Content-Length': body.length, ...(reason === 'too-large' ? { Connection: 'close' } : {}) });
    res.end(body);
  }

  private fault(req: http.IncomingMessage, res: http.ServerResponse, reason: CallbackRejectReason, code: number, message: string, detail?: Record<string, unknown>): void {
    this.counters.rejected[reason]++;
    this.log.warn('STARFACE callback rejected', { remote: req.socket.remoteAddress, path: this.safePath(req.url), ...detail, ...coded('log-callback-rejected', { reason }) });
    this.emit('rejected', { reason, remote: req.socket.remoteAddress });
    const body = Buffer.from(encodeFault({ faultCode: code, faultString: message }), 'utf8');
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Length': body.length });
    res.end(body);
  }

  /**
   * What the log may say about a request path: never the path itself (it may carry a session's token in any
   * case, encoding or position), only whether it looked like the events prefix and how long it was.
   */
  private safePath(url: string | undefined): string {
    const path = (url ?? '').split('?')[0] ?? '';
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // keep the raw form for the comparison
    }
    const looksLikeEvents = decoded.replace(/\/+/g, '/').toLowerCase().includes(`${this.prefix.toLowerCase()}/`);
    return looksLikeEvents ? `${this.prefix}/… (${path.length} chars)` : `(another path, ${path.length} chars)`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.on('error', () => undefined);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      this.reject(req, res, 'method', 405, 'Only POST (XML-RPC) is accepted here.');
      req.resume();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://callback.invalid');
    } catch {
      this.reject(req, res, 'path', 400, 'Bad request URL.');
      req.resume();
      return;
    }
    // The path may carry a reverse proxy's prefix in front (publicUrl with a path); the token is the last segment.
    const at = url.pathname.lastIndexOf(`${this.prefix}/`);
    const token = at >= 0 ? url.pathname.slice(at + this.prefix.length + 1) : '';
    const reg = token ? this.byToken.get(token) : undefined;
    if (!reg) {
      this.reject(req, res, 'path', 404, 'Unknown callback path.');
      req.resume();
      return;
    }
    const userParam = url.searchParams.get(UCI_PARAM.user);
    if (userParam === null ? this.requireUserParam : userParam !== reg.login) {
      this.reject(req, res, 'user', 403, `The ${UCI_PARAM.user} parameter is missing or does not belong to this path.`, { user: reg.login, claimed: userParam?.slice(0, 64) });
      req.resume();
      return;
    }
    if (!this.authAccepted(reg, url.searchParams.get(UCI_PARAM.auth))) {
      this.reject(req, res, 'auth', 403, `The ${UCI_PARAM.auth} parameter is missing or wrong.`, { user: reg.login });
      req.resume();
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBody) {
      this.reject(req, res, 'too-large', 413, `Request body larger than ${this.maxBody} bytes.`, { user: reg.login, bytes: declared });
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > this.maxBody) {
        over = true;
        this.reject(req, res, 'too-large', 413, `Request body larger than ${this.maxBody} bytes.`, { user: reg.login });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      void this.dispatch(req, res, reg, Buffer.concat(chunks, size));
    });
  }

  private authAccepted(reg: Registration, given: string | null): boolean {
    const mode = this.opts.authParam ?? 'when-present';
    if (mode === 'off') return true;
    if (given === null) return mode === 'when-present';
    const expected = reg.expectedAuth?.();
    if (expected === undefined) return mode === 'when-present';
    return sameSecret(given, expected);
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse, reg: Registration, body: Buffer): Promise<void> {
    let method: string;
    let params: XmlRpcValue[];
    try {
      ({ method, params } = decodeMethodCall(body, { maxBytes: this.maxBody }));
    } catch (err) {
      this.reject(req, res, 'malformed', 400, 'The body is not an XML-RPC methodCall.', { user: reg.login, error: (err as Error).message });
      return;
    }
    if (RECEIVE.has(method)) {
      const p = params[0];
      if (!isStruct(p) || typeof p.id !== 'string' || !p.id) {
        this.fault(req, res, 'bad-params', -32602, 'receiveCallState expects one struct with a call id.', { user: reg.login, method });
        return;
      }
      this.ok(res);
      const event: CallStateEvent = {
        login: reg.login, callId: p.id, state: asString(p.state), callerNumber: asString(p.callerNumber), callerName: asString(p.callerName),
        calledNumber: asString(p.calledNumber), calledName: asString(p.calledName), groupId: asString(p.groupID ?? p.groupId),
        timestamp: asString(p.timestamp), method,
      };
      // Answer first, then process: the PBX waits for our reply before it sends the next event.
      setImmediate(() => this.apply(event));
      return;
    }
    if (CHANGES_ID.has(method)) {
      const p = params[0];
      if (isStruct(p)) {
        const oldId = asString(p.oldCallId ?? p.oldId);
        const newId = asString(p.newCallId ?? p.newId ?? p.id);
        if (oldId && newId) this.tracker.renameCall(reg.login, oldId, newId);
      }
      this.ok(res);
      return;
    }
    if (MESSAGE_WAITING.has(method)) {
      this.ok(res);
      return;
    }
    if (RESET.has(method)) {
      this.ok(res);
      this.log.info('PBX reset the UCI connection', { user: reg.login, ...coded('log-uci-reset-by-pbx') });
      setImmediate(() => this.emit('reset', reg.login));
      return;
    }
    this.fault(req, res, 'unknown-method', -32601, `No such method: ${method.slice(0, 200)}`, { user: reg.login, method: method.slice(0, 200) });
  }

  private ok(res: http.ServerResponse): void {
    this.counters.accepted++;
    const body = Buffer.from(encodeMethodResponse(true), 'utf8');
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Length': body.length });
    res.end(body);
  }

  private apply(event: CallStateEvent): void {
    if (!this.byLogin.has(event.login)) return; // unregistered meanwhile
    this.lastEventAt.set(event.login, Date.now());
    this.log.debug('call state', { user: event.login, callId: event.callId, state: event.state });
    this.emit('callState', event);
    const change = this.tracker.apply(event.login, event.callId, event.state);
    if (change) this.emit('telephony', change);
  }
}

/**
 * Constant-time comparison of two secrets (hashed first, so their lengths leak nothing). A space counts as "+":
 * a base64 token appended without URL encoding arrives with its "+" read as spaces.
 */
function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string): Buffer => createHash('sha256').update(v.replace(/ /g, '+'), 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
