// First run through the control contract only, as the settings page does it: an empty settings file, then
// secrets and settings entered → the engine connects and syncs, without a restart.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoEnvironment, type DemoEnvironment } from '../../src/commands/demo-environment.js';
import { createLogger } from '../../src/platform/logger.js';
import { openVault } from '../../src/platform/vault.js';
import { createEngineService, type EngineService } from '../../src/control/service.js';
import { FAST_TUNING, syncedLogins, waitFor } from './sync-helpers.js';

let env: DemoEnvironment;
let dir: string;
let service: EngineService | undefined;

beforeAll(async () => {
  env = await startDemoEnvironment({ users: 10 });
  dir = await mkdtemp(path.join(tmpdir(), 'pb-first-run-'));
}, 30_000);

afterAll(async () => {
  await service?.close({ restore: false });
  await env?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('first run', () => {
  it('starts unconfigured, then connects and syncs once secrets and settings are entered', async () => {
    const secrets = await openVault({ file: path.join(dir, 'vault.json'), passphrase: 'first-run-test', keySource: 'passphrase' });
    service = await createEngineService({ dataDir: dir, secrets, logger: createLogger({ level: 'debug' }), tuning: FAST_TUNING });
    await service.start();
    const api = service.api;

    const first = await api['state.snapshot']({});
    expect(first.sync.state).toBe('error');
    expect(first.sync.reason).toMatch(/Not configured yet: microsoft\.tenantId/);
    expect(first.auth.state).toBe('not-configured');
    const { settings, problems } = await api['settings.get']({});
    expect(problems.join(' ')).toMatch(/starface\.baseUrl/);

    await api['secrets.set']({ name: 'microsoft.clientSecret', value: env.graph.app.clientSecret! });
    await api['secrets.set']({ name: 'starface.adminPassword', value: env.starface.admin.password });
    const csv = env.starface.users.map((u) => `${u.login};${u.password}`).join('\n');
    expect((await api['secrets.importStarfaceCsv']({ csv })).imported).toBe(11);

    const saved = await api['settings.save']({ settings: { ...settings, microsoft: env.settings.microsoft, starface: env.settings.starface, network: env.settings.network } });
    expect(saved).toEqual({ ok: true, issues: [] });
    await waitFor(async () => (await api['state.snapshot']({})).sync.state === 'running', 20_000, 'running');
    // Every person synced; the PBX administrator account the bridge logs in with is left out of "all users".
    const admin = env.starface.admin.login;
    const adminBefore = { dnd: env.starface.pbx.user(admin)!.dnd, text: env.starface.pbx.user(admin)!.chatPresenceMessage };
    const people = syncedLogins({ env });
    await waitFor(() => people.every((l) => env.starface.pbx.user(l)!.chatPresenceMessage === 'Offline'), 20_000, 'synced');
    expect((await api['state.snapshot']({})).users.map((u) => u.login).sort()).toEqual([...people].sort());
    expect({ dnd: env.starface.pbx.user(admin)!.dnd, text: env.starface.pbx.user(admin)!.chatPresenceMessage }).toEqual(adminBefore);
    expect((await api['auth.status']({})).appCredential).toBe('ok');
  }, 60_000);

  it('reports a corrupt settings file on load and drops the note once the admin has saved', async () => {
    const own = await mkdtemp(path.join(tmpdir(), 'pb-corrupt-'));
    await writeFile(path.join(own, 'settings.json'), '{ this is not json');
    const secrets = await openVault({ file: path.join(own, 'vault.json'), passphrase: 'corrupt-test', keySource: 'passphrase' });
    const svc = await createEngineService({ dataDir: own, secrets, logger: createLogger({ level: 'warn' }), tuning: FAST_TUNING });
    try {
      const before = await svc.api['settings.get']({});
      expect(before.problems.join(' ')).toMatch(/settings\.json\.corrupt-/);
      expect(await svc.api['settings.save']({ settings: before.settings })).toEqual({ ok: true, issues: [] });
      const after = await svc.api['settings.get']({});
      expect(after.problems.join(' ')).not.toMatch(/corrupt/);
    } finally {
      await svc.close({ restore: false });
      await rm(own, { recursive: true, force: true });
    }
  }, 30_000);
});
