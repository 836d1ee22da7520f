// The simulated PBX's state and rules, without HTTP: accounts, UCI sessions, REST tokens and nonces, calls and
// per-user telephony state. Every lookup is a map access so 2,000 users and sessions cost O(1) per request.
import { randomBytes, randomUUID } from 'node:crypto';
import type { SimGroup, SimUser } from './users.js';
import type { SimFaults, StarfaceSimBehaviour } from './options.js';
import { NO_FAULTS } from './options.js';
import { SimOAuth } from './oauth.js';
import { sameSecret } from './wire.js';

export interface CallbackTarget {
  type: 'http' | 'https';
  host: string;
  port: number;
  path: string;
}

export interface SimSession {
  /** Also the JSESSIONID cookie value. */
  id: string;
  login: string;
  createdAt: number;
  lastSeen: number;
  callback?: CallbackTarget;
  /** Event services, e.g. `ucp.v30.events.call`. */
  subscriptions: Set<string>;
  /** The `de.vertico.starface.auth` token the session logged in with (none for a JWT login). */
  authToken?: string;
  closed: boolean;
}

export type LegDirection = 'in' | 'out';

export interface SimCallLeg {
  login: string;
  direction: LegDirection;
  state: string;
  /** Whether the "empty first event" quirk was already sent for this leg. */
  quirkSent: boolean;
}

export interface SimCall {
  id: string;
  callerNumber: string;
  callerName: string;
  calledNumber: string;
  calledName: string;
  groupID: string;
  createdAt: number;
  connectedAt?: number;
  phase: 'ringing' | 'connected' | 'ended';
  legs: Map<string, SimCallLeg>;
}

export interface CallListEntry {
  callId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  result: 'ANSWERED' | 'MISSED';
  callerNumber: string;
  calledNumber: string;
  startTime: Date;
  duration: number;
  callDescription: string;
  groupId: string;
}

/** Thrown by PBX rules; the HTTP layers turn it into a fault or an HTTP error. */
export class SimError extends Error {
  constructor(readonly kind: 'notFound' | 'badRequest' | 'conflict', message: string) {
    super(message);
  }
}

const RINGING_STATES = new Set(['INCOMING', 'RINGING']);
const CALL_LIST_LIMIT = 50;

export type LegListener = (login: string, call: SimCall, leg: SimCallLeg) => void;

export class SimPbx {
  behaviour: StarfaceSimBehaviour;
  faults: SimFaults = { ...NO_FAULTS };
  /** Requests are answered 503 until this time (a restart in progress). */
  downUntil = 0;
  restarts = 0;

  readonly users: SimUser[];
  readonly groups: SimGroup[];
  /** STARFACE 10 identity provider (used when the `oauth` option is on). */
  readonly oauth: SimOAuth;
  private readonly byLogin = new Map<string, SimUser>();
  private readonly byId = new Map<number, SimUser>();
  private readonly byMd5 = new Map<string, SimUser>();
  private readonly groupById = new Map<number, SimGroup>();

  private readonly sessions = new Map<string, SimSession>();
  private readonly sessionsByLogin = new Map<string, Set<SimSession>>();
  private readonly restTokens = new Map<string, { login: string; expiresAt: number }>();
  private readonly nonces = new Map<string, number>();
  private readonly calls = new Map<string, SimCall>();
  private readonly callsByLogin = new Map<string, Set<string>>();
  private readonly callLists = new Map<string, CallListEntry[]>();
  private readonly counters = new Map<string, number>();
  private readonly legListeners: LegListener[] = [];

  constructor(users: SimUser[], groups: SimGroup[], behaviour: StarfaceSimBehaviour, readonly now: () => number = Date.now) {
    this.behaviour = behaviour;
    this.oauth = new SimOAuth(this);
    this.users = users;
    this.groups = groups;
    for (const u of users) {
      this.byLogin.set(u.login, u);
      this.byId.set(u.id, u);
      this.byMd5.set(u.md5Token, u);
    }
    for (const g of groups) this.groupById.set(g.id, g);
  }

  // ---- accounts -------------------------------------------------------------------------------------------

  user(login: string): SimUser | undefined {
    return this.byLogin.get(login);
  }

  userById(id: number): SimUser | undefined {
    return this.byId.get(id);
  }

  group(id: number): SimGroup | undefined {
    return this.groupById.get(id);
  }

