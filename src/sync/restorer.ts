// Putting back what the bridge changed: on stop with restore, for a user who leaves the selection, at a start
// with sync off, and before a change of PBX or tenant. For each user in the journal: the Teams session is
// cleared (it needs no PBX session, so it goes even while the PBX cannot be reached) and every PBX field the
// bridge wrote and that still shows the bridge's value gets the value from before the bridge back.
//
// A restore that cannot finish (PBX unreachable, a write refused) never claims success: its report says how
// many users are left and why, the users are marked in the journal (`restoreDue`), and while the sync stays
// stopped the restore goes on in the background — at once when a user's UCI session logs in, and on a timer
// for everything else — so they are back as soon as the PBX answers, at the latest at the next start.
import { audit, whoParams, type AuditWho } from '../core/audit.js';
import type { RestoreReason, RestoreStatus } from '../core/engine-state.js';
import { applyWrites, type KnownPbxState } from '../core/diff.js';
import { forgetPbxField, settlePbxWrites, type JournalEntry } from '../core/journal.js';
import { restorePlan } from '../core/ownership.js';
import type { Clock, TimerHandle } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { ApplyOutcome } from './apply-queue.js';
import type { JournalStore } from './journal.js';
import { knownFromState, sendPbxWrite } from './pbx-writes.js';
import type { PbxPort } from './ports.js';
import { UciNotConnectedError, UciRequestError } from '../starface/errors.js';
import { errText, type SyncCounters } from './status-reporter.js';
import type { TeamsSessionKeeper } from './teams-session-keeper.js';
import { coded } from '../core/messages/log-line.js';

/** A restore attempt that needs the user's UCI session, which is not logged in yet: retried on 'connected'. */
export class NotConnectedYet extends Error {
  override readonly name = 'NotConnectedYet';
}

/** What restore reads and updates of a user's runtime (synced, or deselected and waiting for its restore). */
export interface RestoreRuntime {
  known: KnownPbxState;
  desired?: unknown;
  /** Who the user is (for the audit entry); absent for a user no longer selected. */
  user?: AuditWho;
}

export interface RestorerOptions {
  pbx: PbxPort;
  journal: JournalStore;
  keeper: Pick<TeamsSessionKeeper, 'clear'>;
  clock: Clock;
  log: Logger;
  counters: SyncCounters;
  /** The user's runtime, synced or detached; undefined when the user is only in the journal. */
  runtime: (login: string) => RestoreRuntime | undefined;
  /** The restore of a synced user is done: show it. */
  restored: (login: string) => void;
  /** Queues a user's restore (the engine's apply queue: per-user order, retries). */
  enqueue: (login: string) => Promise<ApplyOutcome>;
  cancel: (login: string) => void;
  /** The report changed (users restored in the background). */
  changed: () => void;
  /** Longest time restoreAll waits. */
  timeoutMs: number;
  /** Background retries while users are left: first delay, doubling up to the longest. Default 5 s … 5 min. */
  retry?: { baseDelayMs?: number; maxDelayMs?: number };
}

interface RestoreRun {
  total: number;
  /** Users with something of the bridge's still to put back. */
  left: Set<string>;
  /** Why each user left was not restored (the last failure seen). */
  causes: Map<string, RestoreReason>;
  at: number;
}

const REPORTED_LOGINS = 100;
const REASON_TEXT: Record<RestoreReason, string> = {
  'pbx-unreachable': 'PBX unreachable',
  'pbx-write-failed': 'the PBX refused the write',
  'teams-unreachable': 'Microsoft Teams unreachable',
};

export class Restorer {
  private run: RestoreRun | undefined;
  private background = false;
  private retryTimer: TimerHandle | undefined;
  private retryDelayMs = 0;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(private readonly o: RestorerOptions) {
    this.retryBaseMs = o.retry?.baseDelayMs ?? 5_000;
    this.retryMaxMs = o.retry?.maxDelayMs ?? 300_000;
  }

