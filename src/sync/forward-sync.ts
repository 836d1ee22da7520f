// Teams → STARFACE: one poll cycle reads the presence of every synced user (ceil(N/650) requests);
// core.planForward classifies each presence, computes the desired PBX state and decides — against the journal
// and the known PBX state — which fields to write. Users with writes go into the apply queue, whose worker
// plans again with the newest state when it runs (so a newer desired state simply wins) and writes through the
// user's UCI session. An idle cycle plans no writes and enqueues nothing.
import type { KnownPbxState } from '../core/diff.js';
import { planForward } from '../core/forward.js';
import { planPbxWrites } from '../core/ownership.js';
import { hasNoTeamsPresence, NO_TEAMS_PRESENCE_ROW_ID, type Presence } from '../core/presence.js';
import { effectiveRows } from '../core/rules.js';
import type { Settings } from '../core/settings.js';
import type { SettableCapabilities } from '../core/pbx-state.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { ChangeDebouncer } from './debounce.js';
import type { JournalStore } from './journal.js';
import { knownFromState, type PbxWriter } from './pbx-writes.js';
import type { PbxPort, PresenceBatch, TeamsPort, UciUserState } from './ports.js';
import type { SyncCounters } from './status-reporter.js';
import { coreCapabilities, type UserRuntime } from './user-runtime.js';

export interface ForwardSyncOptions {
  pbx: PbxPort;
  teams: TeamsPort;
  journal: JournalStore;
  writer: PbxWriter;
  clock: Clock;
  log: Logger;
  counters: SyncCounters;
  echoGraceMs: number;
  settings: () => Settings;
  isRunning: () => boolean;
  runtimes: () => Iterable<UserRuntime>;
  runtime: (login: string) => UserRuntime | undefined;
  /** Queues the user's forward write (the apply worker calls `apply`). */
  enqueue: (login: string) => void;
  /** Something for the user is queued or running in the apply queue. */
  busy: (login: string) => boolean;
  userChanged: (rt: UserRuntime) => void;
}

export class ForwardSync {
  private readonly debounce: ChangeDebouncer;

  constructor(private readonly o: ForwardSyncOptions) {
    this.debounce = new ChangeDebouncer(() => o.settings().sync.debounceCycles);
  }

  /**
   * One poll cycle. Returns its cost and when presence was read (absent: nobody to read); throws when the read
   * failed, after using what came back.
   */
  async cycle(): Promise<{ presenceRequests: number; at?: number }> {
    const { counters } = this.o;
    const runtimes = [...this.o.runtimes()];
    if (runtimes.length === 0) {
      counters.cycles++;
      return { presenceRequests: 0 };
    }
    let batch: PresenceBatch;
    let failure: unknown;
    try {
      batch = await this.o.teams.readPresence(runtimes.map((rt) => rt.user.microsoftId));
    } catch (err) {
      const partial = (err as { partial?: { presences?: unknown; requests?: unknown } } | null)?.partial;
      if (!partial || !(partial.presences instanceof Map)) throw err;
      batch = { presences: partial.presences as Map<string, Presence>, requests: typeof partial.requests === 'number' ? partial.requests : 0 };
      failure = err;
    }
    counters.presenceRequests += batch.requests;
    const now = this.o.clock.now();
    const rows = effectiveRows(this.o.settings());
    const caps = coreCapabilities(this.o.pbx.capabilities());
    const queue: string[] = [];
    for (const rt of runtimes) {
      if (this.o.runtime(rt.user.login) !== rt) continue; // deselected meanwhile
      const presence = batch.presences.get(rt.user.microsoftId);
      if (!presence) continue;
      if (this.applyPresence(rt, presence, rows, caps, now)) queue.push(rt.user.login);
    }
    counters.cycles++;
    if (queue.length > 0) {
      this.o.log.debug('Cycle planned PBX writes', { users: queue.length });
      // One flush for the intents of the whole cycle (the workers find them on disk); a failed flush is the
      // workers' to retry.
      await this.o.journal.flushNow().catch(() => undefined);
      for (const login of queue) this.o.enqueue(login);
    }
    if (failure !== undefined) throw failure;
    return { presenceRequests: batch.requests, at: now };
  }

  /** The apply worker for the forward direction: plans again with the newest state, then writes in order. */
  async apply(login: string): Promise<void> {
    const rt = this.o.runtime(login);
    if (!this.o.isRunning() || !rt?.desired) {
      this.o.writer.dropUnsent(login);
      return;
    }
    const { journal, clock, writer } = this.o;
    const now = clock.now();
    // Planned against the journal as it would be without the intents the cycle recorded ahead (so a DND the
    // user pressed meanwhile is still seen as theirs); when nothing but those writes comes out, they stand.
    const stored = journal.entry(login, now);
    const base = writer.withoutUnsent(login, stored);
    const plan = planPbxWrites({ mode: this.o.settings().sync.ownershipMode, entry: base, desired: rt.desired, known: rt.known, now });
    if (plan.writes.length === 0) {
      writer.dropUnsent(login);
      journal.set(login, plan.entry);
      return;
    }
    // Not logged in (yet, or again): the login's state read re-plans this user, and so does every cycle. The
    // intents recorded ahead stay (on disk already; the writes are most likely the same then).
    if (!this.o.pbx.isConnected(login)) return;
    const why = { teams: rt.presence ? `${rt.presence.availability}/${rt.presence.activity}` : null, row: rt.rowId };
    await writer.write(rt, plan.writes, plan.entry, plan.entry === base ? stored : undefined, why);
    rt.error = null;
    rt.lastChange = clock.now();
    this.o.userChanged(rt);
  }

