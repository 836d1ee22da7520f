// `presence-bridge demo`: both simulators and the engine in one process; the printed URLs and /_sim/ lines work.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { afterAll, describe, expect, it } from 'vitest';
import { callApi, startCli, type CliProcess } from './cli-helpers.js';
import { waitFor } from './sync-helpers.js';

const procs: CliProcess[] = [];
afterAll(async () => {
  for (const p of procs) await p.kill();
});

/** HTTPS JSON request trusting the simulator's CA (what the printed curl --cacert line does). */
function graphSim(method: string, url: string, ca: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe('presence-bridge demo', () => {
  it('starts the simulators and the engine, prints the URLs and working /_sim/ lines, and stops on SIGINT', async () => {
    // The shortest poll interval the product allows (issue 17): demo and settings must both accept it.
    const cli = startCli(['demo', '--users', '6', '--port', '0', '--poll-interval', '0.25']);
    procs.push(cli);
    const [, pageUrl] = await cli.waitForLine(/Presence Bridge settings page: (\S+)/, 60_000);
    const [, sfUrl] = await cli.waitForLine(/STARFACE simulator: (\S+)/);
    const [, graphUrl, caFile] = await cli.waitForLine(/Microsoft Graph simulator: (\S+) \(CA certificate: (\S+)\)/);
    await cli.waitForLine(/Press Ctrl\+C/);
    expect(cli.stdout()).toMatch(/curl -s --cacert \S+ -X PUT https:\/\/\S+\/_sim\/presence\/\S+@example\.com/);
    expect(cli.stdout()).toMatch(/curl -s -X POST http:\/\/\S+\/_sim\/calls/);
    const ca = await readFile(caFile!, 'utf8');

    await waitFor(async () => (await callApi<{ users: unknown[] }>(pageUrl!, 'state.snapshot')).users.length === 7, 20_000, 'users on the status board');
    const email = /\/_sim\/presence\/(\S+@example\.com)/.exec(cli.stdout())![1]!;
    const login = /"to":"(\d+)"/.exec(cli.stdout())![1]!;

    // Teams → STARFACE, with the printed request.
    const put = await graphSim('PUT', `${graphUrl}/_sim/presence/${email}`, ca, { availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    expect(put.status).toBe(200);
    await waitFor(async () => ((await (await fetch(`${sfUrl}/_sim/users/${login}`)).json()) as { dnd: boolean }).dnd, 10_000, 'DND on the PBX');

    // STARFACE → Teams: a call answered shows "In a call" through the bridge's session.
    const call = (await (await fetch(`${sfUrl}/_sim/calls`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ to: login, from: '+4972112345' }),
    })).json()) as { id: string };
    await fetch(`${sfUrl}/_sim/calls/${call.id}/answer`, { method: 'POST' });
    await waitFor(async () => {
      const p = (await graphSim('GET', `${graphUrl}/_sim/presence/${email}`, ca)).json as { sessions: unknown[] };
      return p.sessions.length === 1;
    }, 5_000, 'Teams session');
    await fetch(`${sfUrl}/_sim/calls/${call.id}/hangup`, { method: 'POST' });

    cli.child.kill('SIGINT');
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.stdout()).toContain('Demo stopped.');
  }, 90_000);

  it('rejects bad options with exit code 2', async () => {
    const cli = startCli(['demo', '--users', 'many']);
    procs.push(cli);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('--users must be a whole number');
  }, 20_000);

  it('refuses a poll interval below 0.25 s, naming the range', async () => {
    const cli = startCli(['demo', '--poll-interval', '0.2']);
    procs.push(cli);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('--poll-interval must be 0.25 to 300 seconds (got "0.2")');
  }, 20_000);
});
