// The sync engine: both directions, ownership, restore, and the live state the UI shows.
//
// Teams → STARFACE: the scheduler runs a cycle (one presence read of all matched users, ceil(N/650) requests);
// core.planForward classifies each presence, computes the desired PBX state and decides — against the
// journal and the known PBX state — which fields to write. Users with writes go into the apply queue, whose
// worker plans again with the newest state when it runs (so a newer desired state simply wins) and writes
// through the user's UCI session. An idle cycle plans no writes and enqueues nothing.
//
// STARFACE → Teams: call events (callback server) change a user's telephony state; the engine sets, keeps
// alive or clears the bridge's Teams presence session at once, without waiting for a poll cycle.
//
// Every write is recorded in the journal (what the bridge wrote and the value it replaced), so a user's own
// change on the phone is recognised, stop/deselect puts values back, and a restart continues where it left.
import { desiredTeamsSession, type DesiredPbxState } from '../core/desired-state.js';
import { applyWrites, type KnownPbxState, type PbxWrite } from '../core/diff.js';
import type { SyncState, SyncStatus, UserLiveState } from '../core/engine-state.js';
import { planForward } from '../core/forward.js';
import {
  forgetPbxField, recordPbxWrite, recordTeamsSessionCleared, recordTeamsSessionSet, type JournalEntry,
} from '../core/journal.js';
import { planPbxWrites, restorePlan, teamsSessionAction, DEFAULT_ECHO_GRACE_MS } from '../core/ownership.js';
import type { PbxCapabilitiesView, SettableCapabilities, TelephonyState } from '../core/pbx-state.js';
import { hasNoTeamsPresence, NO_TEAMS_PRESENCE_ROW_ID, type Presence } from '../core/presence.js';
import type { Roster } from '../core/roster.js';
import { effectiveRows } from '../core/rules.js';
import type { Settings } from '../core/settings.js';
import { CHAT_PRESENCES, type ChatPresence } from '../core/status-rows.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { GraphAmbiguousWriteError, NoTeamsPresenceError } from '../teams/errors.js';
import { ApplyQueue, type ApplyOutcome } from './apply-queue.js';
import type { JournalStore } from './journal.js';
import type { DirectoryPort, PbxPort, PresenceBatch, TeamsPort, UciUserState } from './ports.js';
import { buildRoster, diffMatched, type MatchedUser } from './roster.js';
import { PollScheduler, type PresenceBudget } from './scheduler.js';

/** Events for the UI, in the control contract's shapes. */
export type EngineEvent =
  | { type: 'state.user'; data: UserLiveState }
  | { type: 'state.sync'; data: SyncStatus }
  | { type: 'roster.changed'; data: Roster };

export interface SyncEngineOptions {
  settings: Settings;
  journal: JournalStore;
  pbx: PbxPort;
  teams: TeamsPort;
  directory: DirectoryPort;
  logger?: Logger;
  now?: () => number;
  /** Apply-queue retry tuning (tests use short delays). */
  applyRetry?: { baseDelayMs?: number; maxAttempts?: number };
  /** How long a cleared Teams session still counts as the bridge's echo. Default 20 s. */
  echoGraceMs?: number;
  /** Retry of a failed roster load before the first success. Default 15 s. */
  rosterRetryMs?: number;
  /** Graph presence budget (tests shrink it). */
  budget?: Partial<PresenceBudget>;
  /** Longest time stop({restore:true}) waits for the PBX and Teams. Default 30 s. */
  restoreTimeoutMs?: number;
  /** Poll interval below the settings' 1 s minimum (tests and benchmarks only). */
  pollIntervalMs?: number;
}

type ApplyItem = { kind: 'forward' } | { kind: 'restore' };

interface UserRuntime {
  user: MatchedUser;
  presence: Presence | null;
  rowId: string | null;
  /** The desired PBX state from the last non-echo presence. */
  desired: DesiredPbxState | undefined;
  known: KnownPbxState;
  telephony: TelephonyState;
  lastChange: number | null;
  error: string | null;
}

class NotConnectedYet extends Error {
  override readonly name = 'NotConnectedYet';
}

const WRITE_WINDOW_MS = 30_000;
/**
 * A change of the sync reason alone (e.g. "1,200 of 2,000 STARFACE sessions are not connected" counting down
 * during start-up) reaches subscribers at most this often; a change of the state itself goes out at once.
 */
const SYNC_REASON_EMIT_MS = 1_000;

export class SyncEngine {
  private settings: Settings;
  private readonly journal: JournalStore;
  private readonly pbx: PbxPort;
  private readonly teams: TeamsPort;
  private readonly directory: DirectoryPort;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly queue: ApplyQueue<ApplyItem>;
  private readonly scheduler: PollScheduler;
  private readonly echoGraceMs: number;
  private readonly rosterRetryMs: number;
  private readonly restoreTimeoutMs: number;
  private readonly pollIntervalOverride: number | undefined;