  /** A state read from the user's UCI session: the known PBX state follows it; a change is re-planned at once. */
  onPbxState(rt: UserRuntime, s: UciUserState): void {
    const login = rt.user.login;
    const prev = rt.known;
    const read = knownFromState(s);
    const known: KnownPbxState = { ...prev, ...read };
    this.o.writer.settle(login, read);
    rt.known = known;
    if (prev.dnd !== known.dnd || prev.chatText !== known.chatText || prev.chatPresence !== known.chatPresence) {
      this.o.userChanged(rt);
      // A changed PBX value (the user pressed a key, or the PBX came back) is re-planned at once.
      if (this.o.isRunning() && rt.desired) this.o.enqueue(login);
    }
  }

  /** One user's presence from a cycle; returns true when the user's apply worker is to run (writes planned). */
  private applyPresence(rt: UserRuntime, presence: Presence, rows: ReturnType<typeof effectiveRows>, caps: SettableCapabilities, now: number): boolean {
    if (hasNoTeamsPresence(presence)) return this.noTeamsPresence(rt, presence, now);
    const login = rt.user.login;
    const { journal } = this.o;
    const entry = journal.entry(login, now);
    const plan = planForward({ presence, settings: this.o.settings(), rows, caps, entry, known: rt.known, now, echoGraceMs: this.o.echoGraceMs });
    // Issue 17 item 2 (sync.debounceCycles, default off): a changed desired state waits; one that flickers back
    // in time is dropped without a PBX write. The board shows the new Teams presence meanwhile.
    if (!plan.echo && this.debounce.hold(login, plan.desired, rt.desired)) return this.held(rt, presence, now);
    // While a write for the user is queued or running, journal and known state may be mid-update (a DND
    // recorded ahead of its PBX call): ownership is then decided by the apply worker, never by the cycle.
    const busy = this.o.busy(login);
    // Recorded ahead only where the value each write replaces is known (read from the PBX, or kept from an
    // earlier write); a user whose session has not read the PBX yet is recorded by the worker after the login.
    const aheadable = plan.writes.length > 0 && plan.writes.every((w) => rt.known[w.field] !== undefined || plan.entry.pbx[w.field] !== undefined);
    if (!busy && aheadable) this.o.writer.recordAhead(rt, plan.writes, plan.entry);
    else if (plan.entry !== entry && !busy) journal.set(login, plan.entry);
    const teamsChanged = !rt.presence || rt.presence.availability !== presence.availability || rt.presence.activity !== presence.activity
      || rt.presence.outOfOffice !== presence.outOfOffice;
    let changed = teamsChanged || (!busy && plan.entry.manualDnd !== entry.manualDnd);
    rt.presence = presence;
    if (!plan.echo) {
      if (rt.rowId !== plan.rowId) changed = true;
      rt.rowId = plan.rowId;
      rt.desired = plan.desired;
    }
    if (teamsChanged) rt.lastChange = now;
    if (changed) this.o.userChanged(rt);
    return plan.writes.length > 0 || busy;
  }

  /** A change the debounce holds back: only the presence the board shows moves on. */
  private held(rt: UserRuntime, presence: Presence, now: number): boolean {
    const teamsChanged = !rt.presence || rt.presence.availability !== presence.availability || rt.presence.activity !== presence.activity
      || rt.presence.outOfOffice !== presence.outOfOffice;
    rt.presence = presence;
    if (teamsChanged) {
      rt.lastChange = now;
      this.o.userChanged(rt);
    }
    return this.o.busy(rt.user.login);
  }

  /**
   * Issue 14 item 5: no Teams licence, or a guest (PresenceUnknown/PresenceUnknown). Shown as "no Teams
   * presence"; the Unknown row's rule is not applied, so nothing is written to their PBX.
   */
  private noTeamsPresence(rt: UserRuntime, presence: Presence, now: number): false {
    const changed = rt.rowId !== NO_TEAMS_PRESENCE_ROW_ID || !rt.presence || !hasNoTeamsPresence(rt.presence);
    rt.presence = presence;
    rt.rowId = NO_TEAMS_PRESENCE_ROW_ID;
    rt.desired = undefined;
    if (changed) {
      rt.lastChange = now;
      this.o.userChanged(rt);
    }
    return false;
  }
}
