// Sign-in to Microsoft behind one small interface, on @azure/msal-node 7:
//  - delegated (PublicClientApplication): interactive in the system browser (loopback + PKCE, MFA happens in
//    the browser) with cancel and timeout, or device code for headless use; silent renewal; sign-out;
//  - application (ConfidentialClientApplication): client secret or certificate, for app permissions.
// "Needs sign-in again" is a state with change events, never a crash. The delegated token cache lives in the
// secret vault through an ICachePlugin; every request goes through our HTTP transport.
import http from 'node:http';
import {
  AuthError, ConfidentialClientApplication, InteractionRequiredAuthError, PublicClientApplication, ServerError,
  LogLevel as MsalLogLevel,
  type AccountInfo, type AuthenticationResult, type Configuration, type DeviceCodeRequest,
} from '@azure/msal-node';
import { errorText } from '../platform/error-text.js';
import type { HttpTransport } from '../platform/http-transport.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import type { SecretStore } from '../platform/vault.js';
import type { MicrosoftCloudSetting } from '../core/microsoft-clouds.js';
import { adminConsentUrl, authorityConfig, resolveCloud, type AuthorityConfig, type CloudEndpoints } from './authority.js';
import { SecretStoreCachePlugin } from './cache-plugin.js';
import { MicrosoftConfigError, NeedsSignInError, SignInAbortedError, TokenRequestError } from './errors.js';
import type { TokenSource } from './graph-client.js';
import { TransportNetworkModule } from './msal-network.js';
import { acquireGuarded, DEFAULT_TOKEN_RETRY, isTemporarySignInFailure, RejectedTokenError, RejectedTokens, type TokenRetryPolicy } from './token-guard.js';
import { coded } from '../core/messages/log-line.js';

export type AuthState = 'signed-out' | 'signing-in' | 'signed-in' | 'needs-sign-in';

export interface SignedInAccount {
  username: string;
  name?: string;
  tenantId: string;
  homeAccountId: string;
}

export type AppCredential =
  | { kind: 'secret'; clientSecret: string }
  | {
    kind: 'certificate';
    /** SHA-256 (64 hex, preferred) or SHA-1 (40 hex) thumbprint of the certificate. */
    thumbprint: string;
    privateKeyPem: string;
    /** Optional public certificate (PEM): sent as x5c for subject-name/issuer authentication. */
    certificatePem?: string;
  };

export interface DeviceCodeInfo {
  userCode: string;
  verificationUri: string;
  /** Microsoft's own instruction text, ready to show. */
  message: string;
  expiresInSeconds: number;
}

export interface MicrosoftAuthOptions {
  tenantId: string;
  clientId: string;
  /** Default https://login.microsoftonline.com; host, host:port or https URL. */
  authorityHost?: string;
  /** The Graph address and the cloud setting: they decide the app-token scope and the consent scope. */
  graphBaseUrl?: string;
  cloud?: MicrosoftCloudSetting;
  transport: HttpTransport;
  /** Where the delegated token cache is persisted (secret 'msal.cache'); without it, the cache is in memory only. */
  tokenStore?: Pick<SecretStore, 'get' | 'set' | 'delete'>;
  /** For application permissions (directory, presence writes, app-only presence reads). */
  appCredential?: AppCredential;
  /** Delegated scopes requested at sign-in; default ['Presence.Read.All']. */
  delegatedScopes?: string[];
  /** Fixed loopback port for the interactive redirect (register http://localhost:PORT then); default any free port. */
  redirectPort?: number;
  /** Quick retries when the sign-in service fails for a moment (5xx, 429, no connection). */
  tokenRetry?: Partial<TokenRetryPolicy>;
  logger?: Logger;
}

export interface InteractiveSignInOptions {
  /** Opens the URL in the system browser (Electron: shell.openExternal). The URL is checked to be the authority's. */
  openBrowser: (url: string) => Promise<void>;
  signal?: AbortSignal;
  /** Default 5 minutes. */
  timeoutMs?: number;
  loginHint?: string;
}

