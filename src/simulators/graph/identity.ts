// Entra ID (Microsoft identity platform v2) for the simulated tenant: authorize (auto-approve), token
// (client credentials, authorization code + PKCE, refresh token, device code), devicecode, discovery and keys.
// Tokens are RS256-signed JWTs; refresh tokens and codes are opaque and kept server-side.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, oauthError, parseFormBody, sendHtml, sendJson } from './http-util.js';
import { b64urlJson, decodeJwt, publicJwk, signJwt, verifyCertificateAssertion, verifyJwt, type SigningKey } from './jwt.js';
import { CLOUD_RESOURCE, GRAPH_APP_ID } from './profiles.js';
import type { SimApp, SimUser } from './tenant.js';
import type { SimWorld } from './world.js';

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export interface IdentityOptions {
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  deviceCodeIntervalSeconds: number;
  deviceCodeLifetimeSeconds: number;
  /** Who "signs in" at the authorize endpoint when no login_hint is given (id or e-mail); default: first user. */
  signInUser?: string;
}

export interface AccessTokenClaims {
  tid: string;
  appid: string;
  idtyp: 'app' | 'user';
  oid?: string;
  scp?: string;
  roles?: string[];
  iat: number;
  exp: number;
  uti: string;
}

type TokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; message: string };

interface AuthCode {
  clientId: string; redirectUri: string; challenge: string; method: string; userId: string; scopes: string[];
  expiresAt: number;
}
interface RefreshGrant { clientId: string; userId: string; scopes: string[]; expiresAt: number; issuedAt: number }
interface DeviceCode {
  clientId: string; userCode: string; scopes: string[]; expiresAt: number; userId?: string; redeemed: boolean;
}

interface ParsedScopes { resource: string[]; oidc: string[]; isDefault: boolean }

export class Identity {
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly deviceCodes = new Map<string, DeviceCode>();
  private readonly deviceByUserCode = new Map<string, string>();
  /** Opaque access tokens (profile opaque-tokens) and their claims. */
  private readonly opaqueTokens = new Map<string, Record<string, unknown>>();
  /** Tokens issued at or before this time (seconds) are revoked. */
  private revokedBefore = 0;
  readonly grants: Record<string, number> = {};

  constructor(
    private readonly world: SimWorld,
    private readonly key: SigningKey,
    readonly options: IdentityOptions,
    private readonly baseUrl: () => string,
  ) {}

  /** The Graph resource of the simulated cloud: the audience of every access token. */
  private get resource(): string {
    return CLOUD_RESOURCE[this.world.profile.cloud];
  }

  /** Resource names a scope may carry (the cloud's Graph URL or Graph's app id). */
  private isGraphResource(name: string): boolean {
    const n = name.toLowerCase();
    return n === this.resource || n === GRAPH_APP_ID;
  }

  get tenantId(): string {
    return this.world.tenant.tenantId;
  }

  authorityUrl(): string {
    return `${this.baseUrl()}/${this.tenantId}`;
  }

