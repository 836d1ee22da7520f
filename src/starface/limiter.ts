// A counting semaphore: bounds how many logins (client) or callback deliveries (simulator) run at once, so a
// PBX restart with hundreds of sessions does not turn into a thundering herd.
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {
    if (!(limit >= 1)) throw new Error(`Concurrency limit must be at least 1 (got ${limit}).`);
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  setLimit(limit: number): void {
    if (!(limit >= 1)) throw new Error(`Concurrency limit must be at least 1 (got ${limit}).`);
    this.limit = limit;
    this.drain();
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => {
      this.active++;
      resolve();
    }));
  }

  private release(): void {
    this.active--;
    this.drain();
  }

  private drain(): void {
    while (this.active < this.limit && this.waiting.length) this.waiting.shift()!();
  }
}
