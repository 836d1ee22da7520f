// The sync engine: the lifecycle (start, stop, settings), the roster of synced users and the apply queue that
// every PBX write goes through, wired to the parts that do each job:
// - forward-sync.ts          Teams → STARFACE (poll cycle, planning, the apply worker),
// - teams-session-keeper.ts  STARFACE → Teams (the bridge's presence session during calls),
// - pbx-writes.ts            PBX writes and their journal records (what the bridge wrote, the value it replaced),
// - restorer.ts              putting back what the bridge changed (stop, deselect, start with sync off),
// - status-reporter.ts       the sync status the UI shows.
// Time comes from the injected clock only.
import type { RestoreStatus, SyncStatus, UserLiveState } from '../core/engine-state.js';
import type { PbxCapabilitiesView } from '../core/pbx-state.js';
import type { Roster } from '../core/roster.js';
import { DEFAULT_ECHO_GRACE_MS } from '../core/ownership.js';
import type { Settings } from '../core/settings.js';
import type { Message } from '../core/errors.js';
import { renderMessage } from '../core/messages/index.js';
import { coded, codedMessage } from '../core/messages/log-line.js';
import { systemClock, type Clock, type TimerHandle } from '../platform/clock.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { UciUnsupportedError } from '../starface/errors.js';
import { ApplyQueue, type ApplyOutcome } from './apply-queue.js';
import { ForwardSync } from './forward-sync.js';
import type { JournalStore } from './journal.js';
import { knownFromState, PbxWriter } from './pbx-writes.js';
import type { DirectoryPort, PbxPort, TeamsPort, UciUserState } from './ports.js';
import { NotConnectedYet, Restorer } from './restorer.js';
import { buildRoster, diffMatched } from './roster.js';
import { PollScheduler, type PresenceBudget } from './scheduler.js';
import { errText, SyncStatusReporter } from './status-reporter.js';
import { TeamsSessionKeeper } from './teams-session-keeper.js';
import { capabilitiesView, liveUserState, newUserRuntime, type UserRuntime } from './user-runtime.js';

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
  /** Time and timers. Default: the system clock. */
  clock?: Clock;
  /** Apply-queue retry tuning (tests use short delays). */
  applyRetry?: { baseDelayMs?: number; maxAttempts?: number };
  /** Retries of a failed Teams presence write while the call goes on (tests use short delays). */
  teamsRetry?: { attempts?: number; baseDelayMs?: number };
  /** How long a cleared Teams session still counts as the bridge's echo. Default 20 s. */
  echoGraceMs?: number;
  /** Retry of a failed roster load before the first success. Default 15 s. */
  rosterRetryMs?: number;
  /** Graph presence budget (tests shrink it). */
  budget?: Partial<PresenceBudget>;
  /** Longest time stop({restore:true}) waits for the PBX and Teams. Default 30 s. */
  restoreTimeoutMs?: number;
  /** Background retries of a restore with users left, while the sync is stopped. Default 5 s doubling to 5 min. */
  restoreRetry?: { baseDelayMs?: number; maxDelayMs?: number };
  /** Poll interval below the settings' 0.25 s minimum (tests only). */
  pollIntervalMs?: number;
}

type ApplyItem = { kind: 'forward' } | { kind: 'restore' };

export class SyncEngine {
  private settings: Settings;
  private readonly journal: JournalStore;
  private readonly pbx: PbxPort;
  private readonly teams: TeamsPort;
  private readonly directory: DirectoryPort;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly queue: ApplyQueue<ApplyItem>;
  private readonly scheduler: PollScheduler;
  private readonly rosterRetryMs: number;
  private readonly pollIntervalOverride: number | undefined;

