// Rate limit for repeated identical log lines: one fault repeating a thousand times a second must not push
// everything else out of the rotated log files. Each distinct line (same level, component, user, text and fields)
// is written in full `limit` times per window; further copies are only counted, and one summary line says how
// many there were when the window ends ("… repeated 4,812 more times in the last minute").

export interface RepeatLimitOptions {
  /** Identical lines written in full per window; default 20. */
  limit?: number;
  /** Window length; default one minute. */
  windowMs?: number;
}

interface Window<T> {
  start: number;
  count: number;
  suppressed: number;
  /** The newest suppressed copy: the summary carries its fields. */
  last?: T;
  timer?: NodeJS.Timeout;
}

const MAX_TRACKED = 10_000;

export class RepeatLimiter<T> {
  private readonly windows = new Map<string, Window<T>>();
  private readonly limit: number;
  readonly windowMs: number;

  constructor(opts: RepeatLimitOptions, private readonly onSummary: (sample: T, repeated: number) => void) {
    this.limit = Math.max(1, opts.limit ?? 20);
    this.windowMs = Math.max(1, opts.windowMs ?? 60_000);
  }

  /** True when the line is to be written; false when it was counted for a later summary. */
  admit(key: string, sample: T): boolean {
    const now = Date.now();
    let w = this.windows.get(key);
    if (w && now - w.start >= this.windowMs) {
      this.end(key, w);
      w = undefined;
    }
    if (!w) {
      if (this.windows.size >= MAX_TRACKED) this.prune(now);
      w = { start: now, count: 0, suppressed: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.limit) return true;
    w.suppressed++;
    w.last = sample;
    if (!w.timer) {
      const window = w;
      window.timer = setTimeout(() => this.end(key, window), Math.max(0, window.start + this.windowMs - now));
      window.timer.unref?.();
    }
    return false;
  }

  /** Writes every pending summary now (on close). */
  flush(): void {
    for (const [key, w] of [...this.windows]) this.end(key, w);
  }

  /** "in the last minute" / "in the last 30 s". */
  describeWindow(): string {
    return this.windowMs === 60_000 ? 'in the last minute' : `in the last ${Math.round(this.windowMs / 1000)} s`;
  }

  private end(key: string, w: Window<T>): void {
    if (w.timer) clearTimeout(w.timer);
    if (this.windows.get(key) === w) this.windows.delete(key);
    if (w.suppressed > 0 && w.last !== undefined) this.onSummary(w.last, w.suppressed);
  }

  /** Forgets finished windows with nothing to report, so many distinct lines cannot grow the map without bound. */
  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.suppressed === 0 && now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
