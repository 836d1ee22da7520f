// The poll loop of the Teams → STARFACE direction. A cycle costs ceil(N/650) presence requests; the interval is
// the configured one (down to 0.25 s), widened by the presence-budget planner (presence-budget.ts) so the
// bridge's reads, presence writes and session refreshes stay under its share of the tenant's Graph budget, and
// after a 429 until Graph has been quiet for a while. A Retry-After pauses the loop. Cycles never overlap: the
// next one is scheduled only after the current one has finished. The status says why the interval is what it is.
import type { PollStatus } from '../core/poll-status.js';
import { systemClock, type Clock, type TimerHandle } from '../platform/clock.js';
import {
  PresenceBudgetPlanner, requestsPerCycle, type OtherPresenceRequests, type PollDecision, type PresenceBudgetSettings,
} from './presence-budget.js';

export { PRESENCE_IDS_PER_REQUEST, requestsPerCycle } from './presence-budget.js';
export type PresenceBudget = PresenceBudgetSettings;

export interface CycleResult {
  /** Requests the cycle actually made (default: requestsPerCycle(users())). */
  presenceRequests?: number;
}

export interface SchedulerOptions {
  /** The configured poll interval (settings.sync.pollIntervalSeconds). Default 2 s. */
  intervalMs?: number;
  /** One poll cycle. May throw; an error with a numeric `retryAfterMs` pauses the loop that long. */
  runCycle: () => Promise<CycleResult | void>;
  /** Number of synced users (drives ceil(N/650)). */
  users: () => number;
  /** Presence writes and session refreshes of the bridge in the last budget window. Default none. */
  otherRequests?: () => OtherPresenceRequests;
  /** The tenant's budget and the bridge's share of it (settings.sync.presence*). */
  budget?: Partial<PresenceBudgetSettings>;
  /** Called when a cycle throws. */
  onError?: (error: unknown) => void;
  /** Called when the interval or its reason changes (for the log; the status reads pollStatus()); not for slow cycles. */
  onDecision?: (decision: PollDecision) => void;
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

const NO_OTHER_REQUESTS: OtherPresenceRequests = { writes: 0, refreshes: 0 };

export class PollScheduler {
  private baseIntervalMs: number;
  private readonly planner: PresenceBudgetPlanner;
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private current: Promise<void> | undefined;
  private started = false;
  private triggerPending = false;
  private lastDecisionKey = '';
  private readonly counters = { cycles: 0, failedCycles: 0, lastStart: undefined as number | undefined, lastDurationMs: undefined as number | undefined };

  constructor(private readonly opts: SchedulerOptions) {
    this.baseIntervalMs = opts.intervalMs ?? 2_000;
    this.clock = opts.clock ?? systemClock;
    this.planner = new PresenceBudgetPlanner(opts.budget, () => this.clock.now());
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
    this.publish();
  }

  /** New budget settings (limit or share changed in the settings). */
  configureBudget(budget: Partial<PresenceBudgetSettings>): void {
    this.planner.configure(budget);
    this.publish();
  }

  /** Graph answered a presence call with 429: pause for Retry-After and widen the interval. */
  throttled(retryAfterMs: number): void {
    this.planner.throttled(retryAfterMs);
    this.afterPause();
  }

  /** A Retry-After without a 429 (e.g. 503): pause only. */
  backOff(retryAfterMs: number): void {
    this.planner.pause(retryAfterMs);
    this.afterPause();
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

  /** The interval the loop keeps now and why. */
  decision(): PollDecision {
    return this.planner.decide({ configuredMs: this.baseIntervalMs, users: this.opts.users(), other: this.other(), lastCycleMs: this.counters.lastDurationMs });
  }

  /** The decision in the sync status's shape. */
  pollStatus(): PollStatus {
    const { pausedUntil, ...d } = this.decision();
    return { ...d, ...(pausedUntil ? { pausedUntil: new Date(pausedUntil).toISOString() } : {}) };
  }

  effectiveIntervalMs(): number {
    return this.decision().intervalMs;
  }

  stats(): SchedulerStats {
    const paused = this.planner.pausedUntilMs();
    return { ...this.counters, effectiveIntervalMs: this.effectiveIntervalMs(), ...(paused ? { pausedUntil: paused } : {}) };
  }

  /** Read requests counted in the current window (for tests and the UI). */
  readsInWindow(): number {
    return this.planner.readsInWindow();
  }

  private other(): OtherPresenceRequests {
    return this.opts.otherRequests?.() ?? NO_OTHER_REQUESTS;
  }

  private afterPause(): void {
    this.publish();
    if (this.started && !this.current) this.schedule(this.delayUntilNext(0));
  }

  /** Tells onDecision when the interval or its reason changed. */
  private publish(): PollDecision {
    const d = this.decision();
    // A cycle now and then slower than the interval is no news for the log (the status shows it anyway).
    const reason = d.reasonCode === 'poll-slow-cycle' ? 'poll-configured' : d.reasonCode;
    const key = `${reason}:${d.intervalMs}:${d.pausedUntil ?? 0}`;
    if (key !== this.lastDecisionKey) {
      this.lastDecisionKey = key;
      try {
        this.opts.onDecision?.(d);
      } catch {
        // a listener must not stop the loop
      }
    }
    return d;
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, Math.max(0, delayMs));
  }

  /** How long to wait from now before the next cycle may start: the planned delay, Retry-After, window room. */
  private delayUntilNext(plannedDelayMs: number): number {
    return Math.max(plannedDelayMs, this.planner.roomDelayMs(requestsPerCycle(this.opts.users()), this.other()));
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
    this.publish();
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
        if (typeof retryAfterMs === 'number') {
          // A 429 widens the interval (once per burst, also when the Graph client reported it already).
          if (answeredStatus(err, 429)) this.planner.throttled(retryAfterMs);
          else this.planner.pause(retryAfterMs);
        }
        try { this.opts.onError?.(err); } catch { /* a listener must not stop the loop */ }
      }
      // Counted whether the cycle succeeded or not: Graph counts every request it received.
      this.planner.noteReads(made, start);
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
      // Interval (as decided now, after what this cycle met) measured from the start of the cycle; a slow cycle
      // is followed at once, but never overlapped.
      const elapsed = this.clock.now() - start;
      this.schedule(this.delayUntilNext(Math.max(0, this.publish().intervalMs - elapsed)));
    });
  }
}

/** Whether the error or one of its causes is an HTTP answer with this status (the presence reader wraps it). */
function answeredStatus(err: unknown, status: number): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { status?: unknown }).status === status) return true;
  }
  return false;
}
