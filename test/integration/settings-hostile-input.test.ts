// The engine service against hostile or careless input through its control API (dispatch, as both hosts call
// it), with a real STARFACE simulator behind the directory: the UCI password list, what secrets.status shows,
// settings that must be refused at save, and saves that must not reset what they leave out (issue 13, issue 12
// item 2).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../../src/control/dispatch.js';
import { createLogger, type RootLogger } from '../../src/platform/logger.js';
import type { Message } from '../../src/core/errors.js';
import { renderMessage } from '../../src/core/messages/index.js';
import { SettingsStoreError } from '../../src/platform/settings-store.js';
import { MemorySecretStore } from '../../src/platform/vault.js';
import { openFileEnvironment } from '../../src/setup/environment.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { createEngineService, type EngineService } from '../../src/control/service.js';

let sim: StarfaceSimulator;
let dir: string;
let service: EngineService;
let secrets: MemorySecretStore;
let logger: RootLogger;

async function call<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
  const reply = await dispatch(service.api, { method, params });
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

beforeAll(async () => {
  sim = await startStarfaceSimulator({
    users: [
      { login: '0001', password: 'Admin-Pass', email: 'admin@example.com', firstName: 'Ad', familyName: 'Min', admin: true },
      { login: '1001', password: 'pw-1001', email: 'a@example.com', firstName: 'A', familyName: 'A' },
      { login: 'm.mueller', password: 'pw-mm', email: 'm.mueller@example.com', firstName: 'M', familyName: 'Müller' },
    ],
  });
});
afterAll(async () => {
  await sim.close();
});

async function startService(settings: Record<string, unknown>, opts: { vault?: boolean } = {}): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-hostile-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 2, ...settings }));
  secrets = new MemorySecretStore({ 'starface.adminPassword': 'Admin-Pass' });
  await restartService(opts);
}

/** The service again on the same folder; with `vault`, on a real vault file (passphrase) instead of memory. */
async function restartService(opts: { vault?: boolean } = {}): Promise<void> {
  await service?.close();
  logger = createLogger({ level: 'debug' });
  service = await createEngineService({
    dataDir: dir, logger, tuning: { withoutCallbacks: true },
    ...(opts.vault ? { vaultPassphrase: 'a passphrase for the hostile-input tests' } : { secrets }),
  });
}
afterEach(async () => {
  await service?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the UCI password list (issue 13 item 3)', () => {
  it('refuses swapped columns, spaces and over-long logins by line number, never echoing a field, and imports the rest', async () => {
    await startService({ starface: { baseUrl: sim.url, adminLogin: '0001' } });
    const csv = ['S3cretPw;1001', `${'y'.repeat(250)};pw-long`, 'my secret pw;1002', 'm.mueller;pw-mm', 'x.unknown;pw-x', '1001;pw-1001'].join('\n');
    const r = await call<{ imported: number; errors: { line: number; message: string }[] }>('secrets.importStarfaceCsv', { csv });
    expect(r.errors.map((e) => e.line)).toEqual([1, 2, 3, 5]);
    expect(r.errors[0]?.message).toMatch(/columns look swapped/);
    expect(r.imported).toBe(2);
    expect(JSON.stringify(r)).not.toMatch(/S3cretPw|yyyy|my secret pw|x\.unknown|pw-/);
    // The directory knows m.mueller (a non-numeric login), so it was accepted; the password never became a name.
    expect(await secrets.get('starface.user.m.mueller.password')).toBe('pw-mm');
    expect((await secrets.names()).filter((n) => /S3cretPw|yyyy/.test(n))).toEqual([]);
    expect(JSON.stringify(logger.ring.entries({}))).not.toMatch(/S3cretPw|pw-mm|pw-1001/);
  });

  it('secrets.status never lists a stored login that does not look like a login', async () => {
    await startService({ starface: { baseUrl: sim.url, adminLogin: '0001' } });
    // What an older version stored from swapped columns: the password as the login name.
    await secrets.set('starface.user.S3cretPw.password', '1002');
    await secrets.set('starface.user.1001.password', 'pw-1001');
    const status = await call<{ starfaceUserPasswords: string[] }>('secrets.status');
    expect(status.starfaceUserPasswords).toEqual(['1001']);
    expect(JSON.stringify(status)).not.toContain('S3cretPw');
    expect(logger.ring.entries({ level: 'warn' }).map((e) => e.msg).join('\n')).toMatch(/not listed/);
  });
});

