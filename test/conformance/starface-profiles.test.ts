// Each `--profile` of the STARFACE simulator against what the reference documents for that real-world variant
// (§3.3, §3.4, §3.8, §9 and the addendum "what public clients show"). Literal requests, answers read as text;
// no code of the bridge's client.
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StarfaceSimBehaviour } from '../../src/simulators/starface/options.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { callbackTarget, OK_TRUE, REFERENCE_USERS, structNames } from './starface-conformance.js';

const H2 = '81d8af78c98b153485f7d48e3437eb735ba37f0f013c5e06ba74536776c5945694e7cde71e2effbed7b5a1d1a4566fadcd847ef4098c234052fdfd288e8b6ced';
const TOKEN = `123:${H2}`;
/** Base64("123*Pass123"): the Active Directory user's UCI token (addendum, iahcti). */
const AD_TOKEN = Buffer.from('123*Pass123', 'utf8').toString('base64');
const call = (method: string, params = '') => `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
const boolParam = (b: boolean) => `<param><value><boolean>${b ? 1 : 0}</boolean></value></param>`;
const stringParam = (s: string) => `<param><value><string>${s}</string></value></param>`;
const faultString = (xml: string) => /<name>faultString<\/name><value><string>([^<]*)</.exec(xml)?.[1];

let sim: StarfaceSimulator;

async function uci(query: string, body: string) {
  const res = await fetch(`${sim.url}/xml-rpc?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' }, redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
const auth = (token = TOKEN) => `de.vertico.starface.auth=${encodeURIComponent(token)}`;

const callbackQuery = (port: number) => `&de.vertico.starface.callback.type=http&de.vertico.starface.callback.host=127.0.0.1&de.vertico.starface.callback.port=${port}&de.vertico.starface.callback.path=%2Fevents`;

async function ringAndHangUp(login: string): Promise<void> {
  const { id } = (await (await fetch(`${sim.url}/_sim/calls`, { method: 'POST', body: JSON.stringify({ to: login, from: '+4972112345' }) })).json()) as { id: string };
  await fetch(`${sim.url}/_sim/calls/${id}/hangup`, { method: 'POST' });
  await sim.callbacksIdle();
}

async function useProfiles(profiles: string | string[]): Promise<Response> {
  return fetch(`${sim.url}/_sim/profiles`, { method: 'POST', body: JSON.stringify({ profiles }) });
}

beforeAll(async () => {
  sim = await startStarfaceSimulator({ users: REFERENCE_USERS });
});
afterAll(() => sim.close());
afterEach(async () => {
  await uci(auth(), call('ucp.v30.requests.connection.logout'));
  await useProfiles([]);
});

describe('profile list (/_sim/profiles)', () => {
  it('lists every profile with what it models and switches them at run time; refuses unknown names and conflicts', async () => {
    const list = (await (await fetch(`${sim.url}/_sim/profiles`)).json()) as { active: string[]; available: { name: string; models: string }[] };
    expect(list.active).toEqual([]);
    expect(list.available.map((p) => p.name)).toEqual([
      'v22-userstate-only', 'no-userstate', 'dnd-unreadable', 'html-500-on-unknown-method', 'callback-auth-param', 'ad-users', 'oauth-jwt',
    ]);
    expect(list.available.every((p) => p.models.length > 20)).toBe(true);
    const on = await useProfiles('ad-users, callback-auth-param');
    expect(on.status).toBe(200);
    expect(((await on.json()) as { active: string[] }).active).toEqual(['ad-users', 'callback-auth-param']);
    expect(sim.profiles).toEqual(['ad-users', 'callback-auth-param']);
    const unknown = await useProfiles(['v23-userstate']);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/Unknown STARFACE profile "v23-userstate". Known profiles: v22-userstate-only/);
    const conflict = await useProfiles(['v22-userstate-only', 'no-userstate']);
    expect(conflict.status).toBe(400);
    expect(((await conflict.json()) as { error: string }).error).toMatch(/cannot be combined: both set userStateApis/);
    expect(sim.profiles).toEqual(['ad-users', 'callback-auth-param']);
  });
});

