// The poll loop of the Teams → STARFACE direction.
// Graph allows 1,500 presence requests per 30 s per app per tenant, and presence writes (setPresence,
// clearPresence) of the reverse direction count against the same budget. A cycle costs ceil(N/650) requests,
// so the interval stretches by itself when N or the write rate requires it, and a 429 pauses the loop for its
// Retry-After. Cycles never overlap: the next one is scheduled only after the current one has finished.
import { systemClock, type Clock, type TimerHandle } from '../platform/clock.js';

export const PRESENCE_BUDGET_LIMIT = 1_500;
export const PRESENCE_BUDGET_WINDOW_MS = 30_000;
export const PRESENCE_IDS_PER_REQUEST = 650;

export interface PresenceBudget {
  /** Requests allowed per window. Default 1,500. */
  limit: number;
  /** Default 30 s. */
  windowMs: number;
  /** Share of the limit this engine plans to use (other installs of the same app share the budget). Default 0.9. */
  safety: number;
}

export const DEFAULT_PRESENCE_BUDGET: PresenceBudget = {
  limit: PRESENCE_BUDGET_LIMIT,
  windowMs: PRESENCE_BUDGET_WINDOW_MS,
  safety: 0.9,
};

/** Presence read requests one cycle costs for `users` matched users. */
export function requestsPerCycle(users: number): number {
  return users <= 0 ? 0 : Math.ceil(users / PRESENCE_IDS_PER_REQUEST);
}

/**
 * The shortest interval that keeps reads plus the observed writes under the planned share of the budget.
 * Writes get at least a tenth of the budget reserved, so a burst of calls always finds room.
 */
export function minimumIntervalMs(users: number, writesPerWindow: number, budget: PresenceBudget = DEFAULT_PRESENCE_BUDGET): number {
  const reads = requestsPerCycle(users);
  if (reads === 0) return 0;
  const planned = budget.limit * budget.safety;
  const reserve = Math.max(writesPerWindow, budget.limit * 0.1);
  const forReads = Math.max(1, planned - reserve);
  return Math.ceil((budget.windowMs * reads) / forReads);
}

export interface CycleResult {
  /** Requests the cycle actually made (default: requestsPerCycle(users())). */
  presenceRequests?: number;
}

export interface SchedulerOptions {
  /** The configured poll interval (settings.sync.pollIntervalSeconds). Default 2 s. */
  intervalMs?: number;
  /** One poll cycle. May throw; an error with a numeric `retryAfterMs` pauses the loop that long. */
  runCycle: () => Promise<CycleResult | void>;
  /** Number of matched users (drives ceil(N/650)). */
  users: () => number;
  /** Presence writes made in the last budget window (reverse direction). Default 0. */
  writesInWindow?: () => number;
  budget?: Partial<PresenceBudget>;
  /** Called when a cycle throws. */
  onError?: (error: unknown) => void;
  /** Called with the new effective interval whenever it changes (for the UI and logs). */
  onIntervalChange?: (intervalMs: number, reason: string) => void;
  /** Time and timers. Default: the system clock. */
  clock?: Clock;
}

export interface SchedulerStats {
  cycles: number;
  failedCycles: number;
  lastStart?: number;
  lastDurationMs?: number;
  effectiveIntervalMs: number;
  /** Epoch ms before which no cycle starts because of a Retry-After, if any. */
  pausedUntil?: number;
}

export class PollScheduler {
  private baseIntervalMs: number;
  private readonly budget: PresenceBudget;
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private current: Promise<void> | undefined;
  private started = false;
  private pausedUntil = 0;
  private triggerPending = false;
  /** (time, count) of read requests in the current budget window. */
  private readonly reads: { at: number; count: number }[] = [];
  private lastInterval = 0;
  private readonly counters = { cycles: 0, failedCycles: 0, lastStart: undefined as number | undefined, lastDurationMs: undefined as number | undefined };

  constructor(private readonly opts: SchedulerOptions) {
    this.baseIntervalMs = opts.intervalMs ?? 2_000;
    this.budget = { ...DEFAULT_PRESENCE_BUDGET, ...opts.budget };
    this.clock = opts.clock ?? systemClock;
  }

  get isRunning(): boolean {
    return this.started;
  }