  private readonly users = new Map<string, UserRuntime>();
  private rosterValue: Roster = { users: [], counts: { matched: 0, conflicts: 0 } };
  private rosterProblems: string[] = [];
  private rosterLoaded = false;
  /** Deselected users whose restore is still to be done (their sessions stay until then). */
  private readonly pendingRestore = new Set<string>();
  /** Runtimes of deselected users until their restore is done: their known PBX state is what restore compares. */
  private readonly detached = new Map<string, UserRuntime>();
  /** Users whose PBX says they are on the phone although no call event was seen (e.g. after a restart). */
  private readonly pbxBusyHint = new Map<string, TelephonyState>();
  /** Users whose Teams session this process keeps alive (a session from the journal must be taken over). */
  private readonly heldThisRun = new Set<string>();
  private readonly reverseChains = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly writeTimes: number[] = [];
  /** Users whose write-ahead DND write this process is making right now. */
  private readonly dndInFlight = new Set<string>();
  /**
   * Synced users whose UCI session is not connected, in the order they went down: kept up to date by the
   * session status handler (O(1) per status change) and recounted by each cycle.
   */
  private readonly sessionsDown = new Set<string>();
  private syncEmitTimer: NodeJS.Timeout | undefined;
  private lastSyncEmitAt = 0;

  private running = false;
  private rosterTimer: NodeJS.Timeout | undefined;
  private rosterInFlight: Promise<Roster> | undefined;
  private syncState: SyncState = 'stopped';
  private syncReason: string | undefined;
  /** A stable code for the reason, where one is known (the UI renders it in its language). */
  private syncReasonCode: string | undefined;
  private syncSince: number;
  private lastSuccessfulSync: number | undefined;
  private readonly counters = { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0 };

  constructor(opts: SyncEngineOptions) {
    this.settings = opts.settings;
    this.journal = opts.journal;
    this.pbx = opts.pbx;
    this.teams = opts.teams;
    this.directory = opts.directory;
    this.log = (opts.logger ?? silentLogger).child({ component: 'sync' });
    this.now = opts.now ?? Date.now;
    this.syncSince = this.now();
    this.echoGraceMs = opts.echoGraceMs ?? DEFAULT_ECHO_GRACE_MS;
    this.rosterRetryMs = opts.rosterRetryMs ?? 15_000;
    this.restoreTimeoutMs = opts.restoreTimeoutMs ?? 30_000;
    this.pollIntervalOverride = opts.pollIntervalMs;
    this.queue = new ApplyQueue<ApplyItem>({
      concurrency: opts.settings.sync.applyConcurrency,
      baseDelayMs: opts.applyRetry?.baseDelayMs ?? 250,
      maxAttempts: opts.applyRetry?.maxAttempts ?? 6,
      // A restore is never superseded by a forward item; a forward item is superseded by a restore.
      merge: (older, newer) => (older.kind === 'restore' || newer.kind === 'restore' ? { kind: 'restore' } : newer),
      isRetryable: (err) => !(err instanceof Error && (err.name === 'UciUnsupportedError' || err.name === 'RangeError')),
      // A user whose session is still logging in is retried when it connects (onSessionStatus), not on a timer.
      waitsForWake: (err) => err instanceof NotConnectedYet,
      worker: (login, item) => (item.kind === 'forward' ? this.applyForward(login) : this.applyRestore(login)),
      onOutcome: (login, item, outcome) => this.onApplyOutcome(login, item, outcome),
    });
    this.scheduler = new PollScheduler({
      intervalMs: opts.pollIntervalMs ?? opts.settings.sync.pollIntervalSeconds * 1000,
      users: () => this.users.size,
      writesInWindow: () => this.presenceWritesInWindow(),
      budget: opts.budget,
      runCycle: () => this.cycle(),
      onError: (err) => this.onCycleError(err),
      onIntervalChange: (ms, reason) => this.log.info('Poll interval', { intervalMs: ms, reason }),
      now: this.now,
    });
    this.unsubscribe.push(
      this.pbx.onUserState((s) => this.onUserState(s)),
      this.pbx.onTelephony((c) => this.onTelephony(c.login)),
      this.pbx.onStatus((login, status, error) => this.onSessionStatus(login, status, error)),
    );
  }

  // ---- public API ------------------------------------------------------------------------------------------

  get isRunning(): boolean {
    return this.running;
  }