describe('v22-userstate-only', () => {
  it('answers userState only as ucp.v22.requests.userState.*, and getProvidedRequests says so per generation', async () => {
    await useProfiles('v22-userstate-only');
    expect((await uci(auth(), call('ucp.v30.requests.connection.login'))).text).toContain(OK_TRUE);
    expect(faultString((await uci(auth(), call('ucp.v30.requests.userState.getUserState'))).text)).toBe('No such handler: ucp.v30.requests.userState.getUserState');
    expect(faultString((await uci(auth(), call('ucp.v30.requests.userState.setDoNotDisturbSetting', boolParam(true)))).text)).toMatch(/^No such handler/);
    const v22 = await uci(auth(), call('ucp.v22.requests.userState.getUserState'));
    expect(structNames(v22.text)).toContain('telephonyState');
    expect((await uci(auth(), call('ucp.v22.requests.userState.setDoNotDisturbSetting', boolParam(true)))).text).toContain(OK_TRUE);
    expect(sim.pbx.user('123')!.dnd).toBe(true);
    const v30Requests = (await uci(auth(), call('ucp.v30.requests.service.getProvidedRequests'))).text;
    expect(v30Requests).not.toContain('userState');
    expect(v30Requests).toContain('<string>ucp.v30.requests.connection</string>');
    expect((await uci(auth(), call('ucp.v22.requests.service.getProvidedRequests'))).text).toContain('<string>ucp.v22.requests.userState</string>');
    sim.pbx.user('123')!.dnd = false;
  });
});

describe('no-userstate', () => {
  it('has no userState service in any generation, but logs in, lists the rest and still delivers call events', async () => {
    await useProfiles('no-userstate');
    const target = await callbackTarget();
    try {
      const q = auth() + callbackQuery(target.port);
      expect((await uci(q, call('ucp.v30.requests.connection.login'))).text).toContain(OK_TRUE);
      for (const api of ['v30', 'v22']) {
        expect(faultString((await uci(q, call(`ucp.${api}.requests.userState.getUserState`))).text)).toMatch(/^No such handler/);
        expect(faultString((await uci(q, call(`ucp.${api}.requests.userState.setChatPresenceMessage`, stringParam('x')))).text)).toMatch(/^No such handler/);
        expect((await uci(q, call(`ucp.${api}.requests.service.getProvidedRequests`))).text).not.toContain('userState');
      }
      expect((await uci(q, call('ucp.v30.requests.service.subscribeEvents', stringParam('ucp.v30.events.call')))).text).toContain(OK_TRUE);
      await ringAndHangUp('123');
      expect(target.received.map((r) => /<name>state<\/name><value><string>(\w+)/.exec(r.body)?.[1])).toEqual(['INCOMING', 'RINGING', 'HANGUP']);
    } finally {
      await target.close();
    }
  });
});

describe('dnd-unreadable', () => {
  it('getUserState carries exactly avatarHash, chatPresence, telephonyState, chatPresenceMessage, redirectAlwaysActive', async () => {
    await useProfiles('dnd-unreadable');
    await uci(auth(), call('ucp.v30.requests.connection.login'));
    sim.pbx.user('123')!.dnd = true;
    const r = await uci(auth(), call('ucp.v30.requests.userState.getUserState'));
    expect(structNames(r.text).sort()).toEqual(['avatarHash', 'chatPresence', 'chatPresenceMessage', 'redirectAlwaysActive', 'telephonyState']);
    // Writing DND still works: DND is write-only over UCI.
    expect((await uci(auth(), call('ucp.v30.requests.userState.setDoNotDisturbSetting', boolParam(false)))).text).toContain(OK_TRUE);
    expect(sim.pbx.user('123')!.dnd).toBe(false);
  });
});

