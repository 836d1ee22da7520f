// Targets (issue #8), the results JSON and the short table on stdout.
import { cpus, totalmem, platform, release } from 'node:os';
import type { ScenarioResult } from './scenario.js';

export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  pass: boolean;
}

/** Users at which the issue states the targets; smaller scenarios are held to the same numbers. */
export const TARGET_USERS = 2000;

export function checkTargets(r: ScenarioResult): TargetCheck[] {
  const interval = r.pollIntervalSeconds * 1000;
  const t2s = r.teamsToStarface;
  const s2t = r.starfaceToTeams.set;
  const minimum = Math.ceil(r.users / 650);
  const req = r.efficiency.presenceRequestsPerCycle;
  const ms = (v: number | null): string => (v === null ? 'n/a' : `${Math.round(v)} ms`);
  const missed = (n: number): string => (n ? ` (${n} missed)` : '');
  return [
    {
      name: 'Teams → STARFACE p95',
      target: `≤ ${interval + 500} ms`,
      value: ms(t2s.p95) + missed(t2s.missed),
      pass: t2s.p95 !== null && t2s.p95 <= interval + 500 && t2s.missed === 0,
    },
    {
      name: 'STARFACE → Teams p95',
      target: '≤ 250 ms',
      value: ms(s2t.p95) + missed(s2t.missed),
      pass: s2t.p95 !== null && s2t.p95 <= 250 && s2t.missed === 0,
    },
    {
      name: 'presence requests per cycle',
      target: '= ceil(N/650)',
      value: req.mean === null ? 'n/a' : `${req.mean}${req.max !== null && req.max !== req.mean ? ` (max ${req.max})` : ''} of ${minimum}`,
      pass: req.mean === minimum && (req.max === null || req.max === minimum),
    },
    {
      name: 'PBX writes in idle cycles',
      target: '= 0',
      value: `${r.efficiency.idle.pbxWrites} in ${r.efficiency.idle.cycles} cycles`,
      pass: r.efficiency.idle.pbxWrites === 0 && r.efficiency.idle.cycles > 0,
    },
    {
      name: 'start-up',
      target: '≤ 15000 ms',
      value: r.startup.ms === null ? `did not finish (${r.startup.unfinished} users)` : ms(r.startup.ms),
      pass: r.startup.ms !== null && r.startup.ms <= 15_000,
    },
    {
      name: 'engine RSS (steady max)',
      target: '≤ 250 MB',
      value: r.resources.steadyRssMB.max === null ? 'n/a' : `${r.resources.steadyRssMB.max} MB`,
      pass: r.resources.steadyRssMB.max !== null && r.resources.steadyRssMB.max <= 250,
    },
  ];
}

export function machineInfo(): Record<string, unknown> {
  const c = cpus();
  return {
    nproc: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memTotalGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
  };
}

export function buildJson(results: ScenarioResult[], options: Record<string, unknown>): Record<string, unknown> {
  return {
    generatedAt: new Date().toISOString(),
    machine: machineInfo(),
    options,
    targetsStatedFor: TARGET_USERS,
    scenarios: results.map((r) => ({ ...r, targets: checkTargets(r) })),
  };
}

const fmt = (v: number | null | undefined, unit = ''): string => (v === null || v === undefined ? 'n/a' : `${Math.round(v).toLocaleString('en-US')}${unit}`);
const triple = (s: { p50: number | null; p95: number | null; max: number | null }): string => `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.max)}`;

