// The STARFACE simulator against the literal facts of ../shared/reference/starface-uci-and-rest.md, with no
// code of the bridge's client: requests are literal XML written from §3.5/§9, answers are checked as text,
// credentials come from the reference's test vectors (§3.3, §4.2) or are computed here from its formulas.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOUR } from '../../src/simulators/starface/options.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { callbackTarget, OK_TRUE, REFERENCE_USERS, structNames } from './starface-conformance.js';
import { md5Hex, restAdSecret, restSecretFromHash, sha512Hex, uciAdToken, uciTokenFromHash } from '../../src/simulators/starface/wire.js';

// §3.3 test vectors (L=123, P=Pass123).
const H1 = 'd01feaafb5359e1fa2c020a76ebb526fc75786b0b837e0c9a4dcabd58ad734efa469513cf66a272d5ef4b1b9646b4b39f50807afc8f8663e1c6bb23552b04cd6';
const H2 = '81d8af78c98b153485f7d48e3437eb735ba37f0f013c5e06ba74536776c5945694e7cde71e2effbed7b5a1d1a4566fadcd847ef4098c234052fdfd288e8b6ced';
const TOKEN = `123:${H2}`;
const MD5_TOKEN = '97612dc8a4bd8d3aed8419e3b5fea185';
// §4.2 test vector with the KB nonce.
const KB_NONCE = 'pds24hmip1ctbogn1l8ujvs5u4';
const REST_SECRET = '123:ec2a24d7e17ecc4548582e593406c6e7e0be72a0877055c7b91e6872656cda2ddb99681837c3dc7775e50f5e8d0072fbc5103ed46bc686be09c6b864c518be27';
const REST_AD_SECRET = 'MTIzcGRzMjRobWlwMWN0Ym9nbjFsOHVqdnM1dTRQYXNzMTIz';

/** The §4.2 Internal secret, computed in the test from the reference's formula. */
function restSecret(login: string, nonce: string, password: string): string {
  const h = (s: string) => createHash('sha512').update(s, 'utf8').digest('hex');
  return `${login}:${h(`${login}${nonce}${h(password)}`)}`;
}

const call = (method: string, params = '<params></params>') => `<?xml version="1.0"?><methodCall><methodName>${method}</methodName>${params}</methodCall>`;
const faultOf = (xml: string) => /<fault><value><struct><member><name>faultCode<\/name><value><int>(-?\d+)<\/int><\/value><\/member><member><name>faultString<\/name><value><string>([^<]*)<\/string>/.exec(xml);

