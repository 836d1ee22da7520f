// The ONE transport for every outbound HTTP(S) call (Graph, Entra, STARFACE REST, UCI).
// It owns TLS trust (Node's roots + extra CAs from the settings), the optional HTTP CONNECT proxy, separate
// connect and idle-read timeouts, keep-alive, a response size limit and cancellation. Errors are TransportErrors
// whose message names the host and says what to check, so the UI can show them as they are.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { BridgeError, type TRANSPORT_ERROR_CODES } from '../core/errors.js';
import { PIN_MISMATCH, PinningHttpsAgent, PinningProxyAgent, pinTable, type PinTable } from './certificate-pins.js';

export interface TransportSettings {
  extraCaPem: string[];        // extra trusted CA certificates (PEM text); added to Node's default roots
  proxyUrl?: string;           // optional http(s) proxy, e.g. http://proxy:3128
  connectTimeoutMs: number;    // default 10_000
  readTimeoutMs: number;       // default 30_000
  keepAlive: boolean;          // default true
  /** Host names (exact, ".suffix" / "*.suffix", or "*") that bypass the proxy; by default everything uses it. */
  noProxy?: string[];
  /** Default limit for a response body (bytes, after decompression); default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * Pinned certificates: "host:port" → SHA-256 fingerprint. Such a server is accepted with exactly that
   * certificate, whatever its name or issuer, and with no other (see certificate-pins.ts).
   */
  pinnedCertificates?: Record<string, string>;
}

export interface HttpRequest {
  url: string | URL;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Overall deadline for this request (connect + send + whole response), on top of the connect/read timeouts. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

export class TransportError extends BridgeError {
  override readonly name = 'TransportError';
  /** The request URL without query string and credentials (queries may carry tokens). */
  readonly url: string;
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    url: string | URL,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.url = safeUrl(url);
  }
}

export const DEFAULT_TRANSPORT_SETTINGS: Readonly<TransportSettings> = Object.freeze({
  extraCaPem: [],
  connectTimeoutMs: 10_000,
  readTimeoutMs: 30_000,
  keepAlive: true,
  maxResponseBytes: 64 * 1024 * 1024,
});

export interface FetchInit {
  method?: string;
  headers?: Record<string, string> | Headers | [string, string][];
  body?: string | Buffer | Uint8Array | URLSearchParams | null;
  signal?: AbortSignal | null;
}

interface AgentSet {
  http: http.Agent;
  https: https.Agent;
  proxyHttp?: http.Agent;
  proxyHttps?: http.Agent;
}

