// STARFACE 10 OAuth (reference §3.4), switched on by the `oauth` option: the token endpoint
// `POST /auth/realms/pbx/oauth2/token` (password and refresh_token grants for client `rest-client-headless`,
// client credentials in the form or as HTTP Basic), OIDC discovery and the signing keys. Access tokens are
// RS256 JWTs (kid "key-1", 300 s) that the PBX accepts in `de.vertico.starface.jwt` and as REST Bearer tokens.
import { generateKeyPairSync, randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimPbx } from './pbx.js';
import type { SimUser } from './users.js';
import { sameSecret } from './wire.js';

export const OAUTH_PATHS = {
  discovery: '/.well-known/openid-configuration',
  token: '/auth/realms/pbx/oauth2/token',
  certs: '/auth/realms/pbx/protocol/openid-connect/certs',
  realm: '/auth/realms/pbx',
} as const;

const OAUTH_CLIENT_ID = 'rest-client-headless';
const KID = 'key-1';

const b64url = (v: Buffer | string): string => Buffer.from(v).toString('base64url');

interface RefreshGrant {
  login: string;
  clientId: string;
  scope: string;
  expiresAt: number;
}

/** Keys, refresh tokens and the check of access tokens; the clock is the PBX's. */
export class SimOAuth {
  private keys?: { privateKey: KeyObject; publicKey: KeyObject };
  private readonly refreshGrants = new Map<string, RefreshGrant>();
  /** Live access tokens by `jti` (expiry in ms): `POST /_sim/oauth-tokens/expire` ends them all, as an IdP can. */
  private readonly live = new Map<string, number>();

  constructor(private readonly pbx: SimPbx) {}

  private keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
    this.keys ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
    return this.keys;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.keyPair().publicKey.export({ format: 'jwk' });
    return { keys: [{ kid: KID, kty: 'RSA', alg: 'RS256', use: 'sig', n: jwk.n, e: jwk.e }] };
  }

  issue(user: SimUser, clientId: string, scope: string, issuer: string): Record<string, unknown> {
    const b = this.pbx.behaviour;
    const now = this.pbx.now();
    const iat = Math.floor(now / 1000);
    const jti = randomUUID();
    if (this.live.size > 10_000) for (const [id, exp] of this.live) if (exp <= now) this.live.delete(id);
    this.live.set(jti, (iat + b.oauthAccessTokenTtlSec) * 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }));
    const payload = b64url(JSON.stringify({
      exp: iat + b.oauthAccessTokenTtlSec, iat, jti, iss: issuer, aud: 'account', sub: user.personId,
      typ: 'Bearer', azp: clientId, preferred_username: user.login, scope,
    }));
    const signature = b64url(sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.keyPair().privateKey));
    const refreshToken = randomBytes(32).toString('base64url');
    this.refreshGrants.set(refreshToken, { login: user.login, clientId, scope, expiresAt: now + b.oauthRefreshTokenTtlSec * 1000 });
    return {
      access_token: `${header}.${payload}.${signature}`, expires_in: b.oauthAccessTokenTtlSec,
      refresh_expires_in: b.oauthRefreshTokenTtlSec, refresh_token: refreshToken, token_type: 'Bearer',
      'not-before-policy': 0, session_state: randomUUID(), scope,
    };
  }

  /** The user of a valid access token (signature, kid, expiry, not revoked), else undefined. */
  verifyAccessToken(token: string): SimUser | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || !this.keys) return undefined;
    const [h, p, s] = parts as [string, string, string];
    try {
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
      if (header.alg !== 'RS256' || header.kid !== KID) return undefined;
      if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), this.keys.publicKey, Buffer.from(s, 'base64url'))) return undefined;
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { exp?: unknown; jti?: unknown; preferred_username?: unknown };
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.pbx.now()) return undefined;
      if (typeof claims.jti !== 'string' || !this.live.has(claims.jti)) return undefined;
      return typeof claims.preferred_username === 'string' ? this.pbx.user(claims.preferred_username) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Redeems (and rotates) a refresh token. */
  redeem(refreshToken: string, clientId: string): RefreshGrant | undefined {
    const grant = this.refreshGrants.get(refreshToken);
    if (!grant) return undefined;
    this.refreshGrants.delete(refreshToken);
    if (grant.expiresAt <= this.pbx.now() || grant.clientId !== clientId) return undefined;
    return grant;
  }

  /** Every token issued so far stops working (as if the IdP's session ended). Returns the refresh tokens dropped. */
  expireAll(): number {
    const n = this.refreshGrants.size;
    this.refreshGrants.clear();
    this.live.clear();
    return n;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Cache-Control': 'no-store', Pragma: 'no-cache', ...extra });
  res.end(body);
}