export interface DeviceCodeSignInOptions {
  onCode: (info: DeviceCodeInfo) => void;
  signal?: AbortSignal;
  /** Default: until the code expires (as Entra says, usually 15 minutes). */
  timeoutMs?: number;
}

export const DEFAULT_DELEGATED_SCOPES = ['Presence.Read.All'];

const SUCCESS_PAGE = '<!doctype html><meta charset="utf-8"><title>Presence Bridge</title>' +
  '<h1>Signed in</h1><p>You can close this tab and return to Presence Bridge.</p>';
const ERROR_PAGE = '<!doctype html><meta charset="utf-8"><title>Presence Bridge</title>' +
  '<h1>Sign-in did not complete</h1><p>Return to Presence Bridge and try again.</p>';

type StateListener = (state: AuthState, detail?: string) => void;

export class MicrosoftAuth {
  private readonly authority: AuthorityConfig;
  /** The cloud's endpoints: the login host to use and the Graph resource tokens are for. */
  readonly cloud: CloudEndpoints;
  private readonly appScopes: string[];
  private readonly pca: PublicClientApplication;
  private cca: ConfidentialClientApplication | undefined;
  private appCredential: AppCredential | undefined;
  private readonly scopes: string[];
  private readonly log: Logger;
  private currentState: AuthState = 'signed-out';
  private detail: string | undefined;
  private accountInfo: AccountInfo | undefined;
  private readonly listeners = new Set<StateListener>();
  private signInRunning = false;

  /** Token sources for GraphClient: delegated (signed-in admin) and application. */
  readonly delegatedTokens: TokenSource = { getToken: (o) => this.getDelegatedToken(o), reject: (t) => this.rejected.add(t) };
  readonly appTokens: TokenSource = { getToken: (o) => this.getAppToken(o), reject: (t) => this.rejected.add(t) };
  /** Tokens Graph answered 401 to (fingerprints): never handed out again. */
  private readonly rejected = new RejectedTokens();
  private readonly tokenRetry: TokenRetryPolicy;

  constructor(private readonly opts: MicrosoftAuthOptions) {
    if (!opts.clientId.trim()) throw new MicrosoftConfigError('The application (client) ID is not set: enter it in the Microsoft settings.');
    this.cloud = resolveCloud({ graphBaseUrl: opts.graphBaseUrl, authorityHost: opts.authorityHost, cloud: opts.cloud });
    this.authority = authorityConfig(this.cloud.authorityHost, opts.tenantId);
    this.appScopes = [`${this.cloud.graphResource}/.default`];
    this.scopes = [...(opts.delegatedScopes ?? DEFAULT_DELEGATED_SCOPES)];
    this.log = (opts.logger ?? silentLogger).child({ component: 'microsoft-auth' });
    this.appCredential = opts.appCredential;
    this.tokenRetry = { ...DEFAULT_TOKEN_RETRY, ...opts.tokenRetry };
    this.pca = new PublicClientApplication({
      ...this.baseConfig(),
      cache: opts.tokenStore ? { cachePlugin: new SecretStoreCachePlugin(opts.tokenStore) } : undefined,
    });
  }

  get state(): AuthState {
    return this.currentState;
  }

  /** Why the state is what it is (e.g. the reason sign-in is needed again). */
  get stateDetail(): string | undefined {
    return this.detail;
  }

  get account(): SignedInAccount | undefined {
    return this.accountInfo ? summarize(this.accountInfo) : undefined;
  }

  get hasAppCredential(): boolean {
    return this.appCredential !== undefined;
  }

  onStateChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the saved sign-in (if any). Never throws: an unreadable cache means "needs sign-in". */
  async init(): Promise<AuthState> {
    try {
      const accounts = await this.pca.getAllAccounts();
      this.accountInfo = accounts[0];
      this.setState(this.accountInfo ? 'signed-in' : 'signed-out');
    } catch (e) {
      this.log.warn('Could not load the saved Microsoft sign-in', coded('log-ms-saved-sign-in-unreadable', { error: errorText(e) }));
      this.setState('needs-sign-in', `The saved sign-in could not be loaded: ${errorText(e)}`);
    }
    return this.currentState;
  }