const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);
const TLS_EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ETIMEDOUT']);
const RETRYABLE_ON_REUSED = new Set(['ECONNRESET', 'EPIPE']);
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export class HttpTransport {
  private settings: TransportSettings;
  /**
   * One TLS context (trusted roots + extra CAs) per configuration, shared by every TLS socket. Without it Node
   * builds a context per new socket from the `ca` list: about 30–90 ms of blocked CPU each with ~145 roots.
   */
  private secureContext: tls.SecureContext;
  private agents: AgentSet;
  /** keepAlive-off agents for the last retry after stale pooled sockets; built on first need. */
  private freshAgents?: AgentSet;
  private closed = false;

  constructor(settings?: Partial<TransportSettings>) {
    this.settings = normalize({ ...DEFAULT_TRANSPORT_SETTINGS, ...settings });
    this.secureContext = buildSecureContext(this.settings.extraCaPem);
    this.agents = buildAgents(this.settings, this.secureContext);
  }

  /** The current effective settings (a copy). */
  get currentSettings(): TransportSettings {
    return { ...this.settings, extraCaPem: [...this.settings.extraCaPem], ...(this.settings.pinnedCertificates ? { pinnedCertificates: { ...this.settings.pinnedCertificates } } : {}) };
  }

  /** Applies new settings; requests in flight finish on the old agents, new ones use new agents. */
  reconfigure(settings: Partial<TransportSettings>): void {
    const next = normalize({ ...this.settings, ...settings });
    const secureContext = buildSecureContext(next.extraCaPem);
    const old = [this.agents, this.freshAgents];
    this.agents = buildAgents(next, secureContext);
    this.freshAgents = undefined;
    this.secureContext = secureContext;
    this.settings = next;
    for (const a of old) if (a) destroyIdle(a);
  }

  agentFor(url: string | URL): http.Agent {
    return this.pick(this.agents, toUrl(url));
  }

  close(): void {
    this.closed = true;
    destroyAll(this.agents);
    if (this.freshAgents) destroyAll(this.freshAgents);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = toUrl(req.url);
    if (this.closed) throw new TransportError('network', `Transport is closed; cannot request ${hostOf(url)}.`, url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TransportError('network', `Unsupported URL scheme "${url.protocol}" for ${safeUrl(url)} — use http:// or https://.`, url);
    }
    // A keep-alive socket the server closed while idle fails on first use; trying again is safe then because
    // the server never saw the request (nothing was received on that socket). The first retry may pick the next
    // pooled socket, which the server may have closed as well (it idled even longer); the last one therefore
    // runs on a new connection outside the pool, so the caller gets a response or a TransportError.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return await this.once(url, req, this.agentFor(url));
      } catch (err) {
        if (!(err instanceof RetryOnFreshSocket)) throw err;
      }
    }
    if (this.closed) throw new TransportError('network', `Transport is closed; cannot request ${hostOf(url)}.`, url);
    const fresh = (this.freshAgents ??= buildAgents({ ...this.settings, keepAlive: false }, this.secureContext));
    try {
      return await this.once(url, req, this.pick(fresh, url));
    } catch (err) {
      // Never hand the internal marker to callers; it carries the readable TransportError.
      throw err instanceof RetryOnFreshSocket ? err.failure : err;
    }
  }

  async fetch(input: string | URL | Request, init?: FetchInit): Promise<Response> {
    let url: string | URL;
    let method = init?.method;
    let headers: Record<string, string> = {};
    let body: Buffer | undefined;
    let signal = init?.signal ?? undefined;
    if (typeof Request !== 'undefined' && input instanceof Request) {
      url = input.url;
      method ??= input.method;
      headers = headersToRecord(input.headers);
      if (input.body !== null && init?.body === undefined) body = Buffer.from(await input.arrayBuffer());
      signal ??= input.signal;
    } else {
      url = input as string | URL;
    }
    if (init?.headers) headers = { ...headers, ...headersToRecord(init.headers) };
    if (init?.body !== undefined && init.body !== null) {
      const b = init.body;
      if (typeof b === 'string') body = Buffer.from(b, 'utf8');
      else if (b instanceof URLSearchParams) {
        body = Buffer.from(b.toString(), 'utf8');
        if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
      } else body = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    }
    const res = await this.request({ url, method, headers, body, signal });
    const outHeaders = new Headers();
    for (const [k, v] of Object.entries(res.headers)) outHeaders.set(k, v);
    const response = new Response(NULL_BODY_STATUS.has(res.status) ? null : res.body, { status: res.status, headers: outHeaders });
    // Some libraries read response.url (e.g. to resolve relative links); a constructed Response has "".
    Object.defineProperty(response, 'url', { value: toUrl(url).href });
    return response;
  }

  private pick(agents: AgentSet, url: URL): http.Agent {
    const secure = url.protocol === 'https:';
    if (this.useProxy(url)) return (secure ? agents.proxyHttps : agents.proxyHttp) as http.Agent;
    return secure ? agents.https : agents.http;
  }

  private useProxy(url: URL): boolean {
    if (!this.settings.proxyUrl) return false;
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    for (const entry of this.settings.noProxy ?? []) {
      const e = entry.trim().toLowerCase();
      if (!e) continue;
      if (e === '*') return false;
      const suffix = e.startsWith('*.') ? e.slice(1) : e.startsWith('.') ? e : undefined;
      if (suffix ? host.endsWith(suffix) || host === suffix.slice(1) : host === e) return false;
    }
    return true;
  }

  private once(url: URL, req: HttpRequest, agent: http.Agent): Promise<HttpResponse> {
    const settings = this.settings;
    const secureContext = this.secureContext;
    const viaProxy = this.useProxy(url);
    const secure = url.protocol === 'https:';
    const host = hostOf(url);
    const maxBytes = req.maxResponseBytes ?? settings.maxResponseBytes ?? DEFAULT_TRANSPORT_SETTINGS.maxResponseBytes!;
    const method = (req.method ?? 'GET').toUpperCase();
    const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    const headers: Record<string, string> = { ...req.headers };
    if (body && !hasHeader(headers, 'content-length')) headers['content-length'] = String(body.length);

    return new Promise<HttpResponse>((resolve, reject) => {
      if (req.signal?.aborted) {
        reject(abortError(req.signal, url));
        return;
      }
      let settled = false;
      let connected = false;
      let proxyConnected = !viaProxy;
      let gotResponse = false;
      const timers: NodeJS.Timeout[] = [];
      const cleanup = (): void => {
        for (const t of timers) clearTimeout(t);
        req.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(err);
        if (!r.destroyed) r.destroy();
      };
      const succeed = (res: HttpResponse): void => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(res);
      };

      // The shared context, never a `ca` list: https.Agent would make that ~200 KB list part of its pool key
      // string per request. The https agent has the context already; the proxy agent drops its own options
      // and gives the request's to its TLS connect inside the tunnel, so it needs it here.
      const options: https.RequestOptions = { method, headers, agent, ...(secure ? { secureContext } : {}) };
      const r = (secure ? https : http).request(url, options);

      const onAbort = (): void => fail(abortError(req.signal!, url));
      req.signal?.addEventListener('abort', onAbort, { once: true });

      timers.push(setTimeout(() => {
        if (connected) return;
        fail(viaProxy && !proxyConnected
          ? new TransportError('proxy', `Proxy ${proxyLabel(settings.proxyUrl)} did not open a tunnel to ${host} within ${settings.connectTimeoutMs} ms — check the proxy address and that it is reachable.`, url)
          : new TransportError('timeout', `Connecting to ${host} timed out after ${settings.connectTimeoutMs} ms — check the address, the port and that no firewall blocks it.`, url));
      }, settings.connectTimeoutMs));
      if (req.timeoutMs !== undefined) {
        timers.push(setTimeout(() => {
          fail(new TransportError('timeout', `Request to ${host} did not complete within ${req.timeoutMs} ms — the server is slow or unreachable.`, url));
        }, req.timeoutMs));
      }

      r.on('proxyConnect', (res: http.IncomingMessage) => {
        if (res.statusCode === 200) {
          proxyConnected = true;
          return;
        }
        const hint = res.statusCode === 407 ? 'check the proxy user name and password in the proxy URL' : 'check that the proxy allows connections to this host and port';
        fail(new TransportError('proxy', `Proxy ${proxyLabel(settings.proxyUrl)} refused the tunnel to ${host} (HTTP ${res.statusCode}) — ${hint}.`, url));
      });

      r.on('socket', (socket: Socket) => {
        const markConnected = (): void => {
          connected = true;
        };
        if (r.reusedSocket) markConnected();
        else if (secure) {
          const t = socket as tls.TLSSocket;
          // A pooled TLS socket is already past its handshake; a new one reports secureConnect.
          if (!t.connecting && t.encrypted && t.getProtocol?.()) markConnected();
          else t.once('secureConnect', markConnected);
        } else if (!socket.connecting) markConnected();
        else socket.once('connect', markConnected);
      });

      // Idle timeout between bytes once connected; Node starts it only after the socket is connected.
      r.setTimeout(settings.readTimeoutMs, () => {
        if (!connected) return; // the connect timer owns this phase
        fail(new TransportError('timeout', `${host} sent no data for ${settings.readTimeoutMs} ms — the server is overloaded or the connection stalled; try again or raise the read timeout.`, url));
      });

      r.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        const code = err.code ?? '';
        if (r.reusedSocket && !gotResponse && (RETRYABLE_ON_REUSED.has(code) || err.message === 'socket hang up')) {
          fail(new RetryOnFreshSocket(classify(err, url, { viaProxy, proxyConnected, proxyUrl: settings.proxyUrl })));
          return;
        }
        fail(classify(err, url, { viaProxy, proxyConnected, proxyUrl: settings.proxyUrl }));
      });

      r.on('response', (res: http.IncomingMessage) => {
        gotResponse = true;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          fail(tooLarge(url, maxBytes));
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(tooLarge(url, maxBytes));
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err: NodeJS.ErrnoException) => fail(classify(err, url, { viaProxy, proxyConnected, proxyUrl: settings.proxyUrl })));
        res.on('aborted', () => fail(new TransportError('network', `${host} closed the connection before the response was complete — try again.`, url)));
        res.on('end', () => {
          if (settled) return;
          const headers = flattenHeaders(res.headers);
          let body: Buffer = Buffer.concat(chunks, size);
          try {
            body = decode(body, headers, maxBytes);
          } catch (err) {
            if (err instanceof RangeError) fail(tooLarge(url, maxBytes));
            else fail(new TransportError('network', `Response from ${host} could not be decompressed (${headers['content-encoding']}): ${(err as Error).message}.`, url, { cause: err }));
            return;
          }
          succeed(makeResponse(res.statusCode ?? 0, headers, body));
        });
      });

      r.end(body);
    });
  }
}