  subscribe(fn: (e: EngineEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts syncing: roster, sessions, poll loop. Resolves once the first roster is in (or failed). */
  async start(): Promise<SyncStatus> {
    if (this.running) return this.status();
    this.running = true;
    this.setSync('starting');
    this.log.info('Sync starting', { ownershipMode: this.settings.sync.ownershipMode, pollIntervalSeconds: this.settings.sync.pollIntervalSeconds });
    await this.refreshRoster().catch(() => undefined);
    return this.status();
  }

  /**
   * Stops syncing. With restore: puts back what the bridge changed on the PBX for every user in the journal.
   * Teams sessions are always cleared: with the bridge stopped nobody would clear them on hang-up.
   */
  async stop(opts: { restore: boolean }): Promise<SyncStatus> {
    const wasRunning = this.running;
    // Never started and nothing to restore: touch nothing (e.g. `check` next to a running bridge).
    if (!wasRunning && !opts.restore) return this.status();
    this.running = false;
    if (this.rosterTimer) clearTimeout(this.rosterTimer);
    this.rosterTimer = undefined;
    await this.scheduler.stop();
    await Promise.all([...this.reverseChains.values()]);
    if (opts.restore) {
      await this.restoreAll('sync stopped');
    } else {
      await this.clearAllTeamsSessions();
    }
    await this.queue.idle();
    await this.journal.flushNow().catch((err: unknown) => this.log.error('Saving the ownership journal failed', { error: errText(err) }));
    await this.pbx.setUsers([]).catch(() => undefined);
    this.pendingRestore.clear();
    this.detached.clear();
    this.heldThisRun.clear();
    if (wasRunning || this.syncState !== 'stopped') {
      this.setSync('stopped', opts.restore ? 'stopped; values restored' : 'stopped');
      this.log.info('Sync stopped', { restore: opts.restore });
    }
    return this.status();
  }

  /** Restores every user in the journal without starting the sync (e.g. sync is off at start after a crash). */
  async restoreOnly(reason: string): Promise<void> {
    if (this.running || this.journal.logins().length === 0) return;
    await this.restoreAll(reason);
    await this.pbx.setUsers([]).catch(() => undefined);
    await this.journal.flushNow().catch(() => undefined);
  }

  /** Stops (without restore unless asked) and detaches from the ports; the caller owns and closes them. */
  async close(opts: { restore?: boolean } = {}): Promise<void> {
    await this.stop({ restore: opts.restore ?? false });
    for (const u of this.unsubscribe.splice(0)) u();
    await this.queue.close();
  }

  /** Live re-configuration for everything that does not need new connections (service.ts rebuilds those). */
  updateSettings(next: Settings): void {
    const prev = this.settings;
    this.settings = next;
    if (prev.sync.pollIntervalSeconds !== next.sync.pollIntervalSeconds && this.pollIntervalOverride === undefined) {
      this.scheduler.setIntervalMs(next.sync.pollIntervalSeconds * 1000);
    }
    if (JSON.stringify(prev.users) !== JSON.stringify(next.users)) void this.refreshRoster().catch(() => undefined);
    if (JSON.stringify(prev.switches.reverse) !== JSON.stringify(next.switches.reverse)) {
      for (const login of this.users.keys()) this.onTelephony(login);
    }
    // Rules, switches, custom rows or ownership mode: the next cycle plans with them (no new read needed,
    // but a read is cheap and keeps one code path).
    this.scheduler.triggerSoon();
  }

  /** Runs a poll cycle as soon as the budget allows (after sign-in, a settings change, or in tests). */
  kick(): void {
    this.scheduler.triggerSoon();
  }

  /** Resolves when no PBX write is queued or running. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  status(): SyncStatus {
    const s: SyncStatus = {
      state: this.syncState,
      since: new Date(this.syncSince).toISOString(),
      counters: { ...this.counters },
    };
    if (this.syncReason) s.reason = this.syncReason;
    if (this.syncReason && this.syncReasonCode) s.reasonCode = this.syncReasonCode;
    if (this.lastSuccessfulSync !== undefined) s.lastSuccessfulSync = new Date(this.lastSuccessfulSync).toISOString();
    return s;
  }

  roster(): Roster {
    return this.rosterValue;
  }

  rosterIssues(): string[] {
    return [...this.rosterProblems];
  }

  liveUsers(): UserLiveState[] {
    return [...this.users.values()].map((rt) => this.liveState(rt));
  }

  capabilities(): PbxCapabilitiesView {
    const c = this.pbx.capabilities();
    const reasons: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.reasons)) if (v) reasons[k] = v;
    return {
      canSetDnd: c.canSetDnd,
      canSetChatPresenceMessage: c.canSetChatPresenceMessage,
      canSetChatPresence: c.canSetChatPresence,
      canSetTelephonyState: c.canSetTelephonyState,
      reasons,
    };
  }

  /** Internal counters for tests and diagnostics. */
  diagnostics(): { queue: ReturnType<ApplyQueue<ApplyItem>['stats']>; scheduler: ReturnType<PollScheduler['stats']>; pendingRestore: string[] } {
    return { queue: this.queue.stats(), scheduler: this.scheduler.stats(), pendingRestore: [...this.pendingRestore] };
  }

  // ---- roster ----------------------------------------------------------------------------------------------

  /** Loads both directories and re-evaluates the selection; deselected users are restored. */
  refreshRoster(): Promise<Roster> {
    this.rosterInFlight ??= this.loadRoster().finally(() => {
      this.rosterInFlight = undefined;
    });
    return this.rosterInFlight;
  }

  private async loadRoster(): Promise<Roster> {
    const sel = this.settings.users;
    let snapshot;
    try {
      snapshot = await this.directory.load({ withGroups: sel.selection === 'group' });
    } catch (err) {
      const msg = `Loading the user directories failed: ${errText(err)}`;
      this.counters.errors++;
      this.log.error(msg);
      if (!this.rosterLoaded && this.running) this.setSync('error', msg);
      else if (this.running) this.setSync('degraded', `${msg} (using the last known users)`);
      this.scheduleRoster(this.rosterLoaded ? this.settings.sync.rosterRefreshMinutes * 60_000 : this.rosterRetryMs);
      throw err;
    }
    const result = buildRoster({ users: sel, ...snapshot });
    this.rosterProblems = result.problems;
    for (const p of result.problems) this.log.warn(p);
    const before = [...this.users.values()].map((rt) => rt.user);
    const change = diffMatched(before, result.matched);
    for (const u of change.removed) {
      const rt = this.users.get(u.login);
      this.users.delete(u.login);
      this.sessionsDown.delete(u.login);
      this.pbxBusyHint.delete(u.login);
      if (this.journal.get(u.login)) {
        this.pendingRestore.add(u.login);
        if (rt) this.detached.set(u.login, rt);
      }
    }
    for (const u of change.added) {
      this.users.set(u.login, {
        user: u, presence: null, rowId: null, desired: undefined, known: {}, telephony: 'idle', lastChange: null, error: null,
      });
      if (!this.pbx.isConnected(u.login)) this.sessionsDown.add(u.login);
      this.pendingRestore.delete(u.login);
      this.detached.delete(u.login);
    }
    for (const { before: b, after } of change.changed) {
      const rt = this.users.get(after.login);
      if (rt) rt.user = after;
      if (b.microsoftId !== after.microsoftId && this.journal.get(after.login)?.teamsSession) {
        // The account behind the user changed: the session on the old account is no longer ours to keep.
        await this.teams.clearSession(b.microsoftId).catch(() => undefined);
        this.journal.set(after.login, recordTeamsSessionCleared(this.journal.entry(after.login, this.now()), this.now()));
      }
    }
    // Journal users that are not synced any more (deselected while the bridge was not running, or conflicts now).
    for (const login of this.journal.logins()) if (!this.users.has(login)) this.pendingRestore.add(login);
    this.rosterValue = result.roster;
    this.rosterLoaded = true;
    this.emit({ type: 'roster.changed', data: result.roster });
    if (change.added.length || change.removed.length) {
      this.log.info('Roster evaluated', { matched: result.matched.length, conflicts: result.roster.counts.conflicts, added: change.added.length, removed: change.removed.length });
    }

    if (this.running) {
      await this.pbx.setUsers([...this.users.keys(), ...this.pendingRestore]);
      if (this.settings.sync.restoreOnStop) {
        for (const login of [...this.pendingRestore]) void this.queue.enqueue(login, { kind: 'restore' });
      } else {
        // Without restore, a deselected user's values stay; only the Teams session goes.
        for (const login of [...this.pendingRestore]) void this.dropWithoutRestore(login);
      }
      if (!this.scheduler.isRunning) this.scheduler.start();
      else this.scheduler.triggerSoon();
      if (this.syncState === 'starting' || this.syncState === 'error') this.setSync('running');
      for (const login of this.users.keys()) this.onTelephony(login);
      this.scheduleRoster(this.settings.sync.rosterRefreshMinutes * 60_000);
    }
    return result.roster;
  }

  private scheduleRoster(ms: number): void {
    if (!this.running) return;
    if (this.rosterTimer) clearTimeout(this.rosterTimer);
    this.rosterTimer = setTimeout(() => {
      this.rosterTimer = undefined;
      void this.refreshRoster().catch(() => undefined);
    }, ms);
    this.rosterTimer.unref?.();
  }

  private async dropWithoutRestore(login: string): Promise<void> {
    const entry = this.journal.get(login);
    if (entry?.teamsSession) await this.clearTeamsSessionOf(login, entry).catch(() => undefined);
    this.journal.forget(login);
    this.pendingRestore.delete(login);
    await this.pbx.setUsers([...this.users.keys(), ...this.pendingRestore]).catch(() => undefined);
  }

  // ---- Teams → STARFACE --------------------------------------------------------------------------------------

  private async cycle(): Promise<{ presenceRequests: number }> {
    const runtimes = [...this.users.values()];
    if (runtimes.length === 0) {
      this.counters.cycles++;
      return { presenceRequests: 0 };
    }
    let batch: PresenceBatch;
    let failure: unknown;
    try {
      batch = await this.teams.readPresence(runtimes.map((rt) => rt.user.microsoftId));
    } catch (err) {
      const partial = (err as { partial?: { presences?: unknown; requests?: unknown } } | null)?.partial;
      if (!partial || !(partial.presences instanceof Map)) throw err;
      batch = { presences: partial.presences as Map<string, Presence>, requests: typeof partial.requests === 'number' ? partial.requests : 0 };
      failure = err;
    }
    this.counters.presenceRequests += batch.requests;
    const now = this.now();
    const rows = effectiveRows(this.settings);
    const caps = this.coreCapabilities();
    let queued = 0;
    for (const rt of runtimes) {
      if (!this.users.has(rt.user.login)) continue; // deselected meanwhile
      const presence = batch.presences.get(rt.user.microsoftId);
      if (!presence) continue;
      if (this.applyPresence(rt, presence, rows, caps, now)) queued++;
    }
    this.counters.cycles++;
    if (queued > 0) this.log.debug('Cycle planned PBX writes', { users: queued });
    if (failure !== undefined) throw failure;
    this.lastSuccessfulSync = now;
    this.refreshSyncState(true);
    this.emitSync();
    return { presenceRequests: batch.requests };
  }

  /** One user's presence from a cycle; returns true when PBX writes were queued. */
  private applyPresence(rt: UserRuntime, presence: Presence, rows: ReturnType<typeof effectiveRows>, caps: SettableCapabilities, now: number): boolean {
    if (hasNoTeamsPresence(presence)) return this.noTeamsPresence(rt, presence, now);
    const login = rt.user.login;
    const entry = this.journal.entry(login, now);
    const plan = planForward({ presence, settings: this.settings, rows, caps, entry, known: rt.known, now, echoGraceMs: this.echoGraceMs });
    // While a write for the user is queued or running, journal and known state may be mid-update (a DND
    // recorded ahead of its PBX call): ownership is then decided by the apply worker, never by the cycle.
    const busy = this.queue.has(login);
    if (plan.entry !== entry && !busy) this.journal.set(login, plan.entry);
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
    if (changed) this.emitUser(rt);
    if (plan.writes.length === 0 && !busy) return false;
    void this.queue.enqueue(login, { kind: 'forward' });
    return true;
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
      this.emitUser(rt);
    }
    return false;
  }

  /** The apply worker for the forward direction: plans again with the newest state, then writes in order. */
  private async applyForward(login: string): Promise<void> {
    const rt = this.users.get(login);
    if (!this.running || !rt?.desired) return;
    const now = this.now();
    const plan = planPbxWrites({ mode: this.settings.sync.ownershipMode, entry: this.journal.entry(login, now), desired: rt.desired, known: rt.known, now });
    let entry = plan.entry;
    this.journal.set(login, entry);
    if (plan.writes.length === 0) return;
    // Not logged in (yet, or again): the login's state read re-plans this user, and so does every cycle.
    if (!this.pbx.isConnected(login)) return;
    for (const w of plan.writes) entry = await this.performWrite(rt, w, entry);
    rt.error = null;
    rt.lastChange = this.now();
    this.emitUser(rt);
  }

  private async performWrite(rt: UserRuntime, w: PbxWrite, entry: JournalEntry): Promise<JournalEntry> {
    const login = rt.user.login;
    const now = this.now();
    const before = rt.known[w.field];
    const next = recordPbxWrite(entry, w, before, now);
    this.journal.setMicrosoftId(login, rt.user.microsoftId);
    const dndOn = w.field === 'dnd' && w.value === true;
    if (dndOn) {
      // Write-ahead: a crash between the PBX write and the journal must never leave an unknown DND behind.
      this.journal.set(login, next);
      this.journal.markPending(login);
      this.dndInFlight.add(login);
    }
    try {
      if (dndOn) await this.journal.flushNow();
      await this.writeToPbx(login, w);
    } catch (err) {
      if (dndOn) {
        this.journal.set(login, entry);
        this.journal.clearPending(login);
      }
      throw err;
    } finally {
      this.dndInFlight.delete(login);
    }
    rt.known = applyWrites(rt.known, [w]);
    this.journal.set(login, next);
    if (dndOn) this.journal.clearPending(login);
    this.counters.pbxWrites++;
    this.log.debug('PBX write', { user: login, field: w.field, value: w.field === 'chatText' ? `${String(w.value).length} chars` : w.value });
    return next;
  }

  private async writeToPbx(login: string, w: PbxWrite): Promise<void> {
    switch (w.field) {
      case 'dnd':
        return this.pbx.setDnd(login, w.value);
      case 'chatText':
        return this.pbx.setChatText(login, w.value);
      case 'chatPresence':
        return this.pbx.setChatPresence(login, w.value);
      case 'telephonyInCall': {
        const err = new Error('This STARFACE offers no way to set the telephony state; "show as in call" is ignored.');
        err.name = 'UciUnsupportedError';
        throw err;
      }
    }
  }

  private onApplyOutcome(login: string, item: ApplyItem, outcome: ApplyOutcome): void {
    const rt = this.users.get(login);
    if (outcome.status === 'failed') {
      this.counters.errors++;
      const msg = errText(outcome.error);
      this.log.warn(item.kind === 'restore' ? 'Restoring the PBX state failed' : 'Writing the PBX state failed', { user: login, error: msg, attempts: outcome.attempts });
      if (rt) {
        rt.error = msg;
        this.emitUser(rt);
      }
    }
    if (item.kind === 'restore' && (outcome.status === 'done' || outcome.status === 'failed') && !this.users.has(login)) {
      this.pendingRestore.delete(login);
      this.detached.delete(login);
      if (this.running) void this.pbx.setUsers([...this.users.keys(), ...this.pendingRestore]).catch(() => undefined);
    }
  }

  private onUserState(s: UciUserState): void {
    const login = s.login;
    const rt = this.users.get(login);
    if (!rt) {
      const gone = this.detached.get(login);
      if (gone) gone.known = { ...gone.known, ...knownFromState(s) };
      return;
    }
    const prev = rt.known;
    const known: KnownPbxState = { ...prev };
    if (s.dndFrom === 'pbx' && s.dnd !== undefined) known.dnd = s.dnd;
    if (this.journal.isPending(login) && !this.dndInFlight.has(login) && s.dndFrom === 'pbx' && s.dnd !== undefined) this.confirmPendingDnd(login, s.dnd);
    known.chatText = s.chatPresenceMessage;
    if ((CHAT_PRESENCES as readonly string[]).includes(s.chatPresence)) known.chatPresence = s.chatPresence as ChatPresence;
    rt.known = known;
    const pbxChanged = prev.dnd !== known.dnd || prev.chatText !== known.chatText || prev.chatPresence !== known.chatPresence;

    // Telephony from the PBX's own view, for calls no event told us about (e.g. a call that began before a restart).
    const hintBefore = this.pbxBusyHint.get(login);
    if ((s.telephony === 'in-call' || s.telephony === 'ringing') && this.pbx.telephony(login) === 'idle') this.pbxBusyHint.set(login, s.telephony);
    else this.pbxBusyHint.delete(login);
    if (hintBefore !== this.pbxBusyHint.get(login) || (this.journal.get(login)?.teamsSession && !this.heldThisRun.has(login))) this.onTelephony(login);

    if (pbxChanged) {
      this.emitUser(rt);
      // A changed PBX value (the user pressed a key, or the PBX came back) is re-planned at once.
      if (this.running && rt.desired) void this.queue.enqueue(login, { kind: 'forward' });
    }
  }

  /**
   * A DND write recorded ahead of a crash: if the PBX does not show it, the write never happened, so the
   * record goes (rather than reading the difference as the user's own change); if it does, it is confirmed.
   */
  private confirmPendingDnd(login: string, pbxDnd: boolean): void {
    const entry = this.journal.get(login);
    if (entry?.pbx.dnd && entry.pbx.dnd.value !== pbxDnd) {
      this.journal.set(login, forgetPbxField(entry, 'dnd', this.now()));
      this.log.info('A DND write interrupted by a restart did not reach the PBX; planning it again', { user: login });
    }
    this.journal.clearPending(login);
  }

  private onSessionStatus(login: string, status: string, error: string | undefined): void {
    // A write waiting for this session (e.g. a deselected user's restore) runs now.
    if (status === 'connected') this.queue.wake(login);
    const rt = this.users.get(login);
    if (!rt) return;
    if (status === 'connected') this.sessionsDown.delete(login);
    else this.sessionsDown.add(login);
    const err = status === 'connected' ? null : status === 'reconnecting' ? (error ?? 'STARFACE session lost; logging in again') : rt.error;
    if (err !== rt.error) {
      rt.error = err;
      this.emitUser(rt);
    }
    if (status === 'connected' && this.running && rt.desired) void this.queue.enqueue(login, { kind: 'forward' });
    // O(1): thousands of logins at start-up must not mean thousands of scans and state.sync events.
    if (this.running && (this.syncState === 'running' || this.syncState === 'degraded')) this.refreshSyncState();
  }

  // ---- STARFACE → Teams ----------------------------------------------------------------------------------------

  private effectiveTelephony(login: string): TelephonyState {
    const fromEvents = this.pbx.telephony(login);
    return fromEvents !== 'idle' ? fromEvents : (this.pbxBusyHint.get(login) ?? 'idle');
  }

  /** Re-evaluates the user's Teams session now (call event, PBX state, settings change). */
  private onTelephony(login: string): void {
    const rt = this.users.get(login);
    if (!rt) return;
    if (this.pbx.telephony(login) !== 'idle') this.pbxBusyHint.delete(login);
    const telephony = this.effectiveTelephony(login);
    if (rt.telephony !== telephony) {
      rt.telephony = telephony;
      rt.lastChange = this.now();
      this.emitUser(rt);
    }
    if (!this.running) return;
    const prev = this.reverseChains.get(login) ?? Promise.resolve();
    const next = prev.then(() => this.reconcileTeamsSession(login)).catch((err: unknown) => {
      this.counters.errors++;
      const r = this.users.get(login);
      this.log.warn('Setting the Teams presence failed', { user: login, error: errText(err) });
      if (r) {
        r.error = errText(err);
        this.emitUser(r);
      }
    });
    this.reverseChains.set(login, next);
    void next.then(() => {
      if (this.reverseChains.get(login) === next) this.reverseChains.delete(login);
    });
  }

  private async reconcileTeamsSession(login: string, attempt = 0): Promise<void> {
    const rt = this.users.get(login);
    if (!rt || !this.running) return;
    const now = this.now();
    const desired = desiredTeamsSession(this.effectiveTelephony(login), this.settings.switches.reverse);
    const entry = this.journal.entry(login, now);
    let action = teamsSessionAction(entry, desired, now, Number.POSITIVE_INFINITY);
    // A session from the journal (earlier run) is not kept alive by this process yet: take it over.
    if (action.kind === 'none' && desired && !this.heldThisRun.has(login)) action = { kind: 'set', session: desired };
    // Issue 14 item 5: Teams has no presence for this user (no licence, a guest): setPresence cannot work.
    if (action.kind === 'set' && rt.presence && hasNoTeamsPresence(rt.presence)) return;
    try {
      if (action.kind === 'set' || action.kind === 'refresh') {
        await this.teams.holdSession(rt.user.microsoftId, action.session);
        this.heldThisRun.add(login);
        this.notePresenceWrite();
        this.journal.setMicrosoftId(login, rt.user.microsoftId);
        this.journal.set(login, recordTeamsSessionSet(this.journal.entry(login, this.now()), action.session, this.now()));
        this.counters.teamsWrites++;
        this.log.info('Teams presence set for a STARFACE call', { user: login, availability: action.session.availability, activity: action.session.activity });
      } else if (action.kind === 'clear') {
        await this.clearTeamsSessionOf(login, entry);
        this.log.info('Teams presence cleared after the STARFACE call', { user: login });
      } else {
        return;
      }
    } catch (err) {
      if (err instanceof GraphAmbiguousWriteError && (action.kind === 'set' || action.kind === 'refresh')) {
        // Issue 14 item 1: the write may have taken effect; the journal keeps the session so hang-up and stop
        // clear it (the presence writer keeps it alive meanwhile).
        this.heldThisRun.add(login);
        this.journal.setMicrosoftId(login, rt.user.microsoftId);
        this.journal.set(login, recordTeamsSessionSet(this.journal.entry(login, this.now()), action.session, this.now()));
      }
      if (err instanceof NoTeamsPresenceError) {
        // Not transient: no retries, and the forward read will show the user as "no Teams presence".
        rt.error = err.message;
        this.emitUser(rt);
        return;
      }
      // Transient Graph failures: try again shortly while the call is still on (or the session still held).
      if (attempt < 3 && this.running) {
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        return this.reconcileTeamsSession(login, attempt + 1);
      }
      throw err;
    }
    rt.error = null;
    rt.lastChange = this.now();
    this.emitUser(rt);
  }

  private async clearTeamsSessionOf(login: string, entry: JournalEntry): Promise<void> {
    const id = this.users.get(login)?.user.microsoftId ?? this.journal.microsoftId(login);
    if (id) {
      await this.teams.clearSession(id);
      this.notePresenceWrite();
      this.counters.teamsWrites++;
    }
    this.heldThisRun.delete(login);
    this.journal.set(login, recordTeamsSessionCleared(this.journal.get(login) ?? entry, this.now()));
  }

  private async clearAllTeamsSessions(): Promise<void> {
    const work = this.journal.all().filter((e) => e.teamsSession).map((e) => this.clearTeamsSessionOf(e.user, e).catch((err: unknown) => {
      this.counters.errors++;
      this.log.warn('Clearing the Teams presence failed; it expires on its own within 5 minutes', { user: e.user, error: errText(err) });
    }));
    await Promise.all(work);
  }

  private notePresenceWrite(): void {
    this.writeTimes.push(this.now());
  }

  private presenceWritesInWindow(): number {
    const cutoff = this.now() - WRITE_WINDOW_MS;
    while (this.writeTimes.length && this.writeTimes[0]! < cutoff) this.writeTimes.shift();
    // Keep-alive refreshes of held sessions count too (about one per session per 3.5 minutes).
    return this.writeTimes.length + Math.ceil(this.heldThisRun.size * (WRITE_WINDOW_MS / 210_000));
  }

  // ---- restore -----------------------------------------------------------------------------------------------

  private async restoreAll(reason: string): Promise<void> {
    const logins = this.journal.logins();
    if (logins.length === 0) return;
    this.log.info('Restoring what the bridge changed', { users: logins.length, reason });
    await this.pbx.setUsers(logins);
    const outcomes = logins.map((login) => this.queue.enqueue(login, { kind: 'restore' }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), this.restoreTimeoutMs);
    });
    const result = await Promise.race([Promise.all(outcomes), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      for (const login of logins) this.queue.cancel(login);
      this.log.warn('Restoring timed out; the remaining users are restored on the next start', { users: this.journal.logins().length });
      return;
    }
    const failed = result.filter((o) => o.status === 'failed').length;
    if (failed) this.log.warn('Some users could not be restored; they are restored on the next start', { users: failed });
  }

