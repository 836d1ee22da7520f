// How often the bridge may read Teams presence, and why (issue 17). Microsoft allows a tenant's app a budget of
// presence requests (documented: 1,500 per 30 s per app per tenant; sync.presenceRequestsPer30Seconds) that the
// tenant's other apps share. The bridge keeps its own share — reads, presence writes and session refreshes
// together — under a ceiling (sync.presenceBudgetSharePercent, default 25 %): the configured poll interval is
// widened when the reads would not fit next to the writes, and widened further after a 429 until Graph has been
// quiet for a while. Pure bookkeeping on an injected time source; the scheduler asks it, and the sync status
// shows its answer (reason code + params) on the board.

import type { PollReasonCode } from '../core/poll-status.js';

export const PRESENCE_IDS_PER_REQUEST = 650;


export interface PresenceBudgetSettings {
  /** Requests the tenant's app may make per window (Graph's limit). */
  limit: number;
  windowMs: number;
  /** Ceiling of the bridge's share of `limit`, in percent. */
  sharePercent: number;
}

export const DEFAULT_BUDGET_SETTINGS: PresenceBudgetSettings = { limit: 1_500, windowMs: 30_000, sharePercent: 25 };

/** Presence requests besides the reads, in the last window. */
export interface OtherPresenceRequests {
  /** setPresence / clearPresence of the STARFACE → Teams direction. */
  writes: number;
  /** Refreshes of the bridge's held Teams sessions (a session expires after 5 minutes unless refreshed). */
  refreshes: number;
}

export interface PollDecision {
  intervalMs: number;
  configuredMs: number;
  reasonCode: PollReasonCode;
  /** What the reason refers to (numbers only, so every language can render them). */
  params: Record<string, number>;
  /** The bridge's requests in the last window (reads, writes, refreshes) as a share of the limit, in percent. */
  sharePercent: number;
  ceilingPercent: number;
  /** Epoch ms before which no cycle starts because Graph answered 429 with Retry-After. */
  pausedUntil?: number;
}

/** Longest widening after repeated 429s (× the interval the budget allows). */
const MAX_THROTTLE_FACTOR = 16;
/** Part of the ceiling kept free for a burst of presence writes (calls starting), so they never wait for reads. */
const WRITE_RESERVE = 0.1;
/** Part of the ceiling the reads always keep, however many writes: Teams → STARFACE never stops for calls. */
const READ_FLOOR = 0.25;

/** Presence read requests one cycle costs for `users` synced users. */
export function requestsPerCycle(users: number): number {
  return users <= 0 ? 0 : Math.ceil(users / PRESENCE_IDS_PER_REQUEST);
}

export class PresenceBudgetPlanner {
  private settings: PresenceBudgetSettings;
  /** (time, count) of read requests, oldest first; pruned to the window. */
  private readonly reads: { at: number; count: number }[] = [];
  private pausedUntil = 0;
  private lastThrottleAt = Number.NEGATIVE_INFINITY;
  private throttleFactorAtLast = 1;
  private lastRetryAfterMs = 0;

  constructor(settings: Partial<PresenceBudgetSettings> = {}, private readonly now: () => number = Date.now) {
    this.settings = { ...DEFAULT_BUDGET_SETTINGS, ...settings };
  }