  setAppCredential(credential: AppCredential | undefined): void {
    this.appCredential = credential;
    this.cca = undefined;
  }

  adminConsentUrl(redirectUri?: string, state?: string): string {
    return adminConsentUrl({ authorityHost: this.authority.origin, graphBaseUrl: this.opts.graphBaseUrl, cloud: this.opts.cloud, tenantId: this.opts.tenantId, clientId: this.opts.clientId, redirectUri, state });
  }

  // ---- delegated sign-in -------------------------------------------------------------------------------

  async signInInteractive(o: InteractiveSignInOptions): Promise<SignedInAccount> {
    return this.runSignIn(async () => {
      const timeoutMs = o.timeoutMs ?? 300_000;
      let loopback: { redirectUri: string; state: string } | undefined;
      let aborted: SignInAbortedError | undefined;
      let abortLoopback: (() => void) | undefined;

      const interactive = this.pca.acquireTokenInteractive({
        scopes: this.scopes,
        loginHint: o.loginHint,
        prompt: 'select_account',
        preferredPort: this.opts.redirectPort,
        successTemplate: SUCCESS_PAGE,
        errorTemplate: ERROR_PAGE,
        openBrowser: async (url: string) => {
          const u = new URL(url);
          if (u.protocol !== 'https:' || u.origin !== this.authority.origin) {
            throw new MicrosoftConfigError(`Refusing to open ${u.origin}: sign-in must happen at ${this.authority.origin}.`);
          }
          loopback = { redirectUri: u.searchParams.get('redirect_uri') ?? '', state: u.searchParams.get('state') ?? '' };
          if (aborted) throw aborted;
          await o.openBrowser(url);
          if (aborted) abortLoopback?.();
        },
      });

      let timer: NodeJS.Timeout | undefined;
      const abortPromise = new Promise<never>((_, reject) => {
        const abort = (err: SignInAbortedError): void => {
          if (aborted) return;
          aborted = err;
          // MSAL's loopback has no timeout or cancel of its own: answer it with an error, as a browser would,
          // so it closes its port and the pending MSAL call settles.
          abortLoopback = () => { if (loopback) void postLoopbackError(loopback, err.reason === 'timeout' ? 'Sign-in timed out' : 'Sign-in cancelled'); };
          abortLoopback();
          reject(err);
        };
        timer = setTimeout(() => abort(new SignInAbortedError('timeout', `Sign-in did not complete within ${Math.round(timeoutMs / 1000)} s. Start it again and finish it in the browser.`)), timeoutMs);
        if (o.signal?.aborted) abort(new SignInAbortedError('cancelled', 'Sign-in was cancelled.'));
        o.signal?.addEventListener('abort', () => abort(new SignInAbortedError('cancelled', 'Sign-in was cancelled.')), { once: true });
      });
      try {
        return await Promise.race([interactive, abortPromise]);
      } catch (e) {
        if (aborted) {
          await interactive.catch(() => undefined); // let MSAL close its loopback before we return
          throw aborted;
        }
        throw e;
      } finally {
        clearTimeout(timer);
        interactive.catch(() => undefined);
        abortPromise.catch(() => undefined);
      }
    });
  }

