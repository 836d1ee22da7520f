import type { ControlClient, LogEntry } from '../api/types.js';
import { Store } from './store.js';

/** How many entries the page keeps; older ones are dropped (the export has the host's full ring buffer). */
export const LOG_KEEP = 5000;

export interface LogState {
  entries: readonly LogEntry[];
  loaded: boolean;
  error: string | null;
}

/** The live log: the host's recent entries once, then every `log.entry` event (deduplicated by seq). */
export class LogStore {
  readonly store = new Store<LogState>({ entries: [], loaded: false, error: null }, 100);
  private readonly seen = new Set<number>();
  private unsubscribe: (() => void) | undefined;
  private offConnection: (() => void) | undefined;
  private loading: Promise<void> = Promise.resolve();

  constructor(private readonly client: ControlClient) {}

  start(): void {
    this.unsubscribe = this.client.subscribe((e) => {
      if (e.type === 'log.entry') this.add([e.data]);
    });
    this.loading = this.load();
    // Every time the event stream (re)connects, including the first time: an entry logged after the first
    // fetch but before the stream was open reached neither, so fetch what came since.
    this.offConnection = this.client.onConnection((state) => {
      if (state === 'connected') void this.catchUp();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.offConnection?.();
  }

  async load(): Promise<void> {
    try {
      const { entries } = await this.client.call('log.entries', { limit: 2000 });
      this.add(entries);
      this.store.set((s) => ({ ...s, loaded: true, error: null }));
    } catch (err) {
      this.store.set((s) => ({ ...s, loaded: true, error: err instanceof Error ? err.message : String(err) }));
    }
  }

  /** After the event stream was down: fetch what was logged meanwhile. */
  async catchUp(): Promise<void> {
    await this.loading; // what the first fetch returns needs no second request
    const last = this.store.get().entries.at(-1)?.seq;
    if (last === undefined) return this.load();
    try {
      const { entries } = await this.client.call('log.entries', { sinceSeq: last, limit: 2000 });
      this.add(entries);
    } catch {
      // the next reconnect tries again
    }
  }

  private add(batch: readonly LogEntry[]): void {
    const fresh = batch.filter((e) => !this.seen.has(e.seq));
    if (fresh.length === 0) return;
    for (const e of fresh) this.seen.add(e.seq);
    this.store.set((s) => {
      let merged = s.entries.concat(fresh);
      // Entries from the initial fetch can arrive after live events: keep the list in seq order.
      if (fresh.some((e, i) => (i === 0 ? s.entries.length > 0 && e.seq < s.entries[s.entries.length - 1]!.seq : e.seq < fresh[i - 1]!.seq))) {
        merged = merged.sort((a, b) => a.seq - b.seq);
      }
      if (merged.length > LOG_KEEP) {
        const dropped = merged.slice(0, merged.length - LOG_KEEP);
        for (const e of dropped) this.seen.delete(e.seq);
        merged = merged.slice(merged.length - LOG_KEEP);
      }
      return { ...s, entries: merged };
    });
  }
}
