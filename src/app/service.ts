// The application: settings file, vault, journal, logger, connections and the SyncEngine behind one object
// (EngineHost), with its lifecycle. The control contract sits on top of it (src/control/service.ts); hosted
// headless by `presence-bridge run` (HTTP + SSE) and by the Electron shell (IPC).
import path from 'node:path';
import { authStatusOf } from './auth-status.js';
import { SignInFlows, type DeviceCodeView } from './sign-in.js';
import { auditSettingsSave, type SaveOrigin } from '../core/audit.js';
import type { CheckReport, CheckTarget } from '../core/check-report.js';
import type { BridgeEvent } from '../core/engine-events.js';
import { NotConfiguredError, NotReadyError, type Message } from '../core/errors.js';
import type { AuthStatus, SyncStatus, UserLiveState } from '../core/engine-state.js';
import type { PbxCapabilitiesView } from '../core/pbx-state.js';
import type { Lang } from '../core/lang.js';
import type { Roster } from '../core/roster.js';
import { previewSave, type SaveEffect } from '../core/save-preview.js';
import { lostVaultNote, missingForSync, toIssue, type CodedIssue, type Settings, type SettingsInput } from '../core/settings.js';
import { defaultRules } from '../core/status-rows.js';
import {
  looksLikeStarfaceLogin, loginsWithPassword, parseStarfaceCsv, STARFACE_ADMIN_PASSWORD_SECRET, uciPasswordSecretName,
} from '../core/uci-credentials.js';
import { createLogger, type LogEntry, type LogLevel, type RootLogger } from '../platform/logger.js';
import { errorText } from '../platform/error-text.js';
import { createSettingsStore } from '../platform/product-settings.js';
import { SettingsStoreError, type SettingsStore } from '../platform/settings-store.js';
import { openVault, setSecrets, type SecretStore } from '../platform/vault.js';
import { checkMicrosoft, checkStarface } from '../sync/checks.js';
import { connectionSettingsChanged, openConnections, type ConnectionTuning, type Connections } from '../sync/connections.js';
import { adoptJournal, connectionOf, switchOf } from '../sync/connection-switch.js';
import { SyncEngine, type EngineEvent, type SyncEngineOptions } from '../sync/engine.js';
import { JournalStore } from '../sync/journal.js';
import { LeftoverRestores, mergeRestore } from '../sync/leftover-restore.js';
import { directoryPortFrom } from '../sync/ports.js';
import { buildRoster } from '../sync/roster.js';
import { followSettingsFile } from './settings-file-follower.js';
import { logNote, noteOf, type Note } from './load-notes.js';
import { capabilityReasons } from '../starface/index.js';
import { loadAppCredential } from '../teams/index.js';
import { coded } from '../core/messages/log-line.js';

export interface EngineServiceOptions {
  /** Per-user data folder (settings.json, vault.json, journal.json, logs/): what the Electron shell passes. */
  dataDir?: string;
  /** Explicit settings file (headless `run --config`); other files default to its folder. */
  settingsFile?: string;
  vaultFile?: string;
  journalFile?: string;
  /** Use this secret store instead of opening the vault file (tests, demo). */
  secrets?: SecretStore;
  /** Passphrase for a vault without keychain (default: env PRESENCE_BRIDGE_VAULT_PASSPHRASE). */
  vaultPassphrase?: string;
  logger?: RootLogger;
  /** Also write log lines to stderr (headless). */
  logToConsole?: boolean;
  /** Opens the interactive sign-in URL in the system browser; headless default: print it. */
  openBrowser?: (url: string) => Promise<void>;
  /** Tuning for tests, benchmarks and the demo. */
  tuning?: ConnectionTuning & { engine?: Partial<Pick<SyncEngineOptions, 'applyRetry' | 'teamsRetry' | 'echoGraceMs' | 'rosterRetryMs' | 'budget' | 'restoreTimeoutMs' | 'restoreRetry' | 'pollIntervalMs'>> };
}