  async signInWithDeviceCode(o: DeviceCodeSignInOptions): Promise<SignedInAccount> {
    return this.runSignIn(async () => {
      let codeExpiresMs = 900_000;
      const request: DeviceCodeRequest = {
        scopes: this.scopes,
        deviceCodeCallback: (r) => {
          codeExpiresMs = r.expiresIn * 1000;
          o.onCode({ userCode: r.userCode, verificationUri: r.verificationUri, message: r.message, expiresInSeconds: r.expiresIn });
        },
      };
      if (o.timeoutMs !== undefined) request.timeout = Math.max(1, Math.ceil(o.timeoutMs / 1000));
      const flow = this.pca.acquireTokenByDeviceCode(request);
      let timer: NodeJS.Timeout | undefined;
      const abortPromise = new Promise<never>((_, reject) => {
        const abort = (err: SignInAbortedError): void => {
          request.cancel = true; // MSAL stops polling at its next interval
          reject(err);
        };
        if (o.timeoutMs !== undefined) {
          timer = setTimeout(() => abort(new SignInAbortedError('timeout', `The device code was not used within ${Math.round(o.timeoutMs! / 1000)} s. Start again for a new code.`)), o.timeoutMs);
        }
        if (o.signal?.aborted) abort(new SignInAbortedError('cancelled', 'Sign-in was cancelled.'));
        o.signal?.addEventListener('abort', () => abort(new SignInAbortedError('cancelled', 'Sign-in was cancelled.')), { once: true });
      });
      try {
        const r = await Promise.race([flow, abortPromise]);
        if (!r) throw new TokenRequestError('The device code sign-in returned no result. Start it again.');
        return r;
      } catch (e) {
        if (e instanceof AuthError && (e.errorCode === 'user_timeout_reached' || e.errorCode === 'device_code_expired' || e.errorCode === 'expired_token')) {
          throw new SignInAbortedError('timeout', `The device code expired after ${Math.round(codeExpiresMs / 1000)} s without being used. Start again for a new code.`);
        }
        if (e instanceof AuthError && e.errorCode === 'device_code_polling_cancelled') throw new SignInAbortedError('cancelled', 'Sign-in was cancelled.');
        throw e;
      } finally {
        clearTimeout(timer);
        flow.catch(() => undefined);
        abortPromise.catch(() => undefined);
      }
    });
  }

  private async runSignIn(flow: () => Promise<AuthenticationResult>): Promise<SignedInAccount> {
    if (this.signInRunning) throw new MicrosoftConfigError('A sign-in is already in progress: finish or cancel it first.');
    this.signInRunning = true;
    const before = this.currentState;
    const beforeDetail = this.detail;
    this.setState('signing-in');
    try {
      const result = await flow();
      if (!result.account) throw new TokenRequestError('Microsoft returned no account for this sign-in (no id_token). Check the app registration.');
      // One admin account: drop any other saved account so silent renewal is unambiguous.
      for (const other of await this.pca.getAllAccounts()) {
        if (other.homeAccountId !== result.account.homeAccountId) await this.pca.getTokenCache().removeAccount(other);
      }
      this.accountInfo = result.account;
      this.setState('signed-in');
      this.log.info('Signed in to Microsoft', { user: result.account.username, ...coded('log-ms-signed-in') });
      return summarize(result.account);
    } catch (e) {
      this.setState(before, beforeDetail);
      throw this.readable(e, 'Sign-in');
    } finally {
      this.signInRunning = false;
    }
  }

  // ---- tokens ------------------------------------------------------------------------------------------

  /** An access token of the signed-in admin; throws NeedsSignInError (and switches state) when sign-in is needed. */
  async getDelegatedToken(o: { forceRefresh?: boolean } = {}): Promise<string> {
    let account = this.accountInfo;
    if (!account) {
      account = (await this.pca.getAllAccounts().catch(() => []))[0];
      this.accountInfo = account;
    }
    if (!account) {
      if (this.currentState === 'signed-in') this.setState('needs-sign-in', 'No saved Microsoft sign-in was found.');
      throw new NeedsSignInError('Sign in to Microsoft first (Settings → Microsoft → Sign in).');
    }
    const signedIn = account;
    try {
      const token = await this.guarded('delegated', o.forceRefresh ?? false, async (fresh) =>
        (await this.pca.acquireTokenSilent({ account: signedIn, scopes: this.scopes, forceRefresh: fresh })).accessToken);
      if (this.currentState !== 'signed-in' && this.currentState !== 'signing-in') this.setState('signed-in');
      return token;
    } catch (e) {
      if (needsInteraction(e)) {
        const reason = `Microsoft asked for a new sign-in: ${firstLine(errorText(e))}`;
        this.log.warn('Delegated token could not be renewed; sign-in needed', coded('log-ms-renew-failed', { error: firstLine(errorText(e)) }));
        this.setState('needs-sign-in', reason);
        throw new NeedsSignInError(`Sign in to Microsoft again: the saved sign-in is no longer valid (${firstLine(errorText(e))}).`, { cause: e });
      }
      throw this.readable(e, 'Renewing the Microsoft sign-in');
    }
  }

