// `presence-bridge check`: a readable report with a fix for every problem, and an exit code that says whether
// anything is wrong. Runs the real CLI against both simulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoEnvironment, type DemoEnvironment } from '../../src/commands/demo-environment.js';
import { startCli } from './cli-helpers.js';

let env: DemoEnvironment;

beforeAll(async () => {
  env = await startDemoEnvironment({ users: 10 });
}, 30_000);

afterAll(async () => {
  await env?.close();
});

/** The CLI in English unless a test asks for a language (the demo settings may say German). */
async function check(...extra: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const lang = extra.includes('--lang') ? [] : ['--lang', 'en'];
  const cli = startCli(['check', '--config', env.settingsFile, ...lang, ...extra], { PRESENCE_BRIDGE_VAULT_PASSPHRASE: env.vaultPassphrase! });
  const { code } = await cli.exited;
  return { code, out: cli.stdout(), err: cli.stderr() };
}

describe('presence-bridge check', () => {
  it('passes (exit 0) when both connections, the permissions and the roster are fine', async () => {
    const r = await check();
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('Microsoft 365 (Teams presence): OK');
    expect(r.out).toContain('✓ Admin consent');
    expect(r.out).toContain('STARFACE: OK');
    expect(r.out).toContain('✓ UCI login');
    expect(r.out).toContain('Users: 10 will be synced, 0 cannot be synced');
    // The check changes nothing on either side.
    expect(env.starface.users.every((u) => env.starface.pbx.user(u.login)!.chatPresenceMessage === '')).toBe(true);
  }, 40_000);

  it('fails (exit 1) with a fix for a wrong password, missing consent and users that cannot be synced', async () => {
    const app = env.graph.tenant.apps[0]!;
    const granted = [...app.application];
    app.application.splice(0, app.application.length, ...granted.filter((r) => r !== 'Presence.ReadWrite.All'));
    await env.secrets.delete('starface.user.1004.password');
    try {
      const r = await check();
      expect(r.code).toBe(1);
      // Judged by probes: Graph refuses the write probe (403), whatever the token says.
      expect(r.out).toContain('✗ Presence write: Admin consent is missing for: Presence.ReadWrite.All (application');
      expect(r.out).toContain('✗ Admin consent: Admin consent is missing for: Presence.ReadWrite.All (application');
      expect(r.out).toMatch(/Fix: Add the permissions in the app registration .*grant consent .*https:\/\/.*adminconsent/);
      expect(r.out).toMatch(/✗ 1004 .*: no UCI password stored\n\s+Fix: .*Connections/);
      expect(r.out).toContain('Something needs fixing');

      app.application.splice(0, app.application.length, ...granted);
      const allowed = await check('--allow-conflicts');
      expect(allowed.code, allowed.out).toBe(0);

      await env.secrets.set('starface.adminPassword', 'wrong-password');
      const bad = await check('--json');
      expect(bad.code).toBe(1);
      const report = JSON.parse(bad.out) as { ok: boolean; starface: { checks: { id: string; ok: boolean; fix?: string }[] } };
      expect(report.ok).toBe(false);
      const login = report.starface.checks.find((c) => c.id === 'rest-login')!;
      expect(login.ok).toBe(false);
      expect(login.fix).toMatch(/login ID .* password of a STARFACE administrator/);
      expect(bad.out).not.toContain('wrong-password');
    } finally {
      app.application.splice(0, app.application.length, ...granted);
      await env.secrets.set('starface.adminPassword', env.starface.admin.password);
      await env.secrets.set('starface.user.1004.password', env.starface.users.find((u) => u.login === '1004')!.password);
    }
  }, 60_000);

  it('speaks German throughout with --lang de: the checks, their fixes and its own lines, no English sentence', async () => {
    await env.secrets.set('starface.adminPassword', 'wrong-password');
    try {
      const r = await check('--lang', 'de');
      expect(r.code).toBe(1);
      expect(r.out).toContain('Microsoft 365 (Teams-Status): OK');
      expect(r.out).toContain('STARFACE: PROBLEME');
      expect(r.out).toMatch(/✗ [^\n]+\n\s+So beheben: /);
      expect(r.out).toContain('Etwas muss behoben werden');
      expect(r.out).not.toMatch(/\bFix:|\bthe\b|Something needs fixing|will be synced/);
    } finally {
      await env.secrets.set('starface.adminPassword', env.starface.admin.password);
    }
  }, 60_000);

  it('rejects a missing --config with exit code 2', async () => {
    const cli = startCli(['check'], { LC_ALL: 'C.UTF-8' }); // English usage text, whatever the machine's locale
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('Usage: presence-bridge check');
  }, 20_000);
});