async function uci(sim: StarfaceSimulator, query: string, body: string, extra: { contentType?: string; cookie?: string } = {}) {
  const res = await fetch(`${sim.url}/xml-rpc?${query}`, {
    method: 'POST', body, redirect: 'manual',
    headers: { 'content-type': extra.contentType ?? 'text/xml', ...(extra.cookie ? { cookie: extra.cookie } : {}) },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const auth = (token = TOKEN) => `de.vertico.starface.auth=${encodeURIComponent(token)}`;

describe('the simulator computes credentials as the reference does', () => {
  it('UCI tokens: SHA-512 (§3.3 vectors), legacy MD5, Active Directory Base64(login*password)', () => {
    expect(sha512Hex('Pass123')).toBe(H1);
    expect(uciTokenFromHash('123', H1)).toBe(TOKEN);
    expect(md5Hex('123*Pass123')).toBe(MD5_TOKEN);
    expect(uciAdToken('123', 'Pass123')).toBe(Buffer.from('123*Pass123').toString('base64'));
    expect(uciAdToken('123', 'Pass123')).toBe('MTIzKlBhc3MxMjM=');
  });
  it('REST secrets: Internal and ActiveDirectory (§4.2 vectors)', () => {
    expect(restSecretFromHash('123', KB_NONCE, H1)).toBe(REST_SECRET);
    expect(restAdSecret('123', KB_NONCE, 'Pass123')).toBe(REST_AD_SECRET);
    expect(restSecret('123', KB_NONCE, 'Pass123')).toBe(REST_SECRET);
  });
});

describe('simulator wire behaviour (§3, §8, §9)', () => {
  let sim: StarfaceSimulator;
  beforeAll(async () => {
    sim = await startStarfaceSimulator({ users: REFERENCE_USERS });
  });
  afterAll(() => sim.close());
  afterEach(async () => {
    sim.setBehaviour({ ...DEFAULT_BEHAVIOUR });
    await uci(sim, auth(), call('ucp.v30.requests.connection.logout'));
  });

  it('logs in with the reference token and a methodCall without <params> (§3.5): boolean 1 and a JSESSIONID', async () => {
    const r = await uci(sim, auth(), '<?xml version="1.0"?><methodCall><methodName>ucp.v30.requests.connection.login</methodName></methodCall>', { contentType: 'application/xml' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(r.text).toContain(OK_TRUE);
    expect(r.headers.get('set-cookie')).toMatch(/^JSESSIONID=[0-9A-F]{32}; Path=\//);
    // An empty <params/> works as well (other clients send it).
    expect((await uci(sim, auth(), call('ucp.v30.requests.connection.keepAlive', '<params/>'))).text).toContain(OK_TRUE);
  });

  it('getUserState answers the §9 struct: avatarHash, chatPresence, telephonyState, chatPresenceMessage, redirectAlwaysActive', async () => {
    await uci(sim, auth(), call('ucp.v30.requests.connection.login'));
    const r = await uci(sim, auth(), call('ucp.v30.requests.userState.getUserState'));
    // Exactly these five by default: every public parser reads them and no DND key (addendum).
    expect(structNames(r.text)).toEqual(['avatarHash', 'chatPresence', 'telephonyState', 'chatPresenceMessage', 'redirectAlwaysActive']);
    expect(r.text).toContain('<member><name>telephonyState</name><value><string>AVAILABLE</string></value></member>');
    expect(r.text).toContain('<member><name>chatPresence</name><value><string>AVAILABLE</string></value></member>');
    expect(r.text).toContain('<member><name>redirectAlwaysActive</name><value><boolean>0</boolean></value></member>');
  });

  it('setDoNotDisturbSetting(boolean) and setChatPresenceMessage(String) answer boolean true and change the user (§9)', async () => {
    await uci(sim, auth(), call('ucp.v30.requests.connection.login'));
    const dnd = await uci(sim, auth(), call('ucp.v30.requests.userState.setDoNotDisturbSetting', '<params><param><value><boolean>1</boolean></value></param></params>'));
    expect(dnd.text).toContain(OK_TRUE);
    expect(sim.pbx.user('123')!.dnd).toBe(true);
    // A bare <value> is a string (XML-RPC); entities are decoded.
    const text = await uci(sim, auth(), call('ucp.v22.requests.userState.setChatPresenceMessage', '<params><param><value>Im Meeting &lt;bis 14 Uhr&gt; &amp; danach</value></param></params>'));
    expect(text.text).toContain(OK_TRUE);
    expect(sim.pbx.user('123')!.chatPresenceMessage).toBe('Im Meeting <bis 14 Uhr> & danach');
  });

  it('subscribeEvents takes one event service name (§9) and getProvidedEvents lists it', async () => {
    await uci(sim, auth(), call('ucp.v30.requests.connection.login'));
    const r = await uci(sim, auth(), call('ucp.v30.requests.service.subscribeEvents', '<params><param><value><string>ucp.v30.events.call</string></value></param></params>'));
    expect(r.text).toContain(OK_TRUE);
    const events = await uci(sim, auth(), call('ucp.v30.requests.service.getProvidedEvents'));
    expect(events.text).toContain('<string>ucp.v30.events.call</string>');
    const requests = await uci(sim, auth(), call('ucp.v30.requests.service.getProvidedRequests'));
    for (const s of ['connection', 'service', 'userState', 'call']) expect(requests.text).toContain(`<string>ucp.v30.requests.${s}</string>`);
  });

  it('rejects a wrong token with HTTP 401, a 302 to an HTML login page, or a fault, per option (§3.9, §8.3)', async () => {
    const body = call('ucp.v30.requests.connection.login');
    const wrong = `123:${H2.replace(/^8/, '9')}`;
    expect((await uci(sim, auth(wrong), body)).status).toBe(401);
    expect((await uci(sim, '', body)).status).toBe(401);
    // The legacy MD5 token is refused by a current PBX unless switched on.
    expect((await uci(sim, auth(MD5_TOKEN), body)).status).toBe(401);
    sim.setBehaviour({ acceptMd5Tokens: true });
    expect((await uci(sim, auth(MD5_TOKEN), body)).text).toContain(OK_TRUE);
    sim.setBehaviour({ badTokenAnswer: 'html-login' });
    const html = await uci(sim, auth(wrong), body);
    expect(html.status).toBe(302);
    expect(html.headers.get('location')).toBe('/login.jsp');
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    sim.setBehaviour({ badTokenAnswer: 'fault' });
    const f = faultOf((await uci(sim, auth(wrong), body)).text);
    expect(f?.[2]).toMatch(/^UciIllegalAccessException/);
  });

  it('answers faults as a struct of int faultCode and string faultString (§9): not connected, unknown method', async () => {
    const notConnected = await uci(sim, auth(), call('ucp.v30.requests.userState.setDoNotDisturbSetting', '<params><param><value><boolean>1</boolean></value></param></params>'));
    expect(notConnected.status).toBe(200);
    expect(faultOf(notConnected.text)?.[2]).toMatch(/^UcpNotConnectedException/);
    // keepAlive without a session is false, not a fault (§3.9).
    expect((await uci(sim, auth(), call('ucp.v30.requests.connection.keepAlive'))).text).toContain('<boolean>0</boolean>');
    await uci(sim, auth(), call('ucp.v30.requests.connection.login'));
    const unknown = faultOf((await uci(sim, auth(), call('ucp.v30.requests.userState.setTelephonyState', '<params><param><value><string>ACTIVE</string></value></param></params>'))).text);
    expect(unknown?.[2]).toBe('No such handler: ucp.v30.requests.userState.setTelephonyState');
    sim.setBehaviour({ unknownMethodAnswer: 'http404' });
    const nf = await uci(sim, auth(), call('ucp.v30.requests.userState.setTelephonyState'));
    expect(nf.status).toBe(404);
    expect(nf.text).toBe('');
  });

  it('serves only the configured UCI generations (§3.1)', async () => {
    expect((await uci(sim, auth(), call('ucp.v22.requests.connection.login'))).text).toContain(OK_TRUE);
    sim.setBehaviour({ uciApis: ['v30'] });
    expect(faultOf((await uci(sim, auth(), call('ucp.v22.requests.connection.login'))).text)?.[2]).toBe('No such handler: ucp.v22.requests.connection.login');
  });

  it('refuses a DOCTYPE and malformed XML with a fault, never a crash (§2)', async () => {
    await uci(sim, auth(), call('ucp.v30.requests.connection.login'));
    const doctype = await uci(sim, auth(), '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>ucp.v30.requests.connection.keepAlive</methodName></methodCall>');
    expect(faultOf(doctype.text)).not.toBeNull();
    expect(faultOf((await uci(sim, auth(), '<methodCall><methodName>x</methodName>')).text)).not.toBeNull();
  });

  it('delivers receiveCallState to {type}://{host}:{port}{path} + de.vertico.starface.user with the §3.8 struct', async () => {
    const target = await callbackTarget();
    const { port, received } = target;
    try {
      const cb = `&de.vertico.starface.callback.type=http&de.vertico.starface.callback.host=127.0.0.1&de.vertico.starface.callback.port=${port}&de.vertico.starface.callback.path=${encodeURIComponent('/cti/listener?x=1')}`;
      expect((await uci(sim, auth() + cb, call('ucp.v30.requests.connection.login'))).text).toContain(OK_TRUE);
      await uci(sim, auth() + cb, call('ucp.v30.requests.service.subscribeEvents', '<params><param><value><string>ucp.v30.events.call</string></value></param></params>'));
      const res = await fetch(`${sim.url}/_sim/calls`, { method: 'POST', body: JSON.stringify({ to: '123', from: '+4972112345' }) });
      const { id } = (await res.json()) as { id: string };
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      await sim.callbacksIdle();
      expect(received.map((r) => r.url)).toEqual(['/cti/listener?x=1&de.vertico.starface.user=123', '/cti/listener?x=1&de.vertico.starface.user=123']);
      const first = received[0]!.body;
      expect(first).toContain('<methodName>ucp.v30.events.call.receiveCallState</methodName>');
      expect(structNames(first).sort()).toEqual(['callerName', 'callerNumber', 'calledName', 'calledNumber', 'groupID', 'id', 'state', 'timestamp'].sort());
      for (const [k, v] of [['id', id], ['state', 'INCOMING'], ['callerNumber', '+4972112345'], ['callerName', ''], ['calledNumber', '123'], ['calledName', 'Max Muster'], ['groupID', '']]) {
        expect(first).toContain(`<member><name>${k}</name><value><string>${v}</string></value></member>`);
      }
      expect(received[1]!.body).toContain('<member><name>state</name><value><string>RINGING</string></value></member>');
      await fetch(`${sim.url}/_sim/calls/${id}/hangup`, { method: 'POST' });
      await sim.callbacksIdle();
      expect(received[2]!.body).toContain('<member><name>state</name><value><string>HANGUP</string></value></member>');
    } finally {
      await target.close();
    }
  });

  it('REST: nonce template, secret check, single-use nonce, X-Version, authToken guard (§4.2, §4.8)', async () => {
    const tpl = (await (await fetch(`${sim.url}/rest/login`, { headers: { 'x-version': '2' } })).json()) as { loginType: string; nonce: string; secret: null };
    expect(tpl.loginType).toBe('Internal');
    expect(tpl.nonce).toMatch(/^[a-z0-9]{26}$/);
    expect(tpl.secret).toBeNull();
    const post = (secret: string, nonce: string, version: string | undefined = '2') => fetch(`${sim.url}/rest/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(version ? { 'x-version': version } : {}) },
      body: JSON.stringify({ loginType: 'Internal', nonce, secret }),
    });
    const nonce = async () => ((await (await fetch(`${sim.url}/rest/login`)).json()) as { nonce: string }).nonce;
    const bad = await post(restSecret('0001', tpl.nonce, 'wrong'), tpl.nonce);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 400, message: 'invalid login' });
    // The nonce was used up by the failed attempt.
    expect((await post(restSecret('0001', tpl.nonce, 'admin-pw'), tpl.nonce)).status).toBe(400);
    const n1 = await nonce();
    expect((await post(restSecret('0001', n1, 'admin-pw'), n1, '')).status).toBe(400);
    const n2 = await nonce();
    const ok = await post(restSecret('0001', n2, 'admin-pw'), n2);
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    expect(Object.keys(await (await fetch(`${sim.url}/rest/users/me`, { headers: { authToken: token } })).json() as object)).not.toContain('password');
    expect((await fetch(`${sim.url}/rest/users`)).status).toBe(401);
    expect((await fetch(`${sim.url}/rest/login`, { method: 'DELETE', headers: { authToken: token } })).status).toBe(204);
    expect((await fetch(`${sim.url}/rest/users`, { headers: { authToken: token } })).status).toBe(401);
  });
});
