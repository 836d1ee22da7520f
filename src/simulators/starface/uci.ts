// The `/xml-rpc` endpoint (reference §3, §8.3): URL token authentication (classic, Active Directory, or a
// STARFACE 10 JWT), `ucp.v30`/`ucp.v22` request dispatch with the services each generation offers, sessions
// with a server-side timeout, and the answers a PBX gives (boolean true for void methods, faults for calls
// without login, a fault, empty 404 or Tomcat HTML page for unknown methods, HTTP 401 or an HTML login page
// for bad tokens).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../platform/logger.js';
import { SimError, type CallbackTarget, type SimPbx, type SimSession } from './pbx.js';
import type { SimUser } from './users.js';
import { CHAT_PRESENCES, eventService, LOGIN_PAGE_HTML, Q, REQUEST_RE, requestService, tomcatErrorPage, type UciGeneration } from './wire.js';
import { decodeCall, encodeFault, encodeResponse, WireDateTime, WireParseError, type WireValue } from './xmlrpc.js';

class Fault extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

interface Ctx {
  pbx: SimPbx;
  user: SimUser;
  api: UciGeneration;
  session?: SimSession;
  params: WireValue[];
}

type Handler = (ctx: Ctx) => WireValue;

export function callbackFromQuery(q: URLSearchParams): CallbackTarget | undefined {
  const host = q.get(Q.callbackHost);
  const port = Number(q.get(Q.callbackPort));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const type = q.get(Q.callbackType) === 'https' ? 'https' : 'http';
  return { type, host, port, path: q.get(Q.callbackPath) ?? '/' };
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function sendXml(res: ServerResponse, xml: string, extraHeaders: Record<string, string> = {}): void {
  const body = Buffer.from(xml, 'utf8');
  res.writeHead(200, { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Length': body.length, ...extraHeaders });
  res.end(body);
}

export function sendLoginPage(res: ServerResponse, status = 200): void {
  const body = Buffer.from(LOGIN_PAGE_HTML, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/html;charset=UTF-8', 'Content-Length': body.length, ...(status === 302 ? { Location: '/login.jsp' } : {}) });
  res.end(body);
}

function str(ctx: Ctx, i: number, name: string): string {
  const v = ctx.params[i];
  if (typeof v !== 'string') throw new Fault(ctx.pbx.behaviour.faultCodes.badArguments, `UciException: parameter ${i + 1} (${name}) must be a string`);
  return v;
}

function providedEventServices(pbx: SimPbx): string[] {
  return pbx.behaviour.uciApis.map(eventService);
}

const SERVICES = ['connection', 'service', 'system', 'userState', 'call', 'group', 'redirect', 'callList'];

/** Whether this PBX has the service in that generation (userState may be v22-only or missing: options.ts). */
function offers(pbx: SimPbx, api: UciGeneration, service: string): boolean {
  return service !== 'userState' || pbx.behaviour.userStateApis.includes(api);
}

function subscribe(ctx: Ctx, on: boolean): boolean {
  const arg = ctx.params[0];
  let names: string[];
  if (typeof arg === 'string') names = [arg];
  else if (Array.isArray(arg) && ctx.pbx.behaviour.subscribeAcceptsArray && arg.every((a) => typeof a === 'string')) names = arg as string[];
  else throw new Fault(ctx.pbx.behaviour.faultCodes.badArguments, 'UciException: subscribeEvents expects the name of an event service (string)');
  const provided = new Set(providedEventServices(ctx.pbx));
  if (!names.every((n) => provided.has(n))) return false;
  for (const n of names) {
    if (on) ctx.session!.subscriptions.add(n);
    else ctx.session!.subscriptions.delete(n);
  }
  return true;
}

function callStruct(ctx: Ctx, id: string): Record<string, WireValue> {
  const call = ctx.pbx.call(id);
  const leg = call?.legs.get(ctx.user.login);
  if (!call || !leg) throw new Fault(ctx.pbx.behaviour.faultCodes.badArguments, `UciException: no call with id ${id} for the current user`);
  return {
    id: call.id, state: leg.state, callerNumber: call.callerNumber, callerName: call.callerName,
    calledNumber: call.calledNumber, calledName: call.calledName, groupID: call.groupID,
  };
}

const HANDLERS: Record<string, Handler> = {
  'service.subscribeEvents': (ctx) => subscribe(ctx, true),
  'service.unsubscribeEvents': (ctx) => subscribe(ctx, false),
  'service.getProvidedEvents': (ctx) => providedEventServices(ctx.pbx),
  'service.getProvidedRequests': (ctx) => SERVICES.filter((s) => offers(ctx.pbx, ctx.api, s)).map((s) => requestService(ctx.api, s)),
  'system.getServerVersion': (ctx) => ctx.pbx.behaviour.serverVersion,
  'userState.getUserState': (ctx) => {
    const u = ctx.user;
    const state: Record<string, WireValue> = {
      avatarHash: u.avatarHash,
      chatPresence: u.chatPresence,
      telephonyState: ctx.pbx.telephonyState(u),
      chatPresenceMessage: u.chatPresenceMessage,
      redirectAlwaysActive: u.redirectAlwaysActive,
    };
    const key = ctx.pbx.behaviour.userStateDndKey;
    if (key) state[key] = u.dnd;
    return state;
  },
  'userState.setDoNotDisturbSetting': (ctx) => {
    const v = ctx.params[0];
    if (typeof v !== 'boolean') throw new Fault(ctx.pbx.behaviour.faultCodes.badArguments, 'UciException: setDoNotDisturbSetting expects one boolean');
    ctx.user.dnd = v;
    return true;
  },
  'userState.setChatPresenceMessage': (ctx) => {
    ctx.user.chatPresenceMessage = str(ctx, 0, 'message');
    return true;
  },
  'userState.setChatPresence': (ctx) => {
    const p = str(ctx, 0, 'chatPresence');
    if (!(CHAT_PRESENCES as readonly string[]).includes(p)) {
      throw new Fault(ctx.pbx.behaviour.faultCodes.badArguments, `UciException: unknown chat presence "${p}" (one of ${CHAT_PRESENCES.join(', ')})`);
    }
    ctx.user.chatPresence = p;
    return true;
  },
  'call.getCallIds': (ctx) => ctx.pbx.callIdsOf(ctx.user.login),
  'call.getCallState': (ctx) => callStruct(ctx, str(ctx, 0, 'callId')),
  'call.placeCallWithPhone': (ctx) => {
    const number = str(ctx, 0, 'number');
    const callId = typeof ctx.params[2] === 'string' ? ctx.params[2] : '';
    return ctx.pbx.placeCall({ from: ctx.user.login, to: number, callId: callId || undefined }).id;
  },
  'call.hangupCall': (ctx) => {
    const id = str(ctx, 0, 'callId');
    callStruct(ctx, id);
    ctx.pbx.hangup(id);
    return true;
  },
  'group.getGroupSettings': (ctx) => ctx.pbx.groups
    .filter((g) => g.members.has(ctx.user.id))
    .map((g) => ({ id: String(g.id), name: g.name, phoneNumbers: [g.internalNumber], loggedIn: true })),
  'redirect.getRedirectSettings': (ctx) => [{
    id: `redirect-always-${ctx.user.id}`, type: 'ALWAYS', enabled: ctx.user.redirectAlwaysActive, calledNumber: ctx.user.login,
    destinationType: 'MAILBOX', groupId: '',
  }],
  'callList.getCallList': (ctx) => {
    const entries = ctx.pbx.callListOf(ctx.user.login);
    const limit = typeof ctx.params[8] === 'number' && ctx.params[8] > 0 ? ctx.params[8] : 100;
    const offset = typeof ctx.params[7] === 'number' && ctx.params[7] > 0 ? ctx.params[7] : 0;
    return { entries: entries.slice(offset, offset + limit).map((e) => ({ ...e, startTime: new WireDateTime(e.startTime) })), totalCount: entries.length };
  },
};

function answerUnknownMethod(pbx: SimPbx, res: ServerResponse, method: string): void {
  switch (pbx.behaviour.unknownMethodAnswer) {
    case 'http404':
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
      return;
    case 'html500': {
      // The servlet throws; Tomcat answers with its error report page.
      const body = Buffer.from(tomcatErrorPage(500, 'Internal Server Error', `No such handler: ${method}`), 'utf8');
      res.writeHead(500, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Language': 'en', 'Content-Length': body.length });
      res.end(body);
      return;
    }
    default:
      sendXml(res, encodeFault(pbx.behaviour.faultCodes.unknownMethod, `No such handler: ${method}`));
  }
}

function answerBadToken(pbx: SimPbx, res: ServerResponse): void {
  switch (pbx.behaviour.badTokenAnswer) {
    case 'html-login':
      sendLoginPage(res, 302);
      return;
    case 'fault':
      sendXml(res, encodeFault(pbx.behaviour.faultCodes.illegalAccess, 'UciIllegalAccessException: authentication failed'));
      return;
    default:
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=UTF-8' });
      res.end('Unauthorized\n');
  }
}

export async function handleUci(pbx: SimPbx, log: Logger, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' });
    res.end('XML-RPC needs POST\n');
    return;
  }
  const q = url.searchParams;
  const token = q.get(Q.auth) ?? '';
  const jwt = q.get(Q.jwt) ?? '';
  // STARFACE 10 (§3.4): an OAuth access token in `jwt` instead of the classic `auth` token.
  const user = jwt && pbx.behaviour.oauth ? pbx.oauth.verifyAccessToken(jwt) : token ? pbx.authenticateUciToken(token) : undefined;
  if (!user) {
    pbx.count('uci rejected: bad token');
    log.debug('UCI request with a missing or wrong token', { kind: jwt ? 'jwt' : token ? 'auth' : 'none' });
    answerBadToken(pbx, res);
    return;
  }

  let method: string;
  let params: WireValue[];
  try {
    ({ method, params } = decodeCall(body));
  } catch (err) {
    pbx.count('uci rejected: malformed body');
    const msg = err instanceof WireParseError ? err.message : String(err);
    sendXml(res, encodeFault(pbx.behaviour.faultCodes.badArguments, `UciException: ${msg}`));
    return;
  }
  pbx.count(method);

  const m = REQUEST_RE.exec(method);
  const api = (m?.[1] ?? '') as UciGeneration;
  const key = m ? `${m[2]}.${m[3]}` : '';
  const known = m && pbx.behaviour.uciApis.includes(api) && offers(pbx, api, m[2]!)
    && (key.startsWith('connection.') ? ['connection.login', 'connection.logout', 'connection.keepAlive'].includes(key)
      : key in HANDLERS && (key !== 'userState.setChatPresence' || pbx.behaviour.chatPresenceSetter));
  if (!known) {
    answerUnknownMethod(pbx, res, method);
    return;
  }

  const cookieId = cookie(req, 'JSESSIONID');
  const callback = callbackFromQuery(q);
  try {
    if (key === 'connection.login') {
      if (!user.uciAllowed) {
        log.debug('UCI login refused: user lacks the UCI right', { login: user.login });
        if (pbx.behaviour.loginDeniedAnswer === 'false') sendXml(res, encodeResponse(false));
        else sendXml(res, encodeFault(pbx.behaviour.faultCodes.illegalAccess, 'UciIllegalAccessException: the user is not allowed to use UCI'));
        return;
      }
      const s = pbx.openSession(user.login, cookieId, callback, jwt && pbx.behaviour.oauth ? undefined : token);
      sendXml(res, encodeResponse(true), { 'Set-Cookie': `JSESSIONID=${s.id}; Path=/; HttpOnly` });
      return;
    }
    const session = pbx.findSession(user.login, cookieId);
    if (key === 'connection.keepAlive') {
      if (session) pbx.touch(session);
      sendXml(res, encodeResponse(Boolean(session)));
      return;
    }
    if (key === 'connection.logout') {
      if (session) pbx.closeSession(session);
      sendXml(res, encodeResponse(true));
      return;
    }
    if (!session) {
      sendXml(res, encodeFault(pbx.behaviour.faultCodes.notConnected, 'UcpNotConnectedException: the UCI client is not connected; call login first'));
      return;
    }
    pbx.touch(session);
    if (callback && pbx.behaviour.callbackParamsOnEveryRequest) session.callback = callback;
    const value = HANDLERS[key]!({ pbx, user, api, session, params });
    sendXml(res, encodeResponse(value));
  } catch (err) {
    if (err instanceof Fault) {
      sendXml(res, encodeFault(err.code, err.message));
    } else if (err instanceof SimError) {
      sendXml(res, encodeFault(pbx.behaviour.faultCodes.badArguments, `UciException: ${err.message}`));
    } else {
      log.error('simulator bug in UCI handler', { method, error: (err as Error).message });
      sendXml(res, encodeFault(500, 'UciException: internal error'));
    }
  }
}

