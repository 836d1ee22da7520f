// Microsoft Graph v1.0 endpoints the bridge uses: users (paging, $select, $top), presence reads
// (single and getPresencesByUserId), setPresence / clearPresence and the user-preferred pair.
// Permission checks and error bodies follow the reference (§1.1, §3).
import { createHash } from 'node:crypto';
import type { AccessTokenClaims } from './identity.js';
import { HttpError } from './http-util.js';
import {
  findPair, parseIsoDuration, PREFERRED_PAIRS, SET_PRESENCE_PAIRS,
} from './presence-model.js';
import type { SimUser } from './tenant.js';
import type { SimWorld } from './world.js';

export const MAX_IDS_PER_REQUEST = 650;
const MIN_SESSION_MS = 5 * 60_000;
const MAX_SESSION_MS = 4 * 3600_000;

/** Properties the simulated user resource has; the first group is returned when no $select is given. */
const DEFAULT_USER_PROPS = ['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone',
  'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'];
const ALL_USER_PROPS = new Set([...DEFAULT_USER_PROPS, 'proxyAddresses', 'otherMails', 'accountEnabled'].map((p) => p.toLowerCase()));

const USER_READ = { app: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], delegated: ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] };
const PRESENCE_READ_ALL = { app: ['Presence.Read.All', 'Presence.ReadWrite.All'], delegated: ['Presence.Read.All', 'Presence.ReadWrite.All'] };
const PRESENCE_WRITE = { app: ['Presence.ReadWrite.All'], delegated: ['Presence.ReadWrite', 'Presence.ReadWrite.All'] };

export interface GraphRoute {
  /** Endpoint name used by stats and faults. */
  endpoint: string;
  run: (ctx: GraphCallContext) => { status: number; body?: unknown };
}

export interface GraphCallContext {
  method: string;
  url: URL;
  body: unknown;
  claims: AccessTokenClaims;
}

export class GraphApi {
  constructor(private readonly world: SimWorld, private readonly baseUrl: () => string) {}

  /** Matches a Graph path (after /v1.0 or /beta) to a route; undefined = not found. */
  route(method: string, path: string): GraphRoute | undefined {
    const p = path.replace(/\/+$/, '');
    let m: RegExpExecArray | null;
    if (method === 'GET' && p === '/users') return { endpoint: 'users', run: (c) => this.listUsers(c) };
    if (method === 'GET' && p === '/me') return { endpoint: 'me', run: (c) => this.me(c) };
    if (method === 'POST' && p === '/communications/getPresencesByUserId') {
      return { endpoint: 'getPresencesByUserId', run: (c) => this.getPresencesByUserId(c) };
    }
    if (method === 'GET' && (m = /^\/(?:users\/([^/]+)|me|communications\/presences\/([^/]+))\/?(presence)?$/.exec(p))) {
      const isPresence = p.startsWith('/communications/presences/') || m[3] === 'presence';
      if (isPresence) return { endpoint: 'presence', run: (c) => this.getPresence(c, m![1] ?? m![2]) };
      if (m[1]) return { endpoint: 'user', run: (c) => this.getUser(c, decodeURIComponent(m![1]!)) };
    }
    if (method === 'POST' && (m = /^\/(?:users\/([^/]+)|me)\/presence\/(setPresence|clearPresence|setUserPreferredPresence|clearUserPreferredPresence)$/.exec(p))) {
      const action = m[2]!;
      const id = m[1] ? decodeURIComponent(m[1]) : undefined;
      return { endpoint: action, run: (c) => this.writePresence(c, action, id) };
    }
    return undefined;
  }

  // ---- users -------------------------------------------------------------------------------------------

