// The Entra ID simulator against the wire facts (reference §5, §6 and the Microsoft identity platform v2
// protocol): discovery, token grants, PKCE, device code, error shapes. Raw HTTPS, no MSAL.
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport, type HttpResponse } from '../../src/platform/http-transport.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';

let sim: GraphSimulator;
let t: HttpTransport;

beforeAll(async () => {
  sim = await startGraphSimulator({ users: 4, deviceCodeIntervalSeconds: 1 });
  t = new HttpTransport({ extraCaPem: [sim.caPem] });
});
afterAll(async () => {
  t.close();
  await sim.close();
});

const tokenUrl = (): string => `${sim.authority}/oauth2/v2.0/token`;

function form(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return t.request({ url, method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
}

function jwtParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; input: string; sig: Buffer } {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>,
    input: `${h}.${p}`,
    sig: Buffer.from(s!, 'base64url'),
  };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(params: Record<string, string>): Promise<HttpResponse> {
  const url = new URL(`${sim.authority}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return t.request({ url });
}

async function codeFor(challenge: string, extra: Record<string, string> = {}): Promise<string> {
  const r = await authorize({
    client_id: sim.app.clientId, response_type: 'code', redirect_uri: 'http://localhost:53111', response_mode: 'query',
    scope: 'Presence.Read.All openid profile offline_access', code_challenge: challenge, code_challenge_method: 'S256', state: 's1', ...extra,
  });
  expect(r.status).toBe(302);
  const loc = new URL(r.headers.location!);
  expect(loc.origin).toBe('http://localhost:53111');
  expect(loc.searchParams.get('state')).toBe('s1');
  return loc.searchParams.get('code')!;
}

describe('discovery', () => {
  it('publishes an OpenID configuration for the tenant and keys that verify its tokens', async () => {
    const conf = (await t.request({ url: `${sim.authority}/v2.0/.well-known/openid-configuration` })).json<Record<string, string>>();
    expect(conf.issuer).toBe(`${sim.authority}/v2.0`);
    expect(conf.token_endpoint).toBe(tokenUrl());
    expect(conf.authorization_endpoint).toBe(`${sim.authority}/oauth2/v2.0/authorize`);
    expect(conf.device_authorization_endpoint).toBe(`${sim.authority}/oauth2/v2.0/devicecode`);
    const jwks = (await t.request({ url: conf.jwks_uri! })).json<{ keys: Array<Record<string, string>> }>();
    const r = await form(tokenUrl(), { client_id: sim.app.clientId, client_secret: sim.app.clientSecret!, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
    const jwt = jwtParts(r.json<{ access_token: string }>().access_token);
    const key = jwks.keys.find((k) => k.kid === jwt.header.kid)!;
    expect(key).toBeDefined();
    expect(verify('sha256', Buffer.from(jwt.input), createPublicKey({ key: key as unknown as import('node:crypto').JsonWebKey, format: 'jwk' }), jwt.sig)).toBe(true);
  });

  it('knows only its own tenant (tenant-specific authority)', async () => {
    const r = await form(`${sim.url}/common/oauth2/v2.0/token`, { grant_type: 'client_credentials' });
    expect(r.status).toBe(400);
    expect(r.json<{ error: string; error_codes: number[] }>()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });
});

describe('client credentials', () => {
  it('answers like Entra: Bearer, expires_in, ext_expires_in, an access token with the app roles', async () => {
    const r = await form(tokenUrl(), { client_id: sim.app.clientId, client_secret: sim.app.clientSecret!, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
    expect(r.status).toBe(200);
    const body = r.json<Record<string, unknown>>();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(body.refresh_token).toBeUndefined();
    expect(body.id_token).toBeUndefined();
    const { payload } = jwtParts(body.access_token as string);
    expect(payload).toMatchObject({ aud: 'https://graph.microsoft.com', tid: sim.tenant.tenantId, appid: sim.app.clientId, idtyp: 'app', roles: sim.app.application });
    expect(payload.iss).toBe(`https://sts.windows.net/${sim.tenant.tenantId}/`);
    expect(r.headers['cache-control']).toContain('no-store');
  });

  it('accepts the secret in an HTTP Basic header', async () => {
    const basic = Buffer.from(`${sim.app.clientId}:${sim.app.clientSecret}`).toString('base64');
    const r = await form(tokenUrl(), { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }, { authorization: `Basic ${basic}` });
    expect(r.status).toBe(200);
  });

  it('rejects what Entra rejects, with AADSTS codes', async () => {
    const base = { client_id: sim.app.clientId, client_secret: sim.app.clientSecret!, grant_type: 'client_credentials' };
    const cases: Array<[Record<string, string>, number, string, number]> = [
      [{ ...base, scope: 'User.Read.All' }, 400, 'invalid_scope', 1002012],
      [{ ...base, scope: 'https://graph.microsoft.com/.default', client_secret: 'wrong' }, 401, 'invalid_client', 7000215],
      [{ client_id: sim.app.clientId, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }, 401, 'invalid_client', 7000218],
      [{ ...base, scope: 'https://graph.microsoft.com/.default', client_id: '00000000-0000-0000-0000-00000000dead' }, 400, 'unauthorized_client', 700016],
      [{ ...base, scope: 'https://vault.azure.net/.default' }, 400, 'invalid_resource', 500011],
      [{ ...base, grant_type: 'password', scope: 'openid' }, 400, 'unsupported_grant_type', 70003],
    ];
    for (const [fields, status, error, code] of cases) {
      const r = await form(tokenUrl(), fields);
      expect(r.status, JSON.stringify(fields)).toBe(status);
      const b = r.json<{ error: string; error_codes: number[]; error_description: string; trace_id: string; correlation_id: string }>();
      expect(b.error).toBe(error);
      expect(b.error_codes).toEqual([code]);
      expect(b.error_description).toMatch(new RegExp(`^AADSTS${code}:`));
      expect(b.trace_id).toBeTruthy();
      expect(b.correlation_id).toBeTruthy();
    }
  });

  it('requires a form body', async () => {
    const r = await t.request({ url: tokenUrl(), method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json<{ error: string }>().error).toBe('invalid_request');
  });
});