  /** Starts the loop; the first cycle runs at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Stops the loop and waits for a cycle in progress to finish. */
  async stop(): Promise<void> {
    this.started = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  setIntervalMs(ms: number): void {
    this.baseIntervalMs = Math.max(0, ms);
  }

  /** After a 429/503 with Retry-After: no cycle starts before that time. */
  backOff(retryAfterMs: number): void {
    const until = this.clock.now() + Math.max(0, retryAfterMs);
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.opts.onIntervalChange?.(this.effectiveIntervalMs(), `Microsoft Graph asked to wait ${Math.ceil(retryAfterMs / 1000)} s (429)`);
    }
    if (this.started && !this.current) this.schedule(this.delayUntilNext(0));
  }

  /** Runs a cycle as soon as allowed (e.g. after a settings change), without breaking the budget or overlapping. */
  triggerSoon(): void {
    if (!this.started) return;
    if (this.current) {
      this.triggerPending = true;
      return;
    }
    this.schedule(this.delayUntilNext(0));
  }

  /** The interval the loop currently keeps: the configured one, stretched for the budget. */
  effectiveIntervalMs(): number {
    const writes = this.opts.writesInWindow?.() ?? 0;
    return Math.max(this.baseIntervalMs, minimumIntervalMs(this.opts.users(), writes, this.budget));
  }

  stats(): SchedulerStats {
    return {
      ...this.counters,
      effectiveIntervalMs: this.effectiveIntervalMs(),
      ...(this.pausedUntil > this.clock.now() ? { pausedUntil: this.pausedUntil } : {}),
    };
  }

  /** Read requests counted in the current window (for tests and the UI). */
  readsInWindow(): number {
    this.pruneReads();
    return this.reads.reduce((s, r) => s + r.count, 0);
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, Math.max(0, delayMs));
  }

  /** How long to wait from now before the next cycle may start, given its planned start offset. */
  private delayUntilNext(plannedDelayMs: number): number {
    const now = this.clock.now();
    let at = now + plannedDelayMs;
    if (this.pausedUntil > at) at = this.pausedUntil;
    // Hard guard: the sliding window must have room for this cycle's reads plus the writes.
    const need = requestsPerCycle(this.opts.users());
    if (need > 0) {
      const cap = Math.floor(this.budget.limit * this.budget.safety) - (this.opts.writesInWindow?.() ?? 0);
      this.pruneReads();
      let used = this.reads.reduce((s, r) => s + r.count, 0);
      for (const r of this.reads) {
        if (used + need <= cap) break;
        // Wait until this entry leaves the window.
        at = Math.max(at, r.at + this.budget.windowMs + 1);
        used -= r.count;
      }
    }
    return at - now;
  }

  private tick(): void {
    if (!this.started || this.current) return;
    const wait = this.delayUntilNext(0);
    if (wait > 0) {
      this.schedule(wait);
      return;
    }
    const start = this.clock.now();
    this.counters.lastStart = start;
    const interval = this.effectiveIntervalMs();
    if (interval !== this.lastInterval) {
      const stretched = interval > this.baseIntervalMs;
      this.opts.onIntervalChange?.(interval, stretched ? 'stretched to stay within the Microsoft Graph presence budget' : 'configured interval');
      this.lastInterval = interval;
    }
    const planned = requestsPerCycle(this.opts.users());
    this.current = (async () => {
      let made = planned;
      try {
        const res = await this.opts.runCycle();
        if (res && typeof res.presenceRequests === 'number') made = res.presenceRequests;
        this.counters.cycles++;
      } catch (err) {
        this.counters.failedCycles++;
        const retryAfterMs = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
        if (typeof retryAfterMs === 'number') this.backOff(retryAfterMs);
        try { this.opts.onError?.(err); } catch { /* a listener must not stop the loop */ }
      }
      if (made > 0) this.reads.push({ at: start, count: made });
      this.counters.lastDurationMs = this.clock.now() - start;
    })();
    void this.current.then(() => {
      this.current = undefined;
      if (!this.started) return;
      if (this.triggerPending) {
        this.triggerPending = false;
        this.schedule(this.delayUntilNext(0));
        return;
      }
      // Interval measured from the start of the cycle; a slow cycle is followed at once (but never overlapped).
      const elapsed = this.clock.now() - start;
      this.schedule(this.delayUntilNext(Math.max(0, interval - elapsed)));
    });
  }

  private pruneReads(): void {
    const cutoff = this.clock.now() - this.budget.windowMs;
    while (this.reads.length > 0 && this.reads[0]!.at <= cutoff) this.reads.shift();
  }
}