  /** An application token (client credentials) for Graph. */
  async getAppToken(o: { forceRefresh?: boolean } = {}): Promise<string> {
    const cca = this.confidentialClient();
    try {
      return await this.guarded('application', o.forceRefresh ?? false, async (fresh) => {
        const r = await cca.acquireTokenByClientCredential({ scopes: this.appScopes, skipCache: fresh });
        if (!r?.accessToken) throw new TokenRequestError('Microsoft returned no application token. Check the app registration.');
        return r.accessToken;
      });
    } catch (e) {
      throw this.readable(e, 'Getting the application token');
    }
  }

  private guarded(kind: string, forceRefresh: boolean, request: (fresh: boolean) => Promise<string>): Promise<string> {
    return acquireGuarded(request, {
      rejected: this.rejected, forceRefresh, policy: this.tokenRetry,
      onRetry: (e, waitMs, attempt) => this.log.warn('Microsoft sign-in failed for a moment; retrying', {
        token: kind, attempt, waitMs, ...coded('log-ms-sign-in-retry', { error: firstLine(errorText(e)) }),
      }),
    });
  }

  async signOut(): Promise<void> {
    const accounts = await this.pca.getAllAccounts().catch(() => [] as AccountInfo[]);
    for (const a of accounts) await this.pca.signOut({ account: a });
    this.accountInfo = undefined;
    this.setState('signed-out');
    this.log.info('Signed out of Microsoft', coded('log-ms-signed-out'));
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private baseConfig(): Configuration {
    return {
      auth: {
        clientId: this.opts.clientId.trim(),
        authority: this.authority.authority,
        ...(this.authority.knownAuthorities ? { knownAuthorities: this.authority.knownAuthorities } : {}),
        ...(this.authority.authorityMetadata ? { authorityMetadata: this.authority.authorityMetadata } : {}),
      },
      system: {
        networkClient: new TransportNetworkModule(this.opts.transport),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: MsalLogLevel.Warning,
          loggerCallback: (level, message, containsPii) => {
            if (containsPii) return;
            if (level === MsalLogLevel.Error) this.log.warn(`MSAL: ${message}`, coded('log-msal-error', { error: message }));
          },
        },
      },
    };
  }