const oauthError = (res: ServerResponse, status: number, error: string, description: string): void => sendJson(res, status, { error, error_description: description });

/** Client credentials from HTTP Basic or the form (both are seen, §3.4 S16). */
function clientOf(req: IncomingMessage, form: URLSearchParams): { id: string; secret: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
}

/** Serves the OAuth paths; answers false for any other path (or when the option is off: the PBX has no IdP). */
export function handleOAuth(pbx: SimPbx, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, baseUrl: string): boolean {
  const path = url.pathname;
  if (!pbx.behaviour.oauth || !(Object.values(OAUTH_PATHS) as string[]).includes(path) || path === OAUTH_PATHS.realm) return false;
  const issuer = `${baseUrl}${OAUTH_PATHS.realm}`;
  pbx.count(`OAuth ${req.method ?? 'GET'} ${path}`);
  if (path === OAUTH_PATHS.discovery) {
    sendJson(res, 200, {
      issuer, token_endpoint: `${baseUrl}${OAUTH_PATHS.token}`, jwks_uri: `${baseUrl}${OAUTH_PATHS.certs}`,
      authorization_endpoint: `${issuer}/protocol/openid-connect/auth`, grant_types_supported: ['authorization_code', 'password', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'], id_token_signing_alg_values_supported: ['RS256'],
    });
    return true;
  }
  if (path === OAUTH_PATHS.certs) {
    sendJson(res, 200, pbx.oauth.jwks());
    return true;
  }
  if (req.method !== 'POST') {
    oauthError(res, 405, 'invalid_request', 'the token endpoint needs POST');
    return true;
  }
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
    oauthError(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    return true;
  }
  const form = new URLSearchParams(body.toString('utf8'));
  const client = clientOf(req, form);
  const secret = pbx.behaviour.oauthClientSecret;
  if (client.id !== OAUTH_CLIENT_ID || (secret !== '' && !sameSecret(client.secret, secret))) {
    pbx.count('OAuth rejected: client');
    oauthError(res, 401, 'invalid_client', 'Invalid client or Invalid client credentials');
    return true;
  }
  const grant = form.get('grant_type');
  if (grant === 'password') {
    const username = form.get('username');
    const password = form.get('password');
    if (!username || password === null) {
      oauthError(res, 400, 'invalid_request', `Missing parameter: ${username ? 'password' : 'username'}`);
      return true;
    }
    const user = pbx.user(username);
    if (!user || !sameSecret(password, user.password)) {
      pbx.count('OAuth rejected: credentials');
      oauthError(res, 401, 'invalid_grant', 'Invalid user credentials');
      return true;
    }
    if (!user.oauthAllowed) {
      pbx.count('OAuth rejected: no right');
      oauthError(res, 400, 'unauthorized_client', 'The user lacks the right "API Zugriff mit OAuth Password Grant".');
      return true;
    }
    sendJson(res, 200, pbx.oauth.issue(user, client.id, form.get('scope') ?? 'login', issuer));
    return true;
  }
  if (grant === 'refresh_token') {
    const r = pbx.oauth.redeem(form.get('refresh_token') ?? '', client.id);
    const user = r ? pbx.user(r.login) : undefined;
    if (!r || !user) {
      pbx.count('OAuth rejected: refresh token');
      oauthError(res, 400, 'invalid_grant', 'Invalid refresh token');
      return true;
    }
    sendJson(res, 200, pbx.oauth.issue(user, client.id, r.scope, issuer));
    return true;
  }
  oauthError(res, 400, 'unsupported_grant_type', `Unsupported grant_type "${grant ?? ''}"`);
  return true;
}
