// One diagnosis (issue 14 item 4, issue 16 item 4): `presence-bridge check` (the same code as the Connections
// test) and the setup assistant judge the same tenant the same way — by what Graph allows, not by decoding the
// access token — on a healthy tenant with opaque tokens and on one where consent is missing. Real CLI, real
// setup assistant, both simulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoEnvironment, type DemoEnvironment } from '../../src/commands/demo-environment.js';
import type { CheckReport } from '../../src/control/contract.js';
import { openFileEnvironment, SetupAssistant } from '../../src/setup/index.js';
import { startCli } from './cli-helpers.js';

let env: DemoEnvironment;

beforeAll(async () => {
  env = await startDemoEnvironment({ users: 4 });
  env.graph.setProfile('opaque-tokens');
}, 30_000);

afterAll(async () => {
  await env?.close();
});

async function check(): Promise<{ code: number | null; microsoft: CheckReport }> {
  const cli = startCli(['check', '--config', env.settingsFile, '--json', '--allow-conflicts'], { PRESENCE_BRIDGE_VAULT_PASSPHRASE: env.vaultPassphrase! });
  const { code } = await cli.exited;
  return { code, microsoft: (JSON.parse(cli.stdout()) as { microsoft: CheckReport }).microsoft };
}

async function setup(): Promise<{ app: Awaited<ReturnType<SetupAssistant['check']>>; consent: Awaited<ReturnType<SetupAssistant['check']>> }> {
  const fileEnv = await openFileEnvironment({ settingsFile: env.settingsFile, vaultFile: env.vaultFile, passphrase: env.vaultPassphrase! });
  const a = new SetupAssistant(fileEnv);
  return { app: await a.check('microsoft-app', 'en'), consent: await a.check('microsoft-consent', 'en') };
}

describe('check and setup agree', () => {
  it('on a healthy tenant whose access tokens are opaque: both pass', async () => {
    const c = await check();
    expect(c.microsoft.ok, JSON.stringify(c.microsoft.checks)).toBe(true);
    expect(c.microsoft.checks.map((x) => [x.id, x.code])).toEqual([
      ['config', 'ok'], ['credential', 'ok'], ['app-token', 'ok'], ['directory', 'ok'], ['presence-read', 'ok'], ['presence-write', 'ok'], ['consent', 'ok'],
    ]);
    const s = await setup();
    expect([s.app.status, s.consent.status]).toEqual(['ok', 'ok']);
    expect(s.consent.message).toBe(c.microsoft.checks.find((x) => x.id === 'consent')!.message);
  }, 60_000);

  it('on a tenant without consent for Presence.ReadWrite.All: both name the same missing permission, with one text', async () => {
    const app = env.graph.tenant.apps[0]!;
    const granted = [...app.application];
    app.application.splice(0, app.application.length, ...granted.filter((r) => r !== 'Presence.ReadWrite.All'));
    try {
      const c = await check();
      expect(c.code).toBe(1);
      const consent = c.microsoft.checks.find((x) => x.id === 'consent')!;
      expect(consent).toMatchObject({ ok: false, code: 'microsoft-permission-missing', params: { permissions: 'Presence.ReadWrite.All (application)' } });
      expect(c.microsoft.checks.find((x) => x.id === 'presence-write')).toMatchObject({ ok: false, code: 'microsoft-permission-missing' });
      expect(c.microsoft.checks.find((x) => x.id === 'directory')).toMatchObject({ ok: true, code: 'ok' });

      const s = await setup();
      expect(s.app.status).toBe('ok');
      expect(s.consent.status).toBe('fail');
      expect(s.consent.message).toBe(consent.message);
      expect(s.consent.fix).toBe(consent.fix);
    } finally {
      app.application.splice(0, app.application.length, ...granted);
    }
  }, 60_000);
});
