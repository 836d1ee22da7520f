// `presence-bridge sim starface` as a real process: prints the listening line, serves /_sim/users, and
// closes cleanly on SIGTERM.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './cli-helpers.js';

const started: CliProcess[] = [];

function sim(args: string[]): CliProcess {
  const cli = startCli(['sim', 'starface', ...args]);
  started.push(cli);
  return cli;
}

/** `sim starface` until it prints its listening line; `url` is the listening address. */
async function startSim(args: string[]): Promise<CliProcess & { url: string }> {
  const cli = sim(args);
  const [, url] = await cli.waitForLine(/^STARFACE simulator listening on (https?:\/\/\S+)$/m);
  return Object.assign(cli, { url: url! });
}

afterEach(async () => {
  for (const c of started.splice(0)) await c.kill();
});

describe('presence-bridge sim starface', () => {
  it('starts with --port 0 --users 5, serves /_sim/users and stops on SIGTERM', async () => {
    const { child, exited, url, stdout } = await startSim(['--port', '0', '--users', '5']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const users = (await (await fetch(`${url}/_sim/users`)).json()) as { login: string; email: string; admin: boolean }[];
    expect(users).toHaveLength(6);
    expect(users.filter((u) => u.admin).map((u) => u.login)).toEqual(['0001']);
    expect(users.map((u) => u.login)).toContain('1005');
    expect(stdout()).toMatch(/^Users file: .*users\.json$/m);
    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });

  it('loads a users file, serves HTTPS with --tls and prints the CA path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-cli-'));
    const file = join(dir, 'users.json');
    await writeFile(file, JSON.stringify({ users: [{ login: '1001', password: 'pw', email: 'a@example.com', firstName: 'A', familyName: 'B', groups: ['Support'], admin: true }] }));
    try {
      const { child, exited, url, stdout } = await startSim(['--port', '0', '--users-file', file, '--tls', '--set', 'userStateDndKey=doNotDisturb']);
      expect(url).toMatch(/^https:\/\//);
      expect(stdout()).toMatch(/^CA certificate: .*\.pem$/m);
      child.kill('SIGINT');
      expect((await exited).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs with --profile presets (comma list or repeated), prints them, and --set still overrides', async () => {
    const { child, exited, url, stdout } = await startSim(['--port', '0', '--users', '1', '--profile', 'ad-users,callback-auth-param', '--profile', 'html-500-on-unknown-method', '--set', 'serverVersion=9.1.0.0']);
    expect(stdout()).toMatch(/^Profiles: ad-users, callback-auth-param, html-500-on-unknown-method$/m);
    // The listening line stays the last line of the start-up output.
    expect(stdout().trimEnd().split('\n').pop()).toBe(`STARFACE simulator listening on ${url}`);
    const profiles = (await (await fetch(`${url}/_sim/profiles`)).json()) as { active: string[] };
    expect(profiles.active).toEqual(['ad-users', 'callback-auth-param', 'html-500-on-unknown-method']);
    const options = (await (await fetch(`${url}/_sim/options`)).json()) as Record<string, unknown>;
    expect(options).toMatchObject({ adUsers: true, callbackAuthParam: true, unknownMethodAnswer: 'html500', serverVersion: '9.1.0.0' });
    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });

  it('refuses bad arguments with exit code 2 and a clear message', async () => {
    const cli = sim(['--users', 'many']);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('--users must be a whole number');
    const unknown = sim(['--profile', 'dnd-readable']);
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.stderr()).toContain('Unknown STARFACE profile "dnd-readable". Known profiles: v22-userstate-only, no-userstate');
    const conflict = sim(['--profile', 'no-userstate,v22-userstate-only']);
    expect((await conflict.exited).code).toBe(2);
    expect(conflict.stderr()).toContain('cannot be combined');
  });
});
