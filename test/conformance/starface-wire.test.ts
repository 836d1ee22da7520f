// Client and simulator against the wire facts of ../shared/reference/starface-uci-and-rest.md:
// test vectors (§3.3, §4.2), request/response bodies (§3.5, §9), fault shapes (§3.9), callback payload (§3.8).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex, restLoginSecret, sha512Hex, uciAuthToken, uciAuthTokenFromHash } from '../../src/starface/auth.js';
import { StarfaceDirectory } from '../../src/starface/rest-directory.js';
import { UciSession } from '../../src/starface/uci-session.js';
import { decodeMethodCall, decodeMethodResponse, encodeMethodCall } from '../../src/starface/xmlrpc-codec.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { DEFAULT_BEHAVIOUR } from '../../src/simulators/starface/options.js';
import { RecordingTransport, waitFor } from '../integration/starface-helpers.js';

const H1 = 'd01feaafb5359e1fa2c020a76ebb526fc75786b0b837e0c9a4dcabd58ad734efa469513cf66a272d5ef4b1b9646b4b39f50807afc8f8663e1c6bb23552b04cd6';
const H2 = '81d8af78c98b153485f7d48e3437eb735ba37f0f013c5e06ba74536776c5945694e7cde71e2effbed7b5a1d1a4566fadcd847ef4098c234052fdfd288e8b6ced';
const KB_NONCE = 'pds24hmip1ctbogn1l8ujvs5u4';
const REST_SECRET = '123:ec2a24d7e17ecc4548582e593406c6e7e0be72a0877055c7b91e6872656cda2ddb99681837c3dc7775e50f5e8d0072fbc5103ed46bc686be09c6b864c518be27';

describe('auth computations match the reference test vectors', () => {
  it('UCI SHA-512 token (§3.3)', () => {
    expect(sha512Hex('Pass123')).toBe(H1);
    expect(uciAuthToken('123', 'Pass123')).toBe(`123:${H2}`);
    expect(uciAuthTokenFromHash('123', H1.toUpperCase())).toBe(`123:${H2}`);
  });
  it('UCI legacy MD5 token (§3.3)', () => {
    expect(uciAuthToken('123', 'Pass123', 'md5')).toBe('97612dc8a4bd8d3aed8419e3b5fea185');
    expect(md5Hex('123*Pass123')).toBe('97612dc8a4bd8d3aed8419e3b5fea185');
  });
  it('REST login secret, Internal and ActiveDirectory (§4.2)', () => {
    expect(restLoginSecret('123', KB_NONCE, 'Pass123')).toBe(REST_SECRET);
    expect(restLoginSecret('123', KB_NONCE, 'Pass123', 'ActiveDirectory')).toBe('MTIzcGRzMjRobWlwMWN0Ym9nbjFsOHVqdnM1dTRQYXNzMTIz');
  });
  it('always emits full-length lower-case hex (no dropped leading zeros)', () => {
    for (let i = 0; i < 64; i++) {
      const t = uciAuthToken('42', `pw${i}`);
      expect(t).toMatch(/^42:[0-9a-f]{128}$/);
    }
  });
});

