// The setup assistant's checks against both simulators over real sockets: each step passes on a correct setup,
// and detects and explains exactly what is wrong otherwise (wrong secret, missing consent, untrusted PBX
// certificate, wrong passwords, conflicts), without changing anything it should not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import { generateTenant, usersFromStarface } from '../../src/simulators/graph/tenant.js';
import { startStarfaceSimulator, type SimUserInput, type StarfaceSimulator } from '../../src/simulators/starface/index.js';
import { openFileEnvironment, SetupAssistant, type FileSetupEnvironment } from '../../src/setup/index.js';
import { openConnections } from '../../src/sync/connections.js';
import { SecretNameSchema } from '../../src/control/contract.js';
import { STARFACE_OAUTH_CLIENT_SECRET } from '../../src/core/uci-credentials.js';

const PBX_USERS: SimUserInput[] = [
  { login: '0001', password: 'Admin-Pass', email: 'admin@example.com', firstName: 'Admin', familyName: 'PBX', admin: true },
  { login: '1001', password: 'Pass1001', email: 'anna.schmidt@example.com', firstName: 'Anna', familyName: 'Schmidt', groups: ['Support'] },
  { login: '1002', password: 'Pass1002', email: 'ben.meyer@example.com', firstName: 'Ben', familyName: 'Meyer', groups: ['Support'] },
  { login: '1003', password: 'Pass1003', email: 'info@example.com', firstName: 'Info', familyName: 'One' },
  { login: '1004', password: 'Pass1004', email: 'info@example.com', firstName: 'Info', familyName: 'Two' },
  { login: '1005', password: 'Pass1005', email: '', firstName: 'No', familyName: 'Mail' },
  { login: '1006', password: 'Pass1006', email: 'nobody@example.com', firstName: 'Not', familyName: 'InTenant' },
  { login: '1007', password: 'Pass1007', email: 'clara.weber@example.com', firstName: 'Clara', familyName: 'Weber', uci: false },
];

let sf: StarfaceSimulator;
let graph: GraphSimulator;
/** Same people, but the app has no application permissions consented. */
let noConsent: GraphSimulator;
const dirs: string[] = [];

beforeAll(async () => {
  sf = await startStarfaceSimulator({ users: PBX_USERS, tls: true });
  const people = usersFromStarface(PBX_USERS.filter((u) => u.login !== '1006'));
  graph = await startGraphSimulator({ tenant: generateTenant(people) });
  const t = generateTenant(people);
  t.apps[0]!.application = [];
  noConsent = await startGraphSimulator({ tenant: t });
});

