// Real MSAL (msal-node 7) and the real Graph client against the Graph/Entra simulator over HTTPS; the
// simulator's CA is trusted only through the transport's extra-CA setting.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { openVault } from '../../src/platform/vault.js';
import { completeSignInAsBrowser } from '../../src/simulators/graph/browser.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import {
  GraphClient, GraphThrottle, MicrosoftAuth, NeedsSignInError, SignInAbortedError, TokenRequestError,
  type AuthState, type MicrosoftAuthOptions,
} from '../../src/teams/index.js';

const useKeychain = process.env.PRESENCE_BRIDGE_TEST_KEYCHAIN === '1';

let sim: GraphSimulator;
/** Issues 2-second access tokens, to see renewal after expiry. */
let shortSim: GraphSimulator;
let transport: HttpTransport;
let certificate: { cert: string; key: string; thumbprint: string };
const dirs: string[] = [];

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'presence-bridge-test-app' }], { keySize: 2048, algorithm: 'sha256' });
  const der = Buffer.from(pems.cert.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  certificate = { cert: pems.cert, key: pems.private, thumbprint: createHash('sha256').update(der).digest('hex') };
  sim = await startGraphSimulator({ users: 5, deviceCodeIntervalSeconds: 1 });
  shortSim = await startGraphSimulator({ users: 2, accessTokenLifetimeSeconds: 2, deviceCodeIntervalSeconds: 1 });
  // Register the certificate as a second credential of the app.
  sim.app.certificates.push(certificate.cert);
  transport = new HttpTransport({ extraCaPem: [sim.caPem, shortSim.caPem], connectTimeoutMs: 2000, readTimeoutMs: 5000 });
});

