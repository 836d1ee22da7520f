// `presence-bridge run`: the headless engine with its settings page, against both simulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoEnvironment, type DemoEnvironment } from '../../src/commands/demo-environment.js';
import { callApi, startCli, type CliProcess } from './cli-helpers.js';
import { waitFor } from './sync-helpers.js';
import { ensureRendererBuilt } from '../e2e/renderer-harness.js';

let env: DemoEnvironment;
const procs: CliProcess[] = [];

beforeAll(async () => {
  // The page is served from the built renderer: build it here rather than rely on an e2e file having done so.
  await ensureRendererBuilt();
  env = await startDemoEnvironment({ users: 20, pollIntervalSeconds: 1 });
}, 150_000);

afterAll(async () => {
  for (const p of procs) await p.kill();
  await env?.close();
});

describe('presence-bridge run', () => {
  it('runs headless, serves the settings page, syncs, and restores on SIGTERM (exit 0)', async () => {
    const cli = startCli(['run', '--config', env.settingsFile, '--port', '0'], { PRESENCE_BRIDGE_VAULT_PASSPHRASE: env.vaultPassphrase! });
    procs.push(cli);
    const [, pageUrl] = await cli.waitForLine(/Presence Bridge settings page: (\S+)/);
    expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);

    // The page itself is served, and the API answers with the token.
    const page = await fetch(new URL(pageUrl!).origin + '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBeTruthy();
    const noToken = await fetch(new URL('/api/state.snapshot', pageUrl).href, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(noToken.status).toBe(401);

    await waitFor(async () => (await callApi<{ users: unknown[]; sync: { state: string } }>(pageUrl!, 'state.snapshot')).users.length === 20, 20_000, 'users'); // 20 people, not the PBX admin account
    env.graph.setUserPresence(env.microsoftIdOf('1003'), { availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    await waitFor(() => env.starface.pbx.user('1003')!.dnd, 10_000, 'DND on the PBX');
    const snap = await callApi<{ sync: { state: string; counters: { pbxWrites: number } } }>(pageUrl!, 'state.snapshot');
    expect(snap.sync.state).toBe('running');
    expect(snap.sync.counters.pbxWrites).toBeGreaterThan(0);

    cli.child.kill('SIGTERM');
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.stdout()).toContain('Presence Bridge stopped.');
    // restoreOnStop: the DND the bridge set is gone again.
    expect(env.starface.pbx.user('1003')!.dnd).toBe(false);
    expect(env.starface.pbx.user('1003')!.chatPresenceMessage).toBe('');
  }, 60_000);

  it('explains a missing --config (exit 2) and a vault it cannot open (exit 1)', async () => {
    const noConfig = startCli(['run'], { LC_ALL: 'C.UTF-8' }); // English usage text, whatever the machine's locale
    procs.push(noConfig);
    expect((await noConfig.exited).code).toBe(2);
    expect(noConfig.stderr()).toContain('--config <settings.json> is required');

    const badVault = startCli(['run', '--config', env.settingsFile], { PRESENCE_BRIDGE_VAULT_PASSPHRASE: 'wrong passphrase' });
    procs.push(badVault);
    expect((await badVault.exited).code).toBe(1);
    expect(badVault.stderr()).toMatch(/Presence Bridge could not start: .*(passphrase|vault)/i);
    expect(badVault.stderr()).not.toContain(env.vaultPassphrase!);
  }, 30_000);
});
