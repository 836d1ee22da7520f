// One UCI session per user over XML-RPC (reference §3): token in the URL, login, subscribeEvents with the
// callback coordinates, keepAlive on a timer, getUserState, DND and chat text. Every request of a user runs
// through one queue, so writes keep their order and never overlap a re-login. A `false`, a fault, an HTML page
// or an HTTP error means "session lost": log in again, re-subscribe, retry once — but logins are paced
// (login-pacing.ts), and a value the codec cannot write is that write's own error, never a lost session.
import { EventEmitter } from 'node:events';
import type { TelephonyState } from '../core/pbx-state.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { HttpResponse, HttpTransport } from '../platform/http-transport.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { uciAuthToken } from './auth.js';
import type { ObservedPbxFacts } from './capabilities.js';
import { UciNotConnectedError, UciRequestError, UciUnsupportedError } from './errors.js';
import type { Semaphore } from './limiter.js';
import { LoginBackoff, type LoginBudget } from './login-pacing.js';
import type { StarfaceOAuthClient } from './oauth.js';
import { resolveSessionSettings, type UciSessionSettings } from './options.js';
import { fromPbxTelephonyState } from './telephony.js';
import { callEventVersion, discoverOnce, mayBeMethodFailure, probeChatPresenceSetter, probeMethod, versionOf, type ProbeContext } from './uci-discovery.js';
import { CHAT_PRESENCE_VALUES, UCI_PARAM, uciEventService, uciRequest, type ChatPresence } from './uci-names.js';
import {
  asBoolean, asString, decodeMethodResponse, encodeMethodCall, EncodingError, isStruct, looksLikeHtml, type XmlRpcInput, type XmlRpcStruct, type XmlRpcValue,
} from './xmlrpc/index.js';
import { coded } from '../core/messages/log-line.js';

/** Where the PBX delivers call events for this session (from CallbackServer.register). */
export interface CallbackTarget {
  type: 'http' | 'https';
  host: string;
  port: number;
  /** Path including the per-session secret token, e.g. /starface/events/3q2-… */
  path: string;
}

export type UciSessionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface UciUserState {
  login: string;
  /** DND as far as known; see dndFrom. */
  dnd: boolean | undefined;
  /** 'pbx' = read from getUserState; 'written' = the value this client last wrote (the PBX reports none). */
  dndFrom: 'pbx' | 'written' | 'unknown';
  chatPresence: string;
  chatPresenceMessage: string;
  /** The PBX's own value: AVAILABLE, RINGING, ACTIVE, UNAVAILABLE, QUEUE_PAUSE. */
  telephonyState: string;
  telephony: TelephonyState | undefined;
  redirectAlwaysActive: boolean | undefined;
  readAt: string;
}

export interface UciSessionOptions {
  /** PBX base URL, e.g. https://pbx.example.com (the session appends /xml-rpc). */
  baseUrl: string;
  login: string;
  /** Read at every login, so a changed password in the vault takes effect on the next re-login. */
  password: string | (() => Promise<string | undefined> | string | undefined);
  transport: HttpTransport;
  /** Without a callback target the session does not subscribe to call events. */
  callback?: CallbackTarget;
  settings?: Partial<UciSessionSettings>;
  /** Shared by a pool to bound concurrent logins. */
  loginGate?: Semaphore;
  /**
   * PBX-wide facts shared by a pool's sessions: once one session has discovered the services or probed the
   * chat presence setter, the others skip it (hundreds of sessions need not ask the same question).
   */
  sharedFacts?: ObservedPbxFacts;
  /** The user's login pacing; a pool keeps one per user, so a re-created session goes on with it. */
  backoff?: LoginBackoff;
  /** Required when settings.uciCredential is 'oauth': issues the access tokens sent as de.vertico.starface.jwt. */
  oauth?: StarfaceOAuthClient;
  /** Re-logins of all sessions of a PBX share this budget (the first login of a session does not take from it). */
  reloginBudget?: LoginBudget;
  clock?: Clock;
  logger?: Logger;
}

