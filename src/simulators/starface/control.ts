// `/_sim/` control API (JSON) for tests, benchmarks and the demo: inspect users and sessions, press the DND
// key, script calls, restart the PBX, inject faults, read per-method request counts, switch behaviour options.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallbackDispatcher } from './callbacks.js';
import { NO_FAULTS, type SimFaults, type StarfaceSimBehaviour } from './options.js';
import { SimError, type SimCall, type SimPbx } from './pbx.js';
import { STARFACE_PROFILE_NAMES, STARFACE_PROFILES, type StarfaceProfileName } from './profiles.js';
import type { SimUser } from './users.js';

class BadRequest extends Error {}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequest('body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequest('body must be a JSON object');
  return v as Record<string, unknown>;
}

function userSummary(u: SimUser): Record<string, unknown> {
  return { id: u.id, login: u.login, email: u.email, firstName: u.firstName, familyName: u.familyName, groups: u.groups, admin: u.admin };
}

function callJson(c: SimCall): Record<string, unknown> {
  return {
    id: c.id, phase: c.phase, callerNumber: c.callerNumber, callerName: c.callerName, calledNumber: c.calledNumber,
    calledName: c.calledName, groupID: c.groupID,
    legs: [...c.legs.values()].map((l) => ({ login: l.login, direction: l.direction, state: l.state })),
  };
}

export function userDetail(pbx: SimPbx, u: SimUser): Record<string, unknown> {
  return {
    ...userSummary(u),
    dnd: u.dnd,
    chatPresence: u.chatPresence,
    chatPresenceMessage: u.chatPresenceMessage,
    telephonyState: pbx.telephonyState(u),
    phoneRegistered: u.phoneRegistered,
    calls: pbx.callIdsOf(u.login),
    sessions: pbx.aliveSessions(u.login).map((s) => ({
      createdAt: new Date(s.createdAt).toISOString(),
      lastSeen: new Date(s.lastSeen).toISOString(),
      callback: s.callback ? `${s.callback.type}://${s.callback.host}:${s.callback.port}${s.callback.path}` : null,
      subscriptions: [...s.subscriptions],
    })),
  };
}

function faultsFrom(body: Record<string, unknown>): SimFaults {
  const f: SimFaults = { ...NO_FAULTS };
  if (body.delayMs !== undefined) {
    if (typeof body.delayMs !== 'number' || body.delayMs < 0 || body.delayMs > 120_000) throw new BadRequest('delayMs must be 0..120000');
    f.delayMs = body.delayMs;
  }
  if (body.errorRate !== undefined) {
    if (typeof body.errorRate !== 'number' || body.errorRate < 0 || body.errorRate > 1) throw new BadRequest('errorRate must be 0..1');
    f.errorRate = body.errorRate;
  }
  if (body.errorStatus !== undefined) {
    if (typeof body.errorStatus !== 'number' || body.errorStatus < 400 || body.errorStatus > 599) throw new BadRequest('errorStatus must be 400..599');
    f.errorStatus = body.errorStatus;
  }
  if (body.htmlLoginPage !== undefined) {
    if (typeof body.htmlLoginPage !== 'boolean') throw new BadRequest('htmlLoginPage must be true or false');
    f.htmlLoginPage = body.htmlLoginPage;
  }
  if (body.scope !== undefined) {
    if (body.scope !== 'all' && body.scope !== 'uci' && body.scope !== 'rest') throw new BadRequest('scope must be "all", "uci" or "rest"');
    f.scope = body.scope;
  }
  return f;
}

export interface ControlContext {
  pbx: SimPbx;
  callbacks: CallbackDispatcher;
  setBehaviour(patch: Partial<StarfaceSimBehaviour>): StarfaceSimBehaviour;
  setProfiles(profiles: string | readonly string[]): StarfaceSimBehaviour;
  profiles(): readonly StarfaceProfileName[];
}

function profilesJson(ctx: ControlContext): Record<string, unknown> {
  return { active: ctx.profiles(), available: STARFACE_PROFILE_NAMES.map((name) => ({ name, models: STARFACE_PROFILES[name].models })) };
}