/** What the control adapter needs; every method is what one contract method does. */
export class EngineHost {
  settings: Settings;
  private settingsProblems: Note[] = [];
  private conns: Connections | undefined;
  private engine: SyncEngine | undefined;
  private engineUnsub: (() => void) | undefined;
  /** Restores of values left on a PBX the settings no longer point at (connection-switch.ts). */
  private leftovers: LeftoverRestores | undefined;
  private authUnsub: (() => void) | undefined;
  private readonly listeners = new Set<(e: BridgeEvent) => void>();
  private readonly signIn: SignInFlows;
  private appCredentialInvalid: string | undefined;
  private appCredentialInvalidAt = 0;
  private rebuilding: Promise<void> = Promise.resolve();
  private closed = false;
  private rosterRefreshTimer: NodeJS.Timeout | undefined;
  private lastRoster: Roster | undefined;
  /** Login IDs from the last successful STARFACE directory listing (non-numeric logins are only known from it). */
  private directoryLogins: Set<string> | undefined;
  /** How many stored password names secrets.status left out (said once in the log per change). */
  private hiddenPasswordNames = 0;
  private unfollowFile: (() => void) | undefined;

  constructor(
    readonly store: SettingsStore<Settings>,
    readonly secrets: SecretStore,
    readonly journal: JournalStore,
    readonly logger: RootLogger,
    private readonly opts: EngineServiceOptions,
    settings: Settings,
    problems: Note[],
  ) {
    this.settings = settings;
    this.settingsProblems = problems;
    this.signIn = new SignInFlows({
      auth: () => this.requireAuth(),
      openBrowser: opts.openBrowser ?? (async (url: string) => {
        this.logger.info('Open this address in a browser on this machine to sign in', coded('log-sign-in-url', { url }));
        process.stdout.write(`Sign in to Microsoft: ${url}\n`);
      }),
      changed: () => this.emit({ type: 'auth.changed', data: this.authStatus() }),
      signedIn: () => this.engine?.kick(),
      logger: this.logger.child({ component: 'sign-in' }),
    });
    this.logger.ring.subscribe((e: LogEntry) => this.emit({ type: 'log.entry', data: e }));
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------

  async connect(): Promise<void> {
    const log = this.logger.child({ component: 'service' });
    // The journal belongs to the configured PBX and tenant; what the bridge left on another PBX is restored
    // there in the background, by its own sessions.
    if (this.settings.starface.baseUrl) await adoptJournal(this.journal, connectionOf(this.settings), log);
    this.leftovers = await LeftoverRestores.start({
      journalFile: this.journal.file,
      settings: this.settings,
      secrets: this.secrets,
      logger: this.logger,
      ...(this.opts.tuning?.uciSession ? { uciSession: this.opts.tuning.uciSession } : {}),
      ...(this.opts.tuning?.engine ? { engine: this.opts.tuning.engine } : {}),
      changed: () => this.emit({ type: 'state.sync', data: this.syncStatus() }),
    });
    this.conns = await openConnections(this.settings, this.secrets, this.logger, this.opts.tuning);
    if (this.conns.auth) {
      const auth = this.conns.auth;
      this.authUnsub = auth.onStateChange(() => {
        this.emit({ type: 'auth.changed', data: this.authStatus() });
        if (auth.state === 'signed-in') this.engine?.kick();
      });
    }
    if (this.conns.ports) {
      this.engine = new SyncEngine({
        settings: this.settings,
        journal: this.journal,
        ...this.conns.ports,
        logger: this.logger,
        ...this.opts.tuning?.engine,
      });
      // The sync status carries what is left on previous PBXs too.
      this.engineUnsub = this.engine.subscribe((e: EngineEvent) => {
        // Issue 15 item 3: a good cycle after a failed credential test clears its banner (no second test needed).
        if (e.type === 'state.sync' && this.appCredentialInvalid && e.data.state === 'running' && Date.parse(e.data.lastSuccessfulSync ?? '') > this.appCredentialInvalidAt) {
          this.appCredentialInvalid = undefined;
          this.emit({ type: 'auth.changed', data: this.authStatus() });
        }
        this.emit(e.type === 'state.sync' ? { type: 'state.sync', data: this.syncStatus() } : e);
      });
    } else {
      log.warn('Sync cannot start yet: the settings are incomplete', { missing: this.conns.missing, ...coded('log-sync-settings-incomplete') });
    }
  }

  private async disconnect(): Promise<void> {
    if (this.engine) {
      await this.engine.close({ restore: false });
      this.engineUnsub?.();
      this.engine = undefined;
    }
    await this.leftovers?.close();
    this.leftovers = undefined;
    this.authUnsub?.();
    this.authUnsub = undefined;
    await this.conns?.close();
    this.conns = undefined;
  }

  /**
   * Starts syncing if enabled. With sync off, restores that are due (a stop with restore or a change of PBX that
   * could not finish) are finished, and with restoreOnStop a journal left by a crash is restored too.
   */
  async start(): Promise<void> {
    if (!this.engine) return;
    if (this.settings.sync.enabled) {
      await this.engine.start();
    } else if (this.journal.all().some((e) => e.restoreDue) || (this.settings.sync.restoreOnStop && this.journal.logins().length > 0)) {
      this.logger.info('Sync is off; restoring what the bridge changed before it stopped', coded('log-sync-off-restoring'));
      await this.engine.restoreOnly('sync is off', { all: this.settings.sync.restoreOnStop });
    }
  }

  async stop(opts: { restore: boolean }): Promise<void> {
    await this.engine?.stop(opts);
  }

  async close(opts: { restore?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.rosterRefreshTimer) clearTimeout(this.rosterRefreshTimer);
    this.unfollowFile?.();
    await this.rebuilding.catch(() => undefined);
    if (this.engine) await this.engine.stop({ restore: opts.restore ?? this.settings.sync.restoreOnStop });
    await this.disconnect();
    await this.journal.close().catch(() => undefined);
  }

  subscribe(fn: (e: BridgeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: BridgeEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken listener (closed SSE stream) must not affect the engine.
      }
    }
  }