afterAll(async () => {
  await Promise.all([sf.close(), graph.close(), noConsent.close()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function assistantFor(on: GraphSimulator, opts: { secret?: string; trustPbx?: boolean } = {}): Promise<{ a: SetupAssistant; env: FileSetupEnvironment }> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-setup-'));
  dirs.push(dir);
  const env = await openFileEnvironment({ settingsFile: join(dir, 'settings.json'), passphrase: 'setup test passphrase' });
  const s = await env.loadSettings();
  await env.saveSettings({
    ...s,
    microsoft: { ...s.microsoft, tenantId: on.tenant.tenantId, clientId: on.app.clientId, authorityHost: on.url, graphBaseUrl: on.url },
    starface: { ...s.starface, baseUrl: sf.url, adminLogin: '0001', requestTimeoutMs: 5000 },
    network: { ...s.network, extraCaPem: opts.trustPbx ? [on.caPem, sf.caPem!] : [on.caPem], connectTimeoutMs: 3000, readTimeoutMs: 5000 },
  });
  await env.secrets.set('microsoft.clientSecret', opts.secret ?? on.app.clientSecret!);
  await env.secrets.set('starface.adminPassword', 'Admin-Pass');
  return { a: new SetupAssistant(env), env };
}

describe('Microsoft steps', () => {
  it('gets an app token with the right secret and reports the expiry date entered for it', async () => {
    const { a } = await assistantFor(graph);
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await a.setCredentialExpiry(soon);
    const r = await a.check('microsoft-app', 'en');
    expect(r.status).toBe('warn');
    expect(r.message).toContain(graph.tenant.tenantId);
    expect(r.warnings?.[0]).toMatch(/client secret expires on .* \(in (9|10) days\)/);
    expect(r.details.join('\n')).toContain('Presence.ReadWrite.All');
  });

  it('detects a wrong client secret (AADSTS7000215) and says to copy the value, not the ID', async () => {
    const { a } = await assistantFor(graph, { secret: 'a-secret-id-not-the-value' });
    const en = await a.check('microsoft-app', 'en');
    expect(en.ok).toBe(false);
    expect(en.message).toContain('AADSTS7000215');
    expect(en.fix).toContain('"Value"');
    expect(en.details.join(' ')).toContain('Invalid client secret');
    expect(JSON.stringify(en)).not.toContain('a-secret-id-not-the-value');
    const de = await a.check('microsoft-app', 'de');
    expect(de.message).toContain('geheimen Clientschlüssel');
    expect(de.fix).toContain('„Wert"');
  });

  it('detects an unknown client id and tenant', async () => {
    const { a, env } = await assistantFor(graph);
    const s = await env.loadSettings();
    await env.saveSettings({ ...s, microsoft: { ...s.microsoft, clientId: '11111111-2222-3333-4444-555555555555' } });
    expect((await a.check('microsoft-app', 'en')).message).toContain('AADSTS700016');
    await env.saveSettings({ ...s, microsoft: { ...s.microsoft, tenantId: '99999999-2222-3333-4444-555555555555' } });
    expect((await a.check('microsoft-app', 'en')).message).toContain('AADSTS90002');
  });

  it('says what is missing before asking Entra anything', async () => {
    const { a, env } = await assistantFor(graph);
    await env.secrets.delete('microsoft.clientSecret');
    const r = await a.check('microsoft-app', 'en');
    expect(r.status).toBe('fail');
    expect(r.message).toBe('No client secret is stored.');
  });

  it('finds consent granted: roles in the token and Graph allows directory and presence', async () => {
    const { a } = await assistantFor(graph);
    const r = await a.check('microsoft-consent', 'en');
    expect(r.status).toBe('ok');
    expect(r.details.join('\n')).toMatch(/Probe GET \/users: allowed[\s\S]*getPresencesByUserId: allowed/);
    expect(r.link?.url).toBe(`${graph.url}/${graph.tenant.tenantId}/v2.0/adminconsent?client_id=${graph.app.clientId}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&redirect_uri=http%3A%2F%2Flocalhost`);
  });

  it('detects missing admin consent (no roles; Graph answers 403) and offers the consent link, then sees it granted', async () => {
    const { a } = await assistantFor(noConsent);
    // Step 1 still passes: the secret is right, consent is the next step's business.
    expect((await a.check('microsoft-app', 'en')).ok).toBe(true);
    const r = await a.check('microsoft-consent', 'en');
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/Admin consent is missing for: User\.Read\.All \(application: .*\); Presence\.ReadWrite\.All/);
    expect(r.details).toContain('Application permissions in the token: (none)');
    expect(r.details).toContain('Probe GET /users: denied (HTTP 403 Authorization_RequestDenied)');
    expect(r.fix).toContain('Grant admin consent');
    expect(r.link?.url).toContain('/v2.0/adminconsent?client_id=');

    // Consent for the directory only: the rest is still named.
    noConsent.app.application.push('User.Read.All');
    const partial = await a.check('microsoft-consent', 'de');
    expect(partial.message).toMatch(/^Die Administratorzustimmung fehlt für: Presence\.ReadWrite\.All/);
    expect(partial.message).not.toContain('User.Read.All');

    noConsent.app.application.push('Presence.ReadWrite.All');
    expect((await a.check('microsoft-consent', 'en')).status).toBe('ok');
    noConsent.app.application.length = 0;
  });

  it('with delegated reading, asks for a sign-in and then checks the delegated token', async () => {
    const { a, env } = await assistantFor(graph);
    const s = await env.loadSettings();
    await env.saveSettings({ ...s, microsoft: { ...s.microsoft, presenceRead: 'delegated' } });
    const before = await a.check('microsoft-consent', 'en');
    expect(before.status).toBe('fail');
    expect(before.needsSignIn).toBe(true);
    const signIn = a.signInWithDeviceCode((info) => graph.approveDeviceCode(info.userCode, 'anna.schmidt@example.com'));
    await expect(signIn).resolves.toEqual({ username: 'anna.schmidt@example.com' });
    const after = await a.check('microsoft-consent', 'en');
    expect(after.status).toBe('ok');
    expect(after.details.join('\n')).toMatch(/Delegated permissions \(anna\.schmidt@example\.com\): .*Presence\.Read\.All/);
  });
});

describe('STARFACE steps', () => {
  it('explains an untrusted PBX certificate with its details, and passes once its CA is trusted', async () => {
    const { a, env } = await assistantFor(graph);
    const r = await a.check('starface-connection', 'en');
    expect(r.status).toBe('fail');
    expect(r.message).toContain('is not trusted');
    expect(r.details[0]).toMatch(/^Certificate 1 \(server\): subject CN=localhost; issuer CN=Presence Bridge STARFACE Simulator CA; valid .* SHA-256 [0-9A-F:]{95}$/);
    // The simulator sends only its leaf, signed by a CA it does not send: no single certificate can fix it,
    // so the assistant asks for the CA file instead of offering the leaf.
    expect(r.trustOffer).toBeUndefined();
    expect(r.fix).toContain('CA certificate (PEM)');

    expect(await a.trustCertificate(sf.caPem!)).toEqual({ added: true });
    expect(await a.trustCertificate(sf.caPem!)).toEqual({ added: false });
    expect((await env.loadSettings()).network.extraCaPem).toHaveLength(2);
    const ok = await a.check('starface-connection', 'en');
    expect(ok.status).toBe('ok');
    expect(ok.details[0]).toMatch(/^Callbacks from STARFACE to Presence Bridge: http:\/\/127\.0\.0\.1:<free port>\/starface\/events\//);
  });

  it('with call events over HTTPS shows the https callback address and the fingerprint of the certificate the bridge will serve', async () => {
    const { a, env } = await assistantFor(graph, { trustPbx: true });
    const s = await env.loadSettings();
    await env.saveSettings({ ...s, starface: { ...s.starface, callbackTls: true } });
    const r = await a.check('starface-connection', 'en');
    expect(r.status).toBe('ok');
    expect(r.details[0]).toMatch(/^Callbacks from STARFACE to Presence Bridge: https:\/\/127\.0\.0\.1:<free port>\/starface\/events\//);
    const shown = /SHA-256 fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})/.exec(r.details.join('\n'))?.[1];
    expect(shown).toBeDefined();
    // The certificate the running bridge serves is the one shown here (kept in the vault).
    const conns = await openConnections(await env.loadSettings(), env.secrets);
    try {
      expect(conns.callbacks!.certificateFingerprint).toBe(shown);
    } finally {
      await conns.close();
    }
    const de = await a.check('starface-connection', 'de');
    expect(de.details.join('\n')).toContain(`SHA-256-Fingerabdruck ${shown!}`);
  });

  it('lets the admin choose how this PBX signs users in (AD token, OAuth with its client secret) and the callback auth check', async () => {
    const { a, env } = await assistantFor(graph, { trustPbx: true });
    await a.applyValue('uci-credentials', 'uciAuthAlgorithm', 'ad-base64');
    await a.applyValue('starface-connection', 'callbackAuth', 'required');
    expect((await env.loadSettings()).starface).toMatchObject({ uciAuthAlgorithm: 'ad-base64', callbackAuth: 'required' });
    await expect(a.applyValue('uci-credentials', 'uciAuthAlgorithm', 'sha256')).rejects.toThrow(/choose one of sha512, ad-base64, md5/);
    await a.applyValue('uci-credentials', 'uciCredential', 'oauth');
    await a.applyValue('uci-credentials', 'oauthScope', 'pbx-login');
    await a.applyValue('uci-credentials', 'oauthClientSecret', 'from-the-pbx-admin-ui');
    expect((await env.loadSettings()).starface).toMatchObject({ uciCredential: 'oauth', oauthScope: 'pbx-login' });
    expect(await env.secrets.get(STARFACE_OAUTH_CLIENT_SECRET)).toBe('from-the-pbx-admin-ui');
    // The settings window stores the secret through the control API.
    expect(SecretNameSchema.safeParse(STARFACE_OAUTH_CLIENT_SECRET).success).toBe(true);
  });

  it('reports a wrong address (no REST API) and an unreachable PBX', async () => {
    const { a, env } = await assistantFor(graph, { trustPbx: true });
    const s = await env.loadSettings();
    await env.saveSettings({ ...s, starface: { ...s.starface, baseUrl: `${sf.url}/something` } });
    const r = await a.check('starface-connection', 'en');
    expect(r.message).toContain('There is no STARFACE REST API');
    await env.saveSettings({ ...s, starface: { ...s.starface, baseUrl: 'https://127.0.0.1:1' } });
    const down = await a.check('starface-connection', 'de');
    expect(down.message).toBe('Die Gegenstelle ist nicht erreichbar.');
    expect(down.details[0]).toContain('ECONNREFUSED');
  });

  it('logs in as administrator, and explains a wrong admin password', async () => {
    const { a, env } = await assistantFor(graph, { trustPbx: true });
    const ok = await a.check('starface-admin', 'en');
    expect(ok.status).toBe('ok');
    expect(ok.message).toBe(`REST login as 0001 succeeded; ${PBX_USERS.length} users visible.`);
    await env.secrets.set('starface.adminPassword', 'wrong');
    const bad = await a.check('starface-admin', 'en');
    expect(bad.status).toBe('fail');
    expect(bad.message).toContain('rejected the administrator\'s REST login');
    expect(bad.fix).toContain('login ID');
  });
});

describe('users, UCI passwords and the final test', () => {
  it('previews matches and conflicts with their reasons', async () => {
    const { a } = await assistantFor(graph, { trustPbx: true });
    const r = await a.check('users', 'en');
    expect(r.status).toBe('warn');
    const byLogin = new Map(r.roster!.users.map((u) => [u.login, u]));
    expect(byLogin.get('1003')?.reason).toBe('duplicate-email');
    expect(byLogin.get('1004')?.reason).toBe('duplicate-email');
    expect(byLogin.get('1005')?.reason).toBe('no-email');
    expect(byLogin.get('1006')?.reason).toBe('no-microsoft-account');
    expect(byLogin.get('1001')?.reason).toBe('no-uci-password');
    // The PBX administrator account the bridge logs in with (0001) is not among "all users", and the step says so.
    expect(byLogin.has('0001')).toBe(false);
    expect(r.message).toContain('7 users selected: 3 with a Microsoft account, 0 of them ready; 4 conflicts.');
    expect(r.message).toContain('3 users still need their UCI password');
    expect(r.message).toContain('The administrator account 0001 is not selected (additional login IDs can add it).');
    expect(r.groups).toEqual(['Support']);
    expect(r.details.some((l) => l.startsWith('1005 No Mail <—>: no e-mail address in STARFACE'))).toBe(true);
  });

  it('reports an unknown group as a selection problem', async () => {
    const { a, env } = await assistantFor(graph, { trustPbx: true });
    const s = await env.loadSettings();
    await env.saveSettings({ ...s, users: { ...s.users, selection: 'group', group: 'Vertrieb' } });
    const r = await a.check('users', 'en');
    expect(r.status).toBe('fail');
    expect(r.message).toContain('The STARFACE group "Vertrieb" does not exist');
  });

  it('tests UCI logins for the selected users: missing, wrong and refused passwords are named', async () => {
    const { a, env } = await assistantFor(graph, { trustPbx: true });
    const s = await env.loadSettings();
    await env.saveSettings({ ...s, users: { ...s.users, extraLoginIds: [] } });
    const none = await a.check('uci-credentials', 'en');
    expect(none.status).toBe('fail');
    expect(none.message).toBe('UCI login: 0 of 3 users succeeded, 3 without a password.');

    const imported = await a.importUciCsv('login;password\n0001;Admin-Pass\n1001;Pass1001\n1002;wrong\n1007;Pass1007\nbroken line\n');
    expect(imported).toEqual({ imported: 4, errors: [{ line: 6, message: 'no separator: write login;password (or login,password)' }] });
    const r = await a.check('uci-credentials', 'en');
    expect(r.status).toBe('warn');
    expect(r.message).toBe('UCI login: 1 of 3 users succeeded, 2 refused.');
    expect(r.details.find((l) => l.startsWith('1002:'))).toMatch(/login failed – .*(401|refused|credentials)/i);
    expect(r.details.find((l) => l.startsWith('1007:'))).toMatch(/fault/);
    expect(JSON.stringify(r)).not.toContain('Pass1001');
    // Test logins leave no session behind.
    expect(sf.pbx.aliveSessions('1001')).toHaveLength(0);
  });

  it('final test reads the presence, sets and clears DND; where STARFACE does not report DND (the default) it says so', async () => {
    const { a } = await assistantFor(graph, { trustPbx: true });
    await a.importUciCsv('1001;Pass1001\n1002;Pass1002\n');
    graph.setUserPresence('anna.schmidt@example.com', { availability: 'Busy', activity: 'InACall' });
    sf.pbx.resetStats();
    // No test user given: the first person, never the PBX administrator 0001 the bridge logs in as.
    const r = await a.check('final-test', 'en');
    expect(r.status).toBe('ok');
    expect(r.message).toContain('1001 (Anna Schmidt)');
    expect(r.details).toContain('Teams presence of 1001 (Anna Schmidt): Busy / InACall → row "Busy – in a call"');
    expect(r.details).toEqual(expect.arrayContaining([
      'DND before: unknown', 'DND set: ok', 'DND cleared: ok', 'This STARFACE does not report DND back: the writes were accepted, DND is now off.',
    ]));
    expect(sf.pbx.stats()['ucp.v30.requests.userState.setDoNotDisturbSetting']).toBe(2);
    expect(sf.pbx.user('1001')!.dnd).toBe(false);
  });

  it('final test restores the previous DND where getUserState carries a DND flag (option userStateDndKey)', async () => {
    sf.setBehaviour({ userStateDndKey: 'doNotDisturb' });
    try {
      const { a } = await assistantFor(graph, { trustPbx: true });
      await a.importUciCsv('1001;Pass1001\n1002;Pass1002\n');
      const r = await a.check('final-test', 'en', { testUser: '1001' });
      expect(r.details).toEqual(expect.arrayContaining(['DND before: off', 'DND set: ok', 'DND cleared: ok', 'DND restored: off']));
      // A user who had DND on gets it back.
      sf.pbx.user('1002')!.dnd = true;
      const r2 = await a.check('final-test', 'de', { testUser: '1002' });
      expect(r2.status).toBe('ok');
      expect(r2.details).toContain('DND wiederhergestellt: an');
      expect(sf.pbx.user('1002')!.dnd).toBe(true);
    } finally {
      sf.setBehaviour({ userStateDndKey: null });
      sf.pbx.user('1002')!.dnd = false;
    }
  });

  it('final test refuses a test user who cannot be synced, and says why', async () => {
    const { a } = await assistantFor(graph, { trustPbx: true });
    const r = await a.check('final-test', 'en', { testUser: '1005' });
    expect(r.status).toBe('fail');
    expect(r.message).toContain('1005 cannot be synced');
    const unknown = await a.check('final-test', 'en', { testUser: '4711' });
    expect(unknown.message).toBe('The test user 4711 is not in the user selection.');
  });
});