describe('authorization code with PKCE', () => {
  it('redeems a code only with the right verifier, once, returning id_token, client_info and a refresh token', async () => {
    const p = pkce();
    const wrong = await form(tokenUrl(), { client_id: sim.app.clientId, grant_type: 'authorization_code', code: await codeFor(p.challenge), redirect_uri: 'http://localhost:53111', code_verifier: 'not-the-verifier' });
    expect(wrong.status).toBe(400);
    expect(wrong.json<{ error: string; error_codes: number[] }>()).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });

    const code = await codeFor(p.challenge, { login_hint: sim.tenant.users[2]!.mail! });
    const fields = { client_id: sim.app.clientId, grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:53111', code_verifier: p.verifier, scope: 'Presence.Read.All openid profile offline_access' };
    const ok = await form(tokenUrl(), fields);
    expect(ok.status).toBe(200);
    const body = ok.json<Record<string, string | number>>();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(String(body.scope).split(' ')).toEqual(expect.arrayContaining(['Presence.Read.All', 'openid', 'profile']));
    expect(body.refresh_token).toBeTruthy();
    const user = sim.tenant.users[2]!;
    expect(jwtParts(String(body.id_token)).payload).toMatchObject({ aud: sim.app.clientId, tid: sim.tenant.tenantId, oid: user.id, preferred_username: user.userPrincipalName, ver: '2.0', iss: `${sim.authority}/v2.0` });
    expect(JSON.parse(Buffer.from(String(body.client_info), 'base64url').toString())).toEqual({ uid: user.id, utid: sim.tenant.tenantId });
    expect(jwtParts(String(body.access_token)).payload).toMatchObject({ idtyp: 'user', oid: user.id, scp: expect.stringContaining('Presence.Read.All') });

    const again = await form(tokenUrl(), fields);
    expect(again.status).toBe(400);
    expect(again.json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('checks the redirect URI at both ends', async () => {
    const p = pkce();
    const code = await codeFor(p.challenge);
    const r = await form(tokenUrl(), { client_id: sim.app.clientId, grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:1', code_verifier: p.verifier });
    expect(r.json<{ error_codes: number[] }>().error_codes).toEqual([70001]);
    const page = await authorize({ client_id: sim.app.clientId, response_type: 'code', redirect_uri: 'https://evil.example/cb', code_challenge: p.challenge, code_challenge_method: 'S256' });
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
    expect(page.text()).toContain('AADSTS50011');
  });

  it('answers form_post with an auto-submitting form, and reports missing PKCE or consent to the redirect URI', async () => {
    const p = pkce();
    const post = await authorize({ client_id: sim.app.clientId, response_type: 'code', redirect_uri: 'http://localhost:5000', response_mode: 'form_post', scope: 'openid', code_challenge: p.challenge, code_challenge_method: 'S256', state: 'abc', client_info: '1' });
    expect(post.status).toBe(200);
    expect(post.text()).toMatch(/<form method="POST" name="hiddenform" action="http:\/\/localhost:5000">/);
    expect(post.text()).toMatch(/name="code" value="[^"]+"/);
    expect(post.text()).toMatch(/name="state" value="abc"/);
    expect(post.text()).toMatch(/name="client_info" value="[^"]+"/);

    const noPkce = await authorize({ client_id: sim.app.clientId, response_type: 'code', redirect_uri: 'http://localhost:5000', scope: 'openid', state: 'x' });
    expect(new URL(noPkce.headers.location!).searchParams.get('error')).toBe('invalid_request');
    const noConsent = await authorize({ client_id: sim.app.clientId, response_type: 'code', redirect_uri: 'http://localhost:5000', scope: 'Mail.Send openid', code_challenge: p.challenge, code_challenge_method: 'S256' });
    const err = new URL(noConsent.headers.location!).searchParams;
    expect(err.get('error')).toBe('consent_required');
    expect(err.get('error_description')).toMatch(/AADSTS65001/);
  });
});

describe('refresh token', () => {
  it('renews, and after revocation answers invalid_grant with suberror bad_token', async () => {
    const p = pkce();
    const code = await codeFor(p.challenge);
    const first = (await form(tokenUrl(), { client_id: sim.app.clientId, grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:53111', code_verifier: p.verifier, scope: 'Presence.Read.All openid offline_access' })).json<Record<string, string>>();
    const renewed = await form(tokenUrl(), { client_id: sim.app.clientId, grant_type: 'refresh_token', refresh_token: first.refresh_token!, scope: 'Presence.Read.All openid offline_access' });
    expect(renewed.status).toBe(200);
    expect(renewed.json<Record<string, string>>().access_token).not.toBe(first.access_token);

    await t.request({ url: `${sim.url}/_sim/faults`, method: 'POST', body: JSON.stringify({ revokeTokens: true }) });
    const revoked = await form(tokenUrl(), { client_id: sim.app.clientId, grant_type: 'refresh_token', refresh_token: first.refresh_token!, scope: 'Presence.Read.All' });
    expect(revoked.status).toBe(400);
    expect(revoked.json<Record<string, unknown>>()).toMatchObject({ error: 'invalid_grant', error_codes: [50173], suberror: 'bad_token' });
    const graph = await t.request({ url: `${sim.url}/v1.0/me/presence`, headers: { authorization: `Bearer ${first.access_token}` } });
    expect(graph.status).toBe(401);
  });
});

describe('device code', () => {
  it('hands out a code, says authorization_pending until approved, then issues tokens once', async () => {
    const dc = await form(`${sim.authority}/oauth2/v2.0/devicecode`, { client_id: sim.app.clientId, scope: 'Presence.Read.All openid profile offline_access' });
    expect(dc.status).toBe(200);
    const d = dc.json<{ user_code: string; device_code: string; verification_uri: string; expires_in: number; interval: number; message: string }>();
    expect(d).toMatchObject({ verification_uri: `${sim.url}/devicelogin`, expires_in: 900, interval: 1 });
    expect(d.message).toContain(d.user_code);
    const poll = () => form(tokenUrl(), { client_id: sim.app.clientId, grant_type: 'device_code', device_code: d.device_code });
    const pending = await poll();
    expect(pending.status).toBe(400);
    expect(pending.json<Record<string, unknown>>()).toMatchObject({ error: 'authorization_pending', error_codes: [70016] });
    const pendingList = (await t.request({ url: `${sim.url}/_sim/devicecode` })).json<{ pending: string[] }>();
    expect(pendingList.pending).toContain(d.user_code);
    const ok = await t.request({ url: `${sim.url}/_sim/devicecode/${d.user_code}/approve`, method: 'POST', body: JSON.stringify({ user: sim.tenant.users[3]!.userPrincipalName }) });
    expect(ok.status).toBe(200);
    const done = await poll();
    expect(done.status).toBe(200);
    expect(jwtParts(done.json<{ id_token: string }>().id_token).payload.oid).toBe(sim.tenant.users[3]!.id);
    expect((await poll()).json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('expires codes', async () => {
    const short = await startGraphSimulator({ users: 1, deviceCodeLifetimeSeconds: 1 });
    const tt = new HttpTransport({ extraCaPem: [short.caPem] });
    try {
      const body = new URLSearchParams({ client_id: short.app.clientId, scope: 'openid' }).toString();
      const d = (await tt.request({ url: `${short.authority}/oauth2/v2.0/devicecode`, method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).json<{ device_code: string; user_code: string }>();
      await new Promise((r) => setTimeout(r, 1100));
      const r = await tt.request({ url: `${short.authority}/oauth2/v2.0/token`, method: 'POST', body: new URLSearchParams({ client_id: short.app.clientId, grant_type: 'device_code', device_code: d.device_code }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(r.json<Record<string, unknown>>()).toMatchObject({ error: 'expired_token', error_codes: [70020] });
      expect((await tt.request({ url: `${short.url}/_sim/devicecode/${d.user_code}/approve`, method: 'POST' })).status).toBe(410);
    } finally {
      tt.close();
      await short.close();
    }
  });
});

describe('faults on the token endpoint', () => {
  it('answers an injected 503 with Retry-After, then recovers', async () => {
    await t.request({ url: `${sim.url}/_sim/faults`, method: 'POST', body: JSON.stringify({ errors: { count: 1, status: 503, retryAfterSeconds: 2, endpoints: ['token'] } }) });
    const fields = { client_id: sim.app.clientId, client_secret: sim.app.clientSecret!, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' };
    const r = await form(tokenUrl(), fields);
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('2');
    expect((await form(tokenUrl(), fields)).status).toBe(200);
  });
});