  openIdConfiguration(): Record<string, unknown> {
    const a = this.authorityUrl();
    return {
      token_endpoint: `${a}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${a}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${a}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.baseUrl()}/oidc/userinfo`,
      authorization_endpoint: `${a}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${a}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${a}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'name', 'oid', 'preferred_username', 'tid', 'ver'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    };
  }

  /** Handles /{tenant}/... identity paths and /devicelogin; returns false when the path is not an identity path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, count: (endpoint: string) => void): Promise<boolean> {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/devicelogin') {
      count('devicelogin');
      sendHtml(res, 200, '<!doctype html><title>Device login (simulated)</title><p>This is the Graph simulator. ' +
        'Approve a code with <code>POST /_sim/devicecode/&lt;user_code&gt;/approve</code>.</p>');
      return true;
    }
    const m = /^\/([^/]+)\/(oauth2\/v2\.0\/(?:token|authorize|devicecode|logout)|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|v2\.0\/adminconsent|adminconsent)$/.exec(path);
    if (!m) return false;
    const [, tenant, op] = m as unknown as [string, string, string];
    count(op.split('/').pop()!);
    if (tenant.toLowerCase() !== this.tenantId.toLowerCase()) {
      sendJson(res, 400, oauthError('invalid_tenant', `AADSTS90002: Tenant '${tenant}' not found. Use the tenant-specific authority for tenant ${this.tenantId}.`, [90002]));
      return true;
    }
    switch (op) {
      case 'v2.0/.well-known/openid-configuration': sendJson(res, 200, this.openIdConfiguration()); break;
      case 'discovery/v2.0/keys': sendJson(res, 200, { keys: [publicJwk(this.key)] }); break;
      case 'oauth2/v2.0/authorize': this.authorize(res, url); break;
      case 'oauth2/v2.0/token': this.token(req, res, body); break;
      case 'oauth2/v2.0/devicecode': this.deviceCode(req, res, body); break;
      case 'oauth2/v2.0/logout': sendHtml(res, 200, '<!doctype html><title>Signed out</title><p>You have signed out.</p>'); break;
      default: this.adminConsent(res, url); break;
    }
    return true;
  }

  // ---- authorize ---------------------------------------------------------------------------------------

  private authorize(res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    const clientId = q.get('client_id') ?? '';
    const app = this.world.app(clientId);
    if (!app) return authorizePage(res, 400, `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${this.tenantId}'.`);
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectMatches(app, redirectUri)) {
      return authorizePage(res, 400, `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`);
    }
    const mode = q.get('response_mode') ?? 'query';
    const state = q.get('state');
    const reply = (params: Record<string, string>): void => respondToRedirect(res, redirectUri, mode, state ? { ...params, state } : params);
    if (q.get('response_type') !== 'code') {
      return reply({ error: 'unsupported_response_type', error_description: 'AADSTS700054: Only response_type=code is supported by the simulator.' });
    }
    const challenge = q.get('code_challenge');
    const method = q.get('code_challenge_method') ?? 'plain';
    if (!challenge || (method !== 'S256' && method !== 'plain')) {
      return reply({ error: 'invalid_request', error_description: 'AADSTS9002325: Proof Key for Code Exchange is required (code_challenge with S256).' });
    }
    let scopes: ParsedScopes;
    try {
      scopes = parseScopes(q.get('scope') ?? '', (n) => this.isGraphResource(n));
      this.consentedScopes(app, scopes);
    } catch (e) {
      const err = e as OAuthFailure;
      // At the authorize endpoint, missing consent is reported as the OIDC error consent_required.
      return reply({ error: err.suberror === 'consent_required' ? 'consent_required' : err.error, error_description: err.message });
    }
    const hint = q.get('login_hint') ?? this.options.signInUser;
    const user = hint ? this.world.findUser(hint) : this.world.users[0];
    if (!user) return reply({ error: 'access_denied', error_description: `AADSTS50034: The user account ${hint ?? ''} does not exist in the tenant.` });
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, {
      clientId: app.clientId, redirectUri, challenge, method, userId: user.id,
      scopes: [...scopes.resource, ...scopes.oidc], expiresAt: Date.now() + 600_000,
    });
    const params: Record<string, string> = { code, session_state: randomUUID() };
    if (q.get('client_info') === '1') params.client_info = clientInfo(user.id, this.tenantId);
    reply(params);
  }

  private adminConsent(res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    const app = this.world.app(q.get('client_id') ?? '');
    if (!app) return authorizePage(res, 400, `AADSTS700016: Application with identifier '${q.get('client_id') ?? ''}' was not found.`);
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri) return authorizePage(res, 200, `Admin consent granted for ${escapeHtml(app.displayName ?? app.clientId)} (simulated).`);
    const state = q.get('state');
    respondToRedirect(res, redirectUri, 'query', { admin_consent: 'True', tenant: this.tenantId, ...(state ? { state } : {}) });
  }

  // ---- devicecode --------------------------------------------------------------------------------------

  private deviceCode(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const form = parseFormBody(req, body);
    const app = this.world.app(form.get('client_id') ?? '');
    if (!app) return sendJson(res, 400, oauthError('unauthorized_client', `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`, [700016]));
    let scopes: ParsedScopes;
    try {
      scopes = parseScopes(form.get('scope') ?? '', (n) => this.isGraphResource(n));
    } catch (e) {
      return sendJson(res, 400, oauthError((e as OAuthFailure).error, (e as OAuthFailure).message));
    }
    const deviceCode = randomBytes(32).toString('base64url');
    const userCode = randomUserCode();
    this.deviceCodes.set(deviceCode, {
      clientId: app.clientId, userCode, scopes: [...scopes.resource, ...scopes.oidc],
      expiresAt: Date.now() + this.options.deviceCodeLifetimeSeconds * 1000, redeemed: false,
    });
    this.deviceByUserCode.set(userCode, deviceCode);
    const verificationUri = `${this.baseUrl()}/devicelogin`;
    sendJson(res, 200, {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: verificationUri,
      expires_in: this.options.deviceCodeLifetimeSeconds,
      interval: this.options.deviceCodeIntervalSeconds,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    });
  }

  /** The user approves a pending device code (as if they signed in at the verification page). */
  approveDeviceCode(userCode: string, userIdOrEmail?: string): { ok: true; user: SimUser } | { ok: false; status: number; message: string } {
    const dc = this.deviceCodes.get(this.deviceByUserCode.get(userCode.toUpperCase()) ?? '');
    if (!dc) return { ok: false, status: 404, message: `No pending device code "${userCode}".` };
    if (dc.expiresAt <= Date.now()) return { ok: false, status: 410, message: `Device code "${userCode}" has expired.` };
    const hint = userIdOrEmail ?? this.options.signInUser;
    const user = hint ? this.world.findUser(hint) : this.world.users[0];
    if (!user) return { ok: false, status: 404, message: `No user "${hint ?? ''}" in the tenant.` };
    dc.userId = user.id;
    return { ok: true, user };
  }

  pendingDeviceCodes(): string[] {
    return [...this.deviceCodes.values()].filter((d) => !d.userId && d.expiresAt > Date.now()).map((d) => d.userCode);
  }

  // ---- token -------------------------------------------------------------------------------------------

  private token(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const form = parseFormBody(req, body);
    const grant = form.get('grant_type') ?? '';
    this.grants[grant] = (this.grants[grant] ?? 0) + 1;
    try {
      let result: Record<string, unknown>;
      switch (grant) {
        case 'client_credentials': result = this.clientCredentials(req, form); break;
        case 'authorization_code': result = this.redeemCode(req, form); break;
        case 'refresh_token': result = this.redeemRefreshToken(req, form); break;
        case 'device_code':
        case 'urn:ietf:params:oauth:grant-type:device_code': result = this.redeemDeviceCode(req, form); break;
        default: throw new OAuthFailure('unsupported_grant_type', `AADSTS70003: The app requested an unsupported grant type '${grant}'.`, [70003]);
      }
      sendJson(res, 200, result, { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' });
    } catch (e) {
      if (!(e instanceof OAuthFailure)) throw e;
      const status = e.error === 'invalid_client' ? 401 : 400;
      sendJson(res, status, oauthError(e.error, e.message, e.codes, e.suberror ? { suberror: e.suberror } : {}));
    }
  }

  /** Authenticates the client: secret (post or basic) or certificate assertion; public clients may send neither. */
  private authenticateClient(req: IncomingMessage, form: URLSearchParams, confidential: boolean): SimApp {
    let clientId = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, s] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(s ?? '');
    }
    const app = this.world.app(clientId);
    if (!app) {
      throw new OAuthFailure('unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${this.tenantId}'.`, [700016]);
    }
    const assertion = form.get('client_assertion');
    if (assertion) {
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        throw new OAuthFailure('invalid_client', 'AADSTS700024: client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.', [700024]);
      }
      const r = verifyCertificateAssertion(assertion, app.certificates);
      if ('reason' in r) throw new OAuthFailure('invalid_client', r.reason, [700027]);
      const p = r.payload;
      const now = Math.floor(Date.now() / 1000);
      if (typeof p.exp !== 'number' || p.exp < now) throw new OAuthFailure('invalid_client', 'AADSTS700024: Client assertion is not within its valid time range.', [700024]);
      if (p.iss !== app.clientId || p.sub !== app.clientId) throw new OAuthFailure('invalid_client', 'AADSTS700023: Client assertion issuer and subject must be the client id.', [700023]);
      if (typeof p.aud !== 'string' || !p.aud.endsWith(`/${this.tenantId}/oauth2/v2.0/token`)) {
        throw new OAuthFailure('invalid_client', 'AADSTS700016: Client assertion audience must be the token endpoint.', [700016]);
      }
      return app;
    }
    if (secret !== undefined) {
      if (!app.clientSecret || !safeEqual(secret, app.clientSecret)) {
        throw new OAuthFailure('invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`, [7000215]);
      }
      return app;
    }
    if (confidential) {
      throw new OAuthFailure('invalid_client', "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", [7000218]);
    }
    return app;
  }

  private clientCredentials(req: IncomingMessage, form: URLSearchParams): Record<string, unknown> {
    const app = this.authenticateClient(req, form, true);
    const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const resource = scopes.find((s) => !OIDC_SCOPES.has(s.toLowerCase()));
    if (scopes.filter((s) => !OIDC_SCOPES.has(s.toLowerCase())).length !== 1 || !resource?.toLowerCase().endsWith('/.default')) {
      throw new OAuthFailure('invalid_scope', `AADSTS1002012: The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`, [1002012]);
    }
    if (!this.isGraphResource(resource.slice(0, -'/.default'.length))) {
      throw new OAuthFailure('invalid_resource', `AADSTS500011: The resource principal named ${resource} was not found in the tenant.`, [500011]);
    }
    const lifetime = this.options.accessTokenLifetimeSeconds;
    return {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: this.accessToken({ appid: app.clientId, idtyp: 'app', roles: [...app.application] }),
    };
  }

  private redeemCode(req: IncomingMessage, form: URLSearchParams): Record<string, unknown> {
    const app = this.authenticateClient(req, form, false);
    const code = this.codes.get(form.get('code') ?? '');
    if (!code || code.clientId !== app.clientId) {
      throw new OAuthFailure('invalid_grant', 'AADSTS70000: The provided authorization code is invalid or has already been redeemed.', [70000]);
    }
    this.codes.delete(form.get('code') ?? ''); // single use
    if (code.expiresAt <= Date.now()) throw new OAuthFailure('invalid_grant', 'AADSTS70008: The provided authorization code has expired.', [70008]);
    if ((form.get('redirect_uri') ?? '') !== code.redirectUri) {
      throw new OAuthFailure('invalid_grant', 'AADSTS70001: The redirect_uri does not match the one used in the authorization request.', [70001]);
    }
    const verifier = form.get('code_verifier') ?? '';
    const expected = code.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
    if (!verifier || !safeEqual(expected, code.challenge)) {
      throw new OAuthFailure('invalid_grant', 'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.', [501481]);
    }
    return this.userTokens(app, code.userId, code.scopes);
  }

  private redeemRefreshToken(req: IncomingMessage, form: URLSearchParams): Record<string, unknown> {
    const app = this.authenticateClient(req, form, false);
    const rt = form.get('refresh_token') ?? '';
    const grant = this.refreshTokens.get(rt);
    if (!grant || grant.clientId !== app.clientId) {
      throw new OAuthFailure('invalid_grant', 'AADSTS9002313: Invalid request. The refresh token is malformed or not valid.', [9002313], 'bad_token');
    }
    if (grant.issuedAt <= this.revokedBefore) {
      this.refreshTokens.delete(rt);
      throw new OAuthFailure('invalid_grant', 'AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.', [50173], 'bad_token');
    }
    if (grant.expiresAt <= Date.now()) {
      this.refreshTokens.delete(rt);
      throw new OAuthFailure('invalid_grant', 'AADSTS700082: The refresh token has expired due to inactivity.', [700082], 'bad_token');
    }
    const requested = parseScopes(form.get('scope') ?? '', (n) => this.isGraphResource(n));
    return this.userTokens(app, grant.userId, [...requested.resource, ...requested.oidc, 'offline_access']);
  }

  private redeemDeviceCode(req: IncomingMessage, form: URLSearchParams): Record<string, unknown> {
    const app = this.authenticateClient(req, form, false);
    const key = form.get('device_code') ?? '';
    const dc = this.deviceCodes.get(key);
    if (!dc || dc.clientId !== app.clientId || dc.redeemed) {
      throw new OAuthFailure('invalid_grant', 'AADSTS70000: The provided device code is invalid or has already been redeemed.', [70000]);
    }
    if (dc.expiresAt <= Date.now()) throw new OAuthFailure('expired_token', 'AADSTS70020: The provided value for the input parameter \'device_code\' is not valid. This device code has expired.', [70020]);
    if (!dc.userId) {
      throw new OAuthFailure('authorization_pending', 'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.', [70016]);
    }
    dc.redeemed = true;
    this.deviceCodes.delete(key);
    this.deviceByUserCode.delete(dc.userCode);
    return this.userTokens(app, dc.userId, dc.scopes);
  }

  /** Access + refresh + id token for a user, with the delegated permissions the admin consented to. */
  private userTokens(app: SimApp, userId: string, requestedScopes: string[]): Record<string, unknown> {
    const user = this.world.userById(userId);
    if (!user) throw new OAuthFailure('invalid_grant', 'AADSTS50034: The user account does not exist in the tenant.', [50034]);
    const parsed = parseScopes(requestedScopes.join(' '), (n) => this.isGraphResource(n));
    const granted = this.consentedScopes(app, parsed);
    const now = Math.floor(Date.now() / 1000);
    const lifetime = this.options.accessTokenLifetimeSeconds;
    const result: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: [...granted, ...parsed.oidc.filter((s) => s !== 'offline_access')].join(' '),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: this.accessToken({ appid: app.clientId, idtyp: 'user', oid: user.id, scp: granted.join(' ') }),
    };
    if (parsed.oidc.includes('offline_access')) {
      const rt = `1.${randomBytes(48).toString('base64url')}`;
      this.refreshTokens.set(rt, {
        clientId: app.clientId, userId: user.id, scopes: requestedScopes,
        expiresAt: Date.now() + this.options.refreshTokenLifetimeSeconds * 1000, issuedAt: Date.now() / 1000,
      });
      result.refresh_token = rt;
    }
    if (parsed.oidc.includes('openid')) {
      result.id_token = signJwt({
        aud: app.clientId, iss: `${this.authorityUrl()}/v2.0`, iat: now, nbf: now, exp: now + 3600,
        name: user.displayName, oid: user.id, preferred_username: user.userPrincipalName,
        sub: createHash('sha256').update(`${user.id}:${app.clientId}`).digest('base64url').slice(0, 43),
        tid: this.tenantId, uti: randomBytes(16).toString('base64url'), ver: '2.0',
        ...(user.mail ? { email: user.mail } : {}),
      }, this.key);
      result.client_info = clientInfo(user.id, this.tenantId);
    }
    return result;
  }

  /** The delegated permissions a token gets; throws consent_required when a requested one was not consented. */
  private consentedScopes(app: SimApp, scopes: ParsedScopes): string[] {
    const consented = new Map(app.delegated.map((p) => [p.toLowerCase(), p]));
    if (scopes.isDefault) return [...app.delegated];
    const missing = scopes.resource.filter((s) => !consented.has(s.toLowerCase()));
    if (missing.length) {
      throw new OAuthFailure('invalid_grant', `AADSTS65001: The user or administrator has not consented to use the application with ID '${app.clientId}'. Missing: ${missing.join(', ')}. Send an interactive authorization request for this user and resource, or grant admin consent.`, [65001], 'consent_required');
    }
    // Like Entra, the token carries every delegated permission consented for the resource.
    return [...app.delegated];
  }

  private accessToken(claims: Omit<AccessTokenClaims, 'tid' | 'iat' | 'exp' | 'uti'>): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      aud: this.resource,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: now, nbf: now, exp: now + this.options.accessTokenLifetimeSeconds,
      // Sub-second issue time so a revocation in the same second as issuing is unambiguous.
      iat_ms: Date.now(),
      tid: this.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      ...claims,
    };
    if (this.world.profile.accessTokens === 'jwt') return signJwt(payload, this.key);
    // Opaque: a random reference that only this "Graph" can resolve (as with encrypted or non-JWT tokens).
    this.pruneOpaque();
    const token = `EwB${randomBytes(120).toString('base64url')}`;
    this.opaqueTokens.set(token, payload);
    return token;
  }

  private pruneOpaque(): void {
    const now = Date.now() / 1000;
    for (const [t, p] of this.opaqueTokens) if (typeof p.exp !== 'number' || p.exp <= now) this.opaqueTokens.delete(t);
  }

  /** The claims of a token as Graph sees them (a JWT's payload, or an opaque token's record); not verified. */
  peekClaims(token: string): Record<string, unknown> | undefined {
    return this.opaqueTokens.get(token) ?? decodeJwt(token)?.payload;
  }

  /** Graph-side check of a bearer token: signature, tenant, audience, expiry, revocation. */
  verifyAccessToken(token: string): TokenCheck {
    const p = this.opaqueTokens.get(token) ?? verifyJwt(token, this.key);
    if (!p) return { ok: false, message: 'IDX14100: JWT is not well formed or its signature is invalid.' };
    const nowMs = Date.now();
    if (p.aud !== this.resource || p.tid !== this.tenantId) {
      return { ok: false, message: `Invalid audience or tenant: this Graph accepts tokens for ${this.resource} of tenant ${this.tenantId}.` };
    }
    if (typeof p.exp !== 'number' || p.exp * 1000 <= nowMs) return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
    if (typeof p.iat_ms === 'number' && p.iat_ms / 1000 <= this.revokedBefore) {
      return { ok: false, message: 'The token has been revoked. Sign in again.' };
    }
    return { ok: true, claims: p as unknown as AccessTokenClaims };
  }

  /** Revokes every access and refresh token issued so far (as if an admin revoked all sessions). */
  revokeAll(): void {
    this.revokedBefore = Date.now() / 1000;
  }
}

