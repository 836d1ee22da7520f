// The apply queue: every write to a user's PBX state (or Teams session) goes through here.
// - bounded concurrency: hundreds of UCI sessions must not be hit at once;
// - strict per-key ordering: at most one task per user runs at a time, in the order they were queued;
// - coalescing: a newer desired state for a user replaces a still-queued older one (the older is never written);
// - retries with exponential backoff and jitter; a newer item arriving during the backoff wins over the retry;
// - an attempt that failed for want of something the caller can signal (e.g. a UCI session still logging in)
//   waits for `wake(key)` instead — the longest backoff is its fallback — so it runs the moment it can.
import { systemClock, type Clock, type TimerHandle } from '../platform/clock.js';

export type ApplyOutcome =
  | { status: 'done'; attempts: number }
  | { status: 'superseded' }
  | { status: 'cancelled' }
  | { status: 'failed'; attempts: number; error: unknown };

export interface ApplyQueueOptions<T> {
  /** Does the work for one key. Throwing counts as a failed attempt. */
  worker: (key: string, item: T, attempt: number) => Promise<void>;
  /** Tasks running at the same time across all keys. Default 16. */
  concurrency?: number;
  /** Attempts per item including the first. Default 4. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at maxDelayMs, with ±25 % jitter. Default 200 ms. */
  baseDelayMs?: number;
  /** Default 10 s. */
  maxDelayMs?: number;
  /** Whether an error is worth another attempt. Default: always. */
  isRetryable?: (error: unknown) => boolean;
  /**
   * Whether a failed attempt waits for `wake(key)` rather than its backoff (with maxDelayMs as the fallback
   * if no wake comes). It still counts as an attempt. Default: never.
   */
  waitsForWake?: (error: unknown) => boolean;
  /** Combines a queued older item with a newer one for the same key. Default: the newer replaces the older. */
  merge?: (older: T, newer: T) => T;
  /** Called once per item when it is finished (any outcome), for logging and counters. */
  onOutcome?: (key: string, item: T, outcome: ApplyOutcome) => void;
  /** Timers for the retry backoff. Default: the system clock. */
  clock?: Clock;
}

export interface ApplyQueueStats {
  enqueued: number;
  coalesced: number;
  done: number;
  failed: number;
  retries: number;
  /** Retries started early by wake(key). */
  woken: number;
  cancelled: number;
  /** Items waiting (including ones waiting for a retry). */
  pending: number;
  running: number;
  /** Highest number of tasks that ever ran at the same time. */
  peakRunning: number;
}

interface Pending<T> {
  item: T;
  resolvers: ((o: ApplyOutcome) => void)[];
  attempts: number;
}

interface KeyState<T> {
  running: boolean;
  /** Next item for this key (only one: newer ones coalesce into it). */
  next?: Pending<T>;
  /** Retry timer while the last attempt failed and we wait for the backoff. */
  retryTimer?: TimerHandle;
  /** The retry waits for wake(key) (the timer is only the fallback). */
  waiting?: boolean;
  /** Set while the key sits in the ready list, so it is listed once. */
  ready: boolean;
}

export class ApplyQueue<T> {
  private readonly opts: Required<Omit<ApplyQueueOptions<T>, 'merge' | 'onOutcome' | 'clock'>> & Pick<ApplyQueueOptions<T>, 'merge' | 'onOutcome'>;
  private readonly clock: Clock;
  private readonly keys = new Map<string, KeyState<T>>();
  /** Keys with a runnable item, in arrival order (fairness across users). */
  private readonly readyList: string[] = [];
  private running = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly counters = { enqueued: 0, coalesced: 0, done: 0, failed: 0, retries: 0, woken: 0, cancelled: 0, peakRunning: 0 };