  groupByNameOrNumber(key: string): SimGroup | undefined {
    return this.groups.find((g) => g.name === key || g.internalNumber === key);
  }

  /**
   * Resolves a `de.vertico.starface.auth` token to its user (constant-time compare): `L:sha512…` (or legacy MD5
   * where accepted), or for Active Directory users `Base64(L*P)`; none at all behind an external identity provider.
   */
  authenticateUciToken(token: string): SimUser | undefined {
    if (!this.behaviour.legacyUciTokens) return undefined;
    if (this.behaviour.adUsers) {
      const decoded = Buffer.from(token, 'base64').toString('utf8');
      const star = decoded.indexOf('*');
      const user = star > 0 ? this.byLogin.get(decoded.slice(0, star)) : undefined;
      return user && sameSecret(token, user.adToken) ? user : undefined;
    }
    const colon = token.indexOf(':');
    if (colon > 0) {
      const user = this.byLogin.get(token.slice(0, colon));
      if (user && sameSecret(user.uciToken, token)) return user;
      return undefined;
    }
    if (this.behaviour.acceptMd5Tokens && /^[0-9a-f]{32}$/.test(token)) return this.byMd5.get(token);
    return undefined;
  }

  // ---- UCI sessions ---------------------------------------------------------------------------------------

  private alive(s: SimSession, now = this.now()): boolean {
    return !s.closed && now - s.lastSeen <= this.behaviour.uciSessionTimeoutMs;
  }

  /** The user's live session: the one named by the JSESSIONID cookie, else the most recently used one. */
  findSession(login: string, cookieId?: string): SimSession | undefined {
    const now = this.now();
    if (cookieId) {
      const s = this.sessions.get(cookieId);
      if (s && s.login === login && this.alive(s, now)) return s;
    }
    let best: SimSession | undefined;
    for (const s of this.sessionsByLogin.get(login) ?? []) {
      if (!this.alive(s, now)) continue;
      if (!best || s.lastSeen > best.lastSeen) best = s;
    }
    return cookieId ? undefined : best;
  }

  /**
   * `connection.login`: reuses the cookie's session, or a cookie-less client's session with the same callback
   * target (clients without a cookie jar log in again and again), else opens a new one.
   */
  openSession(login: string, cookieId: string | undefined, callback: CallbackTarget | undefined, authToken?: string): SimSession {
    const now = this.now();
    let s = cookieId ? this.sessions.get(cookieId) : undefined;
    if (s && (s.login !== login || !this.alive(s, now))) s = undefined;
    if (!s && !cookieId) {
      for (const c of this.sessionsByLogin.get(login) ?? []) {
        if (this.alive(c, now) && sameTarget(c.callback, callback)) s = c;
      }
    }
    if (!s) {
      s = { id: randomBytes(16).toString('hex').toUpperCase(), login, createdAt: now, lastSeen: now, subscriptions: new Set(), closed: false };
      this.sessions.set(s.id, s);
      let set = this.sessionsByLogin.get(login);
      if (!set) this.sessionsByLogin.set(login, (set = new Set()));
      set.add(s);
    }
    s.lastSeen = now;
    if (callback) s.callback = callback;
    s.authToken = authToken;
    return s;
  }

  touch(s: SimSession): void {
    s.lastSeen = this.now();
  }

  closeSession(s: SimSession): void {
    s.closed = true;
    this.sessions.delete(s.id);
    const set = this.sessionsByLogin.get(s.login);
    set?.delete(s);
    if (set && set.size === 0) this.sessionsByLogin.delete(s.login);
  }

  aliveSessions(login: string): SimSession[] {
    const now = this.now();
    return [...(this.sessionsByLogin.get(login) ?? [])].filter((s) => this.alive(s, now));
  }

  sessionCount(): number {
    const now = this.now();
    let n = 0;
    for (const s of this.sessions.values()) if (this.alive(s, now)) n++;
    return n;
  }

  /** Drops timed-out sessions, expired tokens and nonces; called periodically. */
  sweep(): void {
    const now = this.now();
    for (const s of [...this.sessions.values()]) if (!this.alive(s, now)) this.closeSession(s);
    for (const [t, v] of this.restTokens) if (v.expiresAt <= now) this.restTokens.delete(t);
    for (const [n, exp] of this.nonces) if (exp <= now) this.nonces.delete(n);
  }

