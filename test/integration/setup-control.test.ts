// The setup assistant through the control contract (dispatch → control service → engine host), against both
// simulators: the same checks as the terminal, and the expiry watch showing up in AuthStatus and events.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_STEP_IDS as CONTRACT_STEP_IDS, type ControlEvent } from '../../src/control/contract.js';
import { dispatch } from '../../src/control/dispatch.js';
import { MemorySecretStore } from '../../src/platform/vault.js';
import { SETUP_STEP_IDS } from '../../src/setup/index.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import { generateTenant, usersFromStarface } from '../../src/simulators/graph/tenant.js';
import { startStarfaceSimulator, type SimUserInput, type StarfaceSimulator } from '../../src/simulators/starface/index.js';
import { createEngineService, type EngineService } from '../../src/control/service.js';

const PBX_USERS: SimUserInput[] = [
  { login: '0001', password: 'Admin-Pass', email: 'admin@example.com', firstName: 'Admin', familyName: 'PBX', admin: true },
  { login: '1001', password: 'Pass1001', email: 'anna.schmidt@example.com', firstName: 'Anna', familyName: 'Schmidt' },
];

let sf: StarfaceSimulator;
let graph: GraphSimulator;
let dir: string;
const services: EngineService[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pb-setup-control-'));
  sf = await startStarfaceSimulator({ users: PBX_USERS });
  graph = await startGraphSimulator({ tenant: generateTenant(usersFromStarface(PBX_USERS)) });
});

afterAll(async () => {
  for (const s of services) await s.close();
  await Promise.all([sf.close(), graph.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function service(secret: string): Promise<EngineService> {
  const d = mkdtempSync(join(dir, 'svc-'));
  writeFileSync(join(d, 'settings.json'), JSON.stringify({
    version: 2,
    microsoft: { tenantId: graph.tenant.tenantId, clientId: graph.app.clientId, authorityHost: graph.url, graphBaseUrl: graph.url },
    starface: { baseUrl: sf.url, adminLogin: '0001' },
    network: { extraCaPem: [graph.caPem] },
    sync: { enabled: false },
    ui: { language: 'de' },
  }));
  const s = await createEngineService({
    settingsFile: join(d, 'settings.json'),
    secrets: new MemorySecretStore({ 'microsoft.clientSecret': secret, 'starface.adminPassword': 'Admin-Pass' }),
  });
  services.push(s);
  return s;
}

async function call(s: EngineService, method: string, params: unknown = {}): Promise<Record<string, unknown>> {
  const r = await dispatch(s.api, { method, params });
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.result as Record<string, unknown>;
}

describe('setup through the control contract', () => {
  it('keeps the step list of the contract and of src/setup the same', () => {
    expect([...CONTRACT_STEP_IDS]).toEqual([...SETUP_STEP_IDS]);
  });

  it('describes the steps in the settings language and lists what is missing', async () => {
    const s = await service('whatever');
    const r = await call(s, 'setup.steps');
    const steps = r.steps as { id: string; title: string; fields: { id: string; label: string }[] }[];
    expect(steps.map((x) => x.id)).toEqual([...SETUP_STEP_IDS]);
    expect(steps[0]!.title).toBe('Microsoft-Mandant und App');
    expect(steps[0]!.fields.find((f) => f.id === 'clientSecret')?.label).toBe('Geheimer Clientschlüssel (Wert)');
    expect(r.missing).toEqual(['STARFACE: UCI-Passwörter der Benutzer']);
    const en = await call(s, 'setup.steps', { language: 'en' });
    expect((en.steps as { title: string }[])[5]!.title).toBe('Users\' UCI passwords');
  });

  it('detects a wrong secret, and passes with the right one, over dispatch', async () => {
    const bad = await service('not-the-value');
    const r = await call(bad, 'setup.check', { step: 'microsoft-app', language: 'en' });
    expect(r).toMatchObject({ step: 'microsoft-app', ok: false, status: 'fail' });
    expect(r.message).toContain('AADSTS7000215');
    const good = await service(graph.app.clientSecret!);
    expect(await call(good, 'setup.check', { step: 'microsoft-consent' })).toMatchObject({ status: 'ok' });
    const users = await call(good, 'setup.check', { step: 'users', language: 'en' });
    expect((users.roster as { users: { login: string; reason?: string }[] }).users.map((u) => `${u.login}:${u.reason}`)).toEqual(['1001:no-uci-password']); // not the PBX admin 0001
    // The step list rejects unknown steps before anything runs.
    const wrong = await dispatch(good.api, { method: 'setup.check', params: { step: 'nope' } });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
  });

  it('turns an expiring client secret into appCredential "expiring" in auth.status, the snapshot and an event', async () => {
    const s = await service(graph.app.clientSecret!);
    expect((await call(s, 'auth.status')).appCredential).toBe('ok');
    const events: ControlEvent[] = [];
    const off = s.api.subscribe((e) => events.push(e));
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    expect(await call(s, 'setup.credentialExpiry', { expiresAt: soon })).toEqual({ expiresAt: `${soon}T23:59:59.000Z` });
    const status = await call(s, 'auth.status');
    expect(status.appCredential).toBe('expiring');
    expect(status.message).toMatch(/Der geheime Clientschlüssel läuft am .* ab \(in [45] Tagen\)/);
    expect(((await call(s, 'state.snapshot')).auth as { appCredential: string }).appCredential).toBe('expiring');
    expect(events.some((e) => e.type === 'auth.changed' && e.data.appCredential === 'expiring')).toBe(true);
    const steps = await call(s, 'setup.steps');
    expect((steps.expiry as { severity: string; threshold?: number }[])[0]).toMatchObject({ severity: 'warning', threshold: 7 });

    const past = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await call(s, 'setup.credentialExpiry', { expiresAt: past });
    expect((await call(s, 'auth.status')).appCredential).toBe('invalid');
    await call(s, 'setup.credentialExpiry', { expiresAt: null });
    expect((await call(s, 'auth.status')).appCredential).toBe('ok');
    const bad = await dispatch(s.api, { method: 'setup.credentialExpiry', params: { expiresAt: '31.12.2027' } });
    expect(bad).toMatchObject({ ok: false, error: { message: expect.stringContaining('use YYYY-MM-DD') } });
    off();
  });

  it('trusts a certificate once', async () => {
    const s = await service(graph.app.clientSecret!);
    expect(await call(s, 'setup.trustCertificate', { pem: graph.caPem })).toEqual({ added: false });
    const other = (await import('selfsigned')).generate;
    const pems = await other([{ name: 'commonName', value: 'x' }], { keyType: 'ec', algorithm: 'sha256' });
    expect(await call(s, 'setup.trustCertificate', { pem: pems.cert })).toEqual({ added: true });
    expect(await call(s, 'setup.trustCertificate', { pem: pems.cert })).toEqual({ added: false });
    expect(((await call(s, 'settings.get')).settings as { network: { extraCaPem: string[] } }).network.extraCaPem).toHaveLength(2);
  });
});
