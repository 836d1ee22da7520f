// Putting back what the bridge changed: on stop with restore, for a user who leaves the selection, and at a
// start with sync off after a crash. For each user in the journal: the Teams session is cleared (it needs no PBX
// session, so it goes even while the PBX cannot be reached) and every PBX field the bridge wrote and that still
// shows the bridge's value gets the value from before the bridge back.
import { applyWrites, type KnownPbxState } from '../core/diff.js';
import { forgetPbxField } from '../core/journal.js';
import { restorePlan } from '../core/ownership.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { ApplyOutcome } from './apply-queue.js';
import type { JournalStore } from './journal.js';
import { knownFromState, sendPbxWrite } from './pbx-writes.js';
import type { PbxPort } from './ports.js';
import { errText, type SyncCounters } from './status-reporter.js';
import type { TeamsSessionKeeper } from './teams-session-keeper.js';

/** A restore attempt that needs the user's UCI session, which is not logged in yet: retried on 'connected'. */
export class NotConnectedYet extends Error {
  override readonly name = 'NotConnectedYet';
}

/** What restore reads and updates of a user's runtime (synced, or deselected and waiting for its restore). */
export interface RestoreRuntime {
  known: KnownPbxState;
  desired?: unknown;
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
  /** Longest time restoreAll waits. */
  timeoutMs: number;
}

export class Restorer {
  constructor(private readonly o: RestorerOptions) {}

  /** Restores every user in the journal; gives up after the timeout (what is left stays in the journal). */
  async restoreAll(reason: string): Promise<void> {
    const { journal, log, clock } = this.o;
    const logins = journal.logins();
    if (logins.length === 0) return;
    log.info('Restoring what the bridge changed', { users: logins.length, reason });
    await this.o.pbx.setUsers(logins);
    const outcomes = logins.map((login) => this.o.enqueue(login));
    let timer;
    const timeout = new Promise<'timeout'>((r) => {
      timer = clock.setTimeout(() => r('timeout'), this.o.timeoutMs, { unref: true });
    });
    const result = await Promise.race([Promise.all(outcomes), timeout]);
    clock.clearTimeout(timer);
    if (result === 'timeout') {
      for (const login of logins) this.o.cancel(login);
      log.warn('Restoring timed out; the remaining users are restored on the next start', { users: journal.logins().length });
      return;
    }
    const failed = result.filter((o) => o.status === 'failed').length;
    if (failed) log.warn('Some users could not be restored; they are restored on the next start', { users: failed });
  }

  /** The restore worker: writes back the values the bridge replaced and clears its Teams session. */
  async restoreUser(login: string): Promise<void> {
    const { journal, clock, log, counters } = this.o;
    const now = clock.now();
    let entry = journal.get(login);
    if (!entry) return;
    // The freshest view of the PBX: the runtime's (updated by every read and by our own writes), else the last read.
    const rt = this.o.runtime(login);
    const known = rt?.known ?? knownFromState(this.o.pbx.lastState(login));
    const plan = restorePlan(entry, known);
    for (const field of plan.leftAsIs) entry = forgetPbxField(entry, field, now);
    journal.set(login, entry);
    // A Graph failure must not keep the PBX from being restored: the session expires on its own (5 min) and
    // stays in the journal, so the next start clears it.
    if (plan.clearTeamsSession) {
      try {
        await this.o.keeper.clear(login, entry);
      } catch (err) {
        counters.errors++;
        log.warn('Clearing the Teams presence failed; it expires on its own within 5 minutes', { user: login, error: errText(err) });
      }
      entry = journal.get(login) ?? entry;
    }
    if (plan.pbxWrites.length > 0) {
      if (!this.o.pbx.isConnected(login)) throw new NotConnectedYet(this.o.pbx.sessionError(login) ?? 'STARFACE session not connected yet');
      for (const w of plan.pbxWrites) {
        await sendPbxWrite(this.o.pbx, login, w);
        counters.pbxWrites++;
        if (rt) rt.known = applyWrites(rt.known, [w]);
        entry = forgetPbxField(entry, w.field, clock.now());
        journal.set(login, entry);
      }
      log.info('PBX state restored', { user: login, fields: plan.pbxWrites.map((w) => w.field) });
    }
    // Nothing of the bridge's is left for this user; a manual override is the user's business, and the user
    // leaves the sync, so no echo of the cleared session needs recognising.
    const rest = journal.get(login);
    if (rest) {
      const cleaned = { ...rest };
      delete cleaned.manualDnd;
      delete cleaned.teamsCleared;
      journal.set(login, cleaned);
    }
    if (rt) rt.desired = undefined;
    this.o.restored(login);
  }
}