/** Checks extra CA text before it is saved; returns one entry per certificate or throws a readable Error. */
export function describeCaPem(pem: string): { subject: string; issuer: string; validTo: string }[] {
  const blocks = splitPem(pem);
  if (blocks.length === 0) throw new Error('No certificate found: paste the CA certificate in PEM form (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----).');
  return blocks.map((block, i) => {
    try {
      const c = new X509Certificate(block);
      return { subject: c.subject.replace(/\n/g, ', '), issuer: c.issuer.replace(/\n/g, ', '), validTo: c.validTo };
    } catch (err) {
      throw new Error(`Certificate #${i + 1} in the extra CA text is not a valid PEM certificate (${(err as Error).message}).`);
    }
  });
}

/** Internal: the request failed on a stale pooled socket before the server saw it; request() tries again. */
class RetryOnFreshSocket extends Error {
  constructor(readonly failure: TransportError) {
    super(failure.message, { cause: failure });
  }
}

function normalize(s: TransportSettings): TransportSettings {
  for (const pem of s.extraCaPem) describeCaPem(pem);
  if (s.proxyUrl !== undefined && s.proxyUrl.trim() === '') s = { ...s, proxyUrl: undefined };
  if (s.proxyUrl) {
    let u: URL;
    try {
      u = new URL(s.proxyUrl);
    } catch {
      throw new Error(`Proxy URL "${proxyLabel(s.proxyUrl)}" is not a valid URL — use the form http://proxy.example:3128.`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Proxy URL must start with http:// or https:// (got ${u.protocol}).`);
  }
  if (!(s.connectTimeoutMs > 0) || !(s.readTimeoutMs > 0)) throw new Error('Connect and read timeouts must be positive numbers of milliseconds.');
  const pins = s.pinnedCertificates ? Object.fromEntries(pinTable(s.pinnedCertificates)) : undefined;
  return { ...s, extraCaPem: [...s.extraCaPem], ...(pins ? { pinnedCertificates: pins } : {}) };
}

/** Node's roots plus the extra CAs (the same trust as `ca: [...tls.rootCertificates, ...extra]`), or Node's default. */
function buildSecureContext(extraCaPem: string[]): tls.SecureContext {
  return extraCaPem.length ? tls.createSecureContext({ ca: caList(extraCaPem) }) : tls.createSecureContext();
}

function buildAgents(s: TransportSettings, secureContext: tls.SecureContext): AgentSet {
  const common = { keepAlive: s.keepAlive, keepAliveMsecs: 1_000, scheduling: 'lifo' as const };
  const pins: PinTable = pinTable(s.pinnedCertificates);
  const set: AgentSet = {
    http: new http.Agent(common),
    https: new PinningHttpsAgent({ ...common, secureContext, checkServerIdentity: identityWithFingerprint }, pins, s.connectTimeoutMs),
  };
  if (s.proxyUrl) {
    set.proxyHttp = new HttpsProxyAgent(s.proxyUrl, common);
    // Used for the TLS connect to an https proxy; the target inside the tunnel gets it with each request.
    const proxyHttps = new PinningProxyAgent(s.proxyUrl, { ...common, secureContext }, pins, s.connectTimeoutMs);
    // agent-base guesses the protocol from the call stack; make it explicit for https.request's check.
    proxyHttps.protocol = 'https:';
    set.proxyHttps = proxyHttps;
  }
  return set;
}

/** The usual host name check; a mismatch carries the certificate's fingerprint, so the message can offer a pin. */
function identityWithFingerprint(host: string, cert: tls.PeerCertificate): Error | undefined {
  const err = tls.checkServerIdentity(host, cert);
  if (err && cert.fingerprint256) Object.assign(err, { fingerprint256: cert.fingerprint256 });
  return err;
}

function caList(extra: string[]): string[] {
  return [...tls.rootCertificates, ...extra.flatMap(splitPem)];
}

function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function destroyIdle(a: AgentSet): void {
  // Idle pooled sockets only; sockets serving requests close when their response ends (agent without listeners).
  for (const agent of [a.http, a.https, a.proxyHttp, a.proxyHttps]) {
    if (!agent) continue;
    for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) s.destroy();
    agent.on('free', (socket: Socket) => socket.destroy());
  }
}

function destroyAll(a: AgentSet): void {
  for (const agent of [a.http, a.https, a.proxyHttp, a.proxyHttps]) agent?.destroy();
}

function classify(
  err: NodeJS.ErrnoException,
  url: URL,
  ctx: { viaProxy: boolean; proxyConnected: boolean; proxyUrl?: string },
): TransportError {
  if (err instanceof TransportError) return err;
  const code = err.code ?? '';
  const host = hostOf(url);
  if (ctx.viaProxy && !ctx.proxyConnected) {
    return new TransportError('proxy', `Cannot reach proxy ${proxyLabel(ctx.proxyUrl)} (${code || err.message}) while connecting to ${host} — check the proxy address and port under Connections, or remove the proxy.`, url, { cause: err });
  }
  if (TLS_UNTRUSTED.has(code)) {
    return new TransportError('tls', `TLS certificate of ${host} is not trusted (${code}) — add the server's CA certificate (PEM) under Connections > extra CA certificates.`, url, { cause: err });
  }
  if (TLS_EXPIRED.has(code)) {
    return new TransportError('tls', `TLS certificate of ${host} is expired or not yet valid (${code}) — renew the server certificate or check this computer's clock.`, url, { cause: err });
  }
  if (code === PIN_MISMATCH) return new TransportError('tls', err.message, url, { cause: err });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const fp = (err as { fingerprint256?: unknown }).fingerprint256;
    const pin = typeof fp === 'string' ? `, or — if this is the PBX and the STARFACE administration shows the same SHA-256 fingerprint ${fp} — pin its certificate (Connections → STARFACE)` : '';
    return new TransportError('tls', `TLS certificate of ${host} does not match the host name (${err.message}) — use the host name the certificate was issued for${pin}.`, url, { cause: err });
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code === 'EPROTO' || /certificate|ssl|tls/i.test(code)) {
    return new TransportError('tls', `TLS handshake with ${host} failed (${code || err.message}) — check that the port speaks HTTPS and that the URL scheme (http/https) is right.`, url, { cause: err });
  }
  if (CONNECT_CODES.has(code)) {
    const what = code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `host name ${url.hostname} could not be resolved — check the spelling and DNS`
      : `connection refused or unreachable — check the address, the port and that the service is running and not blocked by a firewall`;
    return new TransportError('connect', `Cannot connect to ${host} (${code}): ${what}.`, url, { cause: err });
  }
  return new TransportError('network', `Connection to ${host} failed (${code || err.message}) — the server closed the connection; try again.`, url, { cause: err });
}