  configure(settings: Partial<PresenceBudgetSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  get budget(): Readonly<PresenceBudgetSettings> {
    return this.settings;
  }

  /** Requests per window the bridge allows itself. */
  ceiling(): number {
    return (this.settings.limit * this.settings.sharePercent) / 100;
  }

  /** Reads a cycle made (counted whether it succeeded or not: Graph counts them too). */
  noteReads(count: number, at: number = this.now()): void {
    if (count > 0) this.reads.push({ at, count });
  }

  readsInWindow(): number {
    this.prune();
    return this.reads.reduce((s, r) => s + r.count, 0);
  }

  /**
   * Graph answered 429: no cycle before Retry-After, and the interval doubles until Graph has been quiet. The
   * 429s of one burst (the chunks of a cycle answered together, while already paused) widen it once.
   */
  throttled(retryAfterMs: number): void {
    const now = this.now();
    if (now >= this.pausedUntil) this.throttleFactorAtLast = Math.min(MAX_THROTTLE_FACTOR, this.throttleFactor() * 2);
    else this.throttleFactorAtLast = Math.max(this.throttleFactorAtLast, this.throttleFactor());
    this.lastThrottleAt = now;
    this.lastRetryAfterMs = Math.max(0, retryAfterMs);
    this.pause(retryAfterMs);
  }

  /** No cycle before now + ms (a Retry-After, also without a 429, e.g. on a 503). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.max(0, ms));
  }

  /** Epoch ms before which no cycle may start (0 when not paused). */
  pausedUntilMs(): number {
    return this.pausedUntil > this.now() ? this.pausedUntil : 0;
  }

  /** The widening after 429s: doubled by each, halved for every whole window without one. */
  throttleFactor(): number {
    const quiet = Math.floor((this.now() - this.lastThrottleAt) / this.settings.windowMs);
    if (!Number.isFinite(quiet)) return 1;
    return Math.max(1, this.throttleFactorAtLast / 2 ** Math.max(0, quiet));
  }

  /** Read requests per window left for reads next to `other`. */
  readAllowance(other: OtherPresenceRequests): number {
    const ceiling = this.ceiling();
    const others = other.writes + other.refreshes;
    return Math.max(ceiling * READ_FLOOR, ceiling - Math.max(others, ceiling * WRITE_RESERVE));
  }

  /** The shortest interval whose reads fit the allowance (0 = nobody to read). */
  budgetIntervalMs(users: number, other: OtherPresenceRequests): number {
    const reads = requestsPerCycle(users);
    if (reads === 0) return 0;
    return Math.ceil((this.settings.windowMs * reads) / this.readAllowance(other));
  }

  /** The interval to keep now, and why. `lastCycleMs`: how long the last cycle took (a slower one sets the pace). */
  decide(o: { configuredMs: number; users: number; other: OtherPresenceRequests; lastCycleMs?: number }): PollDecision {
    const budgetMs = this.budgetIntervalMs(o.users, o.other);
    const factor = this.throttleFactor();
    const paused = this.pausedUntilMs();
    const base = Math.max(o.configuredMs, budgetMs);
    const intervalMs = Math.round(base * factor);
    const limit = this.settings.limit;
    const used = this.readsInWindow() + o.other.writes + o.other.refreshes;
    const common = {
      intervalMs,
      configuredMs: o.configuredMs,
      sharePercent: round1((used / limit) * 100),
      ceilingPercent: this.settings.sharePercent,
      ...(paused ? { pausedUntil: paused } : {}),
    };
    const windowS = this.settings.windowMs / 1000;
    if (factor > 1 || paused) {
      return { ...common, reasonCode: 'poll-throttled', params: { retryAfterMs: this.lastRetryAfterMs, factor, intervalMs } };
    }
    if (budgetMs > o.configuredMs) {
      const reads = requestsPerCycle(o.users);
      return {
        ...common,
        reasonCode: 'poll-budget-share',
        params: {
          configuredMs: o.configuredMs, intervalMs, ceilingPercent: this.settings.sharePercent, limit, windowSeconds: windowS,
          readsPerCycle: reads, readsPerWindow: round1((reads * this.settings.windowMs) / intervalMs), writes: o.other.writes, refreshes: o.other.refreshes,
        },
      };
    }
    if (o.lastCycleMs !== undefined && o.lastCycleMs > intervalMs) {
      return { ...common, reasonCode: 'poll-slow-cycle', params: { cycleMs: Math.round(o.lastCycleMs), intervalMs } };
    }
    const reads = requestsPerCycle(o.users);
    const planned = reads === 0 || intervalMs === 0 ? 0 : (reads * this.settings.windowMs) / intervalMs;
    return {
      ...common,
      reasonCode: 'poll-configured',
      params: { configuredMs: o.configuredMs, plannedSharePercent: round1(((planned + o.other.writes + o.other.refreshes) / limit) * 100), ceilingPercent: this.settings.sharePercent },
    };
  }

  /**
   * The hard guard: how long from now until the window has room for `need` more reads next to `other`
   * within the read allowance, and Retry-After has passed. 0 = now.
   */
  roomDelayMs(need: number, other: OtherPresenceRequests): number {
    const now = this.now();
    let at = Math.max(now, this.pausedUntil);
    if (need > 0) {
      const cap = this.readAllowance(other);
      this.prune();
      let used = this.reads.reduce((s, r) => s + r.count, 0);
      for (const r of this.reads) {
        if (used + need <= cap) break;
        at = Math.max(at, r.at + this.settings.windowMs + 1);
        used -= r.count;
      }
    }
    return at - now;
  }

  private prune(): void {
    const cutoff = this.now() - this.settings.windowMs;
    while (this.reads.length > 0 && this.reads[0]!.at <= cutoff) this.reads.shift();
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
