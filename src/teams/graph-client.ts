// The Microsoft Graph client (@microsoft/microsoft-graph-client 3) on our HTTP transport, with our own
// throttling in the middleware chain:
//   CallTrace → AuthenticationHandler (SDK: bearer token only for Graph hosts/customHosts over https)
//             → Throttle (budget, Retry-After gates, backoff, one token refresh on 401) → Transport (final)
import {
  AuthenticationHandler, Client, GraphError, ResponseType,
  type AuthenticationProvider, type AuthenticationProviderOptions, type Context, type GraphRequest, type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import type { HttpTransport } from '../platform/http-transport.js';
import { TransportError } from '../platform/http-transport.js';
import type { Logger } from '../platform/logger.js';
import { GraphAmbiguousWriteError, GraphRequestError } from './errors.js';
import { errorFromAnswer, readJsonAnswer, writeOutcome, type RawAnswer } from './graph-answer.js';
import { backoffMs, GRAPH_PRESENCE_BUDGET, parseRetryAfter, RequestBudget, RetryGates, type BudgetSettings } from './throttle.js';
import { coded } from '../core/messages/log-line.js';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
const BUILT_IN_GRAPH_HOSTS = new Set(['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us',
  'graph.microsoft.de', 'microsoftgraph.chinacloudapi.cn', 'canary.graph.microsoft.com']);

export interface RetryPolicy {
  /** Retries after a 429/503/504 or a network failure; default 4. */
  maxRetries: number;
  /** A single wait longer than this is not done inline: the call fails with retryAfterMs for the caller's scheduler. */
  maxInlineWaitMs: number;
  /** Backoff base when the server gives no Retry-After; default 1 s. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, maxInlineWaitMs: 60_000, backoffBaseMs: 1000, backoffMaxMs: 30_000 };

/**
 * Throttling state shared by every Graph client of one app in one tenant: the presence budget and the
 * Retry-After gates. Create one per app registration and hand it to each client.
 */
export class GraphThrottle {
  readonly presenceBudget: RequestBudget;
  readonly gates = new RetryGates();
  policy: RetryPolicy;
  private readonly throttledListeners = new Set<(e: ThrottledEvent) => void>();

  constructor(opts: { presenceBudget?: BudgetSettings; retry?: Partial<RetryPolicy> } = {}) {
    this.presenceBudget = new RequestBudget(opts.presenceBudget ?? GRAPH_PRESENCE_BUDGET);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  }

  /** Every 429 Graph answers, also the ones retried inline (the poll scheduler widens its interval on them). */
  onThrottled(fn: (e: ThrottledEvent) => void): () => void {
    this.throttledListeners.add(fn);
    return () => this.throttledListeners.delete(fn);
  }

  noteThrottled(e: ThrottledEvent): void {
    for (const fn of this.throttledListeners) {
      try {
        fn(e);
      } catch {
        // a listener must not break a Graph call
      }
    }
  }
}

export interface ThrottledEvent {
  /** Endpoint group, e.g. 'presence-read' or 'presence-write'. */
  group: string;
  /** Whether the group counts against the presence budget. */
  presence: boolean;
  /** The wait before the next call: Retry-After, or our backoff when Graph gave none. */
  waitMs: number;
  retryAfterFromServer: boolean;
}

export interface TokenSource {
  /** A valid access token; `forceRefresh` after Graph rejected the previous one. */
  getToken(opts?: { forceRefresh?: boolean }): Promise<string>;
  /** Graph answered 401 to this token: never hand it out again (a cached copy must not be sent). */
  reject?(token: string): void;
}

export interface GraphClientOptions {
  transport: HttpTransport;
  tokens: TokenSource;
  throttle: GraphThrottle;
  /** Default https://graph.microsoft.com; e.g. the simulator's URL. */
  baseUrl?: string;
  logger?: Logger;
}

/** The endpoint group a URL belongs to: throttling gates and budget are per group. */
export function endpointGroup(url: string): { group: string; presence: boolean; name: string } {
  const path = new URL(url).pathname.replace(/^\/(v1\.0|beta)/, '');
  if (/^\/communications\/getPresencesByUserId\/?$/i.test(path)) return { group: 'presence-read', presence: true, name: 'getPresencesByUserId' };
  if (/\/presence\/(setPresence|clearPresence|setUserPreferredPresence|clearUserPreferredPresence)\/?$/i.test(path)) {
    return { group: 'presence-write', presence: true, name: /\/presence\/(\w+)/i.exec(path)![1]! };
  }
  if (/\/presences?(\/|$)/i.test(path)) return { group: 'presence-read', presence: true, name: 'presence' };
  if (/^\/users(\/|$)/i.test(path)) return { group: 'users', presence: false, name: 'users' };
  return { group: 'other', presence: false, name: path };
}

/** Per-call record so the original error (token, transport) survives the SDK's GraphError wrapping. */
export class CallTrace implements MiddlewareOptions {
  error: unknown;
  retryAfterMs: number | undefined;
  signal: AbortSignal | undefined;
  constructor(signal?: AbortSignal) {
    this.signal = signal;
  }
}

class TraceHandler implements Middleware {
  private next!: Middleware;
  async execute(context: Context): Promise<void> {
    try {
      await this.next.execute(context);
    } catch (e) {
      const trace = traceOf(context);
      if (trace && trace.error === undefined) trace.error = e;
      throw e;
    }
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

class ThrottleHandler implements Middleware {
  private next!: Middleware;
  constructor(private readonly throttle: GraphThrottle, private readonly tokens: TokenSource, private readonly logger?: Logger) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const { group, presence, name } = endpointGroup(url);
    const trace = traceOf(context);
    const signal = trace?.signal;
    const policy = this.throttle.policy;
    let refreshedToken = false;
    for (let attempt = 0; ; attempt++) {
      // Never call an endpoint before its Retry-After has passed, whoever received it; the gate is checked
      // again after waiting for the budget, because a Retry-After may have arrived meanwhile.
      do {
        await this.throttle.gates.wait(group, signal);
        if (presence) await this.throttle.presenceBudget.take(signal);
      } while (this.throttle.gates.remainingMs(group) > 0);
      let networkError: unknown;
      try {
        await this.next.execute(context);
      } catch (e) {
        if (!(e instanceof TransportError) || e.code === 'aborted' || e.code === 'too-large') throw e;
        networkError = e;
      }
      const res = context.response;
      const status = networkError ? 0 : res?.status ?? 0;
      if (status === 401) {
        // The token was revoked or expired early: it must never be sent again, whatever a cache says.
        const used = /^Bearer\s+(.+)$/i.exec(getHeader(context, 'Authorization') ?? '')?.[1];
        if (used) this.tokens.reject?.(used);
      }
      if (status === 401 && !refreshedToken) {
        // Get a fresh token once, then retry.
        refreshedToken = true;
        const token = await this.tokens.getToken({ forceRefresh: true });
        setHeader(context, 'Authorization', `Bearer ${token}`);
        await res?.body?.cancel().catch(() => undefined);
        continue;
      }
      if (!networkError && status !== 429 && status !== 503 && status !== 504) return;

      const retryAfter = res && !networkError ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
      const wait = retryAfter ?? backoffMs(attempt + 1, policy.backoffBaseMs, policy.backoffMaxMs);
      this.throttle.gates.block(group, wait);
      if (status === 429) this.throttle.noteThrottled({ group, presence, waitMs: wait, retryAfterFromServer: retryAfter !== undefined });
      if (attempt >= policy.maxRetries || wait > policy.maxInlineWaitMs) {
        if (trace) trace.retryAfterMs = wait;
        if (networkError) throw networkError;
        return; // the SDK turns the response into a GraphError; we add retryAfterMs when mapping it
      }
      this.logger?.warn(networkError ? 'Graph request failed on the network; retrying' : 'Graph throttled or unavailable; waiting before retry', {
        endpoint: name, status, waitMs: wait, attempt: attempt + 1, retryAfterFromServer: retryAfter !== undefined,
        ...(networkError ? coded('log-graph-retry-network') : coded('log-graph-retry-throttled', { status: status ?? null })),
      });
      await res?.body?.cancel().catch(() => undefined);
      context.response = undefined;
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

class TransportHandler implements Middleware {
  constructor(private readonly transport: HttpTransport) {}
  async execute(context: Context): Promise<void> {
    const o = context.options ?? {};
    const signal = traceOf(context)?.signal ?? o.signal ?? undefined;
    const headers = o.headers instanceof Headers ? o.headers : new Headers(o.headers as Record<string, string> | undefined);
    const body = o.body === undefined || o.body === null ? undefined : typeof o.body === 'string' ? o.body : Buffer.from(o.body as ArrayBuffer);
    context.response = await this.transport.fetch(context.request as string, { method: o.method, headers, body, signal });
  }
}

function traceOf(context: Context): CallTrace | undefined {
  return context.middlewareControl?.getMiddlewareOptions(CallTrace) as CallTrace | undefined;
}

function getHeader(context: Context, name: string): string | undefined {
  const h = context.options?.headers;
  if (h instanceof Headers) return h.get(name) ?? undefined;
  const record = (h ?? {}) as Record<string, string>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function setHeader(context: Context, name: string, value: string): void {
  context.options ??= {};
  const h = context.options.headers;
  if (h instanceof Headers) h.set(name, value);
  else context.options.headers = { ...(h as Record<string, string> | undefined), [name]: value };
}

/** A thin wrapper over the SDK client that maps every failure to a readable, typed error. */
export class GraphClient {
  readonly sdk: Client;
  readonly baseUrl: string;

  constructor(private readonly opts: GraphClientOptions) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
    const host = new URL(this.baseUrl).hostname;
    const authProvider: AuthenticationProvider = {
      getAccessToken: (_o?: AuthenticationProviderOptions) => opts.tokens.getToken(),
    };
    const chain: Middleware[] = [new TraceHandler(), new AuthenticationHandler(authProvider), new ThrottleHandler(opts.throttle, opts.tokens, opts.logger), new TransportHandler(opts.transport)];
    for (let i = 0; i < chain.length - 1; i++) chain[i]!.setNext!(chain[i + 1]!);
    this.sdk = Client.initWithMiddleware({
      middleware: chain[0],
      baseUrl: `${this.baseUrl}/`,
      defaultVersion: 'v1.0',
      // The SDK attaches the bearer token (and parses absolute nextLinks) only for Graph hosts or these.
      customHosts: BUILT_IN_GRAPH_HOSTS.has(host) ? undefined : new Set([host]),
    });
  }

  /** A read: the answer's JSON body (GraphAnswerError when a 2xx carries none). */
  async get<T = unknown>(pathOrUrl: string, signal?: AbortSignal): Promise<T> {
    const { answer, endpoint } = await this.call(pathOrUrl, (r) => r.get(), signal, false);
    return readJsonAnswer(answer, endpoint) as T;
  }

  /** A read by POST (getPresencesByUserId): the answer's JSON body. */
  async post<T = unknown>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const { answer, endpoint } = await this.call(path, (r) => r.post(body), signal, false);
    return readJsonAnswer(answer, endpoint) as T;
  }

  /**
   * A write (setPresence, clearPresence): any 2xx with an empty or JSON body is success, whatever the
   * Content-Type says. A timeout, a connection reset or an unreadable 2xx throws GraphAmbiguousWriteError.
   */
  async write(path: string, body: unknown, signal?: AbortSignal): Promise<void> {
    const { answer, endpoint } = await this.call(path, (r) => r.post(body), signal, true);
    if (writeOutcome(answer) === 'unreadable') {
      throw new GraphAmbiguousWriteError(endpoint, 'unreadable-answer', `HTTP ${answer.status} with a body that is not JSON`);
    }
  }

  private async call(pathOrUrl: string, run: (r: GraphRequest) => Promise<unknown>, signal: AbortSignal | undefined, isWrite: boolean): Promise<{ answer: RawAnswer; endpoint: string }> {
    const trace = new CallTrace(signal);
    // RAW: we read status and body ourselves (the SDK would trust the Content-Type and choke on empty JSON).
    const request = this.sdk.api(pathOrUrl).middlewareOptions([trace]).responseType(ResponseType.RAW);
    const endpoint = endpointGroup(pathOrUrl.startsWith('https://') ? pathOrUrl : `${this.baseUrl}/v1.0${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`).name;
    let res: Response;
    let text: string;
    try {
      res = await run(request) as Response;
      text = await res.text();
    } catch (e) {
      throw toReadableError(e, trace, endpoint, isWrite);
    }
    const answer: RawAnswer = { status: res.status, text, contentType: res.headers.get('content-type'), requestId: res.headers.get('request-id') ?? undefined };
    if (res.status < 200 || res.status > 299) {
      throw errorFromAnswer(answer, endpoint, trace.retryAfterMs ?? parseRetryAfter(res.headers.get('retry-after')));
    }
    return { answer, endpoint };
  }
}

function toReadableError(e: unknown, trace: CallTrace, endpoint: string, isWrite: boolean): unknown {
  if (trace.error !== undefined || e instanceof TransportError) {
    const original = trace.error ?? e;
    if (original instanceof TransportError) {
      // The request may have reached Graph: a write may have taken effect (a refused connection did not).
      if (isWrite && (original.code === 'timeout' || original.code === 'network')) {
        return new GraphAmbiguousWriteError(endpoint, original.code, original.message, { cause: original });
      }
      return new GraphRequestError(0, `network (${original.code})`, original.message, endpoint, undefined, trace.retryAfterMs, { cause: original });
    }
    return original; // NeedsSignInError, TokenRequestError, aborts: already readable
  }
  if (e instanceof GraphError) {
    const retryAfter = trace.retryAfterMs ?? parseRetryAfter(e.headers?.get('retry-after'));
    return new GraphRequestError(e.statusCode, e.code ?? 'Error', e.message || 'no details', endpoint, e.requestId ?? undefined, retryAfter, { cause: e });
  }
  return e;
}