  private listUsers(c: GraphCallContext): { status: number; body: unknown } {
    requirePermission(c.claims, USER_READ, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    const q = c.url.searchParams;
    for (const unsupported of ['$filter', '$search', '$orderby', '$expand', '$skip']) {
      if (q.has(unsupported)) {
        throw new HttpError(400, 'Request_BadRequest', `The Graph simulator does not support ${unsupported} on /users; page through all users with $select and $top instead.`);
      }
    }
    const select = parseSelect(q.get('$select'));
    const topText = q.get('$top');
    let top = 100;
    if (topText !== null) {
      top = Number(topText);
      if (!/^\d+$/.test(topText) || top < 1 || top > 999) {
        throw new HttpError(400, 'Request_BadRequest', `Invalid page size specified: '${topText}'. Must be between 1 and 999 inclusive.`);
      }
    }
    const queryKey = `${select?.join(',') ?? ''}|${top}`;
    let offset = 0;
    const skipToken = q.get('$skiptoken') ?? q.get('$skipToken');
    if (skipToken !== null) {
      const parsed = parseSkipToken(skipToken, queryKey);
      if (parsed === undefined) throw new HttpError(400, 'Directory_InvalidSkipToken', 'The specified page token value has expired or is invalid. Start the listing again.');
      offset = parsed;
    }
    const users = this.world.users;
    const page = users.slice(offset, offset + top).map((u) => projectUser(u, select));
    const body: Record<string, unknown> = {
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}`,
      value: page,
    };
    if (offset + top < users.length) {
      const next = new URL(`${this.baseUrl()}${c.url.pathname}`);
      if (select) next.searchParams.set('$select', select.join(','));
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', makeSkipToken(offset + top, queryKey));
      body['@odata.nextLink'] = next.href.replace(/%24/g, '$').replace(/%2C/g, ',');
    }
    return { status: 200, body };
  }

  private getUser(c: GraphCallContext, id: string): { status: number; body: unknown } {
    requirePermission(c.claims, USER_READ, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    const user = this.world.findUser(id);
    if (!user) throw new HttpError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    return { status: 200, body: projectUser(user, parseSelect(c.url.searchParams.get('$select'))) };
  }

  private me(c: GraphCallContext): { status: number; body: unknown } {
    const user = this.signedInUser(c.claims);
    requirePermission(c.claims, { app: [], delegated: ['User.Read', ...USER_READ.delegated] }, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    return { status: 200, body: projectUser(user, parseSelect(c.url.searchParams.get('$select'))) };
  }

  private signedInUser(claims: AccessTokenClaims): SimUser {
    if (claims.idtyp !== 'user' || !claims.oid) {
      throw new HttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    }
    const user = this.world.userById(claims.oid);
    if (!user) throw new HttpError(404, 'Request_ResourceNotFound', 'The signed-in user no longer exists.');
    return user;
  }

  // ---- presence ----------------------------------------------------------------------------------------

  private getPresence(c: GraphCallContext, id: string | undefined): { status: number; body: unknown } {
    let user: SimUser | undefined;
    if (id === undefined) {
      user = this.signedInUser(c.claims);
      requirePermission(c.claims, { app: [], delegated: ['Presence.Read', ...PRESENCE_READ_ALL.delegated] }, 'Forbidden', 'Insufficient privileges to complete the operation.');
    } else {
      requirePermission(c.claims, PRESENCE_READ_ALL, 'Forbidden', 'Insufficient privileges to complete the operation.');
      user = this.world.userById(decodeURIComponent(id));
      if (!user) throw new HttpError(404, 'NotFound', `Presence for '${id}' was not found. Use the user's object id.`);
    }
    const presence = this.world.graphPresence(user);
    return {
      status: 200,
      body: { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user.id}')/presence/$entity`, ...presence },
    };
  }