  get syncEngine(): SyncEngine | undefined {
    return this.engine;
  }

  get connections(): Connections | undefined {
    return this.conns;
  }

  // ---- settings -------------------------------------------------------------------------------------------

  /** The settings with the notes about them: plain English (`problems`) and, one per note, its code or null. */
  getSettings(): { settings: Settings; problems: string[]; problemCodes: (Message | null)[] } {
    const problems = this.settingsProblems.map((n) => n.text);
    const problemCodes: (Message | null)[] = this.settingsProblems.map((n) => n.code);
    problems.push(...(this.conns?.missing ?? []).map((m) => `Not configured yet — ${m}`));
    problemCodes.push(...(this.conns?.missingPaths ?? []).map((path): Message => ({ code: 'sync-not-configured', params: { fields: path } })));
    problems.push(...(this.engine?.rosterIssues() ?? []));
    problemCodes.push(...(this.engine?.rosterIssueCodes() ?? []));
    return { settings: this.settings, problems, problemCodes };
  }

  validate(draft: SettingsInput): { ok: boolean; issues: CodedIssue[] } {
    const v = this.store.validate(draft);
    return { ok: v.ok, issues: v.ok ? [] : v.issues.map(toIssue) };
  }

  /**
   * Saves the complete settings; invalid or incomplete ones (see SettingsStore.save) come back as issues. Every
   * save is an audit entry (which sections changed, from where).
   */
  async save(draft: SettingsInput, by: SaveOrigin = 'ui'): Promise<{ ok: boolean; issues: CodedIssue[] }> {
    let next: Settings;
    try {
      next = await this.store.save(draft);
    } catch (err) {
      if (err instanceof SettingsStoreError && (err.code === 'invalid' || err.code === 'incomplete')) {
        return { ok: false, issues: err.issues.map(toIssue) };
      }
      throw err;
    }
    // Logged before applying: the new log level applies to entries after the save, and so does a reconnect.
    auditSettingsSave(this.logger.child({ component: 'settings' }), this.settings, next, by);
    await this.applySettings(next);
    return { ok: true, issues: [] };
  }

