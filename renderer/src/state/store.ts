/**
 * A tiny external store for React: state is replaced (never mutated), listeners run after each change.
 * `batchMs` coalesces bursts (e.g. 2,000 `state.user` events after a sync cycle) into one render.
 */
export class Store<T> {
  private state: T;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(initial: T, private readonly batchMs = 0) {
    this.state = initial;
  }

  get = (): T => this.state;

  set(next: T | ((prev: T) => T)): void {
    this.state = typeof next === 'function' ? (next as (prev: T) => T)(this.state) : next;
    if (this.batchMs <= 0) {
      this.emit();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.emit();
      }, this.batchMs);
    }
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private emit(): void {
    for (const fn of [...this.listeners]) fn();
  }
}