describe('html-500-on-unknown-method', () => {
  it('answers an unknown method with HTTP 500 and Tomcat\'s HTML error page; known methods stay XML-RPC', async () => {
    await useProfiles('html-500-on-unknown-method');
    await uci(auth(), call('ucp.v30.requests.connection.login'));
    const r = await uci(auth(), call('ucp.v30.requests.userState.setChatPresence', stringParam('AWAY')));
    expect(r.status).toBe(500);
    expect(r.type).toMatch(/^text\/html/);
    expect(r.text).toMatch(/^<!doctype html>/);
    expect(r.text).toContain('<h1>HTTP Status 500 – Internal Server Error</h1>');
    expect(r.text).toContain('No such handler: ucp.v30.requests.userState.setChatPresence');
    expect(r.text).not.toContain('<methodResponse>');
    expect((await uci(auth(), call('ucp.v30.requests.connection.keepAlive'))).text).toContain(OK_TRUE);
  });
});

describe('callbacks over HTTPS (callback.type=https, §11.6 [U]: which certificate a PBX trusts is unknown)', () => {
  const httpsQuery = (port: number) => callbackQuery(port).replace('callback.type=http', 'callback.type=https');
  let cert: { key: string; cert: string; fingerprint: string };
  beforeAll(async () => {
    // Self-signed, as the bridge makes one for its callback server.
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keyType: 'ec', algorithm: 'sha256' });
    cert = { key: pems.private, cert: pems.cert, fingerprint: new X509Certificate(pems.cert).fingerprint256 };
  });

  async function deliveredWith(behaviour: Partial<StarfaceSimBehaviour>): Promise<string[]> {
    sim.setBehaviour({ callbackRetries: 0, ...behaviour });
    const target = await callbackTarget(cert);
    try {
      const q = auth() + httpsQuery(target.port);
      await uci(q, call('ucp.v30.requests.connection.login'));
      await uci(q, call('ucp.v30.requests.service.subscribeEvents', stringParam('ucp.v30.events.call')));
      await ringAndHangUp('123');
      return target.received.map((r) => new URL(r.url, 'https://x').pathname);
    } finally {
      await target.close();
    }
  }

  it('by default delivers to a self-signed certificate without checking it (as public clients expect of the PBX)', async () => {
    expect(await deliveredWith({})).toEqual(['/events', '/events', '/events']);
  });

  it('callbackTrustedFingerprints: delivers only to the certificate with a listed SHA-256 fingerprint (as when the PBX admin entered it)', async () => {
    const plain = cert.fingerprint.replaceAll(':', '').toLowerCase();
    expect(await deliveredWith({ callbackTrustedFingerprints: [plain] })).toHaveLength(3);
    const dropped = sim.pbx.stats();
    const other = '00'.repeat(32);
    expect(await deliveredWith({ callbackTrustedFingerprints: [other] })).toEqual([]);
    expect(sim.pbx.stats()['callback ucp.v30.events.call.receiveCallState']).toBe(dropped['callback ucp.v30.events.call.receiveCallState']);
  });

  it('callbackVerifyTls without a trusted fingerprint refuses a self-signed certificate', async () => {
    expect(await deliveredWith({ callbackVerifyTls: true })).toEqual([]);
  });
});

describe('callback-auth-param', () => {
  it('appends de.vertico.starface.user and de.vertico.starface.auth=<the user\'s UCI token> to the callback URL', async () => {
    const target = await callbackTarget();
    try {
      const q = auth() + callbackQuery(target.port);
      await uci(q, call('ucp.v30.requests.connection.login'));
      await uci(q, call('ucp.v30.requests.service.subscribeEvents', stringParam('ucp.v30.events.call')));
      await ringAndHangUp('123');
      expect(target.received[0]!.url).toBe('/events?de.vertico.starface.user=123'); // without the profile: the user only
      target.received.length = 0;
      await useProfiles('callback-auth-param');
      await uci(q, call('ucp.v30.requests.connection.login'));
      await ringAndHangUp('123');
      expect(target.received).toHaveLength(3);
      const u = new URL(target.received[0]!.url, 'http://x');
      expect(u.pathname).toBe('/events');
      expect([...u.searchParams.keys()]).toEqual(['de.vertico.starface.user', 'de.vertico.starface.auth']);
      expect(u.searchParams.get('de.vertico.starface.user')).toBe('123');
      expect(u.searchParams.get('de.vertico.starface.auth')).toBe(TOKEN);
    } finally {
      await target.close();
    }
  });

  it('with ad-users the auth value is the Active Directory token the user logged in with', async () => {
    await useProfiles('ad-users,callback-auth-param');
    const target = await callbackTarget();
    try {
      const q = auth(AD_TOKEN) + callbackQuery(target.port);
      expect((await uci(q, call('ucp.v30.requests.connection.login'))).text).toContain(OK_TRUE);
      await uci(q, call('ucp.v30.requests.service.subscribeEvents', stringParam('ucp.v30.events.call')));
      await ringAndHangUp('123');
      expect(new URL(target.received[0]!.url, 'http://x').searchParams.get('de.vertico.starface.auth')).toBe(AD_TOKEN);
    } finally {
      await target.close();
      await uci(auth(AD_TOKEN), call('ucp.v30.requests.connection.logout'));
    }
  });
});

