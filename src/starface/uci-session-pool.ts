// Hundreds of UCI sessions, one per synced user: logins (and re-logins after a PBX restart) share one bounded
// gate, each user's requests stay in order (the session's own queue), call events from the callback server
// are forwarded per user, and the PBX's capabilities are derived from what the sessions observed.
import { EventEmitter } from 'node:events';
import type { PbxCapabilities } from '../core/pbx-state.js';
import type { HttpTransport } from '../platform/http-transport.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import type { CallbackServer, CallStateEvent } from './callback-server.js';
import { deriveCapabilities, type ObservedPbxFacts } from './capabilities.js';
import { UciNotConnectedError } from './errors.js';
import { Semaphore } from './limiter.js';
import { LoginBackoff, LoginBudget } from './login-pacing.js';
import { StarfaceOAuthClient, type StarfaceOAuthOptions } from './oauth.js';
import { resolveSessionSettings, type UciSessionSettings } from './options.js';
import type { TelephonyChange } from './telephony.js';
import type { ChatPresence } from './uci-names.js';
import { normalizeBaseUrl, UciSession, type UciSessionStatus, type UciUserState } from './uci-session.js';

export interface UciSessionPoolOptions {
  baseUrl: string;
  transport: HttpTransport;
  /** The user's UCI password (from the vault), read at every (re-)login. */
  passwordFor: (login: string) => Promise<string | undefined> | string | undefined;
  /** When given, every session subscribes to call events delivered to this server. */
  callbackServer?: CallbackServer;
  settings?: Partial<UciSessionSettings>;
  /** Logins in flight at once (first logins and re-logins alike); default 20. */
  maxConcurrentLogins?: number;
  /** OAuth client settings, used when settings.uciCredential is 'oauth' (client id, secret, scope). */
  oauth?: Omit<StarfaceOAuthOptions, 'baseUrl' | 'transport' | 'logger'>;
  /** Re-logins of all users of this PBX together (token bucket); default 50 a second, bursts of 200. */
  reloginBudget?: { perSecond: number; burst: number };
  logger?: Logger;
}

export interface UciPoolStats {
  sessions: number;
  byStatus: Record<UciSessionStatus, number>;
  loginsInFlight: number;
  loginsQueued: number;
  requests: number;
  failures: number;
  logins: number;
  relogins: number;
  loginFailures: number;
}

type Events = {
  status: [login: string, status: UciSessionStatus, error: string | undefined];
  userState: [state: UciUserState];
  telephony: [change: TelephonyChange];
  callState: [event: CallStateEvent];
};

export class UciSessionPool extends EventEmitter<Events> {
  readonly settings: UciSessionSettings;
  private readonly sessions = new Map<string, UciSession>();
  private readonly gate: Semaphore;
  /**
   * Bounds logouts (deselect, stop, close) like the login gate bounds logins: 2,000 logouts at once each need a
   * connection and run into their short deadline, leaving sessions open on the PBX. A separate semaphore of the
   * same width, because a logout waits for its session's queue, which may hold a login waiting for `gate`.
   */
  private readonly logoutGate: Semaphore;
  private readonly log: Logger;
  private readonly firstAttempts = new Map<string, Promise<boolean>>();
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;
  /** What the sessions learnt about the PBX (shared, so only the first sessions probe). */
  private readonly facts: ObservedPbxFacts = {};
  private readonly budget: LoginBudget;
  private readonly oauth: StarfaceOAuthClient | undefined;
  /** Per user, kept across remove/add, so re-selecting a user does not reset the pacing of its logins. */
  private readonly backoffs = new Map<string, LoginBackoff>();

