// Writes the app's presence session for users (application permission Presence.ReadWrite.All):
// setPresence with sessionId = our client id, kept alive before it expires while needed; clearPresence on
// release (404 = the session is already gone). Operations for one user run in order.
import type { Logger } from '../platform/logger.js';
import { silentLogger } from '../platform/logger.js';
import { GraphAmbiguousWriteError, GraphRequestError, NoTeamsPresenceError } from './errors.js';
import type { GraphClient } from './graph-client.js';
import { coded } from '../core/messages/log-line.js';

export interface SessionPresence {
  availability: string;
  activity: string;
}

/** The pairs setPresence accepts (reference §1.2). */
export const SESSION_PAIRS: readonly SessionPresence[] = [
  { availability: 'Available', activity: 'Available' },
  { availability: 'Busy', activity: 'InACall' },
  { availability: 'Busy', activity: 'InAConferenceCall' },
  { availability: 'Away', activity: 'Away' },
  { availability: 'DoNotDisturb', activity: 'Presenting' },
];

export const MIN_SESSION_MINUTES = 5;
export const MAX_SESSION_MINUTES = 240;

export interface PresenceWriterOptions {
  graph: GraphClient;
  /** The app registration's client id: Graph requires it as the sessionId. */
  clientId: string;
  /** expirationDuration of each setPresence, 5..240 minutes; default 5 (a crashed bridge leaves no stuck state). */
  sessionMinutes?: number;
  /**
   * How often a held session is refreshed; default 3.5 minutes (the reference advises every 3–4 minutes, as the
   * requested duration has been reported to be ignored). Always shorter than the session itself.
   */
  refreshEveryMs?: number;
  /** After a failed refresh, try again this soon; default 15 s. */
  retryAfterFailureMs?: number;
  logger?: Logger;
  /** A keep-alive refresh failed (the session may lapse). */
  onRefreshError?: (userId: string, error: unknown) => void;
}

interface Held {
  presence: SessionPresence;
  timer: NodeJS.Timeout | undefined;
  lastSetAt: number;
}

export function canonicalPair(p: SessionPresence): SessionPresence | undefined {
  return SESSION_PAIRS.find((s) => s.availability.toLowerCase() === p.availability.trim().toLowerCase()
    && s.activity.toLowerCase() === p.activity.trim().toLowerCase());
}

export class PresenceWriter {
  private readonly held = new Map<string, Held>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly sessionMinutes: number;
  private readonly refreshEveryMs: number;
  private readonly log: Logger;
  private closed = false;

  constructor(private readonly opts: PresenceWriterOptions) {
    const minutes = opts.sessionMinutes ?? MIN_SESSION_MINUTES;
    if (!Number.isInteger(minutes) || minutes < MIN_SESSION_MINUTES || minutes > MAX_SESSION_MINUTES) {
      throw new RangeError(`sessionMinutes must be a whole number from ${MIN_SESSION_MINUTES} to ${MAX_SESSION_MINUTES}; got ${minutes}.`);
    }
    if (!opts.clientId.trim()) throw new RangeError('PresenceWriter needs the app client id (it is the setPresence sessionId).');
    this.sessionMinutes = minutes;
    this.refreshEveryMs = Math.min(opts.refreshEveryMs ?? 210_000, minutes * 60_000 - 30_000);
    this.log = (opts.logger ?? silentLogger).child({ component: 'presence-writer' });
  }

  /** Users whose session we currently keep alive. */
  heldUsers(): string[] {
    return [...this.held.keys()];
  }

  heldPresence(userId: string): SessionPresence | undefined {
    return this.held.get(userId)?.presence;
  }

  /** One setPresence call (no keep-alive). */
  async setPresence(userId: string, presence: SessionPresence, signal?: AbortSignal): Promise<void> {
    const pair = canonicalPair(presence);
    if (!pair) {
      throw new RangeError(`Teams does not accept ${presence.availability}/${presence.activity} as an app presence. ` +
        `Use one of: ${SESSION_PAIRS.map((p) => `${p.availability}/${p.activity}`).join(', ')}.`);
    }
    try {
      await this.opts.graph.write(`/users/${encodeURIComponent(userId)}/presence/setPresence`, {
        sessionId: this.opts.clientId,
        availability: pair.availability,
        activity: pair.activity,
        expirationDuration: `PT${this.sessionMinutes}M`,
      }, signal);
    } catch (e) {
      // The user ids come from the directory, so a 404 here means Teams has no presence for the user.
      if (e instanceof GraphRequestError && e.status === 404) throw new NoTeamsPresenceError(userId, { cause: e });
      throw e;
    }
  }

