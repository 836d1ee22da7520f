// STARFACE REST directory with an admin login (reference §4): nonce + secret login with `X-Version: 2`, the
// token in the `authToken` header, one re-login on 401, logout on stop. Lists users (login ID, e-mail,
// names) and groups with their members (`assignableUsers[].assigned`, joined to users by id).
import { z } from 'zod';
import type { HttpResponse, HttpTransport } from '../platform/http-transport.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { parseLoginType, restLoginSecret } from './auth.js';
import { StarfaceAuthError, StarfaceRestError } from './errors.js';
import { Semaphore } from './limiter.js';
import { normalizeBaseUrl } from './uci-session.js';
import { coded } from '../core/messages/log-line.js';

export interface StarfaceUser {
  id: number;
  login: string;
  email: string;
  firstName: string;
  familyName: string;
}

export interface StarfaceGroup {
  id: number;
  name: string;
  /** Login IDs of the assigned users. */
  members: string[];
}

export interface StarfaceDirectoryOptions {
  baseUrl: string;
  /** Admin login ID and password (read at every login, so a changed vault entry takes effect). */
  login: string;
  password: string | (() => Promise<string | undefined> | string | undefined);
  transport: HttpTransport;
  logger?: Logger;
  /** Parallel GET /rest/groups/{id} requests; default 8. */
  groupConcurrency?: number;
  /** Deadline per request; default 30 s. */
  requestTimeoutMs?: number;
}

const id = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const str = z.string().nullish().transform((v) => v ?? '');
const UserSchema = z.object({ id, login: z.union([z.string(), z.number().transform(String)]), email: str, firstName: str, familyName: str }).loose();
const GroupListItemSchema = z.object({ id, groupname: str, name: str }).loose();
const GroupSchema = z.object({
  id,
  name: str,
  assignableUsers: z.array(z.object({ id, assigned: z.boolean().nullish() }).loose()).nullish().transform((v) => v ?? []),
}).loose();
const NonceSchema = z.object({ nonce: z.string().min(1), loginType: z.string().nullish() }).loose();
const TokenSchema = z.object({ token: z.string().min(1) }).loose();

export class StarfaceDirectory {
  private readonly base: string;
  private readonly log: Logger;
  private token: string | undefined;
  private loginInFlight: Promise<string> | undefined;

  constructor(private readonly opts: StarfaceDirectoryOptions) {
    this.base = normalizeBaseUrl(opts.baseUrl);
    this.log = (opts.logger ?? silentLogger).child({ component: 'starface-rest' });
  }

  /** Logs in now (the list methods log in on demand too); throws StarfaceAuthError on bad credentials. */
  async login(): Promise<void> {
    this.token = undefined;
    await this.ensureToken();
  }

  async listUsers(): Promise<StarfaceUser[]> {
    const raw = await this.getJson('/rest/users');
    const list = parse(z.array(UserSchema), raw, 'GET /rest/users');
    return list.map((u) => ({ id: u.id, login: u.login, email: u.email, firstName: u.firstName, familyName: u.familyName }));
  }

  /** Groups with member login IDs; `users` avoids a second user listing when the caller already has it. */
  async listGroups(users?: StarfaceUser[]): Promise<StarfaceGroup[]> {
    const loginById = new Map((users ?? (await this.listUsers())).map((u) => [u.id, u.login]));
    const items = parse(z.array(GroupListItemSchema), await this.getJson('/rest/groups'), 'GET /rest/groups');
    const limiter = new Semaphore(this.opts.groupConcurrency ?? 8);
    return Promise.all(items.map((item) => limiter.run(async () => {
      const g = parse(GroupSchema, await this.getJson(`/rest/groups/${item.id}`), `GET /rest/groups/${item.id}`);
      const members = g.assignableUsers
        .filter((a) => a.assigned === true)
        .map((a) => loginById.get(a.id))
        .filter((l): l is string => l !== undefined);
      return { id: g.id, name: g.name || item.groupname || item.name, members };
    })));
  }

  /** The groups' names only (one `GET /rest/groups`, no member lookups): what a group picker needs. */
  async listGroupNames(): Promise<string[]> {
    const items = parse(z.array(GroupListItemSchema), await this.getJson('/rest/groups'), 'GET /rest/groups');
    const names = items.map((i) => (i.groupname || i.name).trim()).filter((n) => n !== '');
    return [...new Set(names)].sort((a, b) => a.localeCompare(b));
  }

