// The engine's sync status as the UI sees it: state, reason, counters, the time of the last good cycle, and the
// health of the users' UCI sessions. Changes of state go out at once; a change of the reason alone (e.g. "1,200
// of 2,000 STARFACE sessions are not connected" counting down during start-up) at most once a second.
import type { RestoreStatus, SyncState, SyncStatus } from '../core/engine-state.js';
import type { PollStatus } from '../core/poll-status.js';
import { errorCodeOf, type Message } from '../core/errors.js';
import { messageText } from '../core/messages/index.js';
import type { Clock, TimerHandle } from '../platform/clock.js';
import { errorText } from '../platform/error-text.js';
import { NeedsSignInError, TokenRequestError } from '../teams/errors.js';

const SYNC_REASON_EMIT_MS = 1_000;

export type SyncCounters = Required<SyncStatus['counters']>;

export interface StatusReporterOptions {
  clock: Clock;
  /** Receives every status that goes out to subscribers. */
  emit: (status: SyncStatus) => void;
  /** The outcome of the last restore, if any (shown with the status). */
  restore?: () => RestoreStatus | undefined;
  /** The poll interval kept and why, while the sync runs (issue 17). */
  poll?: () => PollStatus | undefined;
}

export class SyncStatusReporter {
  readonly counters: SyncCounters = { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0, failedWrites: 0 };
  private syncState: SyncState = 'stopped';
  /** Why, as code and params (the UI renders it in its language) with the plain English for logs. */
  private reason: { message: Message; text: string } | undefined;
  private since: number;
  private lastSuccessfulSync: number | undefined;
  private emitTimer: TimerHandle | undefined;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  /**
   * Synced users whose UCI session is not connected, in the order they went down: kept up to date by session
   * status changes (O(1) each) and recounted once per cycle, so it can never drift.
   */
  private readonly sessionsDown = new Set<string>();

  constructor(private readonly opts: StatusReporterOptions) {
    this.since = opts.clock.now();
  }

  get state(): SyncState {
    return this.syncState;
  }

  status(): SyncStatus {
    const s: SyncStatus = {
      state: this.syncState,
      since: new Date(this.since).toISOString(),
      counters: { ...this.counters },
    };
    if (this.reason) {
      const { message, text } = this.reason;
      s.reason = text;
      s.reasonCode = message.code;
      if (message.params && Object.keys(message.params).length > 0) s.reasonParams = { ...message.params };
      if (message.detail) s.reasonDetail = message.detail;
    }
    const restore = this.opts.restore?.();
    if (restore) s.restore = restore;
    const poll = this.opts.poll?.();
    if (poll) s.poll = poll;
    if (this.lastSuccessfulSync !== undefined) s.lastSuccessfulSync = new Date(this.lastSuccessfulSync).toISOString();
    return s;
  }

  /**
   * Emits on every change of state; with throttleReason, a change of the reason alone at most once a second.
   * `text` overrides the plain English (an error's own message); by default it comes from the message table.
   */
  set(state: SyncState, reason?: Message, opts: { throttleReason?: boolean; text?: string } = {}): void {
    const next = reason ? { message: reason, text: opts.text ?? messageText(reason) } : undefined;
    if (state === this.syncState && sameReason(next, this.reason)) return;
    const sameState = state === this.syncState;
    if (!sameState) this.since = this.opts.clock.now();
    this.syncState = state;
    this.reason = next;
    if (sameState && opts.throttleReason) this.emitSoon();
    else this.emitNow();
  }

