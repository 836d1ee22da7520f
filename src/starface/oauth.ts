// STARFACE 10+ with an external identity provider (reference §3.4, addendum): legacy UCI tokens are refused, and
// a session sends an OAuth access token in `de.vertico.starface.jwt`, obtained from the PBX's token endpoint
// `/auth/realms/pbx/oauth2/token` with the password grant (client `rest-client-headless`) and renewed with the
// refresh token. Access tokens live ~5 minutes, so each request asks for a token that is still good. Tokens are
// password equivalents: never logged, never in an error message.
import { z } from 'zod';
import { systemClock, type Clock } from '../platform/clock.js';
import type { HttpResponse, HttpTransport } from '../platform/http-transport.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { StarfaceAuthError, StarfaceRestError } from './errors.js';
import { coded } from '../core/messages/log-line.js';

export const OAUTH_TOKEN_PATH = '/auth/realms/pbx/oauth2/token';

export interface StarfaceOAuthOptions {
  /** PBX base URL (normalized, without /xml-rpc). */
  baseUrl: string;
  transport: HttpTransport;
  /** Default `rest-client-headless` (reference §3.4). */
  clientId?: string;
  /** The client secret shown in the PBX admin UI (Server → Status → REST-API), if the PBX requires one. */
  clientSecret?: () => Promise<string | undefined> | string | undefined;
  /** `login` (default) or `pbx-login` — which one a PBX wants is not documented (§11 item 8). */
  scope?: string;
  /** Client credentials as form fields (default) or HTTP Basic. */
  clientAuth?: 'body' | 'basic';
  /** Renew this long before the access token expires; default 30 s. */
  renewBeforeMs?: number;
  requestTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
}).loose();

interface Grant {
  access: string;
  accessUntil: number;
  refresh?: string;
  refreshUntil: number;
}

/** One per PBX: caches each user's tokens and renews them (refresh grant first, password grant if that fails). */
export class StarfaceOAuthClient {
  private readonly grants = new Map<string, Grant>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly url: string;

  constructor(private readonly opts: StarfaceOAuthOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? silentLogger).child({ component: 'starface-oauth' });
    this.url = `${opts.baseUrl.replace(/\/+$/, '')}${OAUTH_TOKEN_PATH}`;
  }

  /** An access token for the user that is good for at least `renewBeforeMs`. */
  accessToken(login: string, password: () => Promise<string | undefined> | string | undefined): Promise<string> {
    const g = this.grants.get(login);
    const now = this.clock.now();
    if (g && g.accessUntil - (this.opts.renewBeforeMs ?? 30_000) > now) return Promise.resolve(g.access);
    const running = this.pending.get(login);
    if (running) return running;
    const p = this.renew(login, password).finally(() => this.pending.delete(login));
    this.pending.set(login, p);
    return p;
  }

  /** Forgets the user's tokens (e.g. the PBX refused the access token): the next call signs in afresh. */
  forget(login: string): void {
    this.grants.delete(login);
  }

  private async renew(login: string, password: () => Promise<string | undefined> | string | undefined): Promise<string> {
    const g = this.grants.get(login);
    if (g?.refresh && g.refreshUntil > this.clock.now()) {
      try {
        return await this.grant(login, { grant_type: 'refresh_token', refresh_token: g.refresh });
      } catch (err) {
        if (!(err instanceof StarfaceAuthError)) throw err;
        this.log.info('STARFACE OAuth refresh refused; signing in with the password again', { user: login, ...coded('log-oauth-refresh-refused') });
      }
    }
    const pw = await password();
    if (!pw) throw new StarfaceAuthError(0, `No UCI password stored for user ${login}; enter it under Connections > STARFACE users.`);
    return this.grant(login, { grant_type: 'password', username: login, password: pw, scope: this.opts.scope ?? 'login' });
  }

  private async grant(login: string, fields: Record<string, string>): Promise<string> {
    const clientId = this.opts.clientId ?? 'rest-client-headless';
    const secret = (await this.opts.clientSecret?.()) || undefined;
    const form = new URLSearchParams(fields);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (this.opts.clientAuth === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret ?? '')}`).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      if (secret) form.set('client_secret', secret);
    }
    let res: HttpResponse;
    try {
      res = await this.opts.transport.request({ url: this.url, method: 'POST', headers, body: form.toString(), timeoutMs: this.opts.requestTimeoutMs ?? 15_000, maxResponseBytes: 256 * 1024 });
    } catch (err) {
      throw new StarfaceRestError(0, `STARFACE token endpoint not reachable: ${(err as Error).message}`, { cause: err });
    }
    const kind = fields.grant_type === 'password' ? 'sign-in' : 'token refresh';
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const code = oauthErrorCode(res.body);
      throw new StarfaceAuthError(res.status, `STARFACE refused the OAuth ${kind} of user ${login} (HTTP ${res.status}${code ? `, ${code}` : ''}): check the user's password, that the user has the right "API access with OAuth password grant", and the client id/secret.`);
    }
    if (res.status !== 200) throw new StarfaceRestError(res.status, `STARFACE token endpoint answered HTTP ${res.status} to the OAuth ${kind} of user ${login}.`);
    let parsed: z.output<typeof TokenResponse>;
    try {
      parsed = TokenResponse.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw new StarfaceRestError(res.status, `STARFACE token endpoint answered the OAuth ${kind} of user ${login} without an access token.`);
    }
    const now = this.clock.now();
    this.grants.set(login, {
      access: parsed.access_token,
      accessUntil: now + (parsed.expires_in ?? 300) * 1000,
      refresh: parsed.refresh_token,
      refreshUntil: now + (parsed.refresh_expires_in ?? 0) * 1000,
    });
    this.log.debug('STARFACE OAuth token obtained', { user: login, grant: fields.grant_type, expiresInS: parsed.expires_in });
    return parsed.access_token;
  }
}

/** The `error` code of an OAuth error body (e.g. invalid_grant) — a fixed vocabulary, safe to show. */
function oauthErrorCode(body: Buffer): string | undefined {
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: unknown }).error;
    return typeof e === 'string' && /^[a-z_]{1,40}$/.test(e) ? e : undefined;
  } catch {
    return undefined;
  }
}