  /** The restore worker: writes back the values the bridge replaced and clears its Teams session. */
  private async applyRestore(login: string): Promise<void> {
    const now = this.now();
    let entry = this.journal.get(login);
    if (!entry) return;
    // The freshest view of the PBX: the runtime's (updated by every read and by our own writes), else the last read.
    const rt = this.users.get(login) ?? this.detached.get(login);
    const known = rt?.known ?? knownFromState(this.pbx.lastState(login));
    const plan = restorePlan(entry, known);
    for (const field of plan.leftAsIs) entry = forgetPbxField(entry, field, now);
    this.journal.set(login, entry);
    // Teams first: it needs no PBX session, so it is cleared even while the PBX cannot be reached.
    // A Graph failure must not keep the PBX from being restored: the session expires on its own (5 min) and
    // stays in the journal, so the next start clears it.
    if (plan.clearTeamsSession) {
      try {
        await this.clearTeamsSessionOf(login, entry);
      } catch (err) {
        this.counters.errors++;
        this.log.warn('Clearing the Teams presence failed; it expires on its own within 5 minutes', { user: login, error: errText(err) });
      }
      entry = this.journal.get(login) ?? entry;
    }
    if (plan.pbxWrites.length > 0) {
      if (!this.pbx.isConnected(login)) throw new NotConnectedYet(this.pbx.sessionError(login) ?? 'STARFACE session not connected yet');
      for (const w of plan.pbxWrites) {
        await this.writeToPbx(login, w);
        this.counters.pbxWrites++;
        if (rt) rt.known = applyWrites(rt.known, [w]);
        entry = forgetPbxField(entry, w.field, this.now());
        this.journal.set(login, entry);
      }
      this.log.info('PBX state restored', { user: login, fields: plan.pbxWrites.map((w) => w.field) });
    }
    // Nothing of the bridge's is left for this user; a manual override is the user's business, and the user
    // leaves the sync, so no echo of the cleared session needs recognising.
    const rest = this.journal.get(login);
    if (rest) {
      const cleaned = { ...rest };
      delete cleaned.manualDnd;
      delete cleaned.teamsCleared;
      this.journal.set(login, cleaned);
    }
    if (rt) rt.desired = undefined;
    if (rt && this.users.get(login) === rt) this.emitUser(rt);
  }