export function handleControl(ctx: ControlContext, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): void {
  const { pbx } = ctx;
  const method = req.method ?? 'GET';
  const seg = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent); // after "_sim"
  try {
    const body = method === 'POST' || method === 'PUT' ? parseBody(raw) : {};
    const [a, b, c] = seg;

    if (a === 'users') {
      if (!b && method === 'GET') return sendJson(res, 200, pbx.users.map(userSummary));
      const user = b ? pbx.user(b) : undefined;
      if (!user) return sendJson(res, 404, { error: `no user with login "${b}"` });
      if (!c && method === 'GET') return sendJson(res, 200, userDetail(pbx, user));
      if (c === 'dnd' && method === 'POST') {
        if (typeof body.dnd !== 'boolean') throw new BadRequest('expected {"dnd": true|false}');
        user.dnd = body.dnd;
        return sendJson(res, 200, userDetail(pbx, user));
      }
      if (c === 'presence' && method === 'POST') {
        if (body.chatPresence !== undefined) {
          if (typeof body.chatPresence !== 'string') throw new BadRequest('chatPresence must be a string');
          user.chatPresence = body.chatPresence;
        }
        if (body.chatPresenceMessage !== undefined) {
          if (typeof body.chatPresenceMessage !== 'string') throw new BadRequest('chatPresenceMessage must be a string');
          user.chatPresenceMessage = body.chatPresenceMessage;
        }
        return sendJson(res, 200, userDetail(pbx, user));
      }
      if (c === 'phone' && method === 'POST') {
        if (typeof body.registered !== 'boolean') throw new BadRequest('expected {"registered": true|false}');
        user.phoneRegistered = body.registered;
        return sendJson(res, 200, userDetail(pbx, user));
      }
    }

    if (a === 'calls') {
      if (!b && method === 'GET') return sendJson(res, 200, pbx.listCalls().map(callJson));
      if (!b && method === 'POST') {
        if (typeof body.to !== 'string' || !body.to) throw new BadRequest('expected {"to": login|group|number, "from": number|login}');
        const from = typeof body.from === 'string' && body.from ? body.from : '+4972100000';
        // A caller-chosen id lets printed instructions (the demo's curl lines) name the call before it exists.
        const callId = body.callId;
        if (callId !== undefined && (typeof callId !== 'string' || !/^[\w.-]{1,64}$/.test(callId))) {
          throw new BadRequest('callId must be 1 to 64 letters, digits, ".", "_" or "-"');
        }
        if (callId !== undefined && pbx.call(callId)) return sendJson(res, 409, { error: `a call with id ${callId} is still live` });
        const call = pbx.placeCall({
          to: body.to, from, fromName: typeof body.fromName === 'string' ? body.fromName : undefined, ...(callId !== undefined ? { callId } : {}),
        });
        return sendJson(res, 201, callJson(call));
      }
      if (b && !c && method === 'GET') {
        const call = pbx.call(b);
        return call ? sendJson(res, 200, callJson(call)) : sendJson(res, 404, { error: `no call with id ${b}` });
      }
      if (b && c === 'answer' && method === 'POST') return sendJson(res, 200, callJson(pbx.answer(b, typeof body.by === 'string' ? body.by : undefined)));
      if (b && c === 'hangup' && method === 'POST') return sendJson(res, 200, callJson(pbx.hangup(b)));
    }

    if (a === 'restart' && method === 'POST') {
      const downMs = body.downMs === undefined ? 0 : Number(body.downMs);
      if (!Number.isFinite(downMs) || downMs < 0) throw new BadRequest('downMs must be ≥ 0');
      return sendJson(res, 200, pbx.restart(downMs));
    }

    if (a === 'faults') {
      if (method === 'GET') return sendJson(res, 200, pbx.faults);
      if (method === 'POST') {
        pbx.faults = faultsFrom(body);
        return sendJson(res, 200, pbx.faults);
      }
      if (method === 'DELETE') {
        pbx.faults = { ...NO_FAULTS };
        return sendJson(res, 200, pbx.faults);
      }
    }

    if (a === 'stats') {
      if (method === 'GET') {
        return sendJson(res, 200, {
          requests: pbx.stats(),
          callbacks: ctx.callbacks.stats,
          sessions: pbx.sessionCount(),
          restTokens: pbx.restTokenCount(),
          restarts: pbx.restarts,
        });
      }
      if (method === 'DELETE') {
        pbx.resetStats();
        return sendJson(res, 200, { requests: {} });
      }
    }

    if (a === 'options') {
      if (method === 'GET') return sendJson(res, 200, pbx.behaviour);
      if (method === 'POST') {
        try {
          return sendJson(res, 200, ctx.setBehaviour(body as Partial<StarfaceSimBehaviour>));
        } catch (err) {
          throw new BadRequest((err as Error).message);
        }
      }
    }

    if (a === 'profiles') {
      if (method === 'GET') return sendJson(res, 200, profilesJson(ctx));
      if (method === 'POST') {
        const list = body.profiles;
        if (!(typeof list === 'string' || (Array.isArray(list) && list.every((p) => typeof p === 'string')))) {
          throw new BadRequest(`expected {"profiles": ["name", …]} or {"profiles": "a,b"}; known profiles: ${STARFACE_PROFILE_NAMES.join(', ')}`);
        }
        try {
          const behaviour = ctx.setProfiles(list as string | string[]);
          return sendJson(res, 200, { ...profilesJson(ctx), behaviour });
        } catch (err) {
          throw new BadRequest((err as Error).message);
        }
      }
    }

    if (a === 'rest-tokens' && b === 'expire' && method === 'POST') return sendJson(res, 200, { expired: pbx.expireRestTokens() });
    if (a === 'oauth-tokens' && b === 'expire' && method === 'POST') return sendJson(res, 200, { expiredRefreshTokens: pbx.oauth.expireAll() });

    sendJson(res, 404, { error: `no control endpoint ${method} ${url.pathname}` });
  } catch (err) {
    if (err instanceof BadRequest) return sendJson(res, 400, { error: err.message });
    if (err instanceof SimError) return sendJson(res, err.kind === 'notFound' ? 404 : err.kind === 'conflict' ? 409 : 400, { error: err.message });
    throw err;
  }
}