afterAll(async () => {
  transport.close();
  await sim.close();
  await shortSim.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

afterEach(async () => {
  await transport.request({ url: `${sim.url}/_sim/faults`, method: 'DELETE' });
});

function makeAuth(extra: Partial<MicrosoftAuthOptions> = {}, on: GraphSimulator = sim): MicrosoftAuth {
  return new MicrosoftAuth({
    tenantId: on.tenant.tenantId,
    clientId: on.app.clientId,
    authorityHost: on.url,
    transport,
    ...extra,
  });
}

async function control(method: string, path: string, body?: unknown, on: GraphSimulator = sim): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await transport.request({ url: `${on.url}/_sim/${path}`, method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: r.status, json: r.json() };
}

async function graphStatus(token: string, path: string, on: GraphSimulator = sim): Promise<number> {
  const r = await transport.request({ url: `${on.url}/v1.0${path}`, headers: { authorization: `Bearer ${token}` } });
  return r.status;
}

async function openTestVault(): Promise<{ file: string; open: () => ReturnType<typeof openVault> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-teams-vault-'));
  dirs.push(dir);
  const file = join(dir, 'secrets.vault');
  const open = () => useKeychain
    ? openVault({ file, keySource: 'keychain', service: 'presence-bridge-test' })
    : openVault({ file, keySource: 'passphrase', passphrase: 'test passphrase for the teams auth tests' });
  return { file, open };
}

/** vi.waitUntil options: how long a condition may take, polled every few ms. */
const WAIT = { timeout: 10_000, interval: 50 };

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
}

describe('application credentials (ConfidentialClientApplication)', () => {
  it('gets an app token with the client secret and Graph accepts it', async () => {
    const auth = makeAuth({ appCredential: { kind: 'secret', clientSecret: sim.app.clientSecret! } });
    const before = sim.stats().tokenGrants.client_credentials ?? 0;
    const token = await auth.getAppToken();
    expect(await graphStatus(token, '/users?$top=1')).toBe(200);
    expect(sim.stats().tokenGrants.client_credentials).toBe(before + 1);
    // A second call is served from MSAL's cache: no new token request.
    await auth.getAppToken();
    expect(sim.stats().tokenGrants.client_credentials).toBe(before + 1);
  });

  it('gets an app token with a certificate (PS256 assertion verified by the simulator)', async () => {
    const auth = makeAuth({ appCredential: { kind: 'certificate', thumbprint: certificate.thumbprint, privateKeyPem: certificate.key } });
    const token = await auth.getAppToken();
    expect(await graphStatus(token, '/users?$top=1')).toBe(200);
  });

  it('explains a wrong secret and a foreign certificate', async () => {
    const wrong = makeAuth({ appCredential: { kind: 'secret', clientSecret: 'not-the-secret' } });
    const e1 = await wrong.getAppToken().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(TokenRequestError);
    expect((e1 as Error).message).toMatch(/AADSTS7000215/);
    expect((e1 as Error).message).toMatch(/create a new one/);

    const other = await generate([{ name: 'commonName', value: 'someone-else' }], { keySize: 2048, algorithm: 'sha256' });
    const der = Buffer.from(other.cert.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const foreign = makeAuth({ appCredential: { kind: 'certificate', thumbprint: createHash('sha256').update(der).digest('hex'), privateKeyPem: other.private } });
    const e2 = await foreign.getAppToken().catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(TokenRequestError);
    expect((e2 as Error).message).toMatch(/certificate/i);
  });

  it('says what is wrong when the simulator certificate is not trusted (no extra CA)', async () => {
    const bare = new HttpTransport({ connectTimeoutMs: 2000 });
    try {
      const auth = new MicrosoftAuth({
        tenantId: sim.tenant.tenantId, clientId: sim.app.clientId, authorityHost: sim.url, transport: bare,
        appCredential: { kind: 'secret', clientSecret: sim.app.clientSecret! },
      });
      const e = await auth.getAppToken().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TokenRequestError);
      expect((e as Error).message).toMatch(/Cannot reach the Microsoft sign-in service/);
      expect((e as Error).message).toMatch(/certificate|CA/i);
    } finally {
      bare.close();
    }
  });

  it('renews the app token when Graph rejects a revoked one', async () => {
    const auth = makeAuth({ appCredential: { kind: 'secret', clientSecret: sim.app.clientSecret! } });
    const graph = new GraphClient({ transport, tokens: auth.appTokens, throttle: new GraphThrottle(), baseUrl: sim.graphBaseUrl });
    await graph.get('/users?$top=1');
    await control('POST', 'faults', { revokeTokens: true });
    const page = await graph.get<{ value: unknown[] }>('/users?$top=1');
    expect(page.value).toHaveLength(1);
    expect(sim.stats().endpoints.users!.statuses['401']).toBeGreaterThanOrEqual(1);
  });
});

describe('interactive sign-in (loopback + PKCE, the test plays the browser)', () => {
  it('signs in end to end and the delegated token reads presence', async () => {
    const auth = makeAuth();
    const states: AuthState[] = [];
    auth.onStateChange((s) => states.push(s));
    expect(await auth.init()).toBe('signed-out');
    let seen: URL | undefined;
    const account = await auth.signInInteractive({
      timeoutMs: 10_000,
      openBrowser: async (url) => {
        seen = new URL(url);
        expect(seen.origin).toBe(sim.url);
        expect(seen.pathname).toBe(`/${sim.tenant.tenantId}/oauth2/v2.0/authorize`);
        expect(seen.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/);
        expect(seen.searchParams.get('state')).toBeTruthy();
        expect(seen.searchParams.get('code_challenge_method')).toBe('S256');
        expect(seen.searchParams.get('response_mode')).toBe('form_post');
        const r = await completeSignInAsBrowser(url, { caPem: sim.caPem });
        expect(r.status).toBe(200);
        expect(r.delivered.state).toBe(seen.searchParams.get('state'));
        expect(r.delivered.code).toBeTruthy();
      },
    });
    expect(seen).toBeDefined();
    expect(account.username).toBe(sim.tenant.users[0]!.userPrincipalName);
    expect(account.tenantId).toBe(sim.tenant.tenantId);
    expect(auth.state).toBe('signed-in');
    expect(states).toEqual(['signing-in', 'signed-in']);
    const token = await auth.getDelegatedToken();
    expect(await graphStatus(token, '/me/presence')).toBe(200);
    expect(sim.stats().tokenGrants.authorization_code).toBeGreaterThanOrEqual(1);
  });

  it('cancels: MSAL releases its loopback port and the state goes back', async () => {
    const auth = makeAuth();
    await auth.init();
    const ac = new AbortController();
    let port = 0;
    const p = auth.signInInteractive({
      signal: ac.signal,
      openBrowser: async (url) => {
        port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
        setTimeout(() => ac.abort(), 50);
      },
    });
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SignInAbortedError);
    expect((e as SignInAbortedError).reason).toBe('cancelled');
    expect(auth.state).toBe('signed-out');
    expect(port).toBeGreaterThan(0);
    await vi.waitUntil(() => portIsClosed(port), WAIT);
  });

  it('times out with a readable error', async () => {
    const auth = makeAuth();
    await auth.init();
    const e = await auth.signInInteractive({ timeoutMs: 300, openBrowser: async () => undefined }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SignInAbortedError);
    expect((e as SignInAbortedError).reason).toBe('timeout');
    expect((e as Error).message).toMatch(/did not complete within/);
  });
});