describe('a deleted vault (issue 13 item 7)', () => {
  it('is reported as lost secrets, naming what to enter again, when the settings rely on stored secrets', async () => {
    await startService({}, { vault: true });
    expect((await call<{ problems: string[] }>('settings.get')).problems.join('\n')).not.toMatch(/vault/);
    const { settings } = await call<{ settings: Record<string, Record<string, unknown>> }>('settings.get');
    expect(await call('settings.save', { settings: { ...settings, starface: { ...settings.starface, baseUrl: sim.url, adminLogin: '0001' } } })).toEqual({ ok: true, issues: [] });
    await call('secrets.set', { name: 'starface.adminPassword', value: 'Admin-Pass' });
    await service.close();

    fs.rmSync(path.join(dir, 'vault.json'));
    await restartService({ vault: true });
    const problems = (await call<{ problems: string[] }>('settings.get')).problems.join('\n');
    // With the OS keychain (npm test runs one) the kept key proves the deletion; with a passphrase the settings do.
    expect(problems).toMatch(/secret vault .*vault\.json (was deleted or moved \(its key is still in the OS keychain\)|did not exist, although the settings rely on stored secrets)/);
    expect(problems).toMatch(/the password of the STARFACE administrator 0001 \(Connections → STARFACE\)/);
    expect(problems).toMatch(/UCI passwords/);
    expect(problems).not.toMatch(/client secret/);
    expect(logger.ring.entries({ level: 'error' }).map((e) => e.msg).join('\n')).toMatch(/secrets .*lost/);
    // Coded, so the page (and the Log page) say it in German.
    const got = await call<{ problems: string[]; problemCodes: ({ code: string; params?: Record<string, string> } | null)[] }>('settings.get');
    const i = got.problems.findIndex((p) => p.includes('secret vault'));
    expect(got.problemCodes[i]).toMatchObject({ code: expect.stringMatching(/^vault-(lost|missing)$/), params: { secrets: 'secret-starface-admin-password(0001);secret-uci-passwords' } });
    expect(renderMessage('de', got.problemCodes[i] as Message)).toMatch(/Tresor .*das Passwort des STARFACE-Administrators 0001 \(Verbindungen → STARFACE\); die UCI-Passwörter der Benutzer/);
    expect(logger.ring.entries({ level: 'error' }).find((e) => e.msg.includes('secret vault'))?.code).toBe(got.problemCodes[i]!.code);
  });
});

describe('a corrupt settings file', () => {
  it('is moved aside, and settings.get says so with a code', async () => {
    await startService({});
    await service.close();
    fs.writeFileSync(path.join(dir, 'settings.json'), '{"version": 2, "sync": {');
    await restartService();
    const got = await call<{ problems: string[]; problemCodes: ({ code: string; params?: Record<string, string> } | null)[] }>('settings.get');
    const i = got.problems.findIndex((p) => p.includes('could not be read'));
    expect(got.problems[i]).toMatch(/is not valid JSON .* It was moved to .*settings\.json\.corrupt-/);
    expect(got.problemCodes[i]).toMatchObject({ code: 'settings-file-moved-not-json', params: { file: path.join(dir, 'settings.json') } });
    expect(renderMessage('de', got.problemCodes[i] as Message)).toMatch(/^Die Einstellungsdatei .* ließ sich nicht lesen: Sie ist kein gültiges JSON/);
    expect(logger.ring.entries({ level: 'warn' }).find((e) => e.msg === got.problems[i])).toMatchObject({ code: 'settings-file-moved-not-json' });
  });
});

describe('addresses with credentials (issue 13 item 7)', () => {
  it('refuses a PBX address with user:password at save, says where the password belongs, and never echoes or stores it', async () => {
    await startService({});
    const { settings } = await call<{ settings: Record<string, Record<string, unknown>> }>('settings.get');
    const reply = await dispatch(service.api, { method: 'settings.save', params: { settings: { ...settings, starface: { ...settings.starface, baseUrl: 'https://admin:Geheim-123@pbx.example.com' } } } });
    expect(reply.ok && reply.result).toMatchObject({ ok: false, issues: [{ path: 'starface.baseUrl' }] });
    expect(JSON.stringify(reply)).toMatch(/password in the secret vault/);
    expect(JSON.stringify(reply)).not.toContain('Geheim-123');
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).not.toContain('Geheim-123');
    expect(JSON.stringify(logger.ring.entries({}))).not.toContain('Geheim-123');
  });
});