async function rawUci(sim: StarfaceSimulator, token: string, body: string, extra: { contentType?: string; cookie?: string; query?: string } = {}) {
  const res = await fetch(`${sim.url}/xml-rpc?de.vertico.starface.auth=${token}${extra.query ?? ''}`, {
    method: 'POST', body, headers: { 'content-type': extra.contentType ?? 'text/xml', ...(extra.cookie ? { cookie: extra.cookie } : {}) }, redirect: 'manual',
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('simulator wire behaviour', () => {
  let sim: StarfaceSimulator;
  beforeAll(async () => {
    sim = await startStarfaceSimulator({
      users: [
        { login: '123', password: 'Pass123', email: 'max@example.com', firstName: 'Max', familyName: 'Muster', groups: ['Support'] },
        { login: '0001', password: 'admin-pw', email: 'admin@example.com', admin: true },
      ],
    });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.setBehaviour({ ...DEFAULT_BEHAVIOUR });
  });

  it('accepts the reference token and a login call without <params> (§3.5), answering boolean 1 and a JSESSIONID', async () => {
    const body = encodeMethodCall('ucp.v30.requests.connection.login', [], { omitEmptyParams: true });
    expect(body).not.toContain('<params');
    const r = await rawUci(sim, `123:${H2}`, body, { contentType: 'application/xml' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/xml/);
    expect(r.text).toContain('<methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>');
    expect(r.headers.get('set-cookie')).toMatch(/^JSESSIONID=[0-9A-F]{32}; Path=\//);
  });

  it('getUserState returns the struct keys of §9 (plus the DND flag under the configured key)', async () => {
    const r = await rawUci(sim, `123:${H2}`, encodeMethodCall('ucp.v30.requests.userState.getUserState'));
    const d = await decodeMethodResponse(r.text);
    expect(d.kind).toBe('value');
    const v = (d as { value: Record<string, unknown> }).value;
    expect(Object.keys(v).sort()).toEqual(['avatarHash', 'chatPresence', 'chatPresenceMessage', 'doNotDisturb', 'redirectAlwaysActive', 'telephonyState']);
    expect(v.telephonyState).toBe('AVAILABLE');
    expect(r.text).toMatch(/<name>redirectAlwaysActive<\/name><value><boolean>0<\/boolean>/);
    sim.setBehaviour({ userStateDndKey: null });
    const r2 = await decodeMethodResponse((await rawUci(sim, `123:${H2}`, encodeMethodCall('ucp.v30.requests.userState.getUserState'))).text);
    expect(Object.keys((r2 as { value: object }).value)).not.toContain('doNotDisturb');
  });

  it('rejects a wrong token with HTTP 401, a 302 HTML login page, or a fault, per option (§3.9)', async () => {
    const body = encodeMethodCall('ucp.v30.requests.connection.login');
    const wrong = `123:${H2.replace(/^8/, '9')}`;
    expect((await rawUci(sim, wrong, body)).status).toBe(401);
    expect((await rawUci(sim, '', body)).status).toBe(401);
    // The legacy MD5 token is refused by a current PBX unless switched on.
    expect((await rawUci(sim, '97612dc8a4bd8d3aed8419e3b5fea185', body)).status).toBe(401);
    sim.setBehaviour({ acceptMd5Tokens: true });
    expect((await rawUci(sim, '97612dc8a4bd8d3aed8419e3b5fea185', body)).text).toContain('<boolean>1</boolean>');
    sim.setBehaviour({ badTokenAnswer: 'html-login' });
    const html = await rawUci(sim, wrong, body);
    expect(html.status).toBe(302);
    expect(html.headers.get('location')).toBe('/login.jsp');
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    sim.setBehaviour({ badTokenAnswer: 'fault' });
    const f = await decodeMethodResponse((await rawUci(sim, wrong, body)).text);
    expect(f).toEqual({ kind: 'fault', fault: { faultCode: 2, faultString: expect.stringContaining('UciIllegalAccessException') } });
  });

  it('answers a fault with int faultCode and string faultString for calls without login and for unknown methods', async () => {
    await rawUci(sim, `123:${H2}`, encodeMethodCall('ucp.v30.requests.connection.logout'));
    const r = await rawUci(sim, `123:${H2}`, encodeMethodCall('ucp.v30.requests.userState.setDoNotDisturbSetting', [true]));
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/<fault><value><struct><member><name>faultCode<\/name><value><int>1<\/int><\/value><\/member><member><name>faultString<\/name><value><string>UcpNotConnectedException/);
    expect((await rawUci(sim, `123:${H2}`, encodeMethodCall('ucp.v30.requests.connection.keepAlive'))).text).toContain('<boolean>0</boolean>');
    const unknown = await decodeMethodResponse((await rawUci(sim, `123:${H2}`, encodeMethodCall('ucp.v30.requests.userState.setTelephonyState', ['ACTIVE']))).text);
    expect(unknown).toEqual({ kind: 'fault', fault: { faultCode: 0, faultString: 'No such handler: ucp.v30.requests.userState.setTelephonyState' } });
    sim.setBehaviour({ unknownMethodAnswer: 'http404' });
    const nf = await rawUci(sim, `123:${H2}`, encodeMethodCall('ucp.v30.requests.userState.setTelephonyState', ['ACTIVE']));
    expect(nf.status).toBe(404);
    expect(nf.text).toBe('');
    sim.setBehaviour({ uciApis: ['v30'], unknownMethodAnswer: 'fault' });
    const v22 = await decodeMethodResponse((await rawUci(sim, `123:${H2}`, encodeMethodCall('ucp.v22.requests.connection.login'))).text);
    expect(v22.kind).toBe('fault');
  });

  it('REST: nonce template, secret check, single-use nonce, X-Version, token guard (§4.2, §4.8)', async () => {
    const get = await fetch(`${sim.url}/rest/login`, { headers: { 'x-version': '2' } });
    const tpl = (await get.json()) as { loginType: string; nonce: string; secret: null };
    expect(tpl.loginType).toBe('Internal');
    expect(tpl.nonce).toMatch(/^[a-z0-9]{26}$/);
    expect(tpl.secret).toBeNull();
    const post = (secret: string, nonce = tpl.nonce, version: string | undefined = '2') => fetch(`${sim.url}/rest/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(version ? { 'x-version': version } : {}) },
      body: JSON.stringify({ loginType: 'Internal', nonce, secret }),
    });
    const bad = await post(restLoginSecret('0001', tpl.nonce, 'wrong'));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 400, message: 'invalid login' });
    // The nonce was used up by the failed attempt.
    expect((await post(restLoginSecret('0001', tpl.nonce, 'admin-pw'))).status).toBe(400);
    const fresh = ((await (await fetch(`${sim.url}/rest/login`)).json()) as { nonce: string }).nonce;
    expect((await post(restLoginSecret('0001', fresh, 'admin-pw'), fresh, '')).status).toBe(400);
    const fresh2 = ((await (await fetch(`${sim.url}/rest/login`)).json()) as { nonce: string }).nonce;
    const ok = await post(restLoginSecret('0001', fresh2, 'admin-pw'), fresh2);
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    expect(Object.keys(await (await fetch(`${sim.url}/rest/users/me`, { headers: { authToken: token } })).json() as object)).not.toContain('password');
    expect((await fetch(`${sim.url}/rest/users`)).status).toBe(401);
    const del = await fetch(`${sim.url}/rest/login`, { method: 'DELETE', headers: { authToken: token } });
    expect(del.status).toBe(204);
    expect((await fetch(`${sim.url}/rest/users`, { headers: { authToken: token } })).status).toBe(401);
  });

  it('the client sends the documented request shapes (URL token, callback params, method names, params)', async () => {
    const transport = new RecordingTransport();
    const session = new UciSession({
      baseUrl: sim.url, login: '123', password: 'Pass123', transport,
      callback: { type: 'https', host: 'crm.example', port: 8443, path: '/starface/events/tok' },
      settings: { discoverServices: false, chatPresenceSetter: 'never' },
    });
    try {
      expect(await session.start()).toBe(true);
      await session.setDnd(true);
      await session.setChatPresenceMessage('Im Meeting <bis 14 Uhr> & danach');
      const login = transport.sent[0]!;
      expect(login.url).toBe(`${sim.url}/xml-rpc?de.vertico.starface.auth=123:${H2}&de.vertico.starface.callback.type=https&de.vertico.starface.callback.host=crm.example&de.vertico.starface.callback.port=8443&de.vertico.starface.callback.path=%2Fstarface%2Fevents%2Ftok`);
      expect(login.method).toBe('POST');
      expect(login.headers['content-type']).toMatch(/^text\/xml/);
      const calls = await Promise.all(transport.sent.map((s) => decodeMethodCall(s.body)));
      expect(calls.map((c) => c.method)).toEqual([
        'ucp.v30.requests.connection.login',
        'ucp.v30.requests.service.subscribeEvents',
        'ucp.v30.requests.userState.getUserState',
        'ucp.v30.requests.userState.setDoNotDisturbSetting',
        'ucp.v30.requests.userState.setChatPresenceMessage',
      ]);
      expect(calls[1]!.params).toEqual(['ucp.v30.events.call']);
      expect(transport.sent[1]!.body).toContain('<param><value><string>ucp.v30.events.call</string></value></param>');
      expect(transport.sent[3]!.body).toContain('<param><value><boolean>1</boolean></value></param>');
      expect(calls[4]!.params).toEqual(['Im Meeting <bis 14 Uhr> & danach']);
      // The JSESSIONID from the login answer is replayed.
      expect(transport.sent[1]!.headers.cookie).toMatch(/^JSESSIONID=[0-9A-F]{32}$/);
      expect(sim.pbx.user('123')!.chatPresenceMessage).toBe('Im Meeting <bis 14 Uhr> & danach');
    } finally {
      await session.stop();
      transport.close();
    }
  });

  it('delivers receiveCallState to {type}://{host}:{port}{path} with de.vertico.starface.user and the §3.8 struct', async () => {
    const received: { url: string; body: string }[] = [];
    const target = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      req.on('end', () => {
        received.push({ url: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<?xml version="1.0"?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>');
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const port = (target.address() as AddressInfo).port;
    const transport = new RecordingTransport();
    const session = new UciSession({
      baseUrl: sim.url, login: '123', password: 'Pass123', transport,
      callback: { type: 'http', host: '127.0.0.1', port, path: '/cti/listener?x=1' },
      settings: { discoverServices: false, chatPresenceSetter: 'never' },
    });
    try {
      await session.start();
      const res = await fetch(`${sim.url}/_sim/calls`, { method: 'POST', body: JSON.stringify({ to: '123', from: '+4972112345' }) });
      const call = (await res.json()) as { id: string };
      await waitFor(() => received.length >= 2, 'two callbacks');
      expect(received[0]!.url).toBe('/cti/listener?x=1&de.vertico.starface.user=123');
      const events = await Promise.all(received.map((r) => decodeMethodCall(r.body)));
      expect(events.map((e) => e.method)).toEqual(['ucp.v30.events.call.receiveCallState', 'ucp.v30.events.call.receiveCallState']);
      const first = events[0]!.params[0] as Record<string, unknown>;
      expect(Object.keys(first).sort()).toEqual(['callerName', 'callerNumber', 'calledName', 'calledNumber', 'groupID', 'id', 'state', 'timestamp'].sort());
      expect(first).toMatchObject({ id: call.id, state: 'INCOMING', callerNumber: '+4972112345', callerName: '', calledNumber: '123', calledName: 'Max Muster', groupID: '' });
      expect((events[1]!.params[0] as { state: string }).state).toBe('RINGING');
      expect(call.id).toMatch(/^[0-9a-f-]{36}$/);
      await fetch(`${sim.url}/_sim/calls/${call.id}/hangup`, { method: 'POST' });
      await waitFor(() => received.length >= 3, 'hangup callback');
      expect(((await decodeMethodCall(received[2]!.body)).params[0] as { state: string }).state).toBe('HANGUP');
    } finally {
      await session.stop();
      transport.close();
      await new Promise((r) => target.close(r));
    }
  });

  it('the client reads a fault into a typed error with code and string', async () => {
    const transport = new RecordingTransport();
    sim.setBehaviour({ chatPresenceSetter: false });
    const session = new UciSession({ baseUrl: sim.url, login: '123', password: 'Pass123', transport, settings: { discoverServices: false, chatPresenceSetter: 'assume' } });
    try {
      await session.start();
      const err = await session.setChatPresence('AWAY').catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'UciRequestError', kind: 'fault', details: { faultCode: 0, faultString: 'No such handler: ucp.v30.requests.userState.setChatPresence' } });
      expect(session.status).toBe('connected');
      expect(session.facts.chatPresenceSetter).toBe(false);
    } finally {
      await session.stop();
      transport.close();
    }
  });

  it('the directory client completes the nonce/secret handshake with X-Version: 2 on every request', async () => {
    const transport = new RecordingTransport();
    const dir = new StarfaceDirectory({ baseUrl: sim.url, login: '0001', password: 'admin-pw', transport });
    try {
      const users = await dir.listUsers();
      expect(users.map((u) => u.login).sort()).toEqual(['0001', '123']);
      const [getLogin, postLogin, getUsers] = transport.sent;
      expect(getLogin).toMatchObject({ method: 'GET', url: `${sim.url}/rest/login` });
      const sent = JSON.parse(postLogin!.body) as { loginType: string; nonce: string; secret: string };
      expect(sent.loginType).toBe('Internal');
      expect(sent.secret).toBe(restLoginSecret('0001', sent.nonce, 'admin-pw'));
      expect(getUsers!.headers.authToken).toMatch(/.{16,}/);
      for (const s of transport.sent) expect(s.headers['x-version']).toBe('2');
    } finally {
      await dir.logout();
      transport.close();
    }
  });
});