  private getPresencesByUserId(c: GraphCallContext): { status: number; body: unknown } {
    requirePermission(c.claims, PRESENCE_READ_ALL, 'Forbidden', 'Insufficient privileges to complete the operation.');
    const body = c.body as { ids?: unknown } | undefined;
    const ids = body?.ids;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) {
      throw new HttpError(400, 'BadRequest', 'The request body must be {"ids": [<user object ids>]} with at least one id.');
    }
    if (ids.length > MAX_IDS_PER_REQUEST) {
      throw new HttpError(400, 'BadRequest', `The number of ids (${ids.length}) exceeds the maximum of ${MAX_IDS_PER_REQUEST} per request.`);
    }
    const value = (ids as string[]).map((id) => {
      const user = this.world.userById(id);
      if (user) return this.world.graphPresence(user);
      return { id, availability: 'PresenceUnknown', activity: 'PresenceUnknown', statusMessage: null, outOfOfficeSettings: { message: null, isOutOfOffice: false }, sequenceNumber: null };
    });
    return { status: 200, body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.presence)', value } };
  }

  private writePresence(c: GraphCallContext, action: string, id: string | undefined): { status: number } {
    requirePermission(c.claims, PRESENCE_WRITE, 'Forbidden', 'Insufficient privileges to complete the operation.');
    const user = id === undefined ? this.signedInUser(c.claims) : this.world.userById(id);
    if (!user) throw new HttpError(404, 'NotFound', `User '${id ?? ''}' was not found. Use the user's object id.`);
    if (c.claims.idtyp === 'user' && c.claims.oid?.toLowerCase() !== user.id.toLowerCase()) {
      throw new HttpError(403, 'Forbidden', 'Cannot set the presence of another user.');
    }
    const body = (c.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'BadRequest', 'The request body must be a JSON object.');
    if (!this.world.hasTeams(user)) {
      // What Graph answers here is not documented; a 404 for a user without a presence is the plainest reading.
      throw new HttpError(404, 'NotFound', `User '${user.id}' has no Teams presence (no Teams licence, or a guest).`);
    }
    const state = this.world.state(user.id);
    const now = this.world.now();
    switch (action) {
      case 'setPresence': {
        const sessionId = this.checkSessionId(body, c.claims);
        const pair = requirePair(body, SET_PRESENCE_PAIRS, 'setPresence');
        const duration = durationOf(body, MIN_SESSION_MS);
        if (duration < MIN_SESSION_MS || duration > MAX_SESSION_MS) {
          throw new HttpError(400, 'BadRequest', `expirationDuration must be between PT5M and PT4H; got '${String(body.expirationDuration)}'.`);
        }
        state.sessions.set(sessionId.toLowerCase(), { sessionId, ...pair, setAt: now, expiresAt: now + duration });
        break;
      }
      case 'clearPresence': {
        const sessionId = this.checkSessionId(body, c.claims);
        const s = state.sessions.get(sessionId.toLowerCase());
        if (!s || s.expiresAt <= now) {
          state.sessions.delete(sessionId.toLowerCase());
          throw new HttpError(404, 'NotFound', `No presence session '${sessionId}' exists for user '${user.id}'.`);
        }
        state.sessions.delete(sessionId.toLowerCase());
        break;
      }
      case 'setUserPreferredPresence': {
        const pair = requirePair(body, PREFERRED_PAIRS, 'setUserPreferredPresence');
        const longDefault = ['busy', 'donotdisturb'].includes(pair.availability.toLowerCase()) ? 24 * 3600_000 : 7 * 24 * 3600_000;
        const duration = durationOf(body, longDefault);
        state.preferred = { ...pair, expiresAt: now + duration };
        break;
      }
      default:
        state.preferred = null;
    }
    this.world.touched(user);
    return { status: 200 };
  }

  private checkSessionId(body: Record<string, unknown>, claims: AccessTokenClaims): string {
    const sessionId = body.sessionId;
    if (typeof sessionId !== 'string' || !sessionId) throw new HttpError(400, 'BadRequest', 'sessionId is required: use the application (client) id of the calling app.');
    if (sessionId.toLowerCase() !== claims.appid.toLowerCase()) {
      throw new HttpError(400, 'BadRequest', `sessionId '${sessionId}' must be the application (client) id of the calling app ('${claims.appid}').`);
    }
    return sessionId;
  }
}

