// Control client for the headless host: POST /api/<method> and the event stream GET /api/events, both with
// the bearer token. The stream is read from a fetch body (EventSource cannot send an Authorization header)
// and reconnects with backoff. Plain TS with no DOM globals beyond fetch, so it also runs under Node tests.
import {
  ControlEventSchema, ControlReplySchema, HTTP_API_PREFIX, HTTP_EVENTS_PATH, METHODS,
  type ControlErrorBody, type ControlEvent, type Issue, type MethodName, type ParamsInputOf, type ResultOf,
} from '../../../src/control/contract.js';
import { UNAUTHORIZED, UNREACHABLE } from './messages.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** A failed call: the host's `{ ok: false, error }` or a transport failure, with a readable message. */
export class ControlCallError extends Error {
  readonly code: string;
  readonly issues?: Issue[];
  constructor(body: ControlErrorBody) {
    super(body.message);
    this.name = 'ControlCallError';
    this.code = body.code;
    if (body.issues) this.issues = body.issues;
  }
}

export interface HttpControlClient {
  readonly kind: 'http';
  call<M extends MethodName>(method: M, params: ParamsInputOf<M>): Promise<ResultOf<M>>;
  subscribe(fn: (e: ControlEvent) => void): () => void;
  /** Event stream state; the listener gets the current state at once. Reconnects mean events were missed. */
  onConnection(fn: (state: ConnectionState, error?: string) => void): () => void;
  close(): void;
}

export interface HttpClientOptions {
  token: string;
  /** '' (default) = same origin as the page; tests pass http://127.0.0.1:PORT. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** First reconnect delay; doubles up to maxRetryMs. The server's `retry:` field replaces it. */
  retryMs?: number;
  maxRetryMs?: number;
  /** No bytes (not even a heartbeat) for this long means the stream is dead: reconnect. Default 45 s. */
  idleTimeoutMs?: number;
}

export function createHttpClient(opts: HttpClientOptions): HttpControlClient {
  const base = (opts.baseUrl ?? '').replace(/\/+$/, '');
  // Late-bound, so tests and the page can replace the global; the host's Cache-Control: no-store covers caching.
  const doFetch: typeof fetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const authHeader = `Bearer ${opts.token}`;
  const maxRetryMs = opts.maxRetryMs ?? 15_000;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 45_000;

  const listeners = new Set<(e: ControlEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState, error?: string) => void>();
  let state: ConnectionState = 'connecting';
  let stateError: string | undefined;
  let running: AbortController | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = opts.retryMs ?? 1_000;
  let attempt = 0;
  let closed = false;

  function setState(next: ConnectionState, error?: string): void {
    if (next === state && error === stateError) return;
    state = next;
    stateError = error;
    for (const fn of [...connectionListeners]) fn(next, error);
  }

  async function call<M extends MethodName>(method: M, params: ParamsInputOf<M>): Promise<ResultOf<M>> {
    let res: Response;
    try {
      res = await doFetch(`${base}${HTTP_API_PREFIX}${method}`, {
        method: 'POST',
        headers: { Authorization: authHeader, 'Content-Type': 'application/json' },
        body: JSON.stringify(params ?? {}),
      });
    } catch {
      throw new ControlCallError({ code: 'unreachable', message: UNREACHABLE });
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new ControlCallError({ code: 'bad-response', message: `Presence Bridge answered ${res.status} without a readable reply. Reload the page; if it persists, see the log.` });
    }
    const reply = ControlReplySchema.safeParse(body);
    if (!reply.success) {
      throw new ControlCallError({ code: 'bad-response', message: `Presence Bridge answered ${res.status} with an unexpected reply. The page and the engine may be from different versions: reload the page.` });
    }
    if (!reply.data.ok) {
      throw new ControlCallError(res.status === 401 ? { code: reply.data.error.code, message: UNAUTHORIZED } : reply.data.error);
    }
    // The host checked the result already; checking again catches a page and an engine of different versions.
    const checked = METHODS[method].result.safeParse(reply.data.result);
    if (!checked.success) {
      throw new ControlCallError({ code: 'invalid-result', message: `The reply to ${method} does not match this page's version. Reload the page.` });
    }
    return checked.data as ResultOf<M>;
  }

  function deliver(type: string, data: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    const event = ControlEventSchema.safeParse({ type, data: parsed });
    if (!event.success) return; // an event this page does not know (newer engine) or a broken one
    for (const fn of [...listeners]) {
      try {
        fn(event.data as ControlEvent);
      } catch {
        // one broken listener must not starve the others
      }
    }
  }

  function scheduleReconnect(error?: string): void {
    if (closed || listeners.size === 0) return;
    setState('disconnected', error ?? UNREACHABLE);
    const delay = backoffDelay(attempt++, retryMs, maxRetryMs);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, delay);
  }

  async function connect(): Promise<void> {
    if (closed || running || listeners.size === 0) return;
    const ctrl = new AbortController();
    running = ctrl;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => ctrl.abort(), idleTimeoutMs);
    };
    let failure: string | undefined;
    try {
      touch();
      const res = await doFetch(`${base}${HTTP_EVENTS_PATH}`, {
        headers: { Authorization: authHeader, Accept: 'text/event-stream' },
        signal: ctrl.signal,
      });
      if (res.status === 401) {
        // A new token will not appear by retrying: stop and say what to do.
        clearTimeout(idle);
        running = undefined;
        await res.body?.cancel().catch(() => undefined);
        setState('disconnected', UNAUTHORIZED);
        return;
      }
      if (!res.ok || !res.body) {
        failure = `Presence Bridge refused the event stream (${res.status}).`;
        await res.body?.cancel().catch(() => undefined);
      } else {
        const parser = new SseParser((e) => {
          attempt = 0; // a delivered event proves the stream works
          deliver(e.event, e.data);
        }, (ms) => { retryMs = ms; });
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        setState('connected');
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          touch();
          attempt = 0;
          parser.push(decoder.decode(value, { stream: true }));
        }
        parser.push(decoder.decode());
      }
    } catch {
      // network error, abort by the idle watchdog or by close(): reconnect below unless closed
    } finally {
      clearTimeout(idle);
    }
    if (running === ctrl) running = undefined;
    scheduleReconnect(failure);
  }

  function stopStream(): void {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const r = running;
    running = undefined;
    r?.abort();
  }

  return {
    kind: 'http',
    call,
    subscribe(fn) {
      listeners.add(fn);
      if (!running && reconnectTimer === undefined) {
        setState('connecting');
        void connect();
      }
      return () => {
        listeners.delete(fn);
        if (listeners.size === 0) stopStream();
      };
    },
    onConnection(fn) {
      connectionListeners.add(fn);
      fn(state, stateError);
      return () => { connectionListeners.delete(fn); };
    },
    close() {
      closed = true;
      stopStream();
      listeners.clear();
    },
  };
}

