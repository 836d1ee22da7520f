// `presence-bridge sim graph` as a real process: the listening line, the CA path, the generated tenant file,
// a STARFACE users file as the source of people, and a clean stop on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];

function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const child = spawn(process.execPath, ['bin/presence-bridge.mjs', 'sim', 'graph', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 30 s; stdout: ${out} stderr: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /^Graph simulator listening on (https:\/\/\S+)$/m.exec(out);
      // "Users: N" is the last line printed at start.
      if (m && /^Users: \d+$/m.test(out)) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stdout: () => out });
      }
    });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; stdout: ${out} stderr: ${err}`));
    });
  });
}

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['bin/presence-bridge.mjs', 'sim', 'graph', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

function line(out: string, label: string): string {
  const m = new RegExp(`^${label}: (.+)$`, 'm').exec(out);
  if (!m) throw new Error(`no "${label}" line in: ${out}`);
  return m[1]!;
}

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('presence-bridge sim graph', () => {
  it('generates a tenant, prints its file and the CA path, serves HTTPS and stops on SIGTERM', async () => {
    const out = await mkdtemp(join(tmpdir(), 'graph-cli-'));
    dirs.push(out);
    const { child, url, stdout } = await startCli(['--port', '0', '--users', '5', '--out-dir', out]);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const caFile = line(stdout(), 'CA certificate');
    const tenantFile = line(stdout(), 'Tenant file');
    expect(caFile).toBe(join(out, 'ca.pem'));
    const tenant = JSON.parse(await readFile(tenantFile, 'utf8')) as { tenantId: string; apps: Array<{ clientId: string; clientSecret: string }>; users: unknown[] };
    expect(tenant.users).toHaveLength(5);
    expect(line(stdout(), 'Tenant id')).toBe(tenant.tenantId);

    const t = new HttpTransport({ extraCaPem: [await readFile(caFile, 'utf8')] });
    try {
      const tok = await t.request({
        url: `${url}/${tenant.tenantId}/oauth2/v2.0/token`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: tenant.apps[0]!.clientId, client_secret: tenant.apps[0]!.clientSecret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }).toString(),
      });
      const users = await t.request({ url: `${url}/v1.0/users`, headers: { authorization: `Bearer ${tok.json<{ access_token: string }>().access_token}` } });
      expect(users.json<{ value: unknown[] }>().value).toHaveLength(5);
    } finally {
      t.close();
    }
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
  });

  it('takes people from a STARFACE users file, or a whole tenant from a tenant file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'graph-cli-'));
    dirs.push(dir);
    const usersFile = join(dir, 'users.json');
    await writeFile(usersFile, JSON.stringify({ users: [
      { login: '1001', password: 'x', email: 'anna@example.com', firstName: 'Anna', familyName: 'A', groups: ['Support'], admin: false },
      { login: '1002', password: 'x', email: 'ben@example.com', firstName: 'Ben', familyName: 'B', groups: [], admin: false },
    ] }));
    const a = await startCli(['--port', '0', '--users-file', usersFile, '--out-dir', join(dir, 'a')]);
    expect(a.stdout()).toMatch(/^Users: 2$/m);
    const t = new HttpTransport({ extraCaPem: [await readFile(line(a.stdout(), 'CA certificate'), 'utf8')] });
    try {
      const view = await t.request({ url: `${a.url}/_sim/presence/ANNA@example.com` });
      expect(view.json<{ mail: string }>().mail).toBe('anna@example.com');
    } finally {
      t.close();
    }
    a.child.kill('SIGINT');
    expect(await exitCode(a.child)).toBe(0);

    const tenantFile = join(dir, 'tenant.json');
    await writeFile(tenantFile, JSON.stringify({ tenantId: 'tid-1', apps: [{ clientId: 'cid-1', clientSecret: 's', delegated: [], application: ['User.Read.All'] }], users: [] }));
    const b = await startCli(['--port', '0', '--tenant-file', tenantFile]);
    expect(line(b.stdout(), 'Tenant id')).toBe('tid-1');
    expect(b.stdout()).not.toMatch(/^Tenant file:/m);
    b.child.kill('SIGTERM');
    expect(await exitCode(b.child)).toBe(0);
  });

  it('explains bad arguments and bad files', async () => {
    const r1 = await run(['--users', 'many']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--users must be a whole number/);
    expect(r1.stderr).toMatch(/Usage: presence-bridge sim graph/);
    const r2 = await run(['--tenant-file', 'x.json', '--users', '3']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/either --tenant-file or --users/);
    const r3 = await run(['--tenant-file', '/nonexistent/tenant.json']);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/Cannot read the tenant file/);
  });
});
