// Fault injection and the presence budget: what the simulator does to make clients prove their resilience.
import { z } from 'zod';

export const GRAPH_ENDPOINTS = [
  'users', 'user', 'me', 'presence', 'getPresencesByUserId', 'setPresence', 'clearPresence',
  'setUserPreferredPresence', 'clearUserPreferredPresence',
] as const;
export const IDENTITY_ENDPOINTS = ['token', 'devicecode', 'authorize'] as const;
const ALL_ENDPOINTS: readonly string[] = [...GRAPH_ENDPOINTS, ...IDENTITY_ENDPOINTS];

/** Endpoints that count against the presence budget (the reference's 1,500 / 30 s applies to presence reads). */
export const PRESENCE_READ_ENDPOINTS = new Set(['presence', 'getPresencesByUserId']);

const Endpoints = z.array(z.string().refine((e) => ALL_ENDPOINTS.includes(e), {
  message: `unknown endpoint; use one of ${ALL_ENDPOINTS.join(', ')}`,
})).optional();

export const FaultSpecSchema = z.object({
  /** The next `count` matching requests get 429 TooManyRequests with Retry-After. */
  throttle: z.object({
    count: z.number().int().min(1),
    retryAfterSeconds: z.number().min(0).default(1),
    endpoints: Endpoints,
  }).optional(),
  /** The next `count` matching requests get a 5xx (default 503), optionally with Retry-After. */
  errors: z.object({
    count: z.number().int().min(1),
    status: z.number().int().min(500).max(599).default(503),
    retryAfterSeconds: z.number().min(0).optional(),
    endpoints: Endpoints,
  }).optional(),
  /**
   * The next `count` matching Graph requests are carried out, but answered with this body (default an HTML page
   * of a proxy) and status 200: a client cannot tell whether they took effect.
   */
  unreadableAnswers: z.object({
    count: z.number().int().min(1),
    body: z.string().default('<html><body>Gateway page</body></html>'),
    contentType: z.string().default('text/html'),
    endpoints: Endpoints,
  }).optional(),
  /** The next `count` matching Graph requests are carried out, then the connection is reset without an answer. */
  resetAfterEffect: z.object({ count: z.number().int().min(1), endpoints: Endpoints }).optional(),
  /**
   * The next `count` matching Graph requests are held `delayMs` before they are carried out and answered: a
   * client that gave up earlier sees a timeout, and the request takes effect later — after whatever the client
   * sent next (e.g. a setPresence landing after the clearPresence of the hang-up).
   */
  delayedEffect: z.object({ count: z.number().int().min(1), delayMs: z.number().min(0).max(120_000), endpoints: Endpoints }).optional(),
  /** Extra delay before every response (Graph and identity endpoints). */
  latencyMs: z.number().min(0).max(120_000).optional(),
  /** Revoke every access and refresh token issued so far. */
  revokeTokens: z.boolean().optional(),
  /** Change the presence budget (requests per window, per app). */
  presenceBudget: z.object({ limit: z.number().int().min(1), windowSeconds: z.number().positive() }).optional(),
}).strict();
export type FaultSpec = z.input<typeof FaultSpecSchema>;

interface CountedFault {
  remaining: number;
  status: number;
  retryAfterSeconds?: number;
  endpoints?: string[];
}

export interface PresenceBudget {
  limit: number;
  windowSeconds: number;
}

export interface AnswerFault {
  remaining: number;
  endpoints?: string[];
  body?: string;
  contentType?: string;
}

export class Faults {
  private throttle: CountedFault | undefined;
  private errors: CountedFault | undefined;
  private unreadable: AnswerFault | undefined;
  private reset: AnswerFault | undefined;
  private delayed: { remaining: number; delayMs: number; endpoints?: string[] } | undefined;
  latencyMs: number;

  constructor(latencyMs = 0) {
    this.latencyMs = latencyMs;
  }