/** Exponential backoff with ±20 % jitter, so many pages do not reconnect in lockstep. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(plain * (0.8 + Math.random() * 0.4));
}

export interface SseMessage {
  /** The `event:` field, 'message' when absent. */
  event: string;
  data: string;
  /** The last `id:` seen (persists across messages, as in EventSource). */
  lastEventId: string;
}

/**
 * Incremental Server-Sent Events parser (WHATWG HTML §9.2.6): feed it text chunks split anywhere, get whole
 * messages. Handles CRLF/CR/LF line ends (also split across chunks), comments, multi-line data, `retry:`.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventName = '';
  private lastEventId = '';
  private started = false;
  /** A chunk ended in '\r': a following '\n' belongs to the same line end. */
  private pendingCr = false;

  constructor(
    private readonly onMessage: (m: SseMessage) => void,
    private readonly onRetry?: (ms: number) => void,
    private readonly maxLineLength = 16 * 1024 * 1024,
  ) {}

  push(chunk: string): void {
    if (chunk === '') return; // (a decoder may yield '' mid-character; it must not end a pending CR)
    let text = chunk;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      if (cr === -1 && lf === -1) break;
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      const line = this.buffer.slice(start, end);
      if (this.buffer[end] === '\r') {
        if (end + 1 < this.buffer.length) start = this.buffer[end + 1] === '\n' ? end + 2 : end + 1;
        else {
          start = end + 1;
          this.pendingCr = true;
        }
      } else {
        start = end + 1;
      }
      this.line(line);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > this.maxLineLength) {
      throw new Error('Event stream line too long: the stream is not a valid event stream.');
    }
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return; // comment (heartbeat)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.onRetry?.(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    if (this.data.length === 0) {
      this.eventName = '';
      return;
    }
    const message: SseMessage = { event: this.eventName || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId };
    this.data = [];
    this.eventName = '';
    this.onMessage(message);
  }
}

