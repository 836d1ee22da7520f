// `presence-bridge demo`: both simulators and the engine in one process; the printed URLs and /_sim/ lines work.
import { execFileSync, spawnSync } from 'node:child_process';
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

const HAVE_CURL = spawnSync('curl', ['--version']).status === 0;
if (!HAVE_CURL) console.log('demo test: the printed curl lines are not run, curl is missing.');

/** Runs one printed line in a shell, as pasted: curl, the demo's own arguments, nothing added. */
function paste(line: string): string {
  return execFileSync('sh', ['-c', line], { encoding: 'utf8', timeout: 10_000 });
}

describe('presence-bridge demo', () => {
  it('opens in German with a lively mix, and the printed curl lines work as pasted (next call id included)', async () => {
    // The shortest poll interval the product allows (issue 17): demo and settings must both accept it.
    const cli = startCli(['demo', '--users', '6', '--port', '0', '--poll-interval', '0.25']);
    procs.push(cli);
    const [, pageUrl] = await cli.waitForLine(/Einstellungsseite von Presence Bridge: (\S+)/, 60_000);
    const [, sfUrl] = await cli.waitForLine(/STARFACE-Simulator: (\S+)/);
    const [, graphUrl, caFile] = await cli.waitForLine(/Microsoft-Graph-Simulator: (\S+) \(CA-Zertifikat: (\S+)\)/);
    const [, callId] = await cli.waitForLine(/Nächste Anruf-ID: (\S+)/);
    await cli.waitForLine(/Strg\+C/);
    const ca = await readFile(caFile!, 'utf8');

    // German by default: the settings page opens in German.
    const { settings } = await callApi<{ settings: { ui: { language: string } } }>(pageUrl!, 'settings.get');
    expect(settings.ui.language).toBe('de');
    // The six people; not the PBX administrator account the bridge logs in with.
    await waitFor(async () => (await callApi<{ users: unknown[] }>(pageUrl!, 'state.snapshot')).users.length === 6, 20_000, 'users on the status board');
    expect((await callApi<{ users: { login: string }[] }>(pageUrl!, 'state.snapshot')).users.map((u) => u.login)).not.toContain('0001');

    // A lively start: two calls running (call-1, call-2), several Teams states besides "Available".
    const live = (await (await fetch(`${sfUrl}/_sim/calls`)).json()) as { id: string }[];
    expect(live.map((c) => c.id).sort()).toEqual(['call-1', 'call-2']);
    expect(callId).toBe('call-3');
    const sfUsers = (await (await fetch(`${sfUrl}/_sim/users`)).json()) as { login: string; email: string; admin?: boolean }[];
    const teams = await Promise.all(sfUsers.filter((u) => u.email).map(async (u) =>
      ((await graphSim('GET', `${graphUrl}/_sim/presence/${u.email}`, ca)).json as { presence: { activity: string } }).presence.activity));
    expect(new Set(teams).size, teams.join(',')).toBeGreaterThanOrEqual(3);
    // The calls reach Teams through the bridge's sessions.
    await waitFor(async () => {
      const inCall = await Promise.all(sfUsers.filter((u) => u.email).map(async (u) =>
        ((await graphSim('GET', `${graphUrl}/_sim/presence/${u.email}`, ca)).json as { sessions: unknown[] }).sessions.length));
      return inCall.filter((n) => n > 0).length === 3;
    }, 10_000, 'Teams sessions for the three people on the phone');

    const curl = cli.stdout().split('\n').filter((l) => l.trimStart().startsWith('curl ')).map((l) => l.trim());
    expect(curl.length).toBe(8);
    for (const l of curl) expect(l).not.toMatch(/<id>|</);
    const login = /"to":"(\d+)"/.exec(curl[3]!)![1]!;
    const pbxUser = async (): Promise<{ dnd: boolean }> => (await (await fetch(`${sfUrl}/_sim/users/${login}`)).json()) as { dnd: boolean };
    if (!HAVE_CURL) return;

    // Teams → STARFACE, with the printed lines.
    paste(curl[0]!);
    await waitFor(async () => (await pbxUser()).dnd, 10_000, 'DND on the PBX');
    expect(JSON.parse(paste(curl[1]!))).toMatchObject({ login, dnd: true });
    paste(curl[2]!);
    await waitFor(async () => !(await pbxUser()).dnd, 10_000, 'DND off again');

    // STARFACE → Teams: the call gets the printed id; a second call with it while live answers 409.
    expect(JSON.parse(paste(curl[3]!))).toMatchObject({ id: callId });
    const again = await fetch(`${sfUrl}/_sim/calls`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ to: login, callId }),
    });
    expect(again.status).toBe(409);
    paste(curl[4]!);
    await waitFor(() => (JSON.parse(paste(curl[5]!)) as { sessions: unknown[] }).sessions.length === 1, 10_000, 'Teams session');
    paste(curl[6]!);
    await waitFor(() => (JSON.parse(paste(curl[5]!)) as { sessions: unknown[] }).sessions.length === 0, 10_000, 'Teams session cleared');
    expect(JSON.parse(paste(curl[7]!))).toMatchObject({ dnd: true });

    cli.child.kill('SIGINT');
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.stdout()).toContain('Demo beendet.');
  }, 90_000);

  it('speaks English with --lang en', async () => {
    const cli = startCli(['demo', '--users', '2', '--lang', 'en']);
    procs.push(cli);
    await cli.waitForLine(/Presence Bridge settings page: (\S+)/, 60_000);
    await cli.waitForLine(/Next call id: call-2/);
    await cli.waitForLine(/Press Ctrl\+C/);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout()).toContain('Demo stopped.');
  }, 60_000);

  it('rejects bad options with exit code 2', async () => {
    const cli = startCli(['demo', '--users', 'many', '--lang', 'en']);
    procs.push(cli);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('--users must be a whole number');
  }, 20_000);

  it('refuses a poll interval below 0.25 s, naming the range', async () => {
    const cli = startCli(['demo', '--poll-interval', '0.2', '--lang', 'en']);
    procs.push(cli);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('--poll-interval must be 0.25 to 300 seconds (got "0.2")');
  }, 20_000);
});