function abortError(signal: AbortSignal, url: URL): TransportError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new TransportError('timeout', `Request to ${hostOf(url)} timed out (caller's deadline).`, url, { cause: reason });
  }
  return new TransportError('aborted', `Request to ${hostOf(url)} was cancelled.`, url, { cause: reason });
}

function tooLarge(url: URL, max: number): TransportError {
  return new TransportError('too-large', `Response from ${hostOf(url)} exceeds the limit of ${max} bytes — the server sent more than expected; check the URL.`, url);
}

function decode(body: Buffer, headers: Record<string, string>, maxBytes: number): Buffer {
  const enc = headers['content-encoding']?.trim().toLowerCase();
  if (!enc || enc === 'identity' || body.length === 0) return body;
  const opts = { maxOutputLength: Math.max(1, maxBytes) };
  let out: Buffer;
  if (enc === 'gzip' || enc === 'x-gzip') out = zlib.gunzipSync(body, opts);
  else if (enc === 'deflate') out = zlib.inflateSync(body, opts);
  else if (enc === 'br') out = zlib.brotliDecompressSync(body, opts);
  else return body;
  // The body is now plain; drop headers that describe the compressed form (a Response built from it must agree).
  delete headers['content-encoding'];
  headers['content-length'] = String(out.length);
  return out;
}

function makeResponse(status: number, headers: Record<string, string>, body: Buffer): HttpResponse {
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: <T = unknown>(): T => JSON.parse(body.toString('utf8')) as T,
  };
}

function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function headersToRecord(h: Record<string, string> | Headers | [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  if (h instanceof Headers) h.forEach((v, k) => { out[k] = v; });
  else if (Array.isArray(h)) for (const [k, v] of h) out[k.toLowerCase()] = v;
  else for (const [k, v] of Object.entries(h)) out[k] = v;
  return out;
}

function hasHeader(h: Record<string, string>, name: string): boolean {
  return Object.keys(h).some((k) => k.toLowerCase() === name);
}

function toUrl(u: string | URL): URL {
  return typeof u === 'string' ? new URL(u) : u;
}

function hostOf(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

function safeUrl(u: string | URL): string {
  try {
    const url = typeof u === 'string' ? new URL(u) : u;
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function proxyLabel(proxyUrl: string | undefined): string {
  if (!proxyUrl) return '(none)';
  try {
    const u = new URL(proxyUrl);
    return `${u.protocol}//${u.host}`; // never echo proxy credentials
  } catch {
    return '(invalid proxy URL)';
  }
}
