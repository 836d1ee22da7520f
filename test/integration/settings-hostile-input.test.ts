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
import { MemorySecretStore } from '../../src/platform/vault.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { createEngineService, type EngineService } from '../../src/sync/service.js';

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

async function startService(settings: Record<string, unknown>): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-hostile-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 2, ...settings }));
  secrets = new MemorySecretStore({ 'starface.adminPassword': 'Admin-Pass' });
  logger = createLogger({ level: 'debug' });
  service = await createEngineService({ dataDir: dir, secrets, logger, tuning: { withoutCallbacks: true } });
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