describe('device code sign-in', () => {
  it('shows the code, polls while authorization is pending, and completes after approval via /_sim/', async () => {
    const auth = makeAuth();
    await auth.init();
    const pendingBefore = sim.stats().endpoints.token?.statuses['400'] ?? 0;
    let shown: { userCode: string; verificationUri: string; message: string } | undefined;
    const signIn = auth.signInWithDeviceCode({
      timeoutMs: 20_000,
      onCode: (info) => { shown = info; },
    });
    await vi.waitUntil(() => shown !== undefined, WAIT);
    expect(shown!.verificationUri).toBe(`${sim.url}/devicelogin`);
    expect(shown!.message).toContain(shown!.userCode);
    // Let the client poll at least once while the code is not yet approved.
    await vi.waitUntil(() => (sim.stats().endpoints.token?.statuses['400'] ?? 0) > pendingBefore, WAIT);
    const approved = await control('POST', `devicecode/${shown!.userCode}/approve`, { user: sim.tenant.users[1]!.mail });
    expect(approved.status).toBe(200);
    const account = await signIn;
    expect(account.username).toBe(sim.tenant.users[1]!.userPrincipalName);
    expect(auth.state).toBe('signed-in');
    expect(await graphStatus(await auth.getDelegatedToken(), '/me/presence')).toBe(200);
  });

  it('can be cancelled while waiting', async () => {
    const auth = makeAuth();
    await auth.init();
    const ac = new AbortController();
    const p = auth.signInWithDeviceCode({ signal: ac.signal, onCode: () => setTimeout(() => ac.abort(), 20) });
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SignInAbortedError);
    expect(auth.state).toBe('signed-out');
  });

  it('rejects an unknown code on the control API', async () => {
    const r = await control('POST', 'devicecode/NOPE1234/approve');
    expect(r.status).toBe(404);
  });
});

async function deviceSignIn(auth: MicrosoftAuth, user?: string, on: GraphSimulator = sim): Promise<void> {
  await auth.signInWithDeviceCode({
    timeoutMs: 20_000,
    onCode: (info) => { void control('POST', `devicecode/${info.userCode}/approve`, user ? { user } : undefined, on); },
  });
}