  /** Follows changes other processes make to the settings file (settings-file-follower.ts). */
  followSettingsFile(): void {
    this.unfollowFile ??= followSettingsFile({
      store: this.store, log: this.logger.child({ component: 'settings' }), current: () => this.settings, apply: (next) => this.applySettings(next),
      // The Log page shows the note live (logged at warn); the settings notes keep it until the file is usable.
      unusable: (note, isOurs) => { this.settingsProblems = [...this.settingsProblems.filter((p) => !isOurs(p)), note]; },
    });
  }

  /** What saving `draft` would do (issue 15 item 2); nothing is saved. */
  async preview(draft: SettingsInput): Promise<{ ok: boolean; issues: CodedIssue[]; effects: SaveEffect[]; usersNow: number; usersAfter: number | null }> {
    const usersNow = (this.engine?.roster() ?? this.lastRoster)?.counts.matched ?? 0;
    const v = this.store.validate(draft);
    if (!v.ok) return { ok: false, issues: v.issues.map(toIssue), effects: [], usersNow, usersAfter: null };
    const p = await previewSave({ prev: this.settings, next: v.settings, syncState: this.syncStatus().state, usersNow, countUsers: async (next) => (await this.evaluateRoster(next))?.counts.matched ?? null });
    return { ok: true, issues: [], ...p };
  }

  /** The roster `s` would give, from the PBX directory and the tenant now; null without them. */
  private async evaluateRoster(s: Settings): Promise<Roster | null> {
    if (!this.conns?.directory || !this.conns.teams) return null;
    const teams = this.conns.teams;
    const port = directoryPortFrom(this.conns.directory, (q) => teams.listUsers(q), async () => loginsWithPassword(await this.secrets.names()));
    const snap = await port.load({ withGroups: s.users.selection === 'group' });
    return buildRoster({ users: s.users, ...snap, adminLogin: s.starface.adminLogin }).roster;
  }

  resetRules(): { settings: Settings } {
    return { settings: { ...this.settings, rules: defaultRules(this.settings.ui.language) as Settings['rules'] } };
  }

  private async applySettings(next: Settings): Promise<void> {
    const prev = this.settings;
    this.settings = next;
    // Notes from loading (e.g. a corrupt file moved aside) were shown; a good save supersedes them.
    this.settingsProblems = [];
    if (prev.log.level !== next.log.level) this.logger.setLevel(next.log.level as LogLevel);
    this.emit({ type: 'settings.changed', data: { settings: next } });
    if (connectionSettingsChanged(prev, next)) {
      this.logger.info('Connection settings changed; reconnecting', coded('log-connections-changed'));
      await this.rebuild(prev);
      return;
    }
    this.engine?.updateSettings(next);
    if (prev.sync.enabled !== next.sync.enabled) {
      if (next.sync.enabled) await this.engine?.start();
      else await this.engine?.stop({ restore: next.sync.restoreOnStop });
    }
  }

  /**
   * New connections for new settings; the journal carries over, so nothing is lost or written twice. Before
   * switching to another PBX or tenant, what the bridge set on the old side is restored through the old
   * connections; what cannot be (that side is unreachable) is restored there later (connect → adoptJournal).
   */
  private rebuild(prev: Settings): Promise<void> {
    this.rebuilding = this.rebuilding.then(async () => {
      const switched = switchOf(prev, this.settings);
      if ((switched.pbx || switched.teams) && this.engine) {
        this.logger.info('The PBX or the Microsoft tenant changed: restoring what the bridge set on the old side first', { ...switched, ...coded('log-connection-switch-restoring') });
        await this.engine.stop({ restore: true });
      }
      await this.disconnect();
      await this.connect();
      this.emit({ type: 'auth.changed', data: this.authStatus() });
      // With sync off this still finishes restores that are due (e.g. back on a PBX with values left on it).
      await this.start();
      this.emit({ type: 'state.sync', data: this.syncStatus() });
    });
    return this.rebuilding;
  }

  // ---- secrets --------------------------------------------------------------------------------------------