  // ---- state and events ---------------------------------------------------------------------------------------

  private coreCapabilities(): SettableCapabilities {
    const c = this.pbx.capabilities();
    return {
      canSetDnd: c.canSetDnd,
      canSetChatPresenceMessage: c.canSetChatPresenceMessage,
      canSetChatPresence: c.canSetChatPresence,
      canSetTelephonyState: c.canSetTelephonyState,
    };
  }

  private onCycleError(err: unknown): void {
    this.counters.errors++;
    const msg = errText(err);
    const signIn = temporarySignInFailure(err);
    if (hasCause(err, 'NeedsSignInError')) {
      this.setSync('signed-out', msg);
    } else if (signIn) {
      // Issue 13 item 2: the sign-in service fails for a moment; tokens are retried within seconds.
      this.setSync('degraded', signIn, {}, 'microsoft-sign-in-unavailable');
    } else if (typeof (err as { retryAfterMs?: unknown } | null)?.retryAfterMs === 'number') {
      this.setSync('paused', msg);
    } else {
      this.setSync('degraded', msg);
    }
    this.log.warn('Sync cycle failed', { error: msg });
  }

  /**
   * running or degraded, from the sessions' health (a cycle that read presence fine got us here). O(1) from the
   * kept count; `recount` (once per cycle) rebuilds the count from the sessions, so it can never drift.
   */
  private refreshSyncState(recount = false): void {
    if (!this.running) return;
    if (recount) {
      this.sessionsDown.clear();
      for (const login of this.users.keys()) if (!this.pbx.isConnected(login)) this.sessionsDown.add(login);
    }
    const down = this.sessionsDown.size;
    if (down > 0) {
      const first = this.sessionsDown.values().next().value as string;
      const example = this.pbx.sessionError(first);
      const reason = `${down} of ${this.users.size} STARFACE sessions are not connected${example ? ` (${example})` : ''}; they log in again on their own.`;
      this.setSync('degraded', reason, { throttleReason: true });
    } else {
      this.setSync('running');
    }
  }