  constructor(private readonly opts: UciSessionPoolOptions) {
    super();
    this.settings = resolveSessionSettings(opts.settings);
    this.gate = new Semaphore(opts.maxConcurrentLogins ?? 20);
    this.logoutGate = new Semaphore(Math.max(1, opts.maxConcurrentLogins ?? 20));
    this.log = (opts.logger ?? silentLogger).child({ component: 'starface-pool' });
    this.budget = new LoginBudget(opts.reloginBudget?.perSecond ?? 50, opts.reloginBudget?.burst ?? 200);
    this.oauth = this.settings.uciCredential === 'oauth'
      ? new StarfaceOAuthClient({ ...opts.oauth, baseUrl: normalizeBaseUrl(opts.baseUrl), transport: opts.transport, logger: opts.logger })
      : undefined;
    const cb = opts.callbackServer;
    if (cb) {
      const onTelephony = (c: TelephonyChange): void => {
        if (this.sessions.has(c.login)) this.emit('telephony', c);
      };
      const onCallState = (e: CallStateEvent): void => {
        if (this.sessions.has(e.login)) this.emit('callState', e);
      };
      const onReset = (login: string): void => void this.sessions.get(login)?.getUserState().catch(() => undefined);
      cb.on('telephony', onTelephony);
      cb.on('callState', onCallState);
      cb.on('reset', onReset);
      this.unsubscribe.push(() => {
        cb.off('telephony', onTelephony);
        cb.off('callState', onCallState);
        cb.off('reset', onReset);
      });
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Logins running right now (bounded by maxConcurrentLogins). */
  get loginsInFlight(): number {
    return this.gate.inFlight;
  }

  logins(): string[] {
    return [...this.sessions.keys()];
  }

  get(login: string): UciSession | undefined {
    return this.sessions.get(login);
  }

  /** Adds a session for the user and starts its login in the background (bounded by the login gate). */
  add(login: string): UciSession {
    if (this.closed) throw new Error('The UCI session pool is closed.');
    const existing = this.sessions.get(login);
    if (existing) return existing;
    const cb = this.opts.callbackServer;
    // The callback server checks the auth value the PBX appends against the token this session logs in with.
    const tokenOf = { session: undefined as UciSession | undefined };
    const session = new UciSession({
      baseUrl: this.opts.baseUrl,
      login,
      password: () => this.opts.passwordFor(login),
      transport: this.opts.transport,
      callback: cb ? cb.register(login, { expectedAuth: () => tokenOf.session?.authToken }) : undefined,
      settings: this.settings,
      loginGate: this.gate,
      sharedFacts: this.facts,
      backoff: this.backoffFor(login),
      oauth: this.oauth,
      reloginBudget: this.budget,
      logger: this.opts.logger,
    });
    tokenOf.session = session;
    session.on('status', (status, error) => this.emit('status', login, status, error));
    session.on('userState', (state) => {
      cb?.reconcile(login, state.telephonyState);
      this.emit('userState', state);
    });
    this.sessions.set(login, session);
    this.firstAttempts.set(login, session.start().catch(() => false));
    return session;
  }

  /** Logs the user's session out (bounded by the logout gate, shared by setUsers and close) and drops it. */
  async remove(login: string): Promise<void> {
    const session = this.sessions.get(login);
    if (!session) return;
    this.sessions.delete(login);
    this.firstAttempts.delete(login);
    await this.logoutGate.run(() => session.stop());
    session.removeAllListeners();
    this.opts.callbackServer?.unregister(login);
  }

  /** Makes the pool hold exactly these users: adds the new ones, logs out the ones no longer selected (bounded). */
  async setUsers(logins: Iterable<string>): Promise<void> {
    const wanted = new Set(logins);
    const gone = [...this.sessions.keys()].filter((l) => !wanted.has(l));
    for (const l of wanted) this.add(l);
    await Promise.all(gone.map((l) => this.remove(l)));
  }

  /** Resolves when every session has finished its first login attempt (connected or backing off). */
  async whenStarted(): Promise<{ connected: number; failed: number }> {
    const results = await Promise.all(this.firstAttempts.values());
    const connected = results.filter(Boolean).length;
    return { connected, failed: results.length - connected };
  }

  async setDnd(login: string, on: boolean): Promise<void> {
    return this.require(login).setDnd(on);
  }

  async setChatPresenceMessage(login: string, text: string): Promise<void> {
    return this.require(login).setChatPresenceMessage(text);
  }

  async setChatPresence(login: string, presence: ChatPresence): Promise<void> {
    return this.require(login).setChatPresence(presence);
  }

  async getUserState(login: string): Promise<UciUserState> {
    return this.require(login).getUserState();
  }

  /** Re-reads the state of every connected session (bounded by the login gate's width). */
  async refreshAll(): Promise<void> {
    const limiter = new Semaphore(Math.max(1, this.opts.maxConcurrentLogins ?? 20));
    await Promise.all([...this.sessions.values()]
      .filter((s) => s.status === 'connected')
      .map((s) => limiter.run(() => s.getUserState().catch(() => undefined))));
  }

  /** The PBX's capabilities from the settings and what any session observed so far. */
  capabilities(): PbxCapabilities {
    return deriveCapabilities(this.settings, this.facts);
  }

  /** Facts observed on the PBX (services, version, DND flag, chat presence setter). */
  observedFacts(): Readonly<ObservedPbxFacts> {
    return { ...this.facts };
  }

  stats(): UciPoolStats {
    const byStatus: Record<UciSessionStatus, number> = { idle: 0, connecting: 0, connected: 0, reconnecting: 0, stopped: 0 };
    const out: UciPoolStats = {
      sessions: this.sessions.size, byStatus, loginsInFlight: this.gate.inFlight, loginsQueued: this.gate.queued,
      requests: 0, failures: 0, logins: 0, relogins: 0, loginFailures: 0,
    };
    for (const s of this.sessions.values()) {
      byStatus[s.status]++;
      out.requests += s.stats.requests;
      out.failures += s.stats.failures;
      out.logins += s.stats.logins;
      out.relogins += s.stats.relogins;
      out.loginFailures += s.stats.loginFailures;
    }
    return out;
  }

  /** Logs every session out (bounded by the logout gate) and detaches from the callback server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe.splice(0)) u();
    await Promise.all([...this.sessions.keys()].map((l) => this.remove(l)));
  }

  private backoffFor(login: string): LoginBackoff {
    let b = this.backoffs.get(login);
    if (!b) {
      b = new LoginBackoff({ initialMs: this.settings.backoffInitialMs, maxMs: this.settings.backoffMaxMs, stableMs: this.settings.stableSessionMs });
      this.backoffs.set(login, b);
    }
    return b;
  }

  private require(login: string): UciSession {
    const s = this.sessions.get(login);
    if (!s) throw new UciNotConnectedError(login, 'the user is not in the synced selection');
    return s;
  }
}