  /**
   * Which secrets exist (never their values). A stored UCI password whose login does not look like a STARFACE
   * login (e.g. a password stored as a login name by swapped CSV columns in an older version) is not listed: its
   * name may be a password. The log says how many there are.
   */
  async secretsStatus(): Promise<{ microsoftClientSecret: boolean; microsoftCertificateKey: boolean; starfaceAdminPassword: boolean; starfaceUserPasswords: string[] }> {
    const names = new Set(await this.secrets.names());
    const known = this.knownLogins();
    const logins = [...loginsWithPassword(names)];
    const shown = logins.filter((l) => looksLikeStarfaceLogin(l, known));
    const hidden = logins.length - shown.length;
    if (hidden > 0 && hidden !== this.hiddenPasswordNames) {
      this.logger.warn('Stored STARFACE user passwords under names that are no STARFACE login ID are not listed; import the password list again (login;password)', coded('log-passwords-hidden', { count: hidden }));
    }
    this.hiddenPasswordNames = hidden;
    return {
      microsoftClientSecret: names.has('microsoft.clientSecret'),
      microsoftCertificateKey: names.has('microsoft.certificateKey'),
      starfaceAdminPassword: names.has(STARFACE_ADMIN_PASSWORD_SECRET),
      starfaceUserPasswords: shown.sort(),
    };
  }

  /** Logins the PBX is known to have: the last directory listing and the roster. */
  private knownLogins(): Set<string> {
    const out = new Set(this.directoryLogins);
    for (const u of (this.engine?.roster() ?? this.lastRoster)?.users ?? []) out.add(u.login);
    return out;
  }

  /** The STARFACE directory's login IDs, read now; undefined when the directory is not configured or reachable. */
  private async readDirectoryLogins(): Promise<Set<string> | undefined> {
    const dir = this.conns?.directory;
    if (!dir) return undefined;
    try {
      this.directoryLogins = new Set((await dir.listUsers()).map((u) => u.login));
      return this.directoryLogins;
    } catch (err) {
      this.logger.info('The STARFACE directory could not be read; only numeric login IDs are accepted in the password list', coded('log-directory-unreadable', { error: err instanceof Error ? err.message : String(err) }));
      return undefined;
    }
  }

  async setSecret(name: string, value: string): Promise<void> {
    await this.secrets.set(name, value);
    this.logger.info('Secret stored', coded('log-secret-stored', { entry: secretLabel(name) }));
    await this.afterSecretChange(name);
  }

  async deleteSecret(name: string): Promise<void> {
    await this.secrets.delete(name);
    this.logger.info('Secret deleted', coded('log-secret-deleted', { entry: secretLabel(name) }));
    await this.afterSecretChange(name);
  }

  /** The UCI password list (core/uci-credentials.ts: `login;password` lines); passwords never appear in errors. */
  async importStarfaceCsv(csv: string): Promise<{ imported: number; errors: { line: number; message: string }[] }> {
    const knownLogins = await this.readDirectoryLogins();
    const { entries, errors } = parseStarfaceCsv(csv, knownLogins ? { knownLogins } : {});
    await setSecrets(this.secrets, entries.map((e) => [uciPasswordSecretName(e.login), e.password] as const));
    const imported = entries.length;
    this.logger.info('STARFACE user passwords imported', coded('log-passwords-imported', { imported, errors: errors.length }));
    if (imported > 0) this.scheduleRosterRefresh();
    return { imported, errors };
  }

  private async afterSecretChange(name: string): Promise<void> {
    if (name === 'microsoft.clientSecret' || name === 'microsoft.certificateKey') {
      this.appCredentialInvalid = undefined;
      this.conns?.auth?.setAppCredential(await loadAppCredential(this.secrets, this.settings.microsoft));
      this.emit({ type: 'auth.changed', data: this.authStatus() });
      this.engine?.kick();
      // The directory may have been unreadable without the credential: evaluate the users again.
      this.scheduleRosterRefresh();
    } else if (name.startsWith('starface.user.') || name === STARFACE_ADMIN_PASSWORD_SECRET) {
      this.scheduleRosterRefresh();
    }
  }

  /** Many password changes in a row (CSV, UI) lead to one roster evaluation. */
  private scheduleRosterRefresh(): void {
    if (this.rosterRefreshTimer) clearTimeout(this.rosterRefreshTimer);
    this.rosterRefreshTimer = setTimeout(() => {
      this.rosterRefreshTimer = undefined;
      void this.engine?.refreshRoster().catch(() => undefined);
    }, 300);
    this.rosterRefreshTimer.unref?.();
  }

