// The bridge's STARFACE client against the wire facts of ../shared/reference/starface-uci-and-rest.md: its
// token computations match the test vectors (§3.3, §4.2) and it sends the documented request shapes (§3.2,
// §3.5, §4.2) to the simulator, which is checked on its own in starface-wire.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex, restLoginSecret, sha512Hex, uciAuthToken, uciAuthTokenFromHash } from '../../src/starface/auth.js';
import { StarfaceDirectory } from '../../src/starface/rest-directory.js';
import { UciSession } from '../../src/starface/uci-session.js';
import { decodeMethodCall } from '../../src/starface/xmlrpc/index.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { REFERENCE_USERS } from './starface-conformance.js';
import { DEFAULT_BEHAVIOUR } from '../../src/simulators/starface/options.js';
import { RecordingTransport } from '../integration/starface-helpers.js';

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

describe('the client against the simulator', () => {
  let sim: StarfaceSimulator;
  beforeAll(async () => {
    sim = await startStarfaceSimulator({ users: REFERENCE_USERS });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.setBehaviour({ ...DEFAULT_BEHAVIOUR });
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
