// Targets (issue #8, tightened by issue 17), the results JSON and the short table on stdout.
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { physicalLimitMs } from './figures.js';
import type { ScenarioResult } from './scenario.js';

export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  /** null: not measured in this run (e.g. a run shorter than one keep-alive period). */
  pass: boolean | null;
}

/** Users at which issue 17 states the targets (0.5 s poll); smaller scenarios are held to the same numbers. */
export const TARGET_USERS = 2000;
/** Above TARGET_USERS (the 5,000-user scenario) start-up and memory may grow to these. */
export const LARGE_TARGETS = { startupMs: 20_000, rssMB: 400 };
export const TARGETS = { startupMs: 10_000, rssMB: 250, teamsToStarfaceSlackMs: 500, starfaceToTeamsMs: 250 };

/** The poll interval the engine really kept: the configured one, or the wider one it reported (issue 17). */
export function effectiveIntervalMs(r: ScenarioResult): number {
  return Math.max(r.pollIntervalSeconds * 1000, r.poll?.effectiveMs ?? 0);
}

export function checkTargets(r: ScenarioResult): TargetCheck[] {
  const interval = effectiveIntervalMs(r);
  const large = r.users > TARGET_USERS;
  const startupMs = large ? LARGE_TARGETS.startupMs : TARGETS.startupMs;
  const rssMB = large ? LARGE_TARGETS.rssMB : TARGETS.rssMB;
  const t2s = r.teamsToStarface;
  const s2t = r.starfaceToTeams.set;
  const minimum = Math.ceil(r.users / 650);
  const req = r.efficiency.presenceRequestsPerCycle;
  const ms = (v: number | null): string => (v === null ? 'n/a' : `${Math.round(v)} ms`);
  const missed = (n: number): string => (n ? ` (${n} missed)` : '');
  const ka = r.efficiency.uciPerMinute;
  const kaMeasured = ka.keepAliveWindowSeconds >= r.keepAliveSeconds;
  return [
    {
      name: 'Teams → STARFACE p95',
      target: `≤ ${interval + TARGETS.teamsToStarfaceSlackMs} ms${interval !== r.pollIntervalSeconds * 1000 ? ' (effective interval + 500)' : ''}`,
      value: ms(t2s.p95) + missed(t2s.missed),
      pass: t2s.p95 !== null && t2s.p95 <= interval + TARGETS.teamsToStarfaceSlackMs && t2s.missed === 0,
    },
    {
      name: 'STARFACE → Teams p95',
      target: `≤ ${TARGETS.starfaceToTeamsMs} ms`,
      value: ms(s2t.p95) + missed(s2t.missed),
      pass: s2t.p95 !== null && s2t.p95 <= TARGETS.starfaceToTeamsMs && s2t.missed === 0,
    },
    {
      name: 'presence requests per cycle',
      target: `= ceil(N/650) = ${minimum}`,
      value: req.mean === null ? 'n/a' : `${req.mean}${req.max !== null && req.max !== req.mean ? ` (max ${req.max})` : ''}`,
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
      target: `≤ ${startupMs} ms`,
      value: r.startup.ms === null ? `did not finish (${r.startup.unfinished} users)` : ms(r.startup.ms),
      pass: r.startup.ms !== null && r.startup.ms <= startupMs,
    },
    {
      name: 'engine RSS (steady max)',
      target: `≤ ${rssMB} MB`,
      value: r.resources.steadyRssMB.max === null ? 'n/a' : `${r.resources.steadyRssMB.max} MB`,
      pass: r.resources.steadyRssMB.max !== null && r.resources.steadyRssMB.max <= rssMB,
    },
    {
      // Every session must send its keepAlive once per period, or the PBX drops it: nothing may be missed.
      name: 'UCI keepAlive per minute',
      target: `= ${r.efficiency.expectedKeepAlivePerMinute} (one per session per ${r.keepAliveSeconds} s)`,
      value: kaMeasured ? String(ka.keepAlive) : `n/a (needs a run of ≥ ${r.keepAliveSeconds} s)`,
      pass: kaMeasured ? ka.keepAlive >= 0.98 * r.efficiency.expectedKeepAlivePerMinute : null,
    },
    {
      name: 'engine CPU per minute (steady)',
      target: 'reported',
      value: r.resources.cpuSecondsPerMinute === null ? 'n/a' : `${r.resources.cpuSecondsPerMinute.toFixed(2)} s`,
      pass: r.resources.cpuSecondsPerMinute !== null,
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
    loadAverage: loadAverageText(),
  };
}

/** The machine's load as `uptime` prints it: 1, 5 and 15 minutes. */
export function loadAverageText(): string {
  return loadavg().map((v) => v.toFixed(2)).join(', ');
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
  add('Poll interval configured / kept ms', (r) => `${fmt(r.pollIntervalSeconds * 1000)} / ${fmt(r.poll?.effectiveMs)}`);
  add('  why (engine reason code)', (r) => r.poll?.reasonCodes.join(', ') || 'n/a');
  add('  presence budget share max % (ceiling)', (r) => (r.poll?.sharePercentMax === null || r.poll === undefined ? 'n/a' : `${r.poll.sharePercentMax} (${r.poll.ceilingPercent})`));
  add('T→S latency p50/p95/max ms', (r) => triple(r.teamsToStarface));
  add('  physical limit p50/p95 ms', (r) => {
    const l = physicalLimitMs(effectiveIntervalMs(r), r.latencyMs);
    return `${fmt(l.p50)} / ${fmt(l.p95)}`;
  });
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
  add('UCI sessions on the PBX (steady)', (r) => fmt(r.pbxSide.sessions));
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
  add('Load average 1/5/15 min at start', (r) => r.loadAverage.startText);
  add('Load average 1/5/15 min at end', (r) => r.loadAverage.endText);
  add('Simulators CPU s: start-up / per minute', (r) => `${r.harness.startupCpuSeconds.toFixed(1)} / ${r.harness.cpuSecondsPerMinute.toFixed(2)}`);
  // Each figure next to its own target (they differ with the user count and the interval the engine kept).
  for (const [i, t] of (results[0] ? checkTargets(results[0]) : []).entries()) {
    rows.push([t.name, ...results.map((r) => {
      const c = checkTargets(r)[i]!;
      return `${c.pass === null ? '' : c.pass ? 'PASS ' : 'FAIL '}${c.value} (${c.target})`;
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
  out.splice(firstTarget, 0, `Targets (issue 17: ${TARGET_USERS.toLocaleString('en-US')} users at a 0.5 s poll; above that start-up ≤ ${LARGE_TARGETS.startupMs / 1000} s, RSS ≤ ${LARGE_TARGETS.rssMB} MB):`);
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