function requirePermission(claims: AccessTokenClaims, need: { app: string[]; delegated: string[] }, code: string, message: string): void {
  const held = claims.idtyp === 'app'
    ? (claims.roles ?? [])
    : (claims.scp ?? '').split(' ').filter(Boolean);
  const wanted = claims.idtyp === 'app' ? need.app : need.delegated;
  const lower = new Set(held.map((h) => h.toLowerCase()));
  if (!wanted.some((w) => lower.has(w.toLowerCase()))) {
    const kind = claims.idtyp === 'app' ? 'application' : 'delegated';
    throw new HttpError(403, code, `${message} The token lacks a required ${kind} permission: one of ${wanted.join(', ') || '(none allowed)'}.`);
  }
}

function requirePair(body: Record<string, unknown>, pairs: ReadonlyArray<{ availability: string; activity: string }>, op: string): { availability: string; activity: string } {
  const { availability, activity } = body;
  if (typeof availability !== 'string' || typeof activity !== 'string') {
    throw new HttpError(400, 'BadRequest', `${op} needs "availability" and "activity".`);
  }
  const pair = findPair(pairs, availability, activity);
  if (!pair) {
    throw new HttpError(400, 'BadRequest', `${op} does not support availability '${availability}' with activity '${activity}'. ` +
      `Supported: ${pairs.map((p) => `${p.availability}/${p.activity}`).join(', ')}.`);
  }
  return { ...pair };
}

function durationOf(body: Record<string, unknown>, fallbackMs: number): number {
  if (body.expirationDuration === undefined || body.expirationDuration === null) return fallbackMs;
  const ms = typeof body.expirationDuration === 'string' ? parseIsoDuration(body.expirationDuration) : undefined;
  if (ms === undefined) throw new HttpError(400, 'BadRequest', `expirationDuration '${String(body.expirationDuration)}' is not an ISO 8601 duration such as PT5M.`);
  return ms;
}

function parseSelect(text: string | null): string[] | undefined {
  if (text === null) return undefined;
  const props = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of props) {
    if (!ALL_USER_PROPS.has(p.toLowerCase())) {
      throw new HttpError(400, 'Request_BadRequest', `Could not find a property named '${p}' on type 'microsoft.graph.user'.`);
    }
  }
  return props;
}

function projectUser(u: SimUser, select: string[] | undefined): Record<string, unknown> {
  const full: Record<string, unknown> = {
    businessPhones: [], displayName: u.displayName, givenName: u.givenName ?? null, id: u.id, jobTitle: null,
    mail: u.mail, mobilePhone: null, officeLocation: null, preferredLanguage: null, surname: u.surname ?? null,
    userPrincipalName: u.userPrincipalName, proxyAddresses: u.proxyAddresses, otherMails: [], accountEnabled: true,
  };
  const props = select ?? DEFAULT_USER_PROPS;
  const out: Record<string, unknown> = {};
  const byLower = new Map(Object.keys(full).map((k) => [k.toLowerCase(), k]));
  for (const p of props) {
    const k = byLower.get(p.toLowerCase());
    if (k) out[k] = full[k];
  }
  return out;
}

// Skip tokens are opaque to clients but bound to the query they came from, as Graph's are.
function makeSkipToken(offset: number, queryKey: string): string {
  const mac = createHash('sha256').update(`${offset}|${queryKey}`).digest('base64url').slice(0, 16);
  return `RFNwdAIA${Buffer.from(`${offset}:${mac}`).toString('base64url')}`;
}

function parseSkipToken(token: string, queryKey: string): number | undefined {
  if (!token.startsWith('RFNwdAIA')) return undefined;
  const [offsetText, mac] = Buffer.from(token.slice(8), 'base64url').toString('utf8').split(':');
  const offset = Number(offsetText);
  if (!Number.isInteger(offset) || offset < 0) return undefined;
  const expected = createHash('sha256').update(`${offset}|${queryKey}`).digest('base64url').slice(0, 16);
  return mac === expected ? offset : undefined;
}
