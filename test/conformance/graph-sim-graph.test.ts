// The Graph simulator against the wire facts of the reference (§1 presence, §2 throttling, §3 users):
// shapes, limits, validation and error bodies. Raw HTTPS, no Graph client.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport, type HttpResponse } from '../../src/platform/http-transport.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';

let sim: GraphSimulator;
let t: HttpTransport;
let appToken: string;

const TENANT = {
  tenantId: '6a1b2c3d-0000-4000-8000-000000000001',
  apps: [
    { clientId: '6a1b2c3d-0000-4000-8000-0000000000a1', clientSecret: 'full', delegated: ['User.Read', 'Presence.Read.All', 'Presence.ReadWrite'], application: ['User.Read.All', 'Presence.Read.All', 'Presence.ReadWrite.All'] },
    { clientId: '6a1b2c3d-0000-4000-8000-0000000000a2', clientSecret: 'bare', delegated: [], application: [] },
  ],
  users: Array.from({ length: 1000 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    mail: i === 5 ? null : `user${i}@contoso.example`,
    userPrincipalName: `user${i}@contoso.onmicrosoft.example`,
    displayName: `User ${i}`,
    proxyAddresses: [`SMTP:user${i}@contoso.example`, `smtp:alias${i}@contoso.example`],
  })),
};
const uid = (i: number): string => TENANT.users[i]!.id;

beforeAll(async () => {
  sim = await startGraphSimulator({ tenant: TENANT, deviceCodeIntervalSeconds: 1 });
  t = new HttpTransport({ extraCaPem: [sim.caPem] });
  appToken = await clientToken(TENANT.apps[0]!.clientId, 'full');
});
afterAll(async () => {
  t.close();
  await sim.close();
});
beforeEach(async () => {
  await t.request({ url: `${sim.url}/_sim/faults`, method: 'DELETE' });
  await sim.injectFaults({ presenceBudget: { limit: 1500, windowSeconds: 30 } });
});

async function clientToken(clientId: string, secret: string): Promise<string> {
  const r = await t.request({
    url: `${sim.authority}/oauth2/v2.0/token`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: secret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }).toString(),
  });
  return r.json<{ access_token: string }>().access_token;
}