  /**
   * A failed cycle: signed out, degraded with reasonCode microsoft-sign-in-unavailable (the sign-in service
   * fails for a moment; tokens are retried within seconds — issue 13 item 2), paused (Graph asked to wait) or
   * degraded. Returns the message.
   */
  cycleFailed(err: unknown): string {
    this.counters.errors++;
    const msg = errText(err);
    const signIn = temporarySignInFailure(err);
    // The error's own message stays the plain text (logs); the UI shows the code's text with it as the detail.
    const coded = (code: Message['code'], text: string) => ({ code, detail: text });
    if (causeOf(err, (e) => e instanceof NeedsSignInError)) this.set('signed-out', coded('needs-sign-in', msg), { text: msg });
    else if (signIn) this.set('degraded', coded('microsoft-sign-in-unavailable', signIn), { text: signIn });
    else if (typeof (err as { retryAfterMs?: unknown } | null)?.retryAfterMs === 'number') this.set('paused', coded(errorCodeOf(err), msg), { text: msg });
    else this.set('degraded', coded(errorCodeOf(err), msg), { text: msg });
    return msg;
  }

  /** A cycle read presence fine at `at`. */
  succeeded(at: number): void {
    this.lastSuccessfulSync = at;
  }

  /** Sends the current status now (e.g. after each cycle, so the counters on the board move). */
  emitNow(): void {
    this.opts.clock.clearTimeout(this.emitTimer);
    this.emitTimer = undefined;
    this.lastEmitAt = this.opts.clock.now();
    this.opts.emit(this.status());
  }

  /** Stops a pending trailing emit (the engine is closing). */
  dispose(): void {
    this.opts.clock.clearTimeout(this.emitTimer);
    this.emitTimer = undefined;
  }

  // ---- session health --------------------------------------------------------------------------------------

  sessionUp(login: string): void {
    this.sessionsDown.delete(login);
  }

  sessionDown(login: string): void {
    this.sessionsDown.add(login);
  }

  /** Rebuilds the set of sessions that are down from the sessions themselves. */
  recountSessions(logins: Iterable<string>, isConnected: (login: string) => boolean): void {
    this.sessionsDown.clear();
    for (const login of logins) if (!isConnected(login)) this.sessionsDown.add(login);
  }

  /**
   * running or degraded, from the sessions' health (a cycle that read presence fine got us here). O(1) from
   * the kept set, so thousands of logins at start-up do not mean thousands of scans and state.sync events.
   */
  refreshFromSessions(users: number, sessionError: (login: string) => string | undefined): void {
    const down = this.sessionsDown.size;
    if (down > 0) {
      const first = this.sessionsDown.values().next().value as string;
      const example = sessionError(first);
      const reason: Message = { code: 'sessions-down', params: { down, total: users }, ...(example ? { detail: example } : {}) };
      this.set('degraded', reason, { throttleReason: true });
    } else {
      this.set('running');
    }
  }

  /** A trailing emit within SYNC_REASON_EMIT_MS of the last one: subscribers always end on the newest status. */
  private emitSoon(): void {
    if (this.emitTimer) return;
    const wait = Math.max(0, this.lastEmitAt + SYNC_REASON_EMIT_MS - this.opts.clock.now());
    this.emitTimer = this.opts.clock.setTimeout(() => {
      this.emitTimer = undefined;
      this.emitNow();
    }, wait, { unref: true });
  }
}

function sameReason(a: { message: Message; text: string } | undefined, b: { message: Message; text: string } | undefined): boolean {
  if (!a || !b) return a === b;
  return a.text === b.text && a.message.code === b.message.code && a.message.detail === b.message.detail
    && JSON.stringify(a.message.params ?? {}) === JSON.stringify(b.message.params ?? {});
}

/** The message of a temporary sign-in failure (TokenRequestError microsoft-sign-in-unavailable) among the causes. */
function temporarySignInFailure(err: unknown): string | undefined {
  const e = causeOf(err, (c) => c instanceof TokenRequestError && c.temporary);
  return e === undefined ? undefined : errText(e);
}

/** The error or the first of its causes that matches (the presence reader wraps the real reason). */
function causeOf(err: unknown, match: (e: unknown) => boolean): unknown {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (match(e)) return e;
  }
  return undefined;
}

/** An error's message for the status (shown to the admin as a detail): redacted, as every error text. */
export function errText(err: unknown): string {
  return errorText(err);
}
