// The `/rest` admin API (reference §4, §8.2): nonce/secret login with the real SHA-512 check, `authToken`
// header guard (401 when missing or expired), users, accounts, groups with `assignableUsers[].assigned`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../platform/logger.js';
import { fullName, type SimPbx } from './pbx.js';
import type { SimGroup, SimUser } from './users.js';
import { restAdSecret, restSecretFromHash, sameSecret } from './wire.js';

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { code: status, message });
}


function userJson(u: SimUser): Record<string, unknown> {
  return {
    id: u.id, login: u.login, firstName: u.firstName, familyName: u.familyName, email: u.email, language: u.language,
    personId: u.personId, namespace: 'starface', faxCallerId: '', faxHeader: '', faxCoverPage: false,
    faxEmailJournal: false, missedCallReport: false,
  };
}

function groupJson(pbx: SimPbx, g: SimGroup): Record<string, unknown> {
  return {
    id: g.id, groupId: g.groupId, name: g.name, chatGroup: g.chatGroup, voicemail: g.voicemail,
    // Every assignable user, assigned or not: membership is the `assigned` flag (reference §4.4).
    assignableUsers: pbx.users.map((u) => ({ id: u.id, firstname: u.firstName, lastname: u.familyName, assigned: g.members.has(u.id) })),
    assignableNumbers: [{ id: g.id, countryCode: '49', localAreaCode: '721', extension: g.internalNumber, exitCode: '0', intern: true, assigned: true }],
  };
}

function matches(u: SimUser, term: string | null): boolean {
  if (!term) return true;
  const t = term.toLowerCase();
  return [u.login, u.firstName, u.familyName, u.email].some((f) => f.toLowerCase().includes(t));
}

/** Checks a `POST /rest/login` body; returns the user or a reason (never logged with the secret). */
function checkLogin(pbx: SimPbx, body: unknown): SimUser | string {
  if (typeof body !== 'object' || body === null) return 'body is not a JSON object';
  const { nonce, secret } = body as { nonce?: unknown; secret?: unknown };
  if (typeof nonce !== 'string' || typeof secret !== 'string') return 'nonce or secret missing';
  if (!pbx.useNonce(nonce)) return 'unknown, used or expired nonce';
  if (pbx.behaviour.restLoginType === 'ActiveDirectory') {
    const decoded = Buffer.from(secret, 'base64').toString('utf8');
    const at = decoded.indexOf(nonce);
    const user = at > 0 ? pbx.user(decoded.slice(0, at)) : undefined;
    if (!user || !sameSecret(secret, restAdSecret(user.login, nonce, user.password))) return 'wrong secret';
    return user;
  }
  const colon = secret.indexOf(':');
  const user = colon > 0 ? pbx.user(secret.slice(0, colon)) : undefined;
  if (!user) return 'unknown login';
  if (!sameSecret(secret, restSecretFromHash(user.login, nonce, user.pwSha512Hex))) return 'wrong secret';
  return user;
}