  /** clearPresence for our session; 'already-clear' when Graph says there is none (404). */
  async clearPresence(userId: string, signal?: AbortSignal): Promise<'cleared' | 'already-clear'> {
    try {
      await this.opts.graph.write(`/users/${encodeURIComponent(userId)}/presence/clearPresence`, { sessionId: this.opts.clientId }, signal);
      return 'cleared';
    } catch (e) {
      if (e instanceof GraphRequestError && e.status === 404) return 'already-clear';
      throw e;
    }
  }

  /**
   * Sets the session now and keeps it alive until release(). Setting the same presence again only refreshes.
   * When the outcome is unknown (GraphAmbiguousWriteError) the session counts as held, so the keep-alive tries
   * again soon and release()/close({clear}) still clear it; the error is passed on all the same.
   */
  hold(userId: string, presence: SessionPresence): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The presence writer is closed.'));
    return this.enqueue(userId, async () => {
      let ambiguous: GraphAmbiguousWriteError | undefined;
      try {
        await this.setPresence(userId, presence);
      } catch (e) {
        if (!(e instanceof GraphAmbiguousWriteError)) throw e;
        ambiguous = e;
      }
      const prev = this.held.get(userId);
      if (prev?.timer) clearTimeout(prev.timer);
      const entry: Held = { presence: canonicalPair(presence)!, timer: undefined, lastSetAt: Date.now() };
      this.held.set(userId, entry);
      this.schedule(userId, entry, ambiguous ? Math.min(this.refreshEveryMs, this.opts.retryAfterFailureMs ?? 15_000) : this.refreshEveryMs);
      if (ambiguous) throw ambiguous;
    });
  }

  /** Stops keeping the session alive and clears it. */
  release(userId: string): Promise<'cleared' | 'already-clear'> {
    return this.enqueue(userId, async () => {
      const entry = this.held.get(userId);
      if (entry?.timer) clearTimeout(entry.timer);
      this.held.delete(userId);
      return this.clearPresence(userId);
    });
  }

  /** Stops all keep-alives; with clear=true also clears every held session (e.g. on quit with restore). */
  async close(opts: { clear?: boolean } = {}): Promise<void> {
    this.closed = true;
    const users = [...this.held.keys()];
    for (const e of this.held.values()) if (e.timer) clearTimeout(e.timer);
    if (opts.clear) {
      const results = await Promise.allSettled(users.map((u) => this.release(u)));
      const failures = results.filter((r) => r.status === 'rejected').length;
      if (failures) this.log.warn('Some Teams sessions could not be cleared on close; they expire on their own', coded('log-teams-sessions-not-cleared', { failures, sessionMinutes: this.sessionMinutes }));
    }
    this.held.clear();
  }

  private schedule(userId: string, entry: Held, delayMs: number): void {
    entry.timer = setTimeout(() => {
      void this.enqueue(userId, async () => {
        if (this.held.get(userId) !== entry) return; // released or replaced meanwhile
        try {
          await this.setPresence(userId, entry.presence);
          entry.lastSetAt = Date.now();
          this.schedule(userId, entry, this.refreshEveryMs);
        } catch (e) {
          this.log.warn('Keeping the Teams session alive failed; retrying', { userId, ...coded('log-teams-keep-alive-failed', { error: e instanceof Error ? e.message : String(e) }) });
          this.opts.onRefreshError?.(userId, e);
          const sessionEnds = entry.lastSetAt + this.sessionMinutes * 60_000;
          const retry = Math.max(1_000, Math.min(this.opts.retryAfterFailureMs ?? 15_000, sessionEnds - Date.now() - 5_000));
          if (this.held.get(userId) === entry) this.schedule(userId, entry, retry);
        }
      }).catch(() => undefined);
    }, delayMs);
    entry.timer.unref?.();
  }

  /** Runs operations for one user strictly one after another (set, refresh, clear never overtake each other). */
  private enqueue<T>(userId: string, op: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(userId) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(op);
    const tail = run.catch(() => undefined);
    this.queues.set(userId, tail);
    void tail.then(() => { if (this.queues.get(userId) === tail) this.queues.delete(userId); });
    return run;
  }
}
