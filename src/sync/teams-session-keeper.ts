// STARFACE → Teams: while a synced user's phone rings or is in a call, the bridge holds an application presence
// session in Teams for them (setPresence, kept alive by the writer) and clears it on hang-up. Call events
// (callback server) and the PBX's own telephony view drive it at once, without waiting for a poll cycle; the
// work for one user runs in order (one chain per user), so a quick ring–hang-up never ends with a session set.
//
// A new session is recorded in the journal before setPresence is sent: a request that may have reached
// Microsoft (timeout, connection reset, unreadable answer, a crash) leaves a session the bridge knows about —
// the echo guard recognises it and the hang-up clears it. Only an answer that proves the request was refused
// (a 4xx other than 408, or no request at all) takes the record back; the presence writer keeps such a session
// held (GraphAmbiguousWriteError) and refreshes it, so the record stays until it is cleared. A user without a
// Teams presence (no licence, a guest) gets no session and no retries. Every failed write is logged at warn
// with user, field and cause and counted, also when the call has ended before a retry.
import { audit, whoParams } from '../core/audit.js';
import { desiredTeamsSession, type TeamsSessionState } from '../core/desired-state.js';
import type { TelephonyState } from '../core/pbx-state.js';
import { hasNoTeamsPresence, type Presence } from '../core/presence.js';
import { recordTeamsSessionCleared, recordTeamsSessionIntent, recordTeamsSessionSet, type JournalEntry } from '../core/journal.js';
import { teamsSessionAction } from '../core/ownership.js';
import type { Settings } from '../core/settings.js';
import { delay, type Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { GraphAmbiguousWriteError, GraphRequestError, NeedsSignInError, NoTeamsPresenceError, TokenRequestError } from '../teams/errors.js';
import type { JournalStore } from './journal.js';
import type { PbxPort, TeamsPort, UciUserState } from './ports.js';
import { errText, type SyncCounters } from './status-reporter.js';
import { coded } from '../core/messages/log-line.js';

/** Presence writes count against the Graph budget over this window (scheduler.ts). */
const WRITE_WINDOW_MS = 30_000;
/** A user whose retries ran out is tried again after a good poll cycle: at once, then doubling up to this. */
const GAVE_UP_MAX_DELAY_MS = 300_000;
const GAVE_UP_FIRST_DELAY_MS = 1_000;
/** How long a setPresence whose outcome is unknown may still land (held somewhere on its way to Microsoft). */
const LATE_SET_WINDOW_MS = 10 * 60_000;
/** Re-clears per such write: enough for its retries landing late too, few when the state is the user's own. */
const LATE_SET_MAX_CLEARS = 3;

/** The part of a synced user's runtime this direction reads and updates. */
export interface ReverseRuntime {
  user: { login: string; microsoftId: string };
  /** The last Teams presence read (a user without a Teams presence cannot get a session). */
  presence: Presence | null;
  telephony: TelephonyState;
  lastChange: number | null;
  error: string | null;
  /** Failed writes for this user (shown on the board). */
  failedWrites: number;
}

export interface TeamsSessionKeeperOptions<R extends ReverseRuntime> {
  pbx: PbxPort;
  teams: TeamsPort;
  journal: JournalStore;
  clock: Clock;
  log: Logger;
  counters: SyncCounters;
  /** The synced user's runtime; undefined = not synced (any more). */
  runtime: (login: string) => R | undefined;
  isRunning: () => boolean;
  reverseSwitches: () => Settings['switches']['reverse'];
  /** The user's live state changed (telephony, error): show it. */
  userChanged: (rt: R) => void;
  /** Retries of a failed setPresence/clearPresence while the call goes on. Default 3, 500 ms doubling. */
  retry?: { attempts?: number; baseDelayMs?: number };
}

export class TeamsSessionKeeper<R extends ReverseRuntime = ReverseRuntime> {
  /** Users whose PBX says they are on the phone although no call event was seen (e.g. after a restart). */
  private readonly pbxBusyHint = new Map<string, TelephonyState>();
  /** Users whose Teams session this process keeps alive (a session from the journal must be taken over). */
  private readonly heldThisRun = new Set<string>();
  private readonly chains = new Map<string, Promise<void>>();
  /** Users whose retries ran out (Microsoft unreachable): when to try again after a good cycle, and the delay. */
  private readonly gaveUp = new Map<string, { at: number; delayMs: number }>();
  private readonly writeTimes: number[] = [];
  /**
   * Users whose setPresence may still be on its way (a failure that proves nothing, or any session just cleared
   * after a hang-up: the graph client retries timed-out writes inline): carried out late — after the hang-up's
   * clearPresence — it would leave them "In a call" until the session expires. Until when, the state it would
   * set, and the re-clears left.
   */
  private readonly lateSets = new Map<string, { until: number; session: TeamsSessionState; clearsLeft: number }>();
  private readonly retryAttempts: number;
  private readonly retryBaseMs: number;

  constructor(private readonly o: TeamsSessionKeeperOptions<R>) {
    this.retryAttempts = o.retry?.attempts ?? 3;
    this.retryBaseMs = o.retry?.baseDelayMs ?? 500;
  }

  /** Call events say idle; the PBX's own view may know better (a call that began before a restart). */
  effectiveTelephony(login: string): TelephonyState {
    const fromEvents = this.o.pbx.telephony(login);
    return fromEvents !== 'idle' ? fromEvents : (this.pbxBusyHint.get(login) ?? 'idle');
  }

  /** Re-evaluates the user's Teams session now (call event, PBX state, settings change). */
  onTelephony(login: string): void {
    const rt = this.o.runtime(login);
    if (!rt) return;
    if (this.o.pbx.telephony(login) !== 'idle') this.pbxBusyHint.delete(login);
    const telephony = this.effectiveTelephony(login);
    if (rt.telephony !== telephony) {
      rt.telephony = telephony;
      rt.lastChange = this.o.clock.now();
      this.o.userChanged(rt);
    }
    if (!this.o.isRunning()) return;
    const prev = this.chains.get(login) ?? Promise.resolve();
    const next = prev.then(() => this.reconcile(login)).then(() => {
      this.gaveUp.delete(login);
    }, (err: unknown) => {
      // Every attempt was logged and counted already; this is the end of the quick retries.
      this.o.counters.errors++;
      this.o.log.warn('Giving up on the Teams presence for now; tried again once Microsoft answers', { user: login, ...coded('log-teams-gave-up', { error: errText(err) }) });
      const before = this.gaveUp.get(login);
      const delayMs = before ? Math.min(GAVE_UP_MAX_DELAY_MS, Math.max(GAVE_UP_FIRST_DELAY_MS, before.delayMs * 2)) : 0;
      this.gaveUp.set(login, { at: this.o.clock.now() + delayMs, delayMs });
    });
    this.chains.set(login, next);
    void next.then(() => {
      if (this.chains.get(login) === next) this.chains.delete(login);
    });
  }

  /**
   * A poll cycle read presence fine, so Microsoft answers again: users whose retries ran out (a session left
   * set after a hang-up, or none set during a call) are tried again — each at once the first time, then with a
   * doubling delay while their writes keep failing.
   */
  retryGivenUp(): void {
    const now = this.o.clock.now();
    for (const [login, g] of this.gaveUp) {
      if (!this.o.runtime(login)) this.gaveUp.delete(login);
      else if (g.at <= now && !this.chains.has(login)) this.onTelephony(login);
    }
  }

  /**
   * After a poll cycle: a user off the phone whose Teams presence reads as the session a late setPresence would
   * set, with no session of ours recorded, gets a clearPresence again. It only clears the bridge's own session
   * (404 when there is none), so a user whose own status happens to match loses nothing.
   */
  clearLateSessions(): void {
    const now = this.o.clock.now();
    for (const [login, late] of this.lateSets) {
      const rt = this.o.runtime(login);
      if (!rt || late.until <= now || late.clearsLeft <= 0) {
        this.lateSets.delete(login);
        continue;
      }
      const p = rt.presence;
      if (!this.o.isRunning() || this.chains.has(login) || this.o.journal.get(login)?.teamsSession) continue;
      if (desiredTeamsSession(this.effectiveTelephony(login), this.o.reverseSwitches())) continue;
      if (!p || p.availability !== late.session.availability || p.activity !== late.session.activity) continue;
      late.clearsLeft--;
      const work = this.o.teams.clearSession(rt.user.microsoftId).then(() => {
        this.notePresenceWrite();
        this.o.counters.teamsWrites++;
        this.o.log.info('Teams presence cleared again: a setPresence sent during the call took effect after the hang-up', { user: login, ...coded('log-teams-cleared-again') });
      }, (err: unknown) => this.writeFailed(login, 'clearPresence', err));
      this.chains.set(login, work);
      void work.then(() => {
        if (this.chains.get(login) === work) this.chains.delete(login);
      });
    }
  }

  private watchLateSet(login: string, session: TeamsSessionState, now: number): void {
    this.lateSets.set(login, { until: now + LATE_SET_WINDOW_MS, session: { availability: session.availability, activity: session.activity }, clearsLeft: LATE_SET_MAX_CLEARS });
  }

  /** A state read from the PBX: its telephony view covers calls no event told us about. */
  onPbxState(s: UciUserState): void {
    const login = s.login;
    const hintBefore = this.pbxBusyHint.get(login);
    if ((s.telephony === 'in-call' || s.telephony === 'ringing') && this.o.pbx.telephony(login) === 'idle') this.pbxBusyHint.set(login, s.telephony);
    else this.pbxBusyHint.delete(login);
    if (hintBefore !== this.pbxBusyHint.get(login) || (this.o.journal.get(login)?.teamsSession && !this.heldThisRun.has(login))) this.onTelephony(login);
  }

  /** Clears the bridge's Teams session of a user (404 counts as cleared) and records it; a failure is logged and counted. */
  async clear(login: string, entry: JournalEntry): Promise<void> {
    const id = this.o.runtime(login)?.user.microsoftId ?? this.o.journal.microsoftId(login);
    if (id) {
      try {
        await this.o.teams.clearSession(id);
      } catch (err) {
        this.writeFailed(login, 'clearPresence', err);
        throw err;
      }
      this.notePresenceWrite();
      this.o.counters.teamsWrites++;
      audit(this.o.log, 'audit.teamsSessionCleared', whoParams(this.o.runtime(login)?.user ?? { login }));
    }
    this.heldThisRun.delete(login);
    this.o.journal.set(login, recordTeamsSessionCleared(this.o.journal.get(login) ?? entry, this.o.clock.now()));
  }

  /** Clears every session in the journal (stop without restore: nobody would clear them on hang-up). */
  async clearAll(): Promise<void> {
    const work = this.o.journal.all().filter((e) => e.teamsSession).map((e) => this.clear(e.user, e).catch(() => {
      // Logged and counted by clear(); the session stays in the journal, so the next start clears it, and it
      // expires on its own within 5 minutes anyway.
      this.o.counters.errors++;
    }));
    await Promise.all(work);
  }

  /** The account behind a user changed: the session on the old account is no longer ours to keep. */
  async accountChanged(login: string, oldMicrosoftId: string): Promise<void> {
    if (!this.o.journal.get(login)?.teamsSession) return;
    // The session on the old account expires on its own within 5 minutes if this fails.
    await this.o.teams.clearSession(oldMicrosoftId).catch((err: unknown) => this.writeFailed(login, 'clearPresence', err));
    const now = this.o.clock.now();
    this.o.journal.set(login, recordTeamsSessionCleared(this.o.journal.entry(login, now), now));
  }

  /** Waits for the work under way for every user. */
  async settle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  /** The user left the sync. */
  forget(login: string): void {
    this.pbxBusyHint.delete(login);
    this.lateSets.delete(login);
    this.gaveUp.delete(login);
  }

  /** The sync stopped: sessions of this run are no longer kept alive by it. */
  reset(): void {
    this.heldThisRun.clear();
    this.lateSets.clear();
    this.gaveUp.clear();
  }

  /**
   * Presence requests of this direction in the budget window (issue 17: they share the poll's budget): the
   * writes made, and the refreshes of the held sessions (one per session per `refreshEveryMs`).
   */
  presenceRequestsInWindow(refreshEveryMs: number, windowMs = WRITE_WINDOW_MS): { writes: number; refreshes: number } {
    const cutoff = this.o.clock.now() - windowMs;
    while (this.writeTimes.length && this.writeTimes[0]! < cutoff) this.writeTimes.shift();
    return { writes: this.writeTimes.length, refreshes: Math.ceil(this.heldThisRun.size * (windowMs / Math.max(1_000, refreshEveryMs))) };
  }

  private async reconcile(login: string, attempt = 0): Promise<void> {
    const rt = this.o.runtime(login);
    if (!rt || !this.o.isRunning()) return;
    const now = this.o.clock.now();
    const desired = desiredTeamsSession(this.effectiveTelephony(login), this.o.reverseSwitches());
    const entry = this.o.journal.entry(login, now);
    let action = teamsSessionAction(entry, desired, now, Number.POSITIVE_INFINITY);
    // A session from the journal (earlier run) is not kept alive by this process yet: take it over.
    if (action.kind === 'none' && desired && !this.heldThisRun.has(login)) action = { kind: 'set', session: desired };
    // Issue 14 item 5: Teams has no presence for this user (no licence, a guest): setPresence cannot work.
    if (action.kind === 'set' && rt.presence && hasNoTeamsPresence(rt.presence)) return;
    try {
      if (action.kind === 'set' || action.kind === 'refresh') {
        await this.setSession(login, rt.user.microsoftId, action.session);
        this.heldThisRun.add(login);
        this.notePresenceWrite();
        this.o.journal.setMicrosoftId(login, rt.user.microsoftId);
        this.o.journal.set(login, recordTeamsSessionSet(this.o.journal.entry(login, this.o.clock.now()), action.session, this.o.clock.now()));
        this.o.counters.teamsWrites++;
        audit(this.o.log, 'audit.teamsSessionSet', { ...whoParams(rt.user), availability: action.session.availability, activity: action.session.activity, call: this.effectiveTelephony(login) });
      } else if (action.kind === 'clear') {
        const cleared = entry.teamsSession;
        await this.clear(login, entry);
        // The graph client retries a timed-out write inline, so a set may still be on its way even when every
        // call here succeeded: watch the next polls for it.
        if (cleared) this.watchLateSet(login, { availability: cleared.availability, activity: cleared.activity }, now);
      } else {
        return;
      }
    } catch (err) {
      if (action.kind === 'set' || action.kind === 'refresh') {
        this.writeFailed(login, 'setPresence', err);
        if (!provesNotApplied(err)) this.watchLateSet(login, action.session, now);
        // May have taken effect: the record stays, and the presence writer keeps the session held meanwhile.
        if (err instanceof GraphAmbiguousWriteError) this.heldThisRun.add(login);
        // Not transient: no retries; the forward read shows the user as "no Teams presence".
        if (err instanceof NoTeamsPresenceError) return;
      }
      // Transient Graph failures: try again shortly while the call is still on (or the session still held).
      if (attempt < this.retryAttempts && this.o.isRunning()) {
        await delay(this.o.clock, this.retryBaseMs * 2 ** attempt);
        return this.reconcile(login, attempt + 1);
      }
      throw err;
    }
    rt.error = null;
    rt.lastChange = this.o.clock.now();
    this.o.userChanged(rt);
  }

  /**
   * setPresence for a new session state, recorded before it is sent (and flushed: a crash right after the
   * request left must not lose it). A refusal that proves nothing happened takes the record back.
   */
  private async setSession(login: string, microsoftId: string, session: TeamsSessionState): Promise<void> {
    const { journal, clock } = this.o;
    const before = journal.get(login)?.teamsSession;
    const isNew = !before || before.unconfirmed || before.availability !== session.availability || before.activity !== session.activity;
    if (isNew) {
      journal.setMicrosoftId(login, microsoftId);
      journal.set(login, recordTeamsSessionIntent(journal.entry(login, clock.now()), session, clock.now()));
      await journal.flushNow(login);
    }
    try {
      await this.o.teams.holdSession(microsoftId, session);
    } catch (err) {
      if (isNew && provesNotApplied(err)) {
        const back = { ...journal.entry(login, clock.now()) };
        if (before) back.teamsSession = before;
        else delete back.teamsSession;
        journal.set(login, back);
      }
      throw err;
    }
  }

  /** A failed Teams write: logged at warn with user, field and cause, counted, and shown on the user's row. */
  private writeFailed(login: string, field: 'setPresence' | 'clearPresence', err: unknown): void {
    const cause = errText(err);
    this.o.counters.failedWrites++;
    this.o.log.warn(field === 'setPresence' ? 'Setting the Teams presence failed' : 'Clearing the Teams presence failed', {
      user: login, field, ...coded(field === 'setPresence' ? 'log-teams-set-failed' : 'log-teams-clear-failed', { error: cause }),
    });
    const rt = this.o.runtime(login);
    if (rt) {
      rt.failedWrites++;
      rt.error = cause;
      this.o.userChanged(rt);
    }
  }

  private notePresenceWrite(): void {
    this.writeTimes.push(this.o.clock.now());
  }
}

/**
 * Whether a failed setPresence certainly did not take effect: no request was sent (no token, a value Teams does
 * not accept), or Graph answered with a refusal (4xx other than 408 Request Timeout; 404 = no Teams presence).
 * Anything else — a timeout, a reset connection, a 5xx, an answer that could not be read
 * (GraphAmbiguousWriteError) — may have reached Microsoft.
 */
function provesNotApplied(err: unknown): boolean {
  if (err instanceof RangeError || err instanceof NeedsSignInError || err instanceof TokenRequestError || err instanceof NoTeamsPresenceError) return true;
  return err instanceof GraphRequestError && err.status >= 400 && err.status < 500 && err.status !== 408;
}