  constructor(options: ApplyQueueOptions<T>) {
    this.opts = {
      worker: options.worker,
      concurrency: Math.max(1, options.concurrency ?? 16),
      maxAttempts: Math.max(1, options.maxAttempts ?? 4),
      baseDelayMs: options.baseDelayMs ?? 200,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      isRetryable: options.isRetryable ?? (() => true),
      waitsForWake: options.waitsForWake ?? (() => false),
      merge: options.merge,
      onOutcome: options.onOutcome,
    };
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Queues an item for a key. Resolves when it was written, replaced by a newer item, cancelled, or failed for good.
   * Never rejects.
   */
  enqueue(key: string, item: T): Promise<ApplyOutcome> {
    if (this.closed) return Promise.resolve({ status: 'cancelled' });
    this.counters.enqueued++;
    let state = this.keys.get(key);
    if (!state) {
      state = { running: false, ready: false };
      this.keys.set(key, state);
    }
    return new Promise<ApplyOutcome>((resolve) => {
      const st = state;
      if (st.next) {
        // Coalesce: the queued item was never started (or waits for a retry); the newer state wins.
        this.counters.coalesced++;
        const older = st.next;
        const merged = this.opts.merge ? this.opts.merge(older.item, item) : item;
        if (!this.opts.merge) this.finish(key, older.item, older.resolvers, { status: 'superseded' });
        st.next = { item: merged, resolvers: this.opts.merge ? [...older.resolvers, resolve] : [resolve], attempts: 0 };
        if (st.retryTimer) {
          this.clock.clearTimeout(st.retryTimer);
          st.retryTimer = undefined;
          st.waiting = false;
          this.markReady(key, st);
        }
      } else {
        st.next = { item, resolvers: [resolve], attempts: 0 };
        if (!st.running) this.markReady(key, st);
      }
      this.pump();
    });
  }

  /**
   * Runs the key's retry now if it waits for a wake (see `waitsForWake`), e.g. when the user's session logged in.
   * Anything else for the key is left alone.
   */
  wake(key: string): void {
    const st = this.keys.get(key);
    if (!st?.waiting || !st.retryTimer) return;
    this.clock.clearTimeout(st.retryTimer);
    st.retryTimer = undefined;
    st.waiting = false;
    this.counters.woken++;
    this.markReady(key, st);
    this.pump();
  }

  /** Drops what is queued for a key (a running task finishes). */
  cancel(key: string): void {
    const st = this.keys.get(key);
    if (!st?.next) return;
    if (st.retryTimer) this.clock.clearTimeout(st.retryTimer);
    st.retryTimer = undefined;
    st.waiting = false;
    const p = st.next;
    st.next = undefined;
    this.counters.cancelled++;
    this.finish(key, p.item, p.resolvers, { status: 'cancelled' });
    this.cleanup(key, st);
    this.checkIdle();
  }

  /** Whether something is queued or running for a key. */
  has(key: string): boolean {
    const st = this.keys.get(key);
    return !!st && (st.running || !!st.next);
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops accepting items, cancels what is queued, waits for running tasks. */
  async close(): Promise<void> {
    this.closed = true;
    for (const key of [...this.keys.keys()]) this.cancel(key);
    await this.idle();
  }

  stats(): ApplyQueueStats {
    let pending = 0;
    for (const st of this.keys.values()) if (st.next) pending++;
    return { ...this.counters, pending, running: this.running };
  }

  private isIdle(): boolean {
    if (this.running > 0) return false;
    for (const st of this.keys.values()) if (st.next || st.running) return false;
    return true;
  }

  private markReady(key: string, st: KeyState<T>): void {
    if (st.ready) return;
    st.ready = true;
    this.readyList.push(key);
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.readyList.length > 0) {
      const key = this.readyList.shift()!;
      const st = this.keys.get(key);
      if (!st) continue;
      st.ready = false;
      if (st.running || !st.next || st.retryTimer) continue;
      const task = st.next;
      st.next = undefined;
      st.running = true;
      this.running++;
      if (this.running > this.counters.peakRunning) this.counters.peakRunning = this.running;
      void this.runTask(key, st, task);
    }
  }

  private async runTask(key: string, st: KeyState<T>, task: Pending<T>): Promise<void> {
    task.attempts++;
    let error: unknown;
    let ok = false;
    try {
      await this.opts.worker(key, task.item, task.attempts);
      ok = true;
    } catch (err) {
      error = err;
    }
    st.running = false;
    this.running--;
    if (ok) {
      this.counters.done++;
      this.finish(key, task.item, task.resolvers, { status: 'done', attempts: task.attempts });
      if (st.next) this.markReady(key, st);
    } else if (st.next) {
      // A newer item arrived while this one ran: retrying an outdated state makes no sense.
      this.finish(key, task.item, task.resolvers, { status: 'superseded' });
      this.markReady(key, st);
    } else if (!this.closed && task.attempts < this.opts.maxAttempts && this.opts.isRetryable(error)) {
      this.counters.retries++;
      st.next = task;
      st.waiting = this.opts.waitsForWake(error);
      st.retryTimer = this.clock.setTimeout(() => {
        st.retryTimer = undefined;
        st.waiting = false;
        this.markReady(key, st);
        this.pump();
      }, st.waiting ? this.opts.maxDelayMs : this.backoff(task.attempts), { unref: true });
    } else {
      this.counters.failed++;
      this.finish(key, task.item, task.resolvers, { status: 'failed', attempts: task.attempts, error });
    }
    this.cleanup(key, st);
    this.pump();
    this.checkIdle();
  }

  private backoff(attempt: number): number {
    const raw = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(raw * (0.75 + Math.random() * 0.5));
  }

  private finish(key: string, item: T, resolvers: ((o: ApplyOutcome) => void)[], outcome: ApplyOutcome): void {
    try {
      this.opts.onOutcome?.(key, item, outcome);
    } catch {
      // A faulty listener must not break the queue.
    }
    for (const r of resolvers) r(outcome);
  }

  private cleanup(key: string, st: KeyState<T>): void {
    if (!st.running && !st.next && !st.retryTimer && !st.ready) this.keys.delete(key);
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