  apply(spec: z.output<typeof FaultSpecSchema>): void {
    if (spec.throttle) this.throttle = { remaining: spec.throttle.count, status: 429, retryAfterSeconds: spec.throttle.retryAfterSeconds, endpoints: spec.throttle.endpoints };
    if (spec.errors) this.errors = { remaining: spec.errors.count, status: spec.errors.status, retryAfterSeconds: spec.errors.retryAfterSeconds, endpoints: spec.errors.endpoints };
    if (spec.unreadableAnswers) this.unreadable = { remaining: spec.unreadableAnswers.count, ...spec.unreadableAnswers };
    if (spec.resetAfterEffect) this.reset = { remaining: spec.resetAfterEffect.count, endpoints: spec.resetAfterEffect.endpoints };
    if (spec.delayedEffect) this.delayed = { remaining: spec.delayedEffect.count, delayMs: spec.delayedEffect.delayMs, endpoints: spec.delayedEffect.endpoints };
    if (spec.latencyMs !== undefined) this.latencyMs = spec.latencyMs;
  }

  /** Before the request takes effect: how long to hold it, if a delayed-effect fault is pending for this endpoint. */
  takeDelay(endpoint: string): number {
    const d = this.delayed;
    if (!d || d.remaining <= 0 || !matches(d.endpoints, endpoint)) return 0;
    d.remaining -= 1;
    return d.delayMs;
  }

  /** After the request took effect: how to spoil its answer, if a fault is pending for this endpoint. */
  takeAfterEffect(endpoint: string): { kind: 'reset' } | { kind: 'unreadable'; body: string; contentType: string } | undefined {
    if (this.reset && this.reset.remaining > 0 && matches(this.reset.endpoints, endpoint)) {
      this.reset.remaining -= 1;
      return { kind: 'reset' };
    }
    const u = this.unreadable;
    if (u && u.remaining > 0 && matches(u.endpoints, endpoint)) {
      u.remaining -= 1;
      return { kind: 'unreadable', body: u.body ?? '', contentType: u.contentType ?? 'text/html' };
    }
    return undefined;
  }

  clear(): void {
    this.throttle = undefined;
    this.errors = undefined;
    this.unreadable = undefined;
    this.reset = undefined;
    this.delayed = undefined;
    this.latencyMs = 0;
  }

  /** Consumes and returns an injected failure for this endpoint, if one is pending. */
  take(endpoint: string): { status: number; retryAfterSeconds?: number } | undefined {
    for (const f of [this.throttle, this.errors]) {
      if (!f || f.remaining <= 0) continue;
      if (!matches(f.endpoints, endpoint)) continue;
      f.remaining -= 1;
      return { status: f.status, retryAfterSeconds: f.retryAfterSeconds };
    }
    return undefined;
  }

  describe(): Record<string, unknown> {
    return {
      throttle: this.throttle?.remaining ? { ...this.throttle } : null,
      errors: this.errors?.remaining ? { ...this.errors } : null,
      unreadableAnswers: this.unreadable?.remaining ? { ...this.unreadable } : null,
      resetAfterEffect: this.reset?.remaining ? { ...this.reset } : null,
      delayedEffect: this.delayed?.remaining ? { ...this.delayed } : null,
      latencyMs: this.latencyMs,
    };
  }
}

function matches(endpoints: string[] | undefined, endpoint: string): boolean {
  return endpoints ? endpoints.includes(endpoint) : (GRAPH_ENDPOINTS as readonly string[]).includes(endpoint);
}

/** Sliding-window request budget per app (requests made while throttled still count, as Graph documents). */
export class SlidingWindowBudget {
  private readonly windows = new Map<string, number[]>();

  constructor(public budget: PresenceBudget) {}

  /** Records a request; returns 0 when allowed, otherwise the seconds until a slot frees up. */
  hit(key: string, now: number): number {
    const windowMs = this.budget.windowSeconds * 1000;
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    let drop = 0;
    while (drop < times.length && times[drop]! <= now - windowMs) drop++;
    if (drop) times.splice(0, drop);
    const allowed = times.length < this.budget.limit;
    times.push(now);
    if (allowed) return 0;
    // One more fits once only limit-1 of the recorded requests are left in the window.
    const pivot = times[times.length - this.budget.limit]!;
    return Math.max(1, Math.ceil((pivot + windowMs - now) / 1000));
  }

  reset(): void {
    this.windows.clear();
  }
}