describe('texts with control characters (issue 13 item 1)', () => {
  it('refuses a chat text with a control character at save, naming the row', async () => {
    await startService({});
    const { settings } = await call<{ settings: { rules: Record<string, Record<string, unknown>> } & Record<string, unknown> }>('settings.get');
    const rules = { ...settings.rules, 'busy-in-call': { ...settings.rules['busy-in-call'], chatText: 'Im Gespr\u0001ch' } };
    const r = await call<{ ok: boolean; issues: { path: string; message: string }[] }>('settings.save', { settings: { ...settings, rules } });
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual([{
      path: 'rules.busy-in-call.chatText',
      code: 'settings-row-control-character',
      params: { row: 'Busy – in a call', char: 'U+0001', position: 9 },
      message: expect.stringMatching(/row "Busy – in a call" contains a control character \(U\+0001\)/),
    }]);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).not.toContain('\\u0001');
  });
});

describe('a save of an incomplete settings object (issue 12 item 2)', () => {
  const configured = {
    microsoft: { tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555' },
    starface: { adminLogin: '0001', keepAliveSeconds: 30 },
    sync: { ownershipMode: 'teams-leads', pollIntervalSeconds: 5 },
    users: { selection: 'group', group: 'Support', extraLoginIds: ['1001'] },
  };

  it('through the control API: {rules} alone is refused with the list of what it leaves out, and nothing is reset', async () => {
    await startService(configured);
    const before = (await call<{ settings: Record<string, unknown> & { rules: Record<string, Record<string, unknown>> } }>('settings.get')).settings;
    const fileBefore = fs.readFileSync(path.join(dir, 'settings.json'), 'utf8');
    const rules = { ...before.rules, busy: { ...before.rules.busy, dnd: 'on' } };
    const r = await call<{ ok: boolean; issues: { path: string; code: string; message: string }[] }>('settings.save', { settings: { rules } });
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.path)).toEqual(['microsoft', 'starface', 'users', 'sync']);
    expect(r.issues[0]?.message).toMatch(/left out: saving would reset it to its default/);
    expect(r.issues.map((i) => i.code)).toEqual(['settings-left-out', 'settings-left-out', 'settings-left-out', 'settings-left-out']);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe(fileBefore);
    expect((await call<{ settings: unknown }>('settings.get')).settings).toEqual(before);
    // A section with a value left out is refused at that value; the complete object saves.
    const partSection = await call<{ ok: boolean; issues: { path: string }[] }>('settings.save', { settings: { ...before, sync: { ownershipMode: 'teams-leads' } } });
    expect(partSection.issues.map((i) => i.path)).toEqual(['sync.pollIntervalSeconds']);
    expect(await call('settings.save', { settings: { ...before, rules } })).toEqual({ ok: true, issues: [] });
    expect((await call<{ settings: { sync: { pollIntervalSeconds: number } } }>('settings.get')).settings.sync.pollIntervalSeconds).toBe(5);
  });

  it('through the settings file the CLI (presence-bridge setup) saves: refused the same way, the file unchanged', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-hostile-'));
    const settingsFile = path.join(dir, 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ version: 2, ...configured }));
    const env = await openFileEnvironment({ settingsFile, passphrase: 'a passphrase for the hostile-input tests' });
    const before = fs.readFileSync(settingsFile, 'utf8');
    const err = await env.saveSettings({ rules: { busy: { dnd: 'on' } } }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsStoreError);
    expect((err as SettingsStoreError).issues.map((i) => i.path)).toEqual(['microsoft', 'starface', 'users', 'sync']);
    expect(fs.readFileSync(settingsFile, 'utf8')).toBe(before);
    // What the assistant does (change one value of the loaded settings) keeps everything else.
    const current = await env.loadSettings();
    await env.saveSettings({ ...current, starface: { ...current.starface, baseUrl: sim.url } });
    const after = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as typeof configured & { starface: { baseUrl: string } };
    expect(after.starface).toMatchObject({ baseUrl: sim.url, adminLogin: '0001', keepAliveSeconds: 30 });
    expect(after.sync).toMatchObject({ ownershipMode: 'teams-leads', pollIntervalSeconds: 5 });
  });
});