  /** `GET /rest/server/version` (10.x); undefined where the PBX has no such resource. */
  async serverVersion(): Promise<string | undefined> {
    try {
      const v = await this.getJson('/rest/server/version');
      return typeof v === 'object' && v !== null && typeof (v as { version?: unknown }).version === 'string' ? (v as { version: string }).version : undefined;
    } catch (err) {
      if (err instanceof StarfaceRestError && (err.status === 404 || err.status === 403)) return undefined;
      throw err;
    }
  }

  /** `DELETE /rest/login` (best effort); the next call logs in again. */
  async logout(): Promise<void> {
    const token = this.token;
    this.token = undefined;
    if (!token) return;
    try {
      await this.send('DELETE', '/rest/login', { authToken: token }, undefined, 5_000);
    } catch (err) {
      this.log.debug('REST logout failed (ignored)', { error: (err as Error).message });
    }
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private async getJson(path: string): Promise<unknown> {
    const token = await this.ensureToken();
    let res = await this.send('GET', path, { authToken: token });
    if (res.status === 401) {
      // Token expired (4 h) or the PBX restarted: log in once more and retry.
      this.log.info('REST token no longer accepted; logging in again', { path, ...coded('log-rest-token-expired') });
      if (this.token === token) this.token = undefined;
      res = await this.send('GET', path, { authToken: await this.ensureToken() });
    }
    if (res.status === 200) return json(res, `GET ${path}`);
    throw new StarfaceRestError(res.status, `STARFACE answered GET ${path} with HTTP ${res.status}${errorText(res)}${hint(res.status)}`);
  }

  private ensureToken(): Promise<string> {
    if (this.token) return Promise.resolve(this.token);
    this.loginInFlight ??= this.doLogin().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  private async doLogin(): Promise<string> {
    const first = await this.send('GET', '/rest/login');
    if (first.status === 404) throw new StarfaceRestError(404, `No STARFACE REST API at ${this.base}/rest (HTTP 404): check the PBX address; REST needs STARFACE 6.4.2.12 or later.`);
    if (first.status !== 200) throw new StarfaceRestError(first.status, `STARFACE answered GET /rest/login with HTTP ${first.status}${errorText(first)}`);
    const template = parse(NonceSchema, json(first, 'GET /rest/login'), 'GET /rest/login');
    const loginType = parseLoginType(template.loginType);
    const password = await (typeof this.opts.password === 'function' ? this.opts.password() : this.opts.password);
    if (!password) throw new StarfaceAuthError(0, `No password stored for the STARFACE admin "${this.opts.login}"; enter it under Connections > STARFACE.`);
    const secret = restLoginSecret(this.opts.login, template.nonce, password, loginType);
    const res = await this.send('POST', '/rest/login', {}, JSON.stringify({ loginType: template.loginType ?? loginType, nonce: template.nonce, secret }));
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new StarfaceAuthError(res.status, `STARFACE rejected the REST login of "${this.opts.login}" (HTTP ${res.status}${errorText(res)}): check the admin login ID and password.`);
    }
    if (res.status !== 200) throw new StarfaceRestError(res.status, `STARFACE answered POST /rest/login with HTTP ${res.status}${errorText(res)}`);
    const { token } = parse(TokenSchema, json(res, 'POST /rest/login'), 'POST /rest/login');
    this.token = token;
    this.log.info('REST login succeeded', coded('log-rest-login', { admin: this.opts.login }));
    return token;
  }

  private send(method: string, path: string, headers: Record<string, string> = {}, body?: string, timeoutMs = this.opts.requestTimeoutMs ?? 30_000): Promise<HttpResponse> {
    return this.opts.transport.request({
      url: `${this.base}${path}`,
      method,
      headers: { accept: 'application/json', 'content-type': 'application/json; charset=utf-8', 'x-version': '2', ...headers },
      body,
      timeoutMs,
    });
  }
}

function json(res: HttpResponse, what: string): unknown {
  try {
    return res.json();
  } catch {
    throw new StarfaceRestError(res.status, `STARFACE answered ${what} with something that is not JSON (${res.headers['content-type'] ?? 'no content type'}): check that the address points to the PBX.`);
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new StarfaceRestError(200, `STARFACE answered ${what} with an unexpected shape (${issue?.path.join('.') || 'root'}: ${issue?.message}); this PBX version may differ from the documented REST API.`);
  }
  return r.data;
}

function errorText(res: HttpResponse): string {
  try {
    const body = res.json<{ message?: unknown }>();
    return typeof body?.message === 'string' && body.message ? `: ${body.message.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

function hint(status: number): string {
  if (status === 403) return ' (the admin account lacks the rights for this resource)';
  if (status === 401) return ' (the login was accepted but the token was not; check the PBX clock and licences)';
  return '';
}