class OAuthFailure extends Error {
  constructor(readonly error: string, message: string, readonly codes: number[] = [], readonly suberror?: string) {
    super(message);
  }
}

function parseScopes(scope: string, isGraphResource: (name: string) => boolean): ParsedScopes {
  const resource: string[] = [];
  const oidc: string[] = [];
  let isDefault = false;
  for (const raw of scope.split(/\s+/).filter(Boolean)) {
    if (OIDC_SCOPES.has(raw.toLowerCase())) { oidc.push(raw.toLowerCase()); continue; }
    let s = raw;
    const slash = raw.lastIndexOf('/');
    if (slash >= 0) {
      if (!isGraphResource(raw.slice(0, slash))) {
        throw new OAuthFailure('invalid_resource', `AADSTS500011: The resource principal named ${raw.slice(0, slash)} was not found in the tenant.`, [500011]);
      }
      s = raw.slice(slash + 1);
    }
    if (s === '.default') isDefault = true;
    else resource.push(s);
  }
  return { resource, oidc, isDefault };
}

function redirectMatches(app: SimApp, uri: string): boolean {
  let u: URL;
  try { u = new URL(uri); } catch { return false; }
  return app.redirectUris.some((r) => {
    let reg: URL;
    try { reg = new URL(r); } catch { return false; }
    if (reg.protocol === 'http:' && (reg.hostname === 'localhost' || reg.hostname === '127.0.0.1')) {
      // Loopback redirect URIs match on any port (RFC 8252 §7.3), as Entra does for native apps.
      return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1') && u.pathname.replace(/\/$/, '') === reg.pathname.replace(/\/$/, '');
    }
    return u.href === reg.href;
  });
}

/** Sends the OAuth response to the client: an auto-submitting form (form_post) or a 302 redirect. */
function respondToRedirect(res: ServerResponse, redirectUri: string, mode: string, params: Record<string, string>): void {
  if (mode === 'form_post') {
    const inputs = Object.entries(params)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`).join('');
    sendHtml(res, 200, `<!doctype html><html><head><title>Working...</title></head><body>` +
      `<form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${inputs}` +
      `<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form>` +
      `<script>document.forms[0].submit();</script></body></html>`);
    return;
  }
  const target = new URL(redirectUri);
  const qs = new URLSearchParams(params).toString();
  const location = mode === 'fragment' ? `${target.href.split('#')[0]}#${qs}` : (() => {
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    return target.href;
  })();
  res.writeHead(302, { location, 'content-length': '0' });
  res.end();
}

function authorizePage(res: ServerResponse, status: number, message: string): void {
  sendHtml(res, status, `<!doctype html><title>Sign in (simulated)</title><p>${escapeHtml(message)}</p>`);
}

function clientInfo(uid: string, utid: string): string {
  return b64urlJson({ uid, utid });
}

function randomUserCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(9)].map((b) => alphabet[b % alphabet.length]).join('');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
