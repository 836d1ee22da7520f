// `presence-bridge sim graph` as a real process: the listening line, the CA path, the generated tenant file,
// a STARFACE users file as the source of people, and a clean stop on SIGTERM.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { startCli, type CliProcess } from './cli-helpers.js';

const started: CliProcess[] = [];
const dirs: string[] = [];

/** `sim graph` until it has printed its start lines ("Users: N" is the last); `url` is the listening address. */
async function startSim(args: string[]): Promise<CliProcess & { url: string }> {
  const cli = startCli(['sim', 'graph', ...args]);
  started.push(cli);
  await cli.waitForLine(/^Users: \d+$/m);
  const [, url] = await cli.waitForLine(/^Graph simulator listening on (https:\/\/\S+)$/m);
  return Object.assign(cli, { url: url! });
}

/** `sim graph` to its end (bad arguments). */
async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const cli = startCli(['sim', 'graph', ...args]);
  started.push(cli);
  const { code } = await cli.exited;
  return { code, stderr: cli.stderr() };
}

function line(out: string, label: string): string {
  const m = new RegExp(`^${label}: (.+)$`, 'm').exec(out);
  if (!m) throw new Error(`no "${label}" line in: ${out}`);
  return m[1]!;
}

afterEach(async () => {
  for (const c of started.splice(0)) await c.kill();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('presence-bridge sim graph', () => {
  it('generates a tenant, prints its file and the CA path, serves HTTPS and stops on SIGTERM', async () => {
    const out = await mkdtemp(join(tmpdir(), 'graph-cli-'));
    dirs.push(out);
    const { child, exited, url, stdout } = await startSim(['--port', '0', '--users', '5', '--out-dir', out]);
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
    expect((await exited).code).toBe(0);
  });

  it('takes people from a STARFACE users file, or a whole tenant from a tenant file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'graph-cli-'));
    dirs.push(dir);
    const usersFile = join(dir, 'users.json');
    await writeFile(usersFile, JSON.stringify({ users: [
      { login: '1001', password: 'x', email: 'anna@example.com', firstName: 'Anna', familyName: 'A', groups: ['Support'], admin: false },
      { login: '1002', password: 'x', email: 'ben@example.com', firstName: 'Ben', familyName: 'B', groups: [], admin: false },
    ] }));
    const a = await startSim(['--port', '0', '--users-file', usersFile, '--out-dir', join(dir, 'a')]);
    expect(a.stdout()).toMatch(/^Users: 2$/m);
    const t = new HttpTransport({ extraCaPem: [await readFile(line(a.stdout(), 'CA certificate'), 'utf8')] });
    try {
      const view = await t.request({ url: `${a.url}/_sim/presence/ANNA@example.com` });
      expect(view.json<{ mail: string }>().mail).toBe('anna@example.com');
    } finally {
      t.close();
    }
    a.child.kill('SIGINT');
    expect((await a.exited).code).toBe(0);

    const tenantFile = join(dir, 'tenant.json');
    await writeFile(tenantFile, JSON.stringify({ tenantId: 'tid-1', apps: [{ clientId: 'cid-1', clientSecret: 's', delegated: [], application: ['User.Read.All'] }], users: [] }));
    const b = await startSim(['--port', '0', '--tenant-file', tenantFile]);
    expect(line(b.stdout(), 'Tenant id')).toBe('tid-1');
    expect(b.stdout()).not.toMatch(/^Tenant file:/m);
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
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