export interface UciSessionStats {
  requests: number;
  failures: number;
  logins: number;
  relogins: number;
  loginFailures: number;
  keepAlives: number;
  /** Writes refused by the codec (e.g. a control character in a text): nothing was sent. */
  encodingErrors: number;
}

type Events = {
  status: [status: UciSessionStatus, error: string | undefined];
  userState: [state: UciUserState];
  connected: [info: { relogin: boolean }];
};

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export class UciSession extends EventEmitter<Events> {
  readonly login: string;
  readonly settings: UciSessionSettings;
  readonly facts: ObservedPbxFacts;
  readonly stats: UciSessionStats = { requests: 0, failures: 0, logins: 0, relogins: 0, loginFailures: 0, keepAlives: 0, encodingErrors: 0 };
  lastError: string | undefined;

  private readonly base: string;
  private readonly log: Logger;
  private statusValue: UciSessionStatus = 'idle';
  private token: string | undefined;
  private cookie: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private tickTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly backoff: LoginBackoff;
  private readonly encodingErrorsLogged = new Set<string>();
  private everConnected = false;
  private stopped = false;
  private lastStateReadAt = 0;
  private writtenDnd: boolean | undefined;
  private lastStateValue: UciUserState | undefined;

  constructor(private readonly opts: UciSessionOptions) {
    super();
    this.login = opts.login;
    this.settings = resolveSessionSettings(opts.settings);
    this.facts = opts.sharedFacts ?? {};
    this.base = normalizeBaseUrl(opts.baseUrl);
    this.log = (opts.logger ?? silentLogger).child({ component: 'starface-uci', user: opts.login });
    this.backoff = opts.backoff ?? new LoginBackoff(loginPacing(this.settings), opts.clock ?? systemClock);
  }

  get status(): UciSessionStatus {
    return this.statusValue;
  }

  get lastState(): UciUserState | undefined {
    return this.lastStateValue;
  }

  get callback(): CallbackTarget | undefined {
    return this.opts.callback;
  }

  /** Logs in (and subscribes); resolves true when connected, false when the first attempt failed (it retries). */
  start(): Promise<boolean> {
    if (this.stopped) return Promise.reject(new Error(`UCI session of ${this.login} was stopped; create a new one.`));
    if (this.statusValue !== 'idle') return Promise.resolve(this.statusValue === 'connected');
    this.setStatus('connecting');
    return this.exec(async () => {
      // A session re-created for the same user goes on with that user's pacing.
      if (this.backoff.waitMs() > 0) {
        this.lastError = 'waiting before the next login (paced)';
        this.scheduleReconnect();
        return false;
      }
      const ok = await this.connectNow();
      if (!ok) this.scheduleReconnect();
      return ok;
    });
  }

  /** Stops timers and logs out (best effort, short deadline). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    await this.exec(async () => {
      if (this.statusValue === 'connected') {
        try {
          await this.rpc(uciRequest(versionOf(this, 'connection'), 'connection', 'logout'), [], 3_000);
        } catch (err) {
          this.log.debug('UCI logout failed (ignored)', { error: (err as Error).message });
        }
      }
      this.setStatus('stopped');
    });
  }

  getUserState(): Promise<UciUserState> {
    return this.exec(async () => {
      this.assertConnected();
      return this.readState();
    });
  }

  setDnd(on: boolean): Promise<void> {
    return this.exec(async () => {
      this.assertConnected();
      await this.writeUserState('setDoNotDisturbSetting', on, 'dndWriteRejected');
      this.writtenDnd = on;
    });
  }

  setChatPresenceMessage(text: string): Promise<void> {
    return this.exec(async () => {
      this.assertConnected();
      await this.writeUserState('setChatPresenceMessage', text, 'chatMessageWriteRejected');
    });
  }

  /** Sets the presence enum; only where the PBX offers it (see PbxCapabilities.canSetChatPresence). */
  setChatPresence(presence: ChatPresence): Promise<void> {
    return this.exec(async () => {
      if (!(CHAT_PRESENCE_VALUES as readonly string[]).includes(presence)) {
        throw new Error(`Unknown chat presence "${presence}"; use one of ${CHAT_PRESENCE_VALUES.join(', ')}.`);
      }
      if (this.settings.chatPresenceSetter === 'never' || this.facts.chatPresenceSetter === false) {
        throw new UciUnsupportedError('This STARFACE offers no UCI request to set the chat presence; only the status text can be set.');
      }
      this.assertConnected();
      try {
        await this.invoke(uciRequest(versionOf(this, 'userState'), 'userState', 'setChatPresence'), [presence]);
      } catch (err) {
        // A method-level failure on a live session: the PBX has no such request (the value was checked above).
        if (err instanceof UciRequestError && err.details.sessionAlive) this.facts.chatPresenceSetter = false;
        throw err;
      }
      this.facts.chatPresenceSetter = true;
    });
  }

  // ---- internals ------------------------------------------------------------------------------------------

  /** A userState write whose fault is kept as a capability fact (what the PBX refuses), cleared by a success. */
  private async writeUserState(method: string, value: boolean | string, rejected: 'dndWriteRejected' | 'chatMessageWriteRejected'): Promise<void> {
    try {
      await this.invoke(uciRequest(versionOf(this, 'userState'), 'userState', method), [value]);
      delete this.facts[rejected];
    } catch (err) {
      if (err instanceof UciRequestError && err.details.sessionAlive) this.facts[rejected] = err.details.faultString ?? err.message;
      throw err;
    }
  }

  private exec<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private setStatus(status: UciSessionStatus, error?: string): void {
    if (this.statusValue === status) return;
    this.statusValue = status;
    this.emit('status', status, error);
  }

  private assertConnected(): void {
    if (this.stopped) throw new UciNotConnectedError(this.login, 'the session was stopped');
    if (this.statusValue !== 'connected') throw new UciNotConnectedError(this.login, this.lastError);
  }

  private clearTimers(): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.tickTimer = undefined;
    this.reconnectTimer = undefined;
  }

  /** Login + subscribe + first state read. Runs inside the queue. */
  private async connectNow(): Promise<boolean> {
    if (this.stopped) return false;
    const relogin = this.everConnected;
    const api = versionOf(this, 'connection');
    const ctx = this.probeContext();
    try {
      const run = async (): Promise<void> => {
        if (this.settings.uciCredential === 'oauth') {
          this.token = undefined;
          await this.oauthToken();
        } else {
          const password = await this.password();
          if (!password) throw new Error(`no UCI password stored for user ${this.login}; enter it under Connections > STARFACE users`);
          this.token = uciAuthToken(this.login, password, this.settings.tokenAlgorithm);
        }
        this.cookie = undefined;
        this.backoff.loginStarted();
        const ok = await this.rpc(uciRequest(api, 'connection', 'login'), []);
        if (ok !== true) {
          throw new UciRequestError('false', 'login', `STARFACE refused the UCI login of user ${this.login} (answered ${JSON.stringify(ok)}): check the password and that the user may use UCI`);
        }
        this.stats.logins++;
        if (relogin) this.stats.relogins++;
        // Discovery and probes run once per PBX (the facts are shared by the pool) and are never fatal by
        // themselves. Sessions that wait for another's discovery keep their gate slot, so they do not pile up.
        if (this.settings.discoverServices) await discoverOnce(ctx);
      };
      await (this.opts.loginGate ? this.opts.loginGate.run(run) : run());
      if (this.opts.callback) {
        const service = uciEventService(callEventVersion(this), 'call');
        const arg: XmlRpcInput = this.settings.subscribeArgument === 'array' ? [service] : service;
        const ok = await this.rpc(uciRequest(versionOf(this, 'service'), 'service', 'subscribeEvents'), [arg]);
        if (ok !== true) throw new UciRequestError('false', 'subscribeEvents', `STARFACE refused to subscribe ${service} (answered ${JSON.stringify(ok)})`);
      }
      if (this.facts.userStateReadable !== false) {
        const got = await probeMethod(ctx, 'userState', 'getUserState', []);
        this.facts.userStateReadable = got !== undefined;
        if (got) this.applyState(got.value);
      }
      if (this.settings.chatPresenceSetter === 'probe' && this.facts.chatPresenceSetter === undefined) await probeChatPresenceSetter(ctx, this.lastStateValue?.chatPresence);
    } catch (err) {
      this.stats.loginFailures++;
      this.lastError = (err as Error).message;
      this.log.warn(relogin ? 'UCI re-login failed' : 'UCI login failed', {
        nextLoginInMs: Math.round(this.backoff.waitMs()), ...coded(relogin ? 'log-uci-relogin-failed' : 'log-uci-login-failed', { error: this.lastError }),
      });
      return false;
    }
    this.backoff.connected();
    this.everConnected = true;
    this.lastError = undefined;
    this.setStatus('connected');
    this.log.info(relogin ? 'UCI session re-established' : 'UCI session logged in', { subscribed: Boolean(this.opts.callback), ...coded(relogin ? 'log-uci-reestablished' : 'log-uci-logged-in') });
    this.emit('connected', { relogin });
    this.scheduleTick(true);
    return true;
  }

  private probeContext(): ProbeContext {
    return {
      settings: this.settings, facts: this.facts, log: this.log,
      rpc: (method, params) => this.rpc(method, params),
      stillLoggedIn: () => this.stillLoggedIn(),
    };
  }

  private async stillLoggedIn(): Promise<boolean> {
    try {
      return (await this.rpc(uciRequest(versionOf(this, 'connection'), 'connection', 'keepAlive'), [])) === true;
    } catch {
      return false;
    }
  }

  /**
   * A request with recovery: a fault, HTTP error, HTML page or unreadable answer while keepAlive still says
   * true is the request's own error (thrown, marked sessionAlive: e.g. a method the PBX does not have);
   * anything else is a lost session → re-login (paced), re-subscribe, one retry.
   */
  private async invoke(method: string, params: XmlRpcInput[]): Promise<XmlRpcValue> {
    try {
      return await this.rpc(method, params);
    } catch (err) {
      if (err instanceof EncodingError) this.noteEncodingError(method, err);
      if (!(err instanceof UciRequestError)) throw err;
      if (mayBeMethodFailure(err) && (await this.stillLoggedIn())) {
        err.details.sessionAlive = true;
        throw err;
      }
      if (!(await this.recover(err))) throw new UciNotConnectedError(this.login, this.lastError);
      return this.rpc(method, params);
    }
  }

  /** A bug of ours for this one request (nothing was sent): counted, logged once per method, never a lost session. */
  private noteEncodingError(method: string, err: EncodingError): void {
    this.stats.encodingErrors++;
    const name = shortName(method);
    if (this.encodingErrorsLogged.has(name)) return;
    this.encodingErrorsLogged.add(name);
    this.log.error('A UCI request could not be written; nothing was sent (further ones are only counted)', coded('log-uci-request-unwritable', { method: name, error: err.message }));
  }

  /** Logs in again at once if the pacing allows it; otherwise the reconnect timer does when it does. */
  private async recover(cause: Error): Promise<boolean> {
    this.log.info('UCI session lost; logging in again', coded('log-uci-session-lost', { reason: cause.message }));
    this.setStatus('reconnecting', cause.message);
    this.clearTimers();
    this.backoff.lost();
    this.lastError = cause.message;
    if (this.loginWaitMs() > 0) {
      this.scheduleReconnect();
      return false;
    }
    const ok = await this.connectNow();
    if (!ok) this.scheduleReconnect();
    return ok;
  }

  /** How long the next re-login must wait: the user's backoff, then a token of the PBX-wide budget. */
  private loginWaitMs(): number {
    return this.backoff.waitMs() || (this.opts.reloginBudget?.take() ?? 0);
  }

  private scheduleReconnect(delay = Math.max(this.backoff.waitMs(), 1)): void {
    if (this.stopped || this.reconnectTimer) return;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    this.setStatus('reconnecting', this.lastError);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.exec(async () => {
        if (this.stopped || this.statusValue === 'connected') return;
        const wait = this.loginWaitMs();
        if (wait > 0) return this.scheduleReconnect(wait);
        if (!(await this.connectNow())) this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  private scheduleTick(first = false): void {
    if (this.stopped) return;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    // Spread the first keepAlive of many sessions that logged in together.
    const delay = first ? this.settings.keepAliveMs * (0.5 + Math.random() * 0.5) : this.settings.keepAliveMs;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = undefined;
      void this.exec(() => this.tick());
    }, delay);
    this.tickTimer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.statusValue !== 'connected') return;
    const refresh = this.settings.stateRefreshMs > 0 && this.facts.userStateReadable !== false && Date.now() - this.lastStateReadAt >= this.settings.stateRefreshMs;
    if (refresh) {
      try {
        await this.readState();
      } catch (err) {
        // readState recovers a lost session itself; what is left is "still reconnecting" (backoff runs)
        // or an error of getUserState on a live session, which the next tick tries again.
        if (err instanceof UciNotConnectedError) return;
        this.log.warn('getUserState failed', coded('log-uci-get-user-state-failed', { error: (err as Error).message }));
      }
    } else {
      try {
        const ok = await this.rpc(uciRequest(versionOf(this, 'connection'), 'connection', 'keepAlive'), []);
        this.stats.keepAlives++;
        if (ok !== true) throw new UciRequestError('false', 'keepAlive', 'STARFACE answered keepAlive with false (the server dropped the session)');
      } catch (err) {
        if (!(await this.recover(err as Error))) return;
      }
    }
    if (this.statusValue === 'connected' && !this.tickTimer) this.scheduleTick();
  }

  /** getUserState with recovery (outside the login sequence); refused where the PBX offers no getUserState. */
  private async readState(): Promise<UciUserState> {
    if (this.facts.userStateReadable === false) {
      throw new UciUnsupportedError('This STARFACE offers no userState.getUserState: the bridge knows the DND it set itself, and call states from call events only.');
    }
    return this.applyState(await this.invoke(uciRequest(versionOf(this, 'userState'), 'userState', 'getUserState'), []));
  }

  private applyState(value: XmlRpcValue): UciUserState {
    if (!isStruct(value)) throw new UciRequestError('malformed', 'getUserState', `STARFACE answered getUserState with ${Array.isArray(value) ? 'an array' : typeof value}, not a struct`);
    return this.stateFrom(value);
  }

  private stateFrom(value: XmlRpcStruct): UciUserState {
    const key = this.settings.dndStateKeys.find((k) => k in value);
    const pbxDnd = key ? asBoolean(value[key]) : undefined;
    this.facts.dndInUserState = pbxDnd !== undefined;
    let dnd: boolean | undefined;
    let dndFrom: UciUserState['dndFrom'] = 'unknown';
    if (this.settings.dndSource !== 'written' && pbxDnd !== undefined) {
      dnd = pbxDnd;
      dndFrom = 'pbx';
    } else if (this.settings.dndSource !== 'pbx' && this.writtenDnd !== undefined) {
      dnd = this.writtenDnd;
      dndFrom = 'written';
    }
    const telephonyState = asString(value.telephonyState);
    const state: UciUserState = {
      login: this.login,
      dnd,
      dndFrom,
      chatPresence: asString(value.chatPresence),
      chatPresenceMessage: asString(value.chatPresenceMessage),
      telephonyState,
      telephony: fromPbxTelephonyState(telephonyState),
      redirectAlwaysActive: asBoolean(value.redirectAlwaysActive),
      readAt: new Date().toISOString(),
    };
    this.lastStateReadAt = Date.now();
    this.lastStateValue = state;
    this.emit('userState', state);
    return state;
  }

  /** The UCI token this session logs in with (to check the auth value the PBX appends to callbacks); none with OAuth. */
  get authToken(): string | undefined {
    return this.token;
  }

  private async password(): Promise<string | undefined> {
    return typeof this.opts.password === 'function' ? this.opts.password() : this.opts.password;
  }

  private oauthToken(): Promise<string> {
    if (!this.opts.oauth) throw new Error('uciCredential is "oauth" but the session has no OAuth client.');
    return this.opts.oauth.accessToken(this.login, () => this.password());
  }

  private async requestUrl(isLogin: boolean): Promise<string> {
    const q: string[] = this.settings.uciCredential === 'oauth'
      ? [`${UCI_PARAM.jwt}=${encodeURIComponent(await this.oauthToken())}`]
      : [`${UCI_PARAM.auth}=${encodeURIComponent(this.token ?? '').replace(/%3A/gi, ':')}`];
    const cb = this.opts.callback;
    if (cb && (isLogin || this.settings.callbackParams === 'every-request')) {
      q.push(
        `${UCI_PARAM.callbackType}=${cb.type}`,
        `${UCI_PARAM.callbackHost}=${encodeURIComponent(cb.host)}`,
        `${UCI_PARAM.callbackPort}=${cb.port}`,
        `${UCI_PARAM.callbackPath}=${encodeURIComponent(cb.path)}`,
      );
    }
    return `${this.base}/xml-rpc?${q.join('&')}`;
  }

  /** One XML-RPC request; every failure becomes a UciRequestError of a precise kind. */
  private async rpc(method: string, params: XmlRpcInput[], timeoutMs = this.settings.requestTimeoutMs): Promise<XmlRpcValue> {
    const isLogin = method.endsWith('.connection.login');
    const headers: Record<string, string> = {
      'content-type': `${this.settings.contentType}; charset=UTF-8`,
      accept: 'text/xml, application/xml',
      'user-agent': 'PresenceBridge',
    };
    if (this.cookie) headers.cookie = `JSESSIONID=${this.cookie}`;
    // Outside the transport's try: an EncodingError is this request's own error, not a lost session.
    const body = encodeMethodCall(method, params);
    const url = await this.requestUrl(isLogin);
    this.stats.requests++;
    let res: HttpResponse;
    try {
      res = await this.opts.transport.request({
        url, method: 'POST', headers, body, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES,
      });
    } catch (err) {
      this.stats.failures++;
      throw new UciRequestError('transport', method, `${shortName(method)}: ${(err as Error).message}`, { cause: err });
    }
    const setCookie = res.headers['set-cookie'];
    const jsession = setCookie ? /JSESSIONID=([^;,\s]+)/.exec(setCookie)?.[1] : undefined;
    if (jsession) this.cookie = jsession;
    const contentType = res.headers['content-type'] ?? '';
    if (looksLikeHtml(res.body, contentType)) {
      this.stats.failures++;
      throw new UciRequestError('html', method, `STARFACE answered ${shortName(method)} with an HTML page (HTTP ${res.status}) instead of XML-RPC: the session or the user's credentials were not accepted`, { status: res.status });
    }
    if (res.status !== 200) {
      this.stats.failures++;
      throw new UciRequestError('http', method, `STARFACE answered ${shortName(method)} with HTTP ${res.status}${res.status === 401 || res.status === 403 ? ' (credentials not accepted: check the user\'s UCI password)' : ''}`, { status: res.status });
    }
    let decoded;
    try {
      decoded = decodeMethodResponse(res.body, { maxBytes: MAX_RESPONSE_BYTES });
    } catch (err) {
      this.stats.failures++;
      throw new UciRequestError('malformed', method, `STARFACE answered ${shortName(method)} with something that is not XML-RPC (${(err as Error).message})`, { status: res.status, cause: err });
    }
    if (decoded.kind === 'fault') {
      this.stats.failures++;
      const { faultCode, faultString } = decoded.fault;
      throw new UciRequestError('fault', method, `STARFACE answered ${shortName(method)} with fault ${faultCode}: ${faultString}`, { faultCode, faultString });
    }
    return decoded.value;
  }
}

function shortName(method: string): string {
  return method.replace(/^ucp\.v\d\d\.requests\./, '');
}

export function normalizeBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`STARFACE address "${url}" is not a URL; use the form https://pbx.example.com.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`STARFACE address must start with http:// or https:// (got ${u.protocol}).`);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/(xml-rpc|rest)\/?$/, '').replace(/\/+$/, '')}`;
}

function loginPacing(s: UciSessionSettings): { initialMs: number; maxMs: number; stableMs: number } {
  return { initialMs: s.backoffInitialMs, maxMs: s.backoffMaxMs, stableMs: s.stableSessionMs };
}
