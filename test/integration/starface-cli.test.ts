// `presence-bridge sim starface` as a real process: prints the listening line, serves /_sim/users, and
// closes cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];

function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const child = spawn(process.execPath, ['bin/presence-bridge.mjs', 'sim', 'starface', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 30 s; stdout: ${out} stderr: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /^STARFACE simulator listening on (https?:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stdout: () => out });
      }
    });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; stderr: ${err}`));
    });
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('presence-bridge sim starface', () => {
  it('starts with --port 0 --users 5, serves /_sim/users and stops on SIGTERM', async () => {
    const { child, url, stdout } = await startCli(['--port', '0', '--users', '5']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const users = (await (await fetch(`${url}/_sim/users`)).json()) as { login: string; email: string; admin: boolean }[];
    expect(users).toHaveLength(6);
    expect(users.filter((u) => u.admin).map((u) => u.login)).toEqual(['0001']);
    expect(users.map((u) => u.login)).toContain('1005');
    expect(stdout()).toMatch(/^Users file: .*users\.json$/m);
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
  });

  it('loads a users file, serves HTTPS with --tls and prints the CA path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-cli-'));
    const file = join(dir, 'users.json');
    await writeFile(file, JSON.stringify({ users: [{ login: '1001', password: 'pw', email: 'a@example.com', firstName: 'A', familyName: 'B', groups: ['Support'], admin: true }] }));
    try {
      const { child, url, stdout } = await startCli(['--port', '0', '--users-file', file, '--tls', '--set', 'userStateDndKey=null']);
      expect(url).toMatch(/^https:\/\//);
      expect(stdout()).toMatch(/^CA certificate: .*\.pem$/m);
      child.kill('SIGINT');
      expect(await exitCode(child)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad arguments with exit code 2 and a clear message', async () => {
    const child = spawn(process.execPath, ['bin/presence-bridge.mjs', 'sim', 'starface', '--users', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    expect(await exitCode(child)).toBe(2);
    expect(err).toContain('--users must be a whole number');
  });
});