  /** Emits on every change of state; with throttleReason, a change of the reason alone is emitted at most once a second. */
  private setSync(state: SyncState, reason?: string, opts: { throttleReason?: boolean } = {}, reasonCode?: string): void {
    if (state === this.syncState && reason === this.syncReason) return;
    const sameState = state === this.syncState;
    if (!sameState) this.syncSince = this.now();
    this.syncState = state;
    this.syncReason = reason;
    this.syncReasonCode = reasonCode;
    if (sameState && opts.throttleReason) this.emitSyncSoon();
    else this.emitSync();
  }

  /** A trailing emit within SYNC_REASON_EMIT_MS of the last one: subscribers always end on the newest status. */
  private emitSyncSoon(): void {
    if (this.syncEmitTimer) return;
    const wait = Math.max(0, this.lastSyncEmitAt + SYNC_REASON_EMIT_MS - Date.now());
    this.syncEmitTimer = setTimeout(() => {
      this.syncEmitTimer = undefined;
      this.emitSync();
    }, wait);
    this.syncEmitTimer.unref?.();
  }

  private emitSync(): void {
    if (this.syncEmitTimer) clearTimeout(this.syncEmitTimer);
    this.syncEmitTimer = undefined;
    this.lastSyncEmitAt = Date.now();
    this.emit({ type: 'state.sync', data: this.status() });
  }