  /**
   * Restores every user in the journal (or those `which` picks) and reports the outcome; gives up waiting
   * after the timeout. Users left stay in the journal, marked `restoreDue`.
   */
  async restoreAll(reason: string, which: (e: JournalEntry) => boolean = () => true): Promise<RestoreStatus | undefined> {
    const { journal, log, clock } = this.o;
    this.stopBackground();
    const entries = journal.all().filter(which);
    // Entries with only a manual override or an echo marker are cleaned up too, but nothing is put back for them.
    const logins = entries.map((e) => e.user);
    const touched = entries.filter(hasSomethingToRestore).map((e) => e.user);
    if (logins.length === 0) {
      this.run = undefined;
      return undefined;
    }
    // The intent to restore survives a crash: the next start finishes it even with sync off.
    for (const login of touched) {
      const e = journal.get(login);
      if (e && !e.restoreDue) journal.set(login, { ...e, restoreDue: true });
    }
    await journal.flushNow().catch((err: unknown) => log.error('Saving the ownership journal failed', coded('log-journal-save-failed', { error: errText(err) })));
    const run: RestoreRun = { total: touched.length, left: new Set(touched), causes: new Map(), at: clock.now() };
    this.run = touched.length > 0 ? run : undefined;
    log.info('Restoring what the bridge changed', { reason, ...coded('log-restore-starting', { users: logins.length }) });
    await this.o.pbx.setUsers(logins);
    const outcomes = logins.map((login) => this.o.enqueue(login));
    let timer: TimerHandle | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = clock.setTimeout(() => r('timeout'), this.o.timeoutMs, { unref: true });
    });
    const result = await Promise.race([Promise.all(outcomes), timeout]);
    clock.clearTimeout(timer);
    if (result === 'timeout') for (const login of logins) this.o.cancel(login);
    for (const login of touched) if (!hasSomethingToRestore(journal.get(login))) run.left.delete(login);
    run.at = clock.now();
    const report = this.report();
    if (run.left.size > 0) {
      // No answer at all within the time (the user's restore was still queued or waiting): the PBX did not answer.
      for (const login of run.left) if (!run.causes.has(login)) run.causes.set(login, 'pbx-unreachable');
      log.warn(result === 'timeout' ? 'Restoring timed out; the users left are restored as soon as the PBX answers' : 'Some users could not be restored; they are restored as soon as the PBX answers', {
        reason: this.report()!.reason, ...coded(result === 'timeout' ? 'log-restore-timed-out' : 'log-restore-incomplete', { users: run.left.size, of: run.total }),
      });
      return this.report();
    }
    if (run.total > 0) log.info('Every user restored', coded('log-restore-done', { users: run.total }));
    return report;
  }

  /** While the sync is stopped: keeps restoring the users left — when their session logs in, and on a timer. */
  continueInBackground(): void {
    if (!this.run || this.run.left.size === 0 || this.background) return;
    this.background = true;
    this.retryDelayMs = this.retryBaseMs;
    void this.o.pbx.setUsers([...this.run.left]).catch(() => undefined);
    this.armRetry();
  }

  /** The sync starts (synced users follow Teams again) or the engine closes: no more background work. */
  stopBackground(): void {
    this.background = false;
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Forgets the last report (the sync starts again). */
  clear(): void {
    this.stopBackground();
    this.run = undefined;
  }

  /** A user's UCI session logged in: a restore left for the user runs now. */
  onSessionConnected(login: string): void {
    if (this.background && this.run?.left.has(login)) void this.o.enqueue(login);
  }

  /** A restore item of the apply queue finished. */
  onOutcome(login: string, outcome: ApplyOutcome): void {
    const run = this.run;
    if (!run?.left.has(login) || outcome.status === 'superseded' || outcome.status === 'cancelled') return;
    if (hasSomethingToRestore(this.o.journal.get(login))) return;
    run.left.delete(login);
    run.causes.delete(login);
    run.at = this.o.clock.now();
    if (run.left.size === 0) {
      this.o.log.info('The users left by an earlier restore are restored now', coded('log-restore-done-later', { users: run.total }));
      if (this.background) {
        this.stopBackground();
        void this.o.pbx.setUsers([]).catch(() => undefined);
      }
    }
    this.o.changed();
  }

  /** The outcome of the last restore, kept current; undefined when there was none since the sync started. */
  report(): RestoreStatus | undefined {
    const run = this.run;
    if (!run) return undefined;
    const at = new Date(run.at).toISOString();
    const restored = run.total - run.left.size;
    if (run.left.size === 0) {
      return { total: run.total, restored, notRestored: 0, logins: [], message: `All ${run.total} users restored.`, at };
    }
    const reason = mainReason([...run.causes.values()]);
    const until = reason === 'teams-unreachable' ? 'Microsoft Teams answers again' : 'the PBX answers again';
    return {
      total: run.total,
      restored,
      notRestored: run.left.size,
      logins: [...run.left].slice(0, REPORTED_LOGINS),
      reason,
      message: `${run.left.size} of ${run.total} users not restored: ${REASON_TEXT[reason]}; they are restored as soon as ${until}, at the latest at the next start.`,
      at,
    };
  }

  /** The restore worker: writes back the values the bridge replaced and clears its Teams session. */
  async restoreUser(login: string): Promise<void> {
    const { journal, clock, log, counters } = this.o;
    const now = clock.now();
    const stored = journal.get(login);
    if (!stored) return;
    // The freshest view of the PBX: the runtime's (updated by every read and by our own writes), else the last read.
    const rt = this.o.runtime(login);
    const known = rt?.known ?? knownFromState(this.o.pbx.lastState(login));
    let entry = settlePbxWrites(stored, known, now);
    const plan = restorePlan(entry, known);
    for (const field of plan.leftAsIs) entry = forgetPbxField(entry, field, now);
    journal.set(login, entry);
    // A Graph failure must not keep the PBX from being restored: the session expires on its own (5 min) and
    // stays in the journal, so the next restore or start clears it.
    if (plan.clearTeamsSession) {
      try {
        await this.o.keeper.clear(login, entry);
      } catch {
        // Logged and counted by the keeper; the session expires on its own within 5 minutes.
        this.run?.causes.set(login, 'teams-unreachable');
      }
      entry = journal.get(login) ?? entry;
    }
    if (plan.pbxWrites.length > 0) {
      if (!this.o.pbx.isConnected(login)) {
        this.run?.causes.set(login, 'pbx-unreachable');
        throw new NotConnectedYet(this.o.pbx.sessionError(login) ?? 'STARFACE session not connected yet');
      }
      for (const w of plan.pbxWrites) {
        try {
          await sendPbxWrite(this.o.pbx, login, w);
        } catch (err) {
          this.run?.causes.set(login, refusedByPbx(err) ? 'pbx-write-failed' : 'pbx-unreachable');
          counters.failedWrites++;
          log.warn('Restoring a PBX value failed; it is tried again', { user: login, ...coded('log-restore-write-failed', { field: w.field, error: errText(err) }) });
          throw err;
        }
        counters.pbxWrites++;
        if (rt) rt.known = applyWrites(rt.known, [w]);
        entry = forgetPbxField(entry, w.field, clock.now());
        journal.set(login, entry);
      }
      const fields = plan.pbxWrites.map((w) => w.field).join(', ');
      audit(log, 'audit.restored', { ...whoParams(rt?.user ?? { login }), fields });
    }
    // Nothing of the bridge's is left for this user; a manual override is the user's business, and the user
    // leaves the sync, so no echo of the cleared session needs recognising.
    const rest = journal.get(login);
    if (rest) {
      const cleaned = { ...rest };
      delete cleaned.manualDnd;
      delete cleaned.teamsCleared;
      if (!hasSomethingToRestore(cleaned)) delete cleaned.restoreDue;
      journal.set(login, cleaned);
    }
    if (rt) rt.desired = undefined;
    this.o.restored(login);
  }

  private armRetry(): void {
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.background || !this.run || this.run.left.size === 0) return;
      for (const login of this.run.left) void this.o.enqueue(login);
      this.retryDelayMs = Math.min(this.retryMaxMs, this.retryDelayMs * 2);
      this.armRetry();
    }, this.retryDelayMs, { unref: true });
  }
}

/** Whether the entry holds a PBX value or a Teams session of the bridge's. */
export function hasSomethingToRestore(e: JournalEntry | undefined): boolean {
  return e !== undefined && (Object.keys(e.pbx).length > 0 || e.teamsSession !== undefined);
}

/**
 * Whether the PBX answered and refused the write (a fault, a false answer, a 4xx), as opposed to not answering
 * (connection refused or reset, a timeout, HTTP 5xx or a maintenance page, the session not logged in).
 */
function refusedByPbx(err: unknown): boolean {
  if (!(err instanceof UciRequestError)) return !(err instanceof UciNotConnectedError) && !(err instanceof NotConnectedYet);
  if (err.kind === 'fault' || err.kind === 'false' || err.kind === 'malformed') return true;
  return err.kind === 'http' && err.details.status !== undefined && err.details.status >= 400 && err.details.status < 500;
}

/** The reason shown for a restore with users left: the PBX first (it decides whether a phone rings). */
function mainReason(causes: RestoreReason[]): RestoreReason {
  for (const r of ['pbx-unreachable', 'pbx-write-failed', 'teams-unreachable'] as const) if (causes.includes(r)) return r;
  return 'pbx-unreachable';
}