  // ---- REST tokens ----------------------------------------------------------------------------------------

  issueNonce(): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const bytes = randomBytes(26);
    let nonce = '';
    for (const b of bytes) nonce += alphabet[b % alphabet.length];
    this.nonces.set(nonce, this.now() + this.behaviour.nonceTtlMs);
    return nonce;
  }

  /** True if the nonce was issued and is still valid; consumes it when nonces are single use. */
  useNonce(nonce: string): boolean {
    const exp = this.nonces.get(nonce);
    if (exp === undefined) return false;
    if (exp <= this.now()) {
      this.nonces.delete(nonce);
      return false;
    }
    if (this.behaviour.nonceSingleUse) this.nonces.delete(nonce);
    return true;
  }

  issueRestToken(login: string): string {
    const token = randomBytes(24).toString('base64url');
    this.restTokens.set(token, { login, expiresAt: this.now() + this.behaviour.restTokenTtlMs });
    return token;
  }

  checkRestToken(token: string | undefined): SimUser | undefined {
    if (!token) return undefined;
    const rec = this.restTokens.get(token);
    if (!rec) return undefined;
    const now = this.now();
    if (rec.expiresAt <= now) {
      this.restTokens.delete(token);
      return undefined;
    }
    if (this.behaviour.restTokenSliding) rec.expiresAt = now + this.behaviour.restTokenTtlMs;
    return this.byLogin.get(rec.login);
  }

  revokeRestToken(token: string | undefined): void {
    if (token) this.restTokens.delete(token);
  }

  /** Test hook: make every REST token expire now (as if 4 h passed). */
  expireRestTokens(): number {
    const n = this.restTokens.size;
    this.restTokens.clear();
    return n;
  }

  restTokenCount(): number {
    return this.restTokens.size;
  }

  // ---- restart --------------------------------------------------------------------------------------------

  /** A PBX restart: every session, token, nonce and call is gone; user settings (DND, texts) persist. */
  restart(downMs = 0): { droppedSessions: number } {
    const dropped = this.sessionCount();
    for (const s of this.sessions.values()) s.closed = true;
    this.sessions.clear();
    this.sessionsByLogin.clear();
    this.restTokens.clear();
    this.nonces.clear();
    this.calls.clear();
    this.callsByLogin.clear();
    this.restarts++;
    this.downUntil = downMs > 0 ? this.now() + downMs : 0;
    return { droppedSessions: dropped };
  }

  isDown(): boolean {
    return this.downUntil > this.now();
  }

  // ---- calls ----------------------------------------------------------------------------------------------

  onLeg(listener: LegListener): void {
    this.legListeners.push(listener);
  }

  call(id: string): SimCall | undefined {
    return this.calls.get(id);
  }

  listCalls(): SimCall[] {
    return [...this.calls.values()];
  }

  callIdsOf(login: string): string[] {
    return [...(this.callsByLogin.get(login) ?? [])];
  }

  callListOf(login: string): CallListEntry[] {
    return this.callLists.get(login) ?? [];
  }

  /**
   * Starts a call. `to` is a login (incoming for that user), a group name or number (rings every member) or
   * an external number; `from` is a login (outgoing for that user: PROCEEDING → RINGBACK) or an external number.
   */
  placeCall(opts: { from: string; to: string; fromName?: string; callId?: string }): SimCall {
    const caller = this.byLogin.get(opts.from);
    const callee = this.byLogin.get(opts.to);
    const group = callee ? undefined : this.groupByNameOrNumber(opts.to);
    if (!caller && !callee && !group) {
      throw new SimError('badRequest', `Neither "from" (${opts.from}) nor "to" (${opts.to}) is a user login or group; one side must be on this PBX.`);
    }
    const id = opts.callId && !this.calls.has(opts.callId) ? opts.callId : randomUUID();
    const call: SimCall = {
      id,
      callerNumber: opts.from,
      callerName: opts.fromName ?? (caller ? fullName(caller) : ''),
      calledNumber: group ? group.internalNumber : opts.to,
      calledName: callee ? fullName(callee) : group ? group.name : '',
      groupID: group ? group.groupId : '',
      createdAt: this.now(),
      phase: 'ringing',
      legs: new Map(),
    };
    this.calls.set(id, call);
    if (caller) this.addLeg(call, caller.login, 'out');
    const ringing = callee ? [callee] : group ? [...group.members].map((uid) => this.byId.get(uid)!).filter((u) => u.login !== caller?.login) : [];
    for (const u of ringing) this.addLeg(call, u.login, 'in');
    if (caller) this.setLeg(call, caller.login, 'PROCEEDING');
    for (const u of ringing) this.setLeg(call, u.login, 'INCOMING');
    for (const u of ringing) this.setLeg(call, u.login, 'RINGING');
    if (caller) this.setLeg(call, caller.login, 'RINGBACK');
    return call;
  }

  /** The callee picks up (`by` chooses the member for a group call; other members' legs hang up). */
  answer(id: string, by?: string): SimCall {
    const call = this.requireCall(id);
    if (call.phase !== 'ringing') throw new SimError('conflict', `Call ${id} is ${call.phase}, not ringing.`);
    const incoming = [...call.legs.values()].filter((l) => l.direction === 'in');
    const answerer = by ? call.legs.get(by) : incoming[0];
    if (by && (!answerer || answerer.direction !== 'in')) throw new SimError('badRequest', `"${by}" is not ringing in call ${id}.`);
    call.phase = 'connected';
    call.connectedAt = this.now();
    for (const leg of incoming) if (leg !== answerer) this.endLeg(call, leg.login);
    for (const leg of [...call.legs.values()]) this.setLeg(call, leg.login, 'CONNECTED');
    return call;
  }

  hangup(id: string): SimCall {
    const call = this.requireCall(id);
    for (const leg of [...call.legs.values()]) this.endLeg(call, leg.login);
    call.phase = 'ended';
    this.calls.delete(id);
    return call;
  }

  telephonyState(user: SimUser): string {
    if (!user.phoneRegistered) return 'UNAVAILABLE';
    let ringing = false;
    for (const id of this.callsByLogin.get(user.login) ?? []) {
      const leg = this.calls.get(id)?.legs.get(user.login);
      if (!leg) continue;
      if (RINGING_STATES.has(leg.state)) ringing = true;
      else return 'ACTIVE';
    }
    return ringing ? 'RINGING' : 'AVAILABLE';
  }

  private requireCall(id: string): SimCall {
    const call = this.calls.get(id);
    if (!call) throw new SimError('notFound', `No call with id ${id} (it may have ended).`);
    return call;
  }

  private addLeg(call: SimCall, login: string, direction: LegDirection): void {
    call.legs.set(login, { login, direction, state: '', quirkSent: false });
    let set = this.callsByLogin.get(login);
    if (!set) this.callsByLogin.set(login, (set = new Set()));
    set.add(call.id);
  }

  private setLeg(call: SimCall, login: string, state: string): void {
    const leg = call.legs.get(login);
    if (!leg || leg.state === state) return;
    leg.state = state;
    for (const l of this.legListeners) l(login, call, leg);
  }

  private endLeg(call: SimCall, login: string): void {
    const leg = call.legs.get(login);
    if (!leg) return;
    const answered = call.phase === 'connected' && leg.state === 'CONNECTED';
    this.setLeg(call, login, 'HANGUP');
    call.legs.delete(login);
    const set = this.callsByLogin.get(login);
    set?.delete(call.id);
    if (set && set.size === 0) this.callsByLogin.delete(login);
    const list = this.callLists.get(login) ?? [];
    list.unshift({
      callId: call.id,
      direction: leg.direction === 'in' ? 'INBOUND' : 'OUTBOUND',
      result: answered || leg.direction === 'out' ? 'ANSWERED' : 'MISSED',
      callerNumber: call.callerNumber,
      calledNumber: call.calledNumber,
      startTime: new Date(call.createdAt),
      duration: call.connectedAt ? Math.round((this.now() - call.connectedAt) / 1000) : 0,
      callDescription: '',
      groupId: call.groupID,
    });
    if (list.length > CALL_LIST_LIMIT) list.length = CALL_LIST_LIMIT;
    this.callLists.set(login, list);
  }

  // ---- statistics -----------------------------------------------------------------------------------------

  count(key: string): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  stats(): Record<string, number> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  resetStats(): void {
    this.counters.clear();
  }
}

export function fullName(u: SimUser): string {
  return `${u.firstName} ${u.familyName}`.trim();
}

function sameTarget(a: CallbackTarget | undefined, b: CallbackTarget | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.host === b.host && a.port === b.port && a.path === b.path;
}