/** Rows of the figures table: label, then one cell per scenario. */
export function tableRows(results: ScenarioResult[]): string[][] {
  const rows: string[][] = [['', ...results.map((r) => `${r.users.toLocaleString('en-US')} users`)]];
  const add = (label: string, cell: (r: ScenarioResult) => string): void => {
    rows.push([label, ...results.map(cell)]);
  };
  add('T→S latency p50/p95/max ms', (r) => triple(r.teamsToStarface));
  add('  changes (missed)', (r) => `${r.teamsToStarface.changes} (${r.teamsToStarface.missed})`);
  add('S→T latency p50/p95/max ms', (r) => triple(r.starfaceToTeams.set));
  add('  clear on hang-up p50/p95/max ms', (r) => triple(r.starfaceToTeams.clear));
  add('  calls (missed)', (r) => `${r.starfaceToTeams.calls} (${r.starfaceToTeams.set.missed})`);
  add('Graph presence requests/cycle', (r) => {
    const q = r.efficiency.presenceRequestsPerCycle;
    return `${q.mean ?? 'n/a'} (min ${q.minimum})`;
  });
  add('PBX writes in idle cycles', (r) => `${r.efficiency.idle.pbxWrites} / ${r.efficiency.idle.cycles} cycles`);
  add('PBX writes per Teams change', (r) => `${r.efficiency.pbxWritesPerChange ?? 'n/a'} (min ${r.efficiency.minimumWritesPerChange ?? 'n/a'})`);
  add('PBX writes during calls (echo)', (r) => String(r.efficiency.pbxWritesDuringCalls));
  add('UCI keepAlive per minute', (r) => fmt(r.efficiency.uciPerMinute.keepAlive));
  add('UCI requests per minute (all)', (r) => fmt(r.efficiency.uciPerMinute.total));
  add('Start-up ms', (r) => (r.startup.ms === null ? `unfinished (${r.startup.unfinished})` : fmt(r.startup.ms)));
  add('  roster / sessions / 1st cycle ms', (r) => `${fmt(r.startup.rosterMs)} / ${fmt(r.startup.sessionsMs)} / ${fmt(r.startup.firstCycleMs)}`);
  add('Engine stop ms (sessions left open)', (r) => `${fmt(r.engine.stopMs)} (${r.engine.sessionsLeftOpen})`);
  add('Engine RSS steady mean/max MB', (r) => `${fmt(r.resources.steadyRssMB.mean)} / ${fmt(r.resources.steadyRssMB.max)}`);
  add('Engine RSS peak MB', (r) => fmt(r.resources.peakRssMB));
  add('Engine JS heap / open sockets (steady)', (r) => `${fmt(r.resources.steadyHeapUsedMB)} MB / ${fmt(r.resources.steadySockets)}`);
  add('Engine CPU s per minute (steady)', (r) => (r.resources.cpuSecondsPerMinute === null ? 'n/a' : r.resources.cpuSecondsPerMinute.toFixed(2)));
  add('Engine CPU s for start-up', (r) => (r.resources.startupCpuSeconds === null ? 'n/a' : r.resources.startupCpuSeconds.toFixed(1)));
  add('Load average at start / end', (r) => `${r.loadAverage.start.toFixed(1)} / ${r.loadAverage.end.toFixed(1)}`);
  add('Simulators CPU s: start-up / per minute', (r) => `${r.harness.startupCpuSeconds.toFixed(1)} / ${r.harness.cpuSecondsPerMinute.toFixed(2)}`);
  for (const [i, t] of (results[0] ? checkTargets(results[0]) : []).entries()) {
    rows.push([`${t.name} ${t.target}`, ...results.map((r) => {
      const c = checkTargets(r)[i]!;
      return `${c.pass ? 'PASS' : 'FAIL'} ${c.value}`;
    })]);
  }
  return rows;
}

/** Plain fixed-width table for the terminal. */
export function formatTable(results: ScenarioResult[]): string {
  const rows = tableRows(results);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const firstTarget = rows.length - (results[0] ? checkTargets(results[0]).length : 0);
  const out = rows.map(line);
  out.splice(firstTarget, 0, `Targets (stated for ${TARGET_USERS.toLocaleString('en-US')} users):`);
  out.splice(1, 0, '-'.repeat(out[0]!.length));
  return out.join('\n');
}

/** The same table in Markdown (for docs/benchmarks.md). */
export function formatMarkdown(results: ScenarioResult[]): string {
  const rows = tableRows(results);
  const esc = (s: string): string => s.replace(/\|/g, '\\|').trim();
  const head = `| Figure | ${rows[0]!.slice(1).map(esc).join(' | ')} |`;
  const sep = `|---|${rows[0]!.slice(1).map(() => '---:').join('|')}|`;
  return [head, sep, ...rows.slice(1).map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