async function userToken(userIndex: number): Promise<string> {
  const form = (fields: Record<string, string>) => t.request({ url: `${sim.authority}/oauth2/v2.0/${fields.grant_type ? 'token' : 'devicecode'}`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const d = (await form({ client_id: TENANT.apps[0]!.clientId, scope: 'Presence.ReadWrite openid offline_access' })).json<{ device_code: string; user_code: string }>();
  sim.approveDeviceCode(d.user_code, TENANT.users[userIndex]!.mail ?? TENANT.users[userIndex]!.userPrincipalName);
  return (await form({ client_id: TENANT.apps[0]!.clientId, grant_type: 'device_code', device_code: d.device_code })).json<{ access_token: string }>().access_token;
}

function graph(method: string, path: string, body?: unknown, token: string | null = appToken): Promise<HttpResponse> {
  const url = path.startsWith('https://') ? path : `${sim.url}/v1.0${path}`;
  return t.request({
    url, method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

type GraphErrorBody = { error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } } };
function expectGraphError(r: HttpResponse, status: number, code: string, message?: RegExp): void {
  expect(r.status).toBe(status);
  const b = r.json<GraphErrorBody>();
  expect(b.error.code).toBe(code);
  if (message) expect(b.error.message).toMatch(message);
  expect(b.error.innerError['request-id']).toBeTruthy();
  expect(b.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
}

describe('authentication and permissions', () => {
  it('401 InvalidAuthenticationToken without a token, with garbage, and with an expired one', async () => {
    expectGraphError(await graph('GET', '/users', undefined, null), 401, 'InvalidAuthenticationToken', /empty/);
    expectGraphError(await graph('GET', '/users', undefined, 'abc.def.ghi'), 401, 'InvalidAuthenticationToken');
    const short = await startGraphSimulator({ users: 1, accessTokenLifetimeSeconds: 1 });
    const tt = new HttpTransport({ extraCaPem: [short.caPem] });
    try {
      const tok = (await tt.request({
        url: `${short.authority}/oauth2/v2.0/token`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: short.app.clientId, client_secret: short.app.clientSecret!, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }).toString(),
      })).json<{ access_token: string }>().access_token;
      expect((await tt.request({ url: `${short.url}/v1.0/users`, headers: { authorization: `Bearer ${tok}` } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const r = await tt.request({ url: `${short.url}/v1.0/users`, headers: { authorization: `Bearer ${tok}` } });
      expectGraphError(r, 401, 'InvalidAuthenticationToken', /expired/);
    } finally {
      tt.close();
      await short.close();
    }
  });

  it('403 with Graph\'s error shape when the app lacks the permission', async () => {
    const bare = await clientToken(TENANT.apps[1]!.clientId, 'bare');
    expectGraphError(await graph('GET', '/users', undefined, bare), 403, 'Authorization_RequestDenied', /User\.Read\.All/);
    expectGraphError(await graph('POST', '/communications/getPresencesByUserId', { ids: [uid(0)] }, bare), 403, 'Forbidden', /Presence\.Read\.All/);
    expectGraphError(await graph('POST', `/users/${uid(0)}/presence/setPresence`, { sessionId: TENANT.apps[1]!.clientId, availability: 'Busy', activity: 'InACall' }, bare), 403, 'Forbidden', /Presence\.ReadWrite\.All/);
  });

  it('/me only with a delegated token', async () => {
    expectGraphError(await graph('GET', '/me/presence'), 400, 'BadRequest', /delegated/);
    const tok = await userToken(3);
    const r = await graph('GET', '/me/presence', undefined, tok);
    expect(r.status).toBe(200);
    expect(r.json<{ id: string }>().id).toBe(uid(3));
  });
});

describe('users', () => {
  it('returns the default properties without $select (no proxyAddresses) and exactly the selected ones with it', async () => {
    const plain = (await graph('GET', '/users?$top=1')).json<{ value: Array<Record<string, unknown>> }>().value[0]!;
    expect(Object.keys(plain).sort()).toEqual(['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName']);
    const sel = (await graph('GET', '/users?$select=id,mail,userPrincipalName,proxyAddresses,displayName&$top=1')).json<{ '@odata.context': string; value: Array<Record<string, unknown>> }>();
    expect(Object.keys(sel.value[0]!).sort()).toEqual(['displayName', 'id', 'mail', 'proxyAddresses', 'userPrincipalName']);
    expect(sel['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName,proxyAddresses,displayName)');
    expectGraphError(await graph('GET', '/users?$select=id,shoeSize'), 400, 'Request_BadRequest', /shoeSize/);
  });

  it('accepts $top 1..999 only, with Graph\'s message', async () => {
    for (const bad of ['0', '1000', 'ten', '-1']) {
      expectGraphError(await graph('GET', `/users?$top=${bad}`), 400, 'Request_BadRequest', /Must be between 1 and 999 inclusive/);
    }
    expect((await graph('GET', '/users?$top=999')).json<{ value: unknown[] }>().value).toHaveLength(999);
  });

  it('pages with 100 by default and an absolute @odata.nextLink carrying a $skiptoken, until none', async () => {
    let next: string | undefined = '/users?$select=id';
    const ids: string[] = [];
    let pages = 0;
    while (next) {
      const r = await graph('GET', next);
      expect(r.status).toBe(200);
      const body = r.json<{ value: Array<{ id: string }>; '@odata.nextLink'?: string }>();
      ids.push(...body.value.map((u) => u.id));
      next = body['@odata.nextLink'];
      if (next) {
        expect(next.startsWith(`${sim.url}/v1.0/users?`)).toBe(true);
        expect(next).toContain('$skiptoken=');
        expect(next).toContain('$select=id');
      }
      pages++;
    }
    expect(pages).toBe(10);
    expect(new Set(ids).size).toBe(1000);
  });

  it('rejects tampered skip tokens and unsupported query options', async () => {
    const first = (await graph('GET', '/users?$top=10')).json<{ '@odata.nextLink': string }>();
    const tampered = first['@odata.nextLink'].replace('$top=10', '$top=11');
    expectGraphError(await graph('GET', tampered), 400, 'Directory_InvalidSkipToken');
    expectGraphError(await graph('GET', "/users?$filter=mail eq 'user1@contoso.example'"), 400, 'Request_BadRequest', /\$filter/);
  });

  it('finds a user by id or UPN', async () => {
    expect((await graph('GET', `/users/${uid(7)}`)).json<{ mail: string }>().mail).toBe('user7@contoso.example');
    expect((await graph('GET', '/users/user7@contoso.onmicrosoft.example')).json<{ id: string }>().id).toBe(uid(7));
    expectGraphError(await graph('GET', '/users/nobody@nowhere'), 404, 'Request_ResourceNotFound');
  });
});

describe('presence reads', () => {
  it('getPresencesByUserId: {value:[presence…]} in request order; 650 ids fine, 651 is 400', async () => {
    const ids = TENANT.users.slice(0, 650).map((u) => u.id);
    const r = await graph('POST', '/communications/getPresencesByUserId', { ids });
    expect(r.status).toBe(200);
    const value = r.json<{ value: Array<Record<string, unknown>> }>().value;
    expect(value.map((p) => p.id)).toEqual(ids);
    expect(value[0]).toEqual({
      id: ids[0], availability: 'Offline', activity: 'Offline', statusMessage: null,
      outOfOfficeSettings: { message: null, isOutOfOffice: false }, sequenceNumber: expect.stringMatching(/^\d{20}$/),
    });
    expectGraphError(await graph('POST', '/communications/getPresencesByUserId', { ids: TENANT.users.slice(0, 651).map((u) => u.id) }), 400, 'BadRequest', /650/);
    expectGraphError(await graph('POST', '/communications/getPresencesByUserId', { ids: [] }), 400, 'BadRequest');
    expectGraphError(await graph('POST', '/communications/getPresencesByUserId', { user: 'x' }), 400, 'BadRequest');
    expectGraphError(await graph('POST', '/communications/getPresencesByUserId', '{not json'), 400, 'BadRequest', /JSON/);
  });

  it('single-user reads by object id; unknown ids are PresenceUnknown in the batch and 404 alone', async () => {
    sim.setUserPresence(uid(9), { availability: 'Away', activity: 'Away', outOfOffice: true });
    for (const path of [`/users/${uid(9)}/presence`, `/communications/presences/${uid(9)}`]) {
      const p = (await graph('GET', path)).json<Record<string, unknown>>();
      expect(p).toMatchObject({ id: uid(9), availability: 'Away', activity: 'OutOfOffice', outOfOfficeSettings: { isOutOfOffice: true } });
    }
    const unknown = '99999999-0000-4000-8000-000000000000';
    expect((await graph('POST', '/communications/getPresencesByUserId', { ids: [unknown] })).json<{ value: Array<Record<string, unknown>> }>().value[0])
      .toMatchObject({ id: unknown, availability: 'PresenceUnknown', activity: 'PresenceUnknown' });
    expectGraphError(await graph('GET', `/users/${unknown}/presence`), 404, 'NotFound');
  });
});

describe('setPresence, clearPresence and the preferred presence', () => {
  const clientId = TENANT.apps[0]!.clientId;

  it('validates sessionId, the availability/activity pair and PT5M..PT4H', async () => {
    const set = (body: Record<string, unknown>) => graph('POST', `/users/${uid(20)}/presence/setPresence`, body);
    expectGraphError(await set({ sessionId: '00000000-0000-0000-0000-000000000000', availability: 'Busy', activity: 'InACall' }), 400, 'BadRequest', /client\) id/);
    expectGraphError(await set({ availability: 'Busy', activity: 'InACall' }), 400, 'BadRequest', /sessionId/);
    expectGraphError(await set({ sessionId: clientId, availability: 'Busy', activity: 'InAMeeting' }), 400, 'BadRequest', /Busy\/InACall/);
    expectGraphError(await set({ sessionId: clientId, availability: 'OutOfOffice', activity: 'OutOfOffice' }), 400, 'BadRequest');
    expectGraphError(await set({ sessionId: clientId, availability: 'Busy', activity: 'InACall', expirationDuration: 'PT4M' }), 400, 'BadRequest', /PT5M and PT4H/);
    expectGraphError(await set({ sessionId: clientId, availability: 'Busy', activity: 'InACall', expirationDuration: 'PT4H1M' }), 400, 'BadRequest', /PT5M and PT4H/);
    expectGraphError(await set({ sessionId: clientId, availability: 'Busy', activity: 'InACall', expirationDuration: 'soon' }), 400, 'BadRequest', /ISO 8601/);
    const ok = await set({ sessionId: clientId, availability: 'busy', activity: 'inAConferenceCall', expirationDuration: 'PT4H' });
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBe(0);
    const s = sim.presenceOf(uid(20)).sessions[0]!;
    expect(s).toMatchObject({ sessionId: clientId, availability: 'Busy', activity: 'InAConferenceCall' });
    expect(Date.parse(s.expiresAt) - Date.parse(s.setAt)).toBe(4 * 3600_000);
    // Default expiration is 5 minutes.
    await set({ sessionId: clientId, availability: 'Available', activity: 'Available' });
    const d = sim.presenceOf(uid(20)).sessions[0]!;
    expect(Date.parse(d.expiresAt) - Date.parse(d.setAt)).toBe(5 * 60_000);
  });

  it('aggregates the app session with the user\'s own state; clearPresence answers 404 when there is none', async () => {
    sim.setUserPresence(`USER21@contoso.example`, { availability: 'Available', activity: 'Available' });
    const read = async () => (await graph('GET', `/users/${uid(21)}/presence`)).json<{ availability: string; activity: string }>();
    await graph('POST', `/users/${uid(21)}/presence/setPresence`, { sessionId: clientId, availability: 'Busy', activity: 'InACall' });
    expect(await read()).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    const clear = () => graph('POST', `/users/${uid(21)}/presence/clearPresence`, { sessionId: clientId });
    expect((await clear()).status).toBe(200);
    expect(await read()).toMatchObject({ availability: 'Available', activity: 'Available' });
    expectGraphError(await clear(), 404, 'NotFound');
  });

  it('the user-preferred presence overrides sessions until cleared', async () => {
    sim.setUserPresence(uid(22), { availability: 'Available' });
    await graph('POST', `/users/${uid(22)}/presence/setPresence`, { sessionId: clientId, availability: 'Busy', activity: 'InACall' });
    expect((await graph('POST', `/users/${uid(22)}/presence/setUserPreferredPresence`, { availability: 'DoNotDisturb', activity: 'DoNotDisturb' })).status).toBe(200);
    expect(sim.presenceOf(uid(22)).presence).toMatchObject({ availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    expect(Date.parse(sim.presenceOf(uid(22)).preferred!.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expectGraphError(await graph('POST', `/users/${uid(22)}/presence/setUserPreferredPresence`, { availability: 'Busy', activity: 'InACall' }), 400, 'BadRequest');
    expect((await graph('POST', `/users/${uid(22)}/presence/clearUserPreferredPresence`, {})).status).toBe(200);
    expect(sim.presenceOf(uid(22)).presence).toMatchObject({ availability: 'Busy', activity: 'InACall' });
  });

  it('a delegated token may only set the signed-in user\'s own presence', async () => {
    const tok = await userToken(30);
    expect((await graph('POST', '/me/presence/setPresence', { sessionId: clientId, availability: 'Away', activity: 'Away' }, tok)).status).toBe(200);
    expectGraphError(await graph('POST', `/users/${uid(31)}/presence/setPresence`, { sessionId: clientId, availability: 'Away', activity: 'Away' }, tok), 403, 'Forbidden', /another user/);
  });
});

describe('throttling and faults', () => {
  it('answers 429 TooManyRequests with Retry-After once the presence budget is used up', async () => {
    await sim.injectFaults({ presenceBudget: { limit: 3, windowSeconds: 2 } });
    sim.resetStats();
    const read = () => graph('POST', '/communications/getPresencesByUserId', { ids: [uid(0)] });
    for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
    const limited = await read();
    expectGraphError(limited, 429, 'TooManyRequests');
    const wait = Number(limited.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(2);
    // A client that does not wait is noticed (and its request counts against the budget, as on Graph).
    await new Promise((r) => setTimeout(r, 50));
    expect((await read()).status).toBe(429);
    expect(sim.stats().throttle.earlyRetries).toBe(1);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await read()).status).toBe(200);
    expect(sim.stats().throttle.responses429).toBe(2);
  });

  it('injects 429 bursts, 5xx and latency on request, and validates the fault spec', async () => {
    const post = (body: unknown) => t.request({ url: `${sim.url}/_sim/faults`, method: 'POST', body: JSON.stringify(body) });
    expect((await post({ throttle: { count: 2, retryAfterSeconds: 3, endpoints: ['users'] }, errors: { count: 1, status: 502 } })).status).toBe(200);
    const a = await graph('GET', '/users?$top=1');
    expectGraphError(a, 429, 'TooManyRequests');
    expect(a.headers['retry-after']).toBe('3');
    expect((await graph('GET', '/users?$top=1')).status).toBe(429);
    expect((await graph('POST', '/communications/getPresencesByUserId', { ids: [uid(0)] })).status).toBe(502);
    expect((await graph('GET', '/users?$top=1')).status).toBe(200);

    await post({ latencyMs: 150 });
    const t0 = Date.now();
    await graph('GET', '/users?$top=1');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    const bad = await post({ throttle: { count: 0 } });
    expectGraphError(bad, 400, 'BadRequest', /throttle\.count/);
    expectGraphError(await post({ chaos: true }), 400, 'BadRequest');
    expectGraphError(await post({ throttle: { count: 1, endpoints: ['nope'] } }), 400, 'BadRequest', /unknown endpoint/);
    const current = (await t.request({ url: `${sim.url}/_sim/faults` })).json<{ latencyMs: number; presenceBudget: { limit: number } }>();
    expect(current.latencyMs).toBe(150);
    expect(current.presenceBudget.limit).toBe(1500);
  });
});

describe('control API and robustness', () => {
  it('PUT/GET /_sim/presence by id, mail, UPN or proxy address', async () => {
    const put = (who: string, body: unknown) => t.request({ url: `${sim.url}/_sim/presence/${encodeURIComponent(who)}`, method: 'PUT', body: JSON.stringify(body) });
    const r = await put('ALIAS40@contoso.example', { availability: 'Busy', activity: 'InAMeeting', outOfOffice: false });
    expect(r.status).toBe(200);
    expect(r.json<Record<string, unknown>>()).toMatchObject({ id: uid(40), own: { availability: 'Busy', activity: 'InAMeeting' }, sessions: [], presence: { availability: 'Busy', activity: 'InAMeeting', outOfOffice: false } });
    expect((await put('user5@contoso.onmicrosoft.example', { availability: 'Available' })).json<{ id: string }>().id).toBe(uid(5));
    const view = (await t.request({ url: `${sim.url}/_sim/presence/${uid(40)}` })).json<{ presence: { availability: string } }>();
    expect(view.presence.availability).toBe('Busy');
    expectGraphError(await put('nobody@contoso.example', { availability: 'Busy' }), 404, 'NotFound');
    expectGraphError(await put(uid(40), { activity: 'Busy' }), 400, 'BadRequest');
    expectGraphError(await put(uid(40), { availability: 'Busy', mood: 'great' }), 400, 'BadRequest');
  });

  it('counts requests per endpoint and resets', async () => {
    sim.resetStats();
    await graph('GET', '/users?$top=1');
    await graph('POST', '/communications/getPresencesByUserId', { ids: [uid(1)] });
    await graph('GET', '/users', undefined, null);
    const s = (await t.request({ url: `${sim.url}/_sim/stats` })).json<{ total: number; endpoints: Record<string, { count: number; statuses: Record<string, number> }> }>();
    expect(s.endpoints.users).toMatchObject({ count: 2, statuses: { 200: 1, 401: 1 } });
    expect(s.endpoints.getPresencesByUserId!.count).toBe(1);
    expect(s.total).toBe(3);
    expect((await t.request({ url: `${sim.url}/_sim/stats`, method: 'DELETE' })).json<{ total: number }>().total).toBe(0);
  });

  it('answers bad input with clear errors and keeps serving', async () => {
    const huge = JSON.stringify({ ids: Array.from({ length: 60_000 }, (_, i) => `id-${i}-padding-padding`) });
    expect(huge.length).toBeGreaterThan(1_048_576);
    expectGraphError(await graph('POST', '/communications/getPresencesByUserId', huge), 413, 'RequestEntityTooLarge');
    expectGraphError(await graph('GET', '/nothing/here'), 400, 'BadRequest', /Resource not found/);
    expect((await t.request({ url: `${sim.url}/nowhere` })).status).toBe(404);
    expect((await t.request({ url: `${sim.url}/_sim/unknown` })).status).toBe(404);
    expect((await graph('GET', '/users?$top=1')).status).toBe(200);
  });

  it('describes the tenant for tools', async () => {
    const info = (await t.request({ url: `${sim.url}/_sim/tenant` })).json<{ tenantId: string; authority: string; graphBaseUrl: string; users: unknown[] }>();
    expect(info).toMatchObject({ tenantId: TENANT.tenantId, authority: sim.authority, graphBaseUrl: sim.url });
    expect(info.users).toHaveLength(1000);
  });
});