describe('silent renewal, vault-backed cache, revocation and sign-out', () => {
  it('renews silently with the refresh token after the access token expired', async () => {
    const auth = makeAuth({}, shortSim);
    await auth.init();
    await deviceSignIn(auth, undefined, shortSim);
    const first = await auth.getDelegatedToken();
    expect(await graphStatus(first, '/me/presence', shortSim)).toBe(200);
    // This simulator issues 2-second tokens: wait until Graph rejects the first one.
    await vi.waitUntil(async () => (await graphStatus(first, '/me/presence', shortSim)) === 401, { ...WAIT, timeout: 8000 });
    const refreshesBefore = shortSim.stats().tokenGrants.refresh_token ?? 0;
    const second = await auth.getDelegatedToken();
    expect(second).not.toBe(first);
    expect(await graphStatus(second, '/me/presence', shortSim)).toBe(200);
    expect(shortSim.stats().tokenGrants.refresh_token).toBeGreaterThan(refreshesBefore);
    expect(auth.state).toBe('signed-in');
  });

  it('keeps the sign-in in the vault across a restart, never in a plain file', async () => {
    const { file, open } = await openTestVault();
    const vault1 = await open();
    const auth1 = makeAuth({ tokenStore: vault1 });
    await auth1.init();
    await deviceSignIn(auth1, sim.tenant.users[2]!.mail!);
    const token1 = await auth1.getDelegatedToken();
    expect(await vault1.names()).toContain('msal.cache');
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(token1);
    expect(raw).not.toContain('RefreshToken');

    // "Restart": a new vault handle, a new MSAL instance, same file.
    const vault2 = await open();
    const auth2 = makeAuth({ tokenStore: vault2 });
    const codesBefore = sim.stats().tokenGrants.device_code ?? 0;
    expect(await auth2.init()).toBe('signed-in');
    expect(auth2.account?.username).toBe(sim.tenant.users[2]!.userPrincipalName);
    const token2 = await auth2.getDelegatedToken();
    expect(await graphStatus(token2, '/me/presence')).toBe(200);
    expect(sim.stats().tokenGrants.device_code ?? 0).toBe(codesBefore);
  });

  it('turns a revoked sign-in into the needs-sign-in state (no crash), then signs out', async () => {
    const { open } = await openTestVault();
    const vault = await open();
    const auth = makeAuth({ tokenStore: vault });
    await auth.init();
    await deviceSignIn(auth);
    const graph = new GraphClient({ transport, tokens: auth.delegatedTokens, throttle: new GraphThrottle(), baseUrl: sim.graphBaseUrl });
    await graph.get('/me/presence');
    const events: Array<[AuthState, string | undefined]> = [];
    auth.onStateChange((s, d) => events.push([s, d]));
    await control('POST', 'faults', { revokeTokens: true });
    const e = await graph.get('/me/presence').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NeedsSignInError);
    expect(auth.state).toBe('needs-sign-in');
    expect(events.at(-1)?.[0]).toBe('needs-sign-in');
    expect(events.at(-1)?.[1]).toMatch(/AADSTS50173|new sign-in/);

    // Signing in again recovers.
    await deviceSignIn(auth);
    expect(auth.state).toBe('signed-in');
    await graph.get('/me/presence');

    await auth.signOut();
    expect(auth.state).toBe('signed-out');
    await expect(auth.getDelegatedToken()).rejects.toBeInstanceOf(NeedsSignInError);
    const cache = JSON.parse((await vault.get('msal.cache')) ?? '{}') as { Account?: Record<string, unknown> };
    expect(Object.keys(cache.Account ?? {})).toHaveLength(0);
  });
});

describe('admin consent URL', () => {
  it('is tenant-specific and the simulator grants it', async () => {
    const auth = makeAuth();
    const url = new URL(auth.adminConsentUrl('http://localhost:5000/consent', 'xyz'));
    expect(url.origin).toBe(sim.url);
    expect(url.pathname).toBe(`/${sim.tenant.tenantId}/v2.0/adminconsent`);
    expect(url.searchParams.get('client_id')).toBe(sim.app.clientId);
    expect(url.searchParams.get('scope')).toBe('https://graph.microsoft.com/.default');
    const r = await transport.request({ url });
    expect(r.status).toBe(302);
    const location = new URL(r.headers.location!);
    expect(location.searchParams.get('admin_consent')).toBe('True');
    expect(location.searchParams.get('state')).toBe('xyz');
  });

  it('refuses /common and other non-tenant authorities', () => {
    expect(() => new MicrosoftAuth({ tenantId: 'common', clientId: sim.app.clientId, transport })).toThrow(/tenant/);
  });
});