export function handleRest(pbx: SimPbx, log: Logger, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/rest';
  pbx.count(`REST ${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`);
  const xVersion = req.headers['x-version'];
  const isLogin = path === '/rest/login';
  const needsVersion = pbx.behaviour.requireXVersion === 'always' || (pbx.behaviour.requireXVersion === 'login' && isLogin && method === 'POST');
  if (needsVersion && xVersion !== '2') {
    sendError(res, 400, 'header X-Version: 2 is required');
    return;
  }

  if (isLogin) {
    if (method === 'GET') {
      sendJson(res, 200, { loginType: pbx.behaviour.restLoginType, nonce: pbx.issueNonce(), secret: null });
      return;
    }
    if (method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        sendError(res, 400, 'invalid login');
        return;
      }
      const result = checkLogin(pbx, parsed);
      if (typeof result === 'string') {
        pbx.count('REST login rejected');
        log.debug('REST login rejected', { reason: result });
        sendError(res, 400, 'invalid login');
        return;
      }
      sendJson(res, 200, { token: pbx.issueRestToken(result.login) });
      return;
    }
    if (method === 'DELETE') {
      pbx.revokeRestToken(header(req, 'authtoken'));
      res.writeHead(204);
      res.end();
      return;
    }
    sendError(res, 405, `${method} is not allowed on /rest/login`);
    return;
  }

  const caller = pbx.checkRestToken(header(req, 'authtoken')) ?? bearerUser(pbx, req);
  if (!caller) {
    sendError(res, 401, pbx.behaviour.oauth ? 'missing, unknown or expired authToken or Bearer token; log in again' : 'missing, unknown or expired authToken; log in again');
    return;
  }
  const forbidden = (): void => sendError(res, 403, 'this resource needs administrative rights');
  const seg = path.split('/').slice(2); // after "/rest"

  if (seg[0] === 'users' && method === 'GET') {
    if (seg.length === 1) {
      const term = url.searchParams.get('searchTerm');
      if (caller.admin || pbx.behaviour.nonAdminUsers === 'all') {
        sendJson(res, 200, pbx.users.filter((u) => matches(u, term)).map(userJson));
      } else if (pbx.behaviour.nonAdminUsers === 'self') {
        sendJson(res, 200, [caller].filter((u) => matches(u, term)).map(userJson));
      } else forbidden();
      return;
    }
    if (seg.length === 2) {
      if (seg[1] === 'me') {
        sendJson(res, 200, userJson(caller));
        return;
      }
      const u = pbx.userById(Number(seg[1]));
      if (!u) sendError(res, 404, `no user with id ${seg[1]}`);
      else if (!caller.admin && u !== caller) forbidden();
      else sendJson(res, 200, userJson(u));
      return;
    }
  }
  if (seg[0] === 'accounts' && seg.length === 1 && method === 'GET') {
    if (!caller.admin) return forbidden();
    sendJson(res, 200, [
      ...pbx.users.map((u) => ({
        accountId: u.id, displayInformation: fullName(u), federationname: '', firstname: u.firstName, lastname: u.familyName,
        local: true, primaryInternalPhoneNumber: u.login, type: 'USER',
      })),
      ...pbx.groups.map((g) => ({
        accountId: g.id, displayInformation: g.name, federationname: '', firstname: '', lastname: g.name,
        local: true, primaryInternalPhoneNumber: g.internalNumber, type: 'GROUP',
      })),
    ]);
    return;
  }
  if (seg[0] === 'groups') {
    if (!caller.admin) return forbidden();
    if (seg.length === 1 && method === 'GET') {
      const term = url.searchParams.get('searchTerm')?.toLowerCase();
      sendJson(res, 200, pbx.groups.filter((g) => !term || g.name.toLowerCase().includes(term)).map((g) => ({
        id: g.id, groupname: g.name, groupinternalnumber: g.internalNumber, groupexternalnumber: g.externalNumber,
      })));
      return;
    }
    if (seg.length === 1 && method === 'PUT') {
      let parsed: { id?: unknown; assignableUsers?: unknown };
      try {
        parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
      } catch {
        sendError(res, 400, 'body is not JSON');
        return;
      }
      const g = pbx.group(Number(parsed.id));
      if (!g) {
        sendError(res, 404, `no group with id ${String(parsed.id)}`);
        return;
      }
      if (Array.isArray(parsed.assignableUsers)) {
        for (const a of parsed.assignableUsers as { id?: unknown; assigned?: unknown }[]) {
          const u = pbx.userById(Number(a.id));
          if (!u) continue;
          if (a.assigned === true) {
            g.members.add(u.id);
            if (!u.groups.includes(g.name)) u.groups.push(g.name);
          } else if (a.assigned === false) {
            g.members.delete(u.id);
            u.groups = u.groups.filter((n) => n !== g.name);
          }
        }
      }
      res.writeHead(204);
      res.end();
      return;
    }
    if (seg.length === 2 && method === 'GET') {
      const g = pbx.group(Number(seg[1]));
      if (!g) sendError(res, 404, `no group with id ${seg[1]}`);
      else sendJson(res, 200, groupJson(pbx, g));
      return;
    }
  }
  if (path === '/rest/server/version' && method === 'GET') {
    sendJson(res, 200, { version: pbx.behaviour.serverVersion });
    return;
  }
  sendError(res, 404, `no resource ${method} ${path}`);
}

/** STARFACE 10: `Authorization: Bearer <access token>` instead of `authToken` (§3.4, §4.1). */
function bearerUser(pbx: SimPbx, req: IncomingMessage): SimUser | undefined {
  if (!pbx.behaviour.oauth) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
  return m ? pbx.oauth.verifyAccessToken(m[1]!) : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