  private readonly users = new Map<string, UserRuntime>();
  private rosterValue: Roster = { users: [], counts: { matched: 0, conflicts: 0 } };
  private rosterProblems: string[] = [];
  private rosterProblemCodes: Message[] = [];
  private rosterLoaded = false;
  /** Deselected users whose restore is still to be done (their sessions stay until then). */
  private readonly pendingRestore = new Set<string>();
  /** Runtimes of deselected users until their restore is done: their known PBX state is what restore compares. */
  private readonly detached = new Map<string, UserRuntime>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly reporter: SyncStatusReporter;
  private readonly counters: SyncStatusReporter['counters'];
  private readonly keeper: TeamsSessionKeeper<UserRuntime>;
  private readonly writer: PbxWriter;
  private readonly forward: ForwardSync;
  private readonly restorer: Restorer;

  private running = false;
  private rosterTimer: TimerHandle | undefined;
  private rosterInFlight: Promise<Roster> | undefined;

  constructor(opts: SyncEngineOptions) {
    this.settings = opts.settings;
    this.journal = opts.journal;
    this.pbx = opts.pbx;
    this.teams = opts.teams;
    this.directory = opts.directory;
    this.log = (opts.logger ?? silentLogger).child({ component: 'sync' });
    this.clock = opts.clock ?? systemClock;
    this.rosterRetryMs = opts.rosterRetryMs ?? 15_000;
    this.pollIntervalOverride = opts.pollIntervalMs;
    const clock = this.clock;
    this.reporter = new SyncStatusReporter({
      clock, emit: (data) => this.emit({ type: 'state.sync', data }), restore: () => this.restorer.report(),
      poll: () => (this.running ? this.scheduler.pollStatus() : undefined),
    });
    this.counters = this.reporter.counters;
    const parts = { pbx: this.pbx, journal: this.journal, clock, log: this.log, counters: this.counters };
    this.keeper = new TeamsSessionKeeper({
      ...parts,
      teams: this.teams,
      runtime: (login) => this.users.get(login),
      isRunning: () => this.running,
      reverseSwitches: () => this.settings.switches.reverse,
      userChanged: (rt) => this.emitUser(rt),
      ...(opts.teamsRetry ? { retry: opts.teamsRetry } : {}),
    });
    this.writer = new PbxWriter({
      ...parts,
      failed: (login, _field, err) => {
        const rt = this.users.get(login);
        if (!rt) return;
        rt.failedWrites++;
        rt.error = errText(err);
        this.emitUser(rt);
      },
    });
    this.forward = new ForwardSync({
      ...parts,
      teams: this.teams,
      writer: this.writer,
      echoGraceMs: opts.echoGraceMs ?? DEFAULT_ECHO_GRACE_MS,
      settings: () => this.settings,
      isRunning: () => this.running,
      runtimes: () => this.users.values(),
      runtime: (login) => this.users.get(login),
      enqueue: (login) => void this.queue.enqueue(login, { kind: 'forward' }),
      busy: (login) => this.queue.has(login),
      userChanged: (rt) => this.emitUser(rt),
    });
    this.restorer = new Restorer({
      ...parts,
      keeper: this.keeper,
      runtime: (login) => this.users.get(login) ?? this.detached.get(login),
      restored: (login) => {
        const rt = this.users.get(login);
        if (rt) this.emitUser(rt);
      },
      enqueue: (login) => this.queue.enqueue(login, { kind: 'restore' }),
      cancel: (login) => this.queue.cancel(login),
      changed: () => this.onRestoreProgress(),
      timeoutMs: opts.restoreTimeoutMs ?? 30_000,
      ...(opts.restoreRetry ? { retry: opts.restoreRetry } : {}),
    });
    this.queue = new ApplyQueue<ApplyItem>({
      concurrency: opts.settings.sync.applyConcurrency,
      baseDelayMs: opts.applyRetry?.baseDelayMs ?? 250,
      maxAttempts: opts.applyRetry?.maxAttempts ?? 6,
      // A restore is never superseded by a forward item; a forward item is superseded by a restore.
      merge: (older, newer) => (older.kind === 'restore' || newer.kind === 'restore' ? { kind: 'restore' } : newer),
      isRetryable: (err) => !(err instanceof UciUnsupportedError || err instanceof RangeError),
      // A user whose session is still logging in is retried when it connects (onSessionStatus), not on a timer.
      waitsForWake: (err) => err instanceof NotConnectedYet,
      worker: (login, item) => (item.kind === 'forward' ? this.forward.apply(login) : this.restorer.restoreUser(login)),
      onOutcome: (login, item, outcome) => this.onApplyOutcome(login, item, outcome),
      clock,
    });
    this.scheduler = new PollScheduler({
      intervalMs: opts.pollIntervalMs ?? opts.settings.sync.pollIntervalSeconds * 1000,
      users: () => this.users.size,
      // Issue 17: the bridge's share of the tenant's presence budget covers reads, writes and refreshes.
      otherRequests: () => this.keeper.presenceRequestsInWindow(this.settings.sync.teamsSessionRefreshSeconds * 1000),
      budget: { ...budgetOf(opts.settings), ...opts.budget },
      runCycle: () => this.cycle(),
      onError: (err) => this.log.warn('Sync cycle failed', coded('log-sync-cycle-failed', { error: this.reporter.cycleFailed(err) })),
      onDecision: (d) => {
        this.log.info('Poll interval', { intervalMs: d.intervalMs, reasonCode: d.reasonCode, ...d.params, ...coded('log-poll-interval', { seconds: d.intervalMs / 1000 }) });
        // Every cycle sends the status; a pause for Retry-After has no cycle, so it goes out now.
        if (this.running && d.pausedUntil !== undefined) this.reporter.emitNow();
      },
      clock,
    });
    this.unsubscribe.push(
      this.pbx.onUserState((s) => this.onUserState(s)),
      this.pbx.onTelephony((c) => this.keeper.onTelephony(c.login)),
      this.pbx.onStatus((login, status, error) => this.onSessionStatus(login, status, error)),
      // A 429 on any presence call (also one the Graph client retried itself) widens the poll interval.
      this.teams.onThrottled?.((retryAfterMs) => this.scheduler.throttled(retryAfterMs)) ?? ((): void => undefined),
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
    // Users left by an earlier restore: the synced ones follow Teams again, the others are restored (roster).
    this.restorer.clear();
    this.reporter.set('starting');
    this.log.info('Sync starting', coded('log-sync-starting', { ownershipMode: this.settings.sync.ownershipMode, pollIntervalSeconds: this.settings.sync.pollIntervalSeconds }));
    await this.refreshRoster().catch(() => undefined);
    return this.status();
  }

  /**
   * Stops syncing. With restore: puts back what the bridge changed on the PBX for every user in the journal;
   * the status (and its `restore` report) says exactly who is left and why, and those users are restored in
   * the background as soon as the PBX answers. Teams sessions are always cleared: with the bridge stopped
   * nobody would clear them on hang-up.
   */
  async stop(opts: { restore: boolean }): Promise<SyncStatus> {
    const wasRunning = this.running;
    // Never started and nothing to restore: touch nothing (e.g. `check` next to a running bridge).
    if (!wasRunning && !opts.restore) return this.status();
    this.running = false;
    this.clock.clearTimeout(this.rosterTimer);
    this.rosterTimer = undefined;
    await this.scheduler.stop();
    await this.keeper.settle();
    let report: RestoreStatus | undefined;
    if (opts.restore) {
      report = await this.restorer.restoreAll('sync stopped');
    } else {
      this.restorer.clear();
      await this.keeper.clearAll();
    }
    await this.afterRestore(report);
    this.pendingRestore.clear();
    this.detached.clear();
    this.keeper.reset();
    this.writer.reset();
    if (wasRunning || this.reporter.state !== 'stopped' || opts.restore) {
      this.reporter.set('stopped', ...stoppedReason(report, opts.restore));
      this.log.info('Sync stopped', { restore: opts.restore, ...(report?.notRestored ? { notRestored: report.notRestored } : {}), ...coded('log-sync-stopped') });
    }
    return this.status();
  }

  /**
   * Restores without starting the sync (sync is off at start): users whose restore is due (a stop with restore
   * or a change of PBX that could not finish), and with `all` every user in the journal (after a crash).
   */
  async restoreOnly(reason: string, opts: { all: boolean }): Promise<SyncStatus> {
    if (this.running) return this.status();
    const report = await this.restorer.restoreAll(reason, (e) => opts.all || e.restoreDue === true);
    await this.afterRestore(report);
    if (report) this.reporter.set('stopped', ...stoppedReason(report, true));
    return this.status();
  }

  /** Stops (without restore unless asked) and detaches from the ports; the caller owns and closes them. */
  async close(opts: { restore?: boolean } = {}): Promise<void> {
    await this.stop({ restore: opts.restore ?? false });
    this.restorer.stopBackground();
    for (const u of this.unsubscribe.splice(0)) u();
    this.reporter.dispose();
    await this.queue.close();
  }

  /** Live re-configuration for everything that does not need new connections (service.ts rebuilds those). */
  updateSettings(next: Settings): void {
    const prev = this.settings;
    this.settings = next;
    if (prev.sync.pollIntervalSeconds !== next.sync.pollIntervalSeconds && this.pollIntervalOverride === undefined) {
      this.scheduler.setIntervalMs(next.sync.pollIntervalSeconds * 1000);
    }
    if (prev.sync.presenceBudgetSharePercent !== next.sync.presenceBudgetSharePercent
      || prev.sync.presenceRequestsPer30Seconds !== next.sync.presenceRequestsPer30Seconds) this.scheduler.configureBudget(budgetOf(next));
    if (JSON.stringify(prev.users) !== JSON.stringify(next.users)) void this.refreshRoster().catch(() => undefined);
    if (JSON.stringify(prev.switches.reverse) !== JSON.stringify(next.switches.reverse)) {
      for (const login of this.users.keys()) this.keeper.onTelephony(login);
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
    return this.reporter.status();
  }

  roster(): Roster {
    return this.rosterValue;
  }

  rosterIssues(): string[] {
    return [...this.rosterProblems];
  }

  /** The same as codes, for the UI's and the CLI's language. */
  rosterIssueCodes(): Message[] {
    return [...this.rosterProblemCodes];
  }

  liveUsers(): UserLiveState[] {
    return [...this.users.values()].map((rt) => this.liveState(rt));
  }

  capabilities(): PbxCapabilitiesView {
    return capabilitiesView(this.pbx.capabilities());
  }

  /** Internal counters for tests and diagnostics. */
  diagnostics(): { queue: ReturnType<ApplyQueue<ApplyItem>['stats']>; scheduler: ReturnType<PollScheduler['stats']>; pendingRestore: string[] } {
    return { queue: this.queue.stats(), scheduler: this.scheduler.stats(), pendingRestore: [...this.pendingRestore] };
  }

  /** Users left by a restore keep their sessions and are restored in the background; everyone else logs out. */
  private async afterRestore(report: RestoreStatus | undefined): Promise<void> {
    await this.queue.idle();
    await this.journal.flushNow().catch((err: unknown) => this.log.error('Saving the ownership journal failed', coded('log-journal-save-failed', { error: errText(err) })));
    if (report?.notRestored) this.restorer.continueInBackground();
    else await this.pbx.setUsers([]).catch(() => undefined);
  }

  /** Users left by a restore were restored in the background. */
  private onRestoreProgress(): void {
    if (!this.running && this.reporter.state === 'stopped') this.reporter.set('stopped', ...stoppedReason(this.restorer.report(), true));
    else this.reporter.emitNow();
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
      const detail = errText(err);
      this.log.error(msg, coded('log-roster-load-failed', { error: detail }));
      if (!this.rosterLoaded && this.running) this.reporter.set('error', { code: 'roster-load-failed', detail }, { text: msg });
      else if (this.running) this.reporter.set('degraded', { code: 'roster-load-failed-stale', detail }, { text: `${msg} (using the last known users)` });
      this.scheduleRoster(this.rosterLoaded ? this.settings.sync.rosterRefreshMinutes * 60_000 : this.rosterRetryMs);
      throw err;
    }
    const result = buildRoster({ users: sel, ...snapshot, adminLogin: this.settings.starface.adminLogin });
    this.rosterProblems = result.problems;
    this.rosterProblemCodes = result.problemCodes;
    // result.problems are these messages in English: the same text, with the code for the Log page.
    for (const m of result.problemCodes) this.log.warn(renderMessage('en', m), codedMessage(m));
    const before = [...this.users.values()].map((rt) => rt.user);
    const change = diffMatched(before, result.matched);
    for (const u of change.removed) {
      const rt = this.users.get(u.login);
      this.users.delete(u.login);
      this.reporter.sessionUp(u.login);
      this.keeper.forget(u.login);
      if (this.journal.get(u.login)) {
        this.pendingRestore.add(u.login);
        if (rt) this.detached.set(u.login, rt);
      }
    }
    for (const u of change.added) {
      this.users.set(u.login, newUserRuntime(u));
      if (!this.pbx.isConnected(u.login)) this.reporter.sessionDown(u.login);
      this.pendingRestore.delete(u.login);
      this.detached.delete(u.login);
    }
    for (const { before: b, after } of change.changed) {
      const rt = this.users.get(after.login);
      if (rt) rt.user = after;
      if (b.microsoftId !== after.microsoftId) await this.keeper.accountChanged(after.login, b.microsoftId);
    }
    // Journal users that are not synced any more (deselected while the bridge was not running, or conflicts now).
    for (const login of this.journal.logins()) if (!this.users.has(login)) this.pendingRestore.add(login);
    // A restore left over for a synced user is superseded: the user follows Teams again (and is restored at stop).
    for (const login of this.users.keys()) {
      const e = this.journal.get(login);
      if (e?.restoreDue) {
        const rest = { ...e };
        delete rest.restoreDue;
        this.journal.set(login, rest);
      }
    }
    this.rosterValue = result.roster;
    this.rosterLoaded = true;
    this.emit({ type: 'roster.changed', data: result.roster });
    if (change.added.length || change.removed.length) {
      this.log.info('Roster evaluated', coded('log-roster-evaluated', { matched: result.matched.length, conflicts: result.roster.counts.conflicts, added: change.added.length, removed: change.removed.length }));
    }

    if (this.running) {
      await this.pbx.setUsers([...this.users.keys(), ...this.pendingRestore]);
      for (const login of [...this.pendingRestore]) {
        // Without restore, a deselected user's values stay; only the Teams session goes. A restore once asked
        // for (restoreDue) is always finished.
        if (this.settings.sync.restoreOnStop || this.journal.get(login)?.restoreDue) void this.queue.enqueue(login, { kind: 'restore' });
        else void this.dropWithoutRestore(login);
      }
      if (!this.scheduler.isRunning) this.scheduler.start();
      else this.scheduler.triggerSoon();
      if (this.reporter.state === 'starting' || this.reporter.state === 'error') this.reporter.set('running');
      for (const login of this.users.keys()) this.keeper.onTelephony(login);
      this.scheduleRoster(this.settings.sync.rosterRefreshMinutes * 60_000);
    }
    return result.roster;
  }

  private scheduleRoster(ms: number): void {
    if (!this.running) return;
    this.clock.clearTimeout(this.rosterTimer);
    this.rosterTimer = this.clock.setTimeout(() => {
      this.rosterTimer = undefined;
      void this.refreshRoster().catch(() => undefined);
    }, ms, { unref: true });
  }

  private async dropWithoutRestore(login: string): Promise<void> {
    const entry = this.journal.get(login);
    if (entry?.teamsSession) await this.keeper.clear(login, entry).catch(() => undefined);
    this.journal.forget(login);
    this.pendingRestore.delete(login);
    await this.pbx.setUsers([...this.users.keys(), ...this.pendingRestore]).catch(() => undefined);
  }

  // ---- Teams → STARFACE --------------------------------------------------------------------------------------

  private async cycle(): Promise<{ presenceRequests: number }> {
    const result = await this.forward.cycle();
    if (result.at === undefined) return result;
    this.reporter.succeeded(result.at);
    this.keeper.retryGivenUp();
    this.keeper.clearLateSessions();
    this.refreshSyncState(true);
    this.reporter.emitNow();
    return result;
  }

  private onApplyOutcome(login: string, item: ApplyItem, outcome: ApplyOutcome): void {
    const rt = this.users.get(login);
    if (outcome.status === 'failed') {
      this.counters.errors++;
      const msg = errText(outcome.error);
      this.log.warn(item.kind === 'restore' ? 'Restoring the PBX state failed' : 'Writing the PBX state failed', {
        user: login, attempts: outcome.attempts, ...coded(item.kind === 'restore' ? 'log-pbx-state-restore-failed' : 'log-pbx-state-write-failed', { error: msg }),
      });
      if (rt) {
        rt.error = msg;
        this.emitUser(rt);
      }
    }
    if (item.kind === 'restore') this.restorer.onOutcome(login, outcome);
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
    this.forward.onPbxState(rt, s);
    this.keeper.onPbxState(s);
  }

  private onSessionStatus(login: string, status: string, error: string | undefined): void {
    // A write waiting for this session (e.g. a deselected user's restore) runs now.
    if (status === 'connected') {
      this.queue.wake(login);
      this.restorer.onSessionConnected(login);
    }
    const rt = this.users.get(login);
    if (!rt) return;
    if (status === 'connected') this.reporter.sessionUp(login);
    else this.reporter.sessionDown(login);
    const err = status === 'connected' ? null : status === 'reconnecting' ? (error ?? 'STARFACE session lost; logging in again') : rt.error;
    if (err !== rt.error) {
      rt.error = err;
      this.emitUser(rt);
    }
    if (status === 'connected' && this.running && rt.desired) void this.queue.enqueue(login, { kind: 'forward' });
    // O(1): thousands of logins at start-up must not mean thousands of scans and state.sync events.
    if (this.running && (this.reporter.state === 'running' || this.reporter.state === 'degraded')) this.refreshSyncState();
  }

  // ---- state and events ---------------------------------------------------------------------------------------

  /** running or degraded from the sessions' health; `recount` (once per cycle) rebuilds the count first. */
  private refreshSyncState(recount = false): void {
    if (!this.running) return;
    if (recount) this.reporter.recountSessions(this.users.keys(), (login) => this.pbx.isConnected(login));
    this.reporter.refreshFromSessions(this.users.size, (login) => this.pbx.sessionError(login));
  }

  private emitUser(rt: UserRuntime): void {
    if (this.listeners.size === 0) return;
    this.emit({ type: 'state.user', data: this.liveState(rt) });
  }

  private liveState(rt: UserRuntime): UserLiveState {
    return liveUserState(rt, this.journal.get(rt.user.login), this.pbx.lastState(rt.user.login));
  }

  private emit(e: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.warn('Engine event listener failed', coded('log-event-listener-failed', { error: errText(err) }));
      }
    }
  }
}

/** The sync state's reason after a stop or a restore with sync off. */
function stoppedReason(report: RestoreStatus | undefined, restoreAsked: boolean): [Message, { text?: string }] {
  if (!restoreAsked) return [{ code: 'sync-stopped' }, {}];
  if (!report?.notRestored) return [{ code: 'sync-stopped-restored' }, {}];
  // The plain text keeps the restore's full sentence (why and until when) for the log and the CLI.
  return [{ code: 'sync-stopped-not-restored', params: { left: report.notRestored, total: report.total } }, { text: `stopped; ${report.message}` }];
}

/** The presence budget and the bridge's share of it, from the settings (issue 17). */
function budgetOf(s: Settings): Partial<PresenceBudget> {
  return { limit: s.sync.presenceRequestsPer30Seconds, windowMs: 30_000, sharePercent: s.sync.presenceBudgetSharePercent };
}