  // ---- sync -----------------------------------------------------------------------------------------------

  syncStatus(): SyncStatus {
    const missing = this.conns?.missing ?? [];
    const status: SyncStatus = this.engine?.status() ?? {
      state: missing.length ? 'error' : 'stopped',
      ...(missing.length ? {
        reason: `Not configured yet: ${missing.join('; ')}`,
        reasonCode: 'sync-not-configured' as const,
        reasonParams: { fields: (this.conns?.missingPaths ?? []).join(', ') },
      } : {}),
      since: new Date().toISOString(),
      counters: { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0 },
    };
    const restore = mergeRestore(status.restore, this.leftovers?.report());
    return restore ? { ...status, restore } : status;
  }

  async syncStart(): Promise<SyncStatus> {
    if (!this.settings.sync.enabled) await this.persistSyncEnabled(true);
    if (!this.engine) return this.syncStatus();
    await this.engine.start();
    return this.syncStatus();
  }

  async syncStop(restore: boolean): Promise<SyncStatus> {
    if (this.settings.sync.enabled) await this.persistSyncEnabled(false);
    if (!this.engine) return this.syncStatus();
    await this.engine.stop({ restore });
    return this.syncStatus();
  }

  private async persistSyncEnabled(enabled: boolean): Promise<void> {
    const next = await this.store.save({ ...this.settings, sync: { ...this.settings.sync, enabled } });
    this.settings = next;
    this.engine?.updateSettings(next);
    this.emit({ type: 'settings.changed', data: { settings: next } });
  }

  // ---- auth -----------------------------------------------------------------------------------------------

  authStatus(): AuthStatus {
    return authStatusOf({
      auth: this.conns?.auth, presenceRead: this.settings.microsoft.presenceRead, appCredentialInvalid: this.appCredentialInvalid, deviceCode: this.signIn.deviceCode,
    });
  }

  /** Resolves when the browser sign-in completed or was cancelled (auth.cancelSignIn). */
  async signInInteractive(): Promise<AuthStatus> {
    await this.signIn.interactive();
    return this.authStatus();
  }

  startDeviceCode(): Promise<DeviceCodeView> {
    return this.signIn.startDeviceCode();
  }

  /** Cancels a waiting browser or device-code sign-in; the state goes back to what it was. */
  async cancelSignIn(): Promise<AuthStatus> {
    await this.signIn.cancel();
    return this.authStatus();
  }

  async signOut(): Promise<AuthStatus> {
    await this.requireAuth().signOut();
    return this.authStatus();
  }

  consentUrl(): { url: string } {
    return { url: this.requireAuth().adminConsentUrl() };
  }

  private requireAuth() {
    const auth = this.conns?.auth;
    if (!auth) throw new NotConfiguredError('Microsoft is not configured: enter the tenant ID and the application (client) ID under Connections → Microsoft first.');
    return auth;
  }

  // ---- diagnostics ----------------------------------------------------------------------------------------

  /** One connection's checks, with texts in `lang` (default: the settings' UI language, as the page shows). */
  async testConnection(target: CheckTarget, lang: Lang = this.settings.ui.language): Promise<CheckReport> {
    if (!this.conns) throw new NotReadyError('The service is not connected yet; try again in a moment.');
    const ctx = { settings: this.settings, secrets: this.secrets, conns: this.conns, lang };
    const report = target === 'microsoft' ? await checkMicrosoft(ctx) : await checkStarface(ctx);
    if (target === 'microsoft') {
      const token = report.checks.find((c) => c.id === 'app-token');
      this.appCredentialInvalid = token && !token.ok ? token.message : undefined;
      this.appCredentialInvalidAt = Date.now();
      this.emit({ type: 'auth.changed', data: this.authStatus() });
    }
    return report;
  }

  async groupNames(): Promise<string[]> {
    if (!this.conns?.directory) throw new NotConfiguredError('STARFACE is not configured: enter the PBX address and the administrator under Connections → STARFACE first.');
    return this.conns.directory.listGroupNames();
  }

