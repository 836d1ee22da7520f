// Throttling on our side, before Graph has to: a shared sliding-window budget for presence calls (the documented
// 1,500 requests / 30 s per app per tenant), Retry-After gates per endpoint group, and backoff with jitter.

export interface BudgetSettings {
  /** Requests allowed per window; default 1,500. */
  limit: number;
  /** Window length in seconds; default 30. */
  windowSeconds: number;
}

export const GRAPH_PRESENCE_BUDGET: BudgetSettings = { limit: 1500, windowSeconds: 30 };

export type Clock = () => number;

/**
 * The presence budget as a sliding window: at most `limit` requests in any `windowSeconds`. (A token bucket
 * with a burst of `limit` could send twice the limit within one window, which Graph would throttle.)
 * One instance is shared by reader and writer of an app.
 */
export class RequestBudget {
  /** Send times of the most recent requests, oldest first (at most `limit` kept). */
  private sent: number[] = [];

  constructor(private settings: BudgetSettings = GRAPH_PRESENCE_BUDGET, private readonly now: Clock = Date.now) {}

  get limit(): number {
    return this.settings.limit;
  }

  /** Requests still allowed right now. */
  get available(): number {
    this.prune();
    return this.settings.limit - this.sent.length;
  }

  reconfigure(settings: BudgetSettings): void {
    this.settings = settings;
    this.prune();
  }

  /** Milliseconds until one more request is allowed (0 = now). */
  waitMs(): number {
    this.prune();
    if (this.sent.length < this.settings.limit) return 0;
    return Math.max(1, this.sent[this.sent.length - this.settings.limit]! + this.settings.windowSeconds * 1000 - this.now());
  }

  /** Takes one request slot, waiting until the window has room. */
  async take(signal?: AbortSignal): Promise<void> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) await sleep(wait, signal);
    this.sent.push(this.now());
  }

  private prune(): void {
    const cutoff = this.now() - this.settings.windowSeconds * 1000;
    let drop = 0;
    while (drop < this.sent.length && this.sent[drop]! <= cutoff) drop++;
    if (this.sent.length - drop > this.settings.limit) drop = this.sent.length - this.settings.limit;
    if (drop) this.sent = this.sent.slice(drop);
  }
}

/** Per endpoint group: the time before which no request may be sent (from Retry-After or our backoff). */
export class RetryGates {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: Clock = Date.now) {}

  block(group: string, ms: number): void {
    const t = this.now() + Math.max(0, ms);
    if (t > (this.until.get(group) ?? 0)) this.until.set(group, t);
  }

  /** Milliseconds until the group may be called again (0 = now). */
  remainingMs(group: string): number {
    const t = this.until.get(group);
    if (t === undefined) return 0;
    const left = t - this.now();
    if (left <= 0) {
      this.until.delete(group);
      return 0;
    }
    return left;
  }

  async wait(group: string, signal?: AbortSignal): Promise<void> {
    for (let left = this.remainingMs(group); left > 0; left = this.remainingMs(group)) await sleep(left, signal);
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter: attempt 1 → up to base, 2 → up to 2·base, … capped at max. */
export function backoffMs(attempt: number, baseMs = 1000, maxMs = 60_000, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  // Never zero: half fixed, half random, so retries spread out but still wait.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('The operation was cancelled.');
}