  private confidentialClient(): ConfidentialClientApplication {
    if (this.cca) return this.cca;
    const c = this.appCredential;
    if (!c) {
      throw new MicrosoftConfigError('No application credential is set: store the client secret or the certificate key in Settings → Microsoft.');
    }
    const base = this.baseConfig();
    if (c.kind === 'secret') {
      if (!c.clientSecret) throw new MicrosoftConfigError('The client secret is empty: paste the secret value (not its ID) from the app registration.');
      this.cca = new ConfidentialClientApplication({ ...base, auth: { ...base.auth, clientSecret: c.clientSecret } });
    } else {
      const thumb = c.thumbprint.replace(/[\s:]/g, '').toLowerCase();
      if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(thumb)) {
        throw new MicrosoftConfigError('The certificate thumbprint must be 64 (SHA-256) or 40 (SHA-1) hex digits.');
      }
      const clientCertificate = thumb.length === 64
        ? { thumbprintSha256: thumb, privateKey: c.privateKeyPem, ...(c.certificatePem ? { x5c: c.certificatePem } : {}) }
        : { thumbprint: thumb, privateKey: c.privateKeyPem, ...(c.certificatePem ? { x5c: c.certificatePem } : {}) };
      this.cca = new ConfidentialClientApplication({ ...base, auth: { ...base.auth, clientCertificate } });
    }
    return this.cca;
  }

  private setState(state: AuthState, detail?: string): void {
    const changed = state !== this.currentState || detail !== this.detail;
    this.currentState = state;
    this.detail = detail;
    if (!changed) return;
    for (const l of this.listeners) {
      try {
        l(state, detail);
      } catch (e) {
        this.log.warn('Auth state listener failed', coded('log-auth-listener-failed', { error: errorText(e) }));
      }
    }
  }

  private readable(e: unknown, what: string): unknown {
    if (e instanceof NeedsSignInError || e instanceof SignInAbortedError || e instanceof MicrosoftConfigError || e instanceof TokenRequestError) return e;
    if (e instanceof RejectedTokenError) return new TokenRequestError(`${what} failed: ${e.message}`, 'rejected_token', { cause: e });
    if (isTemporarySignInFailure(e)) {
      return new TokenRequestError(`Microsoft sign-in temporarily failing: ${what.toLowerCase()} failed after quick retries (${e.errorCode}: ${firstLine(e.errorMessage)}). ` +
        'The bridge tries again on its own; no token that Microsoft Graph rejected is sent meanwhile.', e.errorCode, { cause: e, temporary: true, retryAfterMs: e.retryAfterMs });
    }
    if (e instanceof AuthError) {
      const hint = hintFor(e);
      return new TokenRequestError(`${what} failed: ${e.errorCode}: ${firstLine(e.errorMessage)}${hint ? ` ${hint}` : ''}`, e.errorCode, { cause: e });
    }
    return e;
  }
}

function needsInteraction(e: unknown): boolean {
  if (e instanceof InteractionRequiredAuthError) return true;
  if (e instanceof ServerError && e.errorCode === 'invalid_grant') return true;
  return e instanceof AuthError && ['no_tokens_found', 'refresh_token_expired', 'no_account_found', 'native_account_unavailable'].includes(e.errorCode);
}

function hintFor(e: AuthError): string {
  const m = e.errorMessage;
  if (/AADSTS7000215|AADSTS7000222/.test(m)) return 'The client secret is wrong or expired: create a new one in the app registration.';
  if (/AADSTS700016/.test(m)) return 'The application (client) ID is not registered in this tenant.';
  if (/AADSTS90002/.test(m)) return 'The tenant ID is wrong.';
  if (/AADSTS65001/.test(m)) return 'Grant admin consent for the app (use the admin-consent link in Settings → Microsoft).';
  if (/AADSTS700027|AADSTS700023/.test(m)) return 'The certificate is not registered for the app, or the thumbprint does not match its private key.';
  if (e.errorCode === 'network_error') return 'Check the network, proxy and extra CA settings.';
  return '';
}

function summarize(a: AccountInfo): SignedInAccount {
  return { username: a.username, name: a.name, tenantId: a.tenantId, homeAccountId: a.homeAccountId };
}

function firstLine(s: string): string {
  return s.split(/\r?\n/)[0]!.trim();
}

/** Answers MSAL's loopback with an OAuth error (form_post), exactly as the browser would on a failed sign-in. */
function postLoopbackError(loopback: { redirectUri: string; state: string }, description: string): Promise<void> {
  return new Promise((resolve) => {
    let port: number;
    try {
      port = Number(new URL(loopback.redirectUri).port);
    } catch {
      resolve();
      return;
    }
    const body = new URLSearchParams({ error: 'access_denied', error_description: description, state: loopback.state }).toString();
    // MSAL's loopback listens on 127.0.0.1 only, whatever host name the redirect URI shows.
    const req = http.request({ host: '127.0.0.1', port, path: '/', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', () => resolve());
    req.setTimeout(5_000, () => { req.destroy(); resolve(); });
    req.end(body);
  });
}