  /** The roster; evaluated on demand when the engine has not loaded one yet (e.g. sync off). */
  async roster(): Promise<Roster> {
    if (this.engine && this.engine.roster().users.length > 0) return this.engine.roster();
    if (this.engine) return this.engine.refreshRoster();
    this.lastRoster = (await this.evaluateRoster(this.settings)) ?? this.lastRoster;
    return this.lastRoster ?? { users: [], counts: { matched: 0, conflicts: 0 } };
  }


  snapshot(): { sync: SyncStatus; auth: AuthStatus; users: UserLiveState[]; capabilities: PbxCapabilitiesView } {
    return {
      sync: this.syncStatus(),
      auth: this.authStatus(),
      users: this.engine?.liveUsers() ?? [],
      capabilities: this.engine?.capabilities() ?? {
        canSetDnd: true, canSetChatPresenceMessage: true, canSetChatPresence: false, canSetTelephonyState: false,
        ...capabilityReasons({ canSetChatPresence: { code: 'cap-chat-presence-unknown' }, canSetTelephonyState: { code: 'cap-telephony-derived' } }),
      },
    };
  }

  logEntries(filter: { level?: LogLevel; user?: string; sinceSeq?: number; limit?: number }): LogEntry[] {
    return this.logger.ring.entries({ ...filter, limit: filter.limit ?? 500 });
  }

  logExport(): string {
    return this.logger.ring.entries({}).map((e) => JSON.stringify(e)).join('\n') + '\n';
  }
}

function secretLabel(name: string): string {
  return name.startsWith('starface.user.') ? 'starface.user.<login>.password' : name;
}

/** Loads settings, vault and journal and connects. Does not start syncing. */
export async function openEngineHost(opts: EngineServiceOptions): Promise<EngineHost> {
  const dataDir = opts.dataDir ?? (opts.settingsFile ? path.dirname(path.resolve(opts.settingsFile)) : undefined);
  if (!dataDir) throw new Error('openEngineHost needs dataDir or settingsFile.');
  const settingsFile = opts.settingsFile ?? path.join(dataDir, 'settings.json');
  const logger = opts.logger ?? createLogger({ file: path.join(dataDir, 'logs', 'presence-bridge.log'), console: opts.logToConsole ?? false });
  const store = createSettingsStore(settingsFile, logger.child({ component: 'settings' }));
  const loaded = await store.load();
  const problems: Note[] = loaded.problem ? [noteOf(loaded.problem.note)] : [];
  if (loaded.migration) logger.info('Settings migrated', { backup: loaded.migration.backupPath, ...coded('log-settings-migrated', { from: loaded.migration.from, to: loaded.migration.to }) });
  const settings = loaded.settings;
  logger.setLevel(settings.log.level as LogLevel);
  for (const p of problems) logNote(logger, 'warn', p);

  let secrets: SecretStore;
  if (opts.secrets) {
    secrets = opts.secrets;
  } else {
    const vault = await openVault({
      file: opts.vaultFile ?? path.join(dataDir, 'vault.json'),
      ...(opts.vaultPassphrase ? { passphrase: opts.vaultPassphrase } : {}),
    });
    // A vault that had to be created although one existed (or the settings rely on stored secrets) is a loss.
    const lost = lostVaultNote(vault, settings);
    if (lost) {
      problems.push(noteOf(lost));
      logNote(logger, 'error', noteOf(lost));
    }
    secrets = vault;
  }
  const { journal, notes: journalNotes } = await JournalStore.open({
    file: opts.journalFile ?? path.join(dataDir, 'journal.json'),
    onError: (err) => logger.error('Saving the ownership journal failed', coded('log-journal-save-failed', { error: errorText(err) })),
  });
  for (const p of journalNotes.map(noteOf)) {
    problems.push(p);
    logNote(logger, 'warn', p);
  }
  const missing = missingForSync(settings);
  if (missing.length) logger.info('Settings are not complete yet', { missing: missing.map((m) => m.path), ...coded('log-settings-incomplete') });

  const host = new EngineHost(store, secrets, journal, logger, opts, settings, problems);
  await host.connect();
  host.followSettingsFile();
  return host;
}

