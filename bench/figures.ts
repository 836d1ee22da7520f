// Figures computed from what the engine process reported: presence requests per cycle from its sync status
// events, and its resources (RSS, CPU, event-loop delay, sockets) from the samples it sent every second.
import type { EngineHost, SyncRecord } from './engine-host.js';
import type { ResourceSample } from './protocol.js';

const MB = 1024 * 1024;
const round1 = (v: number): number => Math.round(v * 10) / 10;
const round2 = (v: number): number => Math.round(v * 100) / 100;

export interface ResourceFigures {
  measuredIn: string;
  baselineRssMB: number | null;
  steadyRssMB: { mean: number | null; max: number | null };
  peakRssMB: number | null;
  steadyHeapUsedMB: number | null;
  /** Open sockets of the engine at steady state (max), Linux only. */
  steadySockets: number | null;
  cpuSecondsPerMinute: number | null;
  startupCpuSeconds: number | null;
  engineLoopDelayMs: { p99Max: number | null; max: number | null };
}

/** Presence requests per cycle from the engine's cycle counter and the simulator's request counter. */
export function requestsPerCycle(syncs: SyncRecord[], from: number, to: number): { mean: number | null; min: number | null; max: number | null; cycles: number } {
  const inWindow = syncs.filter((r) => r.at >= from && r.at <= to);
  // Per-cycle values from consecutive events that are exactly one cycle apart (engine counters).
  const per: number[] = [];
  for (let i = 1; i < inWindow.length; i++) {
    const a = inWindow[i - 1]!.status.counters;
    const b = inWindow[i]!.status.counters;
    if (b.cycles - a.cycles === 1) per.push(b.presenceRequests - a.presenceRequests);
  }
  const first = inWindow[0]?.status.counters;
  const last = inWindow[inWindow.length - 1]?.status.counters;
  const cycles = first && last ? last.cycles - first.cycles : 0;
  return {
    mean: cycles > 0 ? round2((last!.presenceRequests - first!.presenceRequests) / cycles) : null,
    min: per.length ? Math.min(...per) : null,
    max: per.length ? Math.max(...per) : null,
    cycles,
  };
}

export function resourceFigures(host: EngineHost, from: number, to: number): ResourceFigures {
  const steady = host.samples.filter((s) => s.at >= from && s.at <= to);
  const mb = (b: number): number => round1(b / MB);
  const cpuOf = (s: ResourceSample): number => (s.cpuUser + s.cpuSystem) / 1e6;
  let cpuPerMinute: number | null = null;
  if (steady.length >= 2) {
    const a = steady[0]!;
    const b = steady[steady.length - 1]!;
    cpuPerMinute = round2((cpuOf(b) - cpuOf(a)) / ((b.at - a.at) / 60_000));
  }
  const all = host.samples;
  const base = host.baseline;
  const startupEnd = all.find((s) => s.at >= from);
  return {
    measuredIn: 'engine child process: process.memoryUsage().rss and process.cpuUsage(), sampled every second',
    baselineRssMB: base ? mb(base.rss) : null,
    steadyRssMB: {
      mean: steady.length ? mb(steady.reduce((a, s) => a + s.rss, 0) / steady.length) : null,
      max: steady.length ? mb(Math.max(...steady.map((s) => s.rss))) : null,
    },
    peakRssMB: all.length ? mb(Math.max(...all.map((s) => s.rss))) : null,
    steadyHeapUsedMB: steady.length ? mb(steady.reduce((a, s) => a + s.heapUsed, 0) / steady.length) : null,
    steadySockets: steady.some((s) => s.sockets !== null) ? Math.max(...steady.map((s) => s.sockets ?? 0)) : null,
    cpuSecondsPerMinute: cpuPerMinute,
    startupCpuSeconds: base && startupEnd ? round2(cpuOf(startupEnd) - cpuOf(base)) : null,
    engineLoopDelayMs: {
      p99Max: steady.length ? round1(Math.max(...steady.map((s) => s.loopP99))) : null,
      max: steady.length ? round1(Math.max(...steady.map((s) => s.loopMax))) : null,
    },
  };
}

/** The poll interval the engine kept (status.poll, issue 17) while measured, and why. */
export interface PollFigures {
  configuredMs: number;
  /** Longest effective interval reported in the window (null: the engine reports none). */
  effectiveMs: number | null;
  /** Every reason code the engine gave in the window, most frequent first. */
  reasonCodes: string[];
  /** Highest share of the tenant's presence budget the engine reported using (percent), and its ceiling. */
  sharePercentMax: number | null;
  ceilingPercent: number | null;
}

export function pollFigures(syncs: SyncRecord[], from: number, to: number, configuredMs: number): PollFigures {
  const polls = syncs.filter((r) => r.at >= from && r.at <= to).flatMap((r) => (r.status.poll ? [r.status.poll] : []));
  const counts = new Map<string, number>();
  for (const p of polls) counts.set(p.reasonCode, (counts.get(p.reasonCode) ?? 0) + 1);
  return {
    configuredMs,
    effectiveMs: polls.length ? Math.max(...polls.map((p) => p.intervalMs)) : null,
    reasonCodes: [...counts].sort((a, b) => b[1] - a[1]).map(([code]) => code),
    sharePercentMax: polls.length ? Math.max(...polls.map((p) => p.sharePercent)) : null,
    ceilingPercent: polls.length ? polls[polls.length - 1]!.ceilingPercent : null,
  };
}

/**
 * The least Teams → STARFACE latency any poller can have at this interval and network latency: a change waits
 * for the next read (on average half an interval, at p95 95 % of one), then one Graph round trip and one UCI
 * write (each one simulated network latency here).
 */
export function physicalLimitMs(intervalMs: number, latencyMs: number): { p50: number; p95: number } {
  return { p50: Math.round(intervalMs / 2 + 2 * latencyMs), p95: Math.round(0.95 * intervalMs + 2 * latencyMs) };
}