describe('ad-users', () => {
  it('accepts the UCI token Base64(login*password) and refuses the SHA-512 token', async () => {
    await useProfiles('ad-users');
    expect(AD_TOKEN).toBe('MTIzKlBhc3MxMjM=');
    expect((await uci(auth(AD_TOKEN), call('ucp.v30.requests.connection.login'))).text).toContain(OK_TRUE);
    expect((await uci(auth(TOKEN), call('ucp.v30.requests.connection.login'))).status).toBe(401);
    expect((await uci(auth(Buffer.from('123*Pass124').toString('base64')), call('ucp.v30.requests.connection.login'))).status).toBe(401);
    await uci(auth(AD_TOKEN), call('ucp.v30.requests.connection.logout'));
  });

  it('announces loginType ActiveDirectory on REST and checks the secret Base64(login + nonce + password) (§4.2)', async () => {
    await useProfiles('ad-users');
    const tpl = (await (await fetch(`${sim.url}/rest/login`)).json()) as { loginType: string; nonce: string };
    expect(tpl.loginType).toBe('ActiveDirectory');
    const post = (secret: string, nonce: string) => fetch(`${sim.url}/rest/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-version': '2' }, body: JSON.stringify({ loginType: 'ActiveDirectory', nonce, secret }),
    });
    expect((await post(Buffer.from(`0001${tpl.nonce}wrong`).toString('base64'), tpl.nonce)).status).toBe(400);
    const { nonce } = (await (await fetch(`${sim.url}/rest/login`)).json()) as { nonce: string };
    const ok = await post(Buffer.from(`0001${nonce}admin-pw`).toString('base64'), nonce);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { token: string }).token.length).toBeGreaterThan(16);
  });
});

describe('oauth-jwt (STARFACE 10 with an external identity provider)', () => {
  const TOKEN_PATH = '/auth/realms/pbx/oauth2/token';
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => fetch(`${sim.url}${TOKEN_PATH}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString(),
  });
  const passwordGrant = (username = '123', password = 'Pass123') => form({ grant_type: 'password', client_id: 'rest-client-headless', username, password, scope: 'login' });
  const jwtQuery = (jwt: string) => `de.vertico.starface.jwt=${encodeURIComponent(jwt)}`;

  it('refuses legacy UCI tokens; the password grant gives a 300 s RS256 JWT (kid key-1) signed by the published key', async () => {
    await useProfiles('oauth-jwt');
    expect((await uci(auth(), call('ucp.v30.requests.connection.login'))).status).toBe(401);
    const res = await passwordGrant();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 300, refresh_expires_in: 21600, token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
    const [h, p, s] = (body.access_token as string).split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'key-1' });
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toMatchObject({ preferred_username: '123', azp: 'rest-client-headless' });
    const discovery = (await (await fetch(`${sim.url}/.well-known/openid-configuration`)).json()) as { token_endpoint: string; jwks_uri: string };
    expect(discovery.token_endpoint).toBe(`${sim.url}${TOKEN_PATH}`);
    const { keys } = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string; n: string; e: string; kty: string }[] };
    const key = createPublicKey({ key: { kty: 'RSA', n: keys[0]!.n, e: keys[0]!.e }, format: 'jwk' });
    expect(keys[0]!.kid).toBe('key-1');
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))).toBe(true);
  });

  it('accepts the access token in de.vertico.starface.jwt (UCI) and as REST Bearer; refuses a tampered or expired one', async () => {
    await useProfiles('oauth-jwt');
    const { access_token: jwt } = (await (await passwordGrant()).json()) as { access_token: string };
    expect((await uci(jwtQuery(jwt), call('ucp.v30.requests.connection.login'))).text).toContain(OK_TRUE);
    expect((await uci(jwtQuery(jwt), call('ucp.v30.requests.userState.setChatPresenceMessage', stringParam('via JWT')))).text).toContain(OK_TRUE);
    expect(sim.pbx.user('123')!.chatPresenceMessage).toBe('via JWT');
    const me = await fetch(`${sim.url}/rest/users/me`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(((await me.json()) as { login: string }).login).toBe('123');
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), preferred_username: '0001' })).toString('base64url');
    expect((await uci(jwtQuery(`${h}.${forged}.${s}`), call('ucp.v30.requests.connection.keepAlive'))).status).toBe(401);
    const expired = await fetch(`${sim.url}/_sim/oauth-tokens/expire`, { method: 'POST' });
    expect(((await expired.json()) as { expiredRefreshTokens: number }).expiredRefreshTokens).toBeGreaterThanOrEqual(1);
    expect((await uci(jwtQuery(jwt), call('ucp.v30.requests.connection.keepAlive'))).status).toBe(401);
    expect((await fetch(`${sim.url}/rest/users/me`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(401);
    sim.pbx.user('123')!.chatPresenceMessage = '';
  });

  it('refresh_token grant gives a new token and rotates the refresh token; client credentials in the form or as HTTP Basic', async () => {
    await useProfiles('oauth-jwt');
    const first = (await (await passwordGrant()).json()) as { refresh_token: string };
    const basic = `Basic ${Buffer.from('rest-client-headless:').toString('base64')}`;
    const refreshed = await form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, { authorization: basic });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect((await uci(jwtQuery(second.access_token), call('ucp.v30.requests.connection.login'))).text).toContain(OK_TRUE);
    const reused = await form({ grant_type: 'refresh_token', client_id: 'rest-client-headless', refresh_token: first.refresh_token });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    await uci(jwtQuery(second.access_token), call('ucp.v30.requests.connection.logout'));
  });

  it('answers OAuth errors: wrong password, wrong client, missing OAuth right, wrong content type, unknown grant', async () => {
    await useProfiles('oauth-jwt');
    const wrong = await passwordGrant('123', 'nope');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' });
    const client = await form({ grant_type: 'password', client_id: 'rest-client', username: '123', password: 'Pass123' });
    expect(client.status).toBe(401);
    expect(await client.json()).toMatchObject({ error: 'invalid_client' });
    sim.setBehaviour({ oauthClientSecret: 's3cret' });
    expect((await passwordGrant()).status).toBe(401);
    expect((await form({ grant_type: 'password', client_id: 'rest-client-headless', client_secret: 's3cret', username: '123', password: 'Pass123' })).status).toBe(200);
    const json = await fetch(`${sim.url}${TOKEN_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
    expect((await form({ grant_type: 'client_credentials', client_id: 'rest-client-headless', client_secret: 's3cret' })).status).toBe(400);
    const noRight = await startStarfaceSimulator({ users: [{ login: '7', password: 'pw7', oauth: false }], profiles: 'oauth-jwt' });
    try {
      const r = await fetch(`${noRight.url}${TOKEN_PATH}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&client_id=rest-client-headless&username=7&password=pw7',
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error_description: string }).error_description).toMatch(/API Zugriff mit OAuth Password Grant/);
    } finally {
      await noRight.close();
    }
  });

  it('without the profile there is no token endpoint (a PBX before STARFACE 10)', async () => {
    expect((await passwordGrant()).status).toBe(404);
  });
});
