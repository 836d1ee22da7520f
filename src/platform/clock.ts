// Time as a dependency: engine code asks a Clock instead of Date/setTimeout, so tests can drive time with
// ManualClock instead of sleeping.

/** Opaque: whatever the clock returned from setTimeout. */
export type TimerHandle = object;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** `unref`: the timer alone does not keep the process alive (background work such as write-behind flushes). */
  setTimeout(fn: () => void, ms: number, opts?: { unref?: boolean }): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms, opts) => {
    const t = setTimeout(fn, ms);
    if (opts?.unref) t.unref();
    return t;
  },
  clearTimeout: (h) => {
    if (h !== undefined) clearTimeout(h as ReturnType<typeof setTimeout>);
  },
};

/** Resolves after `ms` on the given clock (a ManualClock resolves it during advance()). */
export function delay(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** A clock that only moves when told to; timers fire in due order during advance(). */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<object, { due: number; seq: number; fn: () => void }>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = {};
    this.timers.set(handle, { due: this.t + Math.max(0, ms), seq: this.seq++, fn });
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle);
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, firing every timer that falls due (including ones set by fired timers). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [object, { due: number; seq: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].due <= end && (!next || entry[1].due < next[1].due || (entry[1].due === next[1].due && entry[1].seq < next[1].seq))) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].due);
      next[1].fn();
    }
    this.t = end;
  }
}