  private emitUser(rt: UserRuntime): void {
    if (this.listeners.size === 0) return;
    this.emit({ type: 'state.user', data: this.liveState(rt) });
  }

  private liveState(rt: UserRuntime): UserLiveState {
    const login = rt.user.login;
    const entry = this.journal.get(login);
    const last = this.pbx.lastState(login);
    const dnd = rt.known.dnd ?? (last?.dnd ?? null);
    return {
      login,
      email: rt.user.email,
      ...(rt.user.displayName ? { displayName: rt.user.displayName } : {}),
      microsoftId: rt.user.microsoftId,
      teams: rt.presence ? { availability: rt.presence.availability, activity: rt.presence.activity, outOfOffice: rt.presence.outOfOffice } : null,
      row: rt.rowId,
      pbx: { dnd, chatText: rt.known.chatText ?? null, telephony: rt.telephony, dndSource: dndSourceOf(dnd, last) },
      teamsSession: entry?.teamsSession ? { availability: entry.teamsSession.availability, activity: entry.teamsSession.activity } : null,
      manualOverride: entry?.manualDnd !== undefined,
      lastChange: rt.lastChange === null ? null : new Date(rt.lastChange).toISOString(),
      error: rt.error,
    };
  }

  private emit(e: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.warn('Engine event listener failed', { error: errText(err) });
      }
    }
  }
}

/** Where the board's DND value comes from: the PBX's own report, or the bridge's writes (STARFACE rarely reports DND). */
function dndSourceOf(dnd: boolean | null, last: UciUserState | undefined): 'pbx' | 'bridge' | 'unknown' {
  if (last?.dndFrom === 'pbx') return 'pbx';
  return dnd === null ? 'unknown' : 'bridge';
}

function knownFromState(s: UciUserState | undefined): KnownPbxState {
  if (!s) return {};
  const k: KnownPbxState = { chatText: s.chatPresenceMessage };
  if (s.dndFrom === 'pbx' && s.dnd !== undefined) k.dnd = s.dnd;
  if ((CHAT_PRESENCES as readonly string[]).includes(s.chatPresence)) k.chatPresence = s.chatPresence as ChatPresence;
  return k;
}

/** The message of a temporary sign-in failure (TokenRequestError code microsoft-sign-in-unavailable) among the causes. */
function temporarySignInFailure(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'microsoft-sign-in-unavailable') return errText(e);
  }
  return undefined;
}

/** Whether the error or one of its causes has this name (the presence reader wraps the real reason). */
function hasCause(err: unknown, name: string): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { name?: unknown }).name === name) return true;
  }
  return false;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
