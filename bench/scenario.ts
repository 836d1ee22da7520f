// One benchmark scenario: N users, both simulators in this process with simulated network latency, the
// engine in a child process wired exactly as the product wires it. Phases:
//   start-up → settle → idle cycles → Teams→STARFACE changes → STARFACE→Teams calls → stop.
// Every latency is measured with the simulators' own receive timestamps (see sims.ts), never with the
// engine's view of itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HttpTransport } from '../src/platform/http-transport.js';
import { writeEngineFiles } from './engine-files.js';
import { EngineHost, type SyncRecord } from './engine-host.js';
import { pollFigures, requestsPerCycle, resourceFigures, type PollFigures, type ResourceFigures } from './figures.js';
import { loadAverageText } from './report.js';
import { measureForward, measureIdle, measureReverse, measureStartup, type StartupFigures } from './phases.js';
import { diffCounters, startBenchSims, sumBySuffix } from './sims.js';
import { preciseNow, rng, sleep, summarize, type LatencySummary } from './stats.js';
import { planWorkload, type TeamsState } from './workload.js';

export interface ScenarioOptions {
  users: number;
  /** Length of the Teams → STARFACE phase (s). */
  durationSeconds: number;
  /** Length of the STARFACE → Teams phase (s); default a third of the duration, 5..30 s. */
  reverseSeconds?: number;
  /** Presence changes in the forward phase; default 4 per second of duration. */
  changes?: number;
  /** Calls in the reverse phase; default 3 per second. */
  calls?: number;
  /** Simulated network latency per request (ms) on both simulators. */
  latencyMs: number;
  pollIntervalSeconds: number;
  /** Cycles watched for the idle figures. */
  idleCycles?: number;
  seed?: number;
  pbxTls?: boolean;
  /** How the engine process runs: compiled JavaScript (default, as the product; call buildEngine() first) or tsx. */
  engineRuntime?: 'compiled' | 'tsx';
  /** Write a CPU profile of the engine process here. */
  cpuProfileDir?: string;
  /** Settings overrides by dotted path (e.g. 'sync.applyConcurrency': 32), for what-if runs. */
  settings?: Record<string, unknown>;
  /** Keep the engine's folder (settings, journal, logs) after the run and report where it is. */
  keepFiles?: boolean;
  /** Engine log level (default info, the product default). */
  engineLogLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

export type { StartupFigures } from './phases.js';

export interface ScenarioResult {
  users: number;
  pollIntervalSeconds: number;
  latencyMs: number;
  durationSeconds: number;
  reverseSeconds: number;
  pbxTls: boolean;
  engineRuntime: 'compiled' | 'tsx';
  /** Settings overrides of this run (none for the standard figures). */
  settings: Record<string, unknown>;
  startup: StartupFigures;
  teamsToStarface: LatencySummary & { changes: number; harnessPutErrors: number };
  starfaceToTeams: { set: LatencySummary; clear: LatencySummary; calls: number };
  efficiency: {
    presenceRequestsPerCycle: { mean: number | null; min: number | null; max: number | null; cycles: number; minimum: number };
    idle: { cycles: number; pbxWrites: number; pbxWritesPerCycle: number | null; graphRequests: Record<string, number> };
    pbxWritesPerChange: number | null;
    minimumWritesPerChange: number | null;
    /** Writes that set the value the PBX field already had. */
    redundantWrites: number;
    /** PBX writes for users while they were in STARFACE calls (the echo of the bridge's own Teams session). */
    pbxWritesDuringCalls: number;
    /**
     * UCI requests per minute at steady state. keepAlive is counted over exactly one keep-alive period right
     * after start-up (every session sends one per period whatever its phase, so start-up bunching cannot bias
     * it); the others over the whole steady window.
     */
    uciPerMinute: { keepAlive: number; keepAliveWindowSeconds: number; getUserState: number; total: number; windowSeconds: number };
    /** One keepAlive per session per starface.keepAliveSeconds. */
    expectedKeepAlivePerMinute: number;
    graphPerMinute: Record<string, number>;
  };
  resources: ResourceFigures;
  /** The harness process (both simulators): if it is saturated, the engine's figures suffer with it. */
  harness: { loopDelayMaxMs: number; loopDelayP99Ms: number; startupCpuSeconds: number; cpuSecondsPerMinute: number };
  /**
   * Load average of the machine at the start and the end of the scenario (other work competing): the 1-minute
   * figure, and all three as `uptime` prints them.
   */
  loadAverage: { start: number; end: number; startText: string; endText: string };
  /** The poll interval the engine kept while measured and why (its sync status, issue 17). */
  poll: PollFigures;
  /** starface.keepAliveSeconds of the run: each UCI session sends one keepAlive per period. */
  keepAliveSeconds: number;
  /** What the PBX carries for the bridge: one UCI session per synced user, and their requests. */
  pbxSide: { sessions: number; uciRequestsPerSecond: number; keepAlivePerSecond: number };
  engine: {
    finalStatus: SyncRecord['status'] | null;
    /** service.close() without restore (logs every UCI session out); null = killed after 120 s. */
    stopMs: number | null;
    /** UCI sessions still open on the PBX after the engine closed (logouts that did not arrive). */
    sessionsLeftOpen: number;
  };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

export async function runScenario(opts: ScenarioOptions): Promise<ScenarioResult> {
  const say = opts.progress ?? ((): void => undefined);
  const intervalMs = opts.pollIntervalSeconds * 1000;
  const reverseSeconds = opts.reverseSeconds ?? Math.min(30, Math.max(5, Math.round(opts.durationSeconds / 3)));
  const changeCount = opts.changes ?? Math.max(10, Math.round(opts.durationSeconds * 4));
  const callCount = opts.calls ?? Math.max(4, Math.round(reverseSeconds * 3));
  const random = rng(opts.seed ?? 42);
  const pbxTls = opts.pbxTls ?? true;
  const loadStart = loadavg()[0]!;
  const loadStartText = loadAverageText();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();

  say(`${opts.users} users: starting simulators (latency ${opts.latencyMs} ms)`);
  const sims = await startBenchSims({ users: opts.users, latencyMs: opts.latencyMs, pbxTls });
  const dir = await mkdtemp(join(tmpdir(), 'pb-bench-'));
  const transport = new HttpTransport({ extraCaPem: [sims.graph.caPem], connectTimeoutMs: 5_000, readTimeoutMs: 30_000 });
  let host: EngineHost | undefined;
  try {
    const work = planWorkload(sims.logins, opts.seed ?? 42);
    const current = new Map<string, TeamsState>();
    for (const [login, state] of work.initial) {
      sims.graph.setUserPresence(sims.graphIdOf.get(login)!, { availability: state.availability, activity: state.activity });
      current.set(login, state);
    }
    const files = await writeEngineFiles(dir, sims, { pollIntervalSeconds: opts.pollIntervalSeconds, logLevel: opts.engineLogLevel ?? 'info', overrides: opts.settings });
    host = new EngineHost({
      config: { settingsFile: files.settingsFile, vaultFile: files.vaultFile, sampleEveryMs: 1000 },
      env: files.env,
      runtime: opts.engineRuntime ?? 'compiled',
      cpuProfileDir: opts.cpuProfileDir,
    });
    await host.spawn();

    // ---- start-up --------------------------------------------------------------------------------------------
    const cpuBeforeStartup = process.cpuUsage();
    const startup = await measureStartup(sims, host, work.initial, say);
    const harnessStartupCpu = cpuSeconds(process.cpuUsage(cpuBeforeStartup));
    say(`${opts.users} users: start-up ${startup.ms === null ? 'did not finish' : `${Math.round(startup.ms)} ms`}`);
    await sleep(2 * intervalMs);

    // ---- idle cycles -------------------------------------------------------------------------------------------
    const idleCycles = opts.idleCycles ?? 3;
    const steadyFrom = preciseNow();
    const cpuAtSteady = process.cpuUsage();
    const keepAliveSeconds = files.settings.starface.keepAliveSeconds;
    const keepAliveOf = (c: Record<string, number>): number => sumBySuffix(c, ['.connection.keepAlive']);
    const kaStart = keepAliveOf(sims.pbxRequests());
    let kaPeriod: number | undefined;
    const kaTimer = setTimeout(() => {
      kaPeriod = keepAliveOf(sims.pbxRequests()) - kaStart;
    }, keepAliveSeconds * 1000);
    const idle = await measureIdle(sims, host, idleCycles, intervalMs);
    say(`${opts.users} users: idle ${idle.cycles} cycles, ${idle.pbxWrites} PBX writes`);

    // ---- Teams → STARFACE ------------------------------------------------------------------------------------------
    say(`${opts.users} users: ${changeCount} Teams changes over ${opts.durationSeconds} s`);
    const forward = await measureForward(sims, transport, work.forwardUsers, current, {
      count: changeCount, durationMs: opts.durationSeconds * 1000, deadlineMs: Math.max(10_000, 5 * intervalMs), random,
    });

    // ---- STARFACE → Teams ------------------------------------------------------------------------------------------
    say(`${opts.users} users: ${callCount} STARFACE calls over ${reverseSeconds} s`);
    const reverse = await measureReverse(sims, work.callUsers, { count: callCount, durationMs: reverseSeconds * 1000, random });
    const steadyTo = preciseNow();
    const harnessSteadyCpu = cpuSeconds(process.cpuUsage(cpuAtSteady));
    clearTimeout(kaTimer);

    // ---- totals over the steady window ---------------------------------------------------------------------------------
    const minutes = (steadyTo - steadyFrom) / 60_000;
    const uci = diffCounters(sims.pbxRequests(), idle.pbxBefore);
    const graphReqs = diffCounters(sims.graphRequests(), idle.graphBefore);
    const perMinute = (n: number): number => round1(n / minutes);
    const keepAlive = sumBySuffix(uci, ['.connection.keepAlive']);
    const getUserState = sumBySuffix(uci, ['.userState.getUserState']);
    const uciTotal = Object.entries(uci).filter(([k]) => k.startsWith('ucp.')).reduce((a, [, v]) => a + v, 0);
    const cyclesStats = requestsPerCycle(host.syncs, steadyFrom, steadyTo);
    const resources = resourceFigures(host, steadyFrom, steadyTo);
    const sessions = sims.starface.pbx.sessionCount();
    const keepAlivePerMinute = kaPeriod === undefined ? perMinute(keepAlive) : round1(kaPeriod * (60 / keepAliveSeconds));

    const result: ScenarioResult = {
      users: opts.users,
      pollIntervalSeconds: opts.pollIntervalSeconds,
      latencyMs: opts.latencyMs,
      durationSeconds: opts.durationSeconds,
      reverseSeconds,
      pbxTls,
      engineRuntime: opts.engineRuntime ?? 'compiled',
      settings: opts.settings ?? {},
      startup,
      teamsToStarface: { ...summarize(forward.latencies, forward.missed), changes: forward.changes, harnessPutErrors: forward.putErrors.length },
      starfaceToTeams: { set: summarize(reverse.set, reverse.setMissed), clear: summarize(reverse.clear, reverse.clearMissed), calls: reverse.calls },
      efficiency: {
        presenceRequestsPerCycle: { ...cyclesStats, minimum: Math.ceil(opts.users / 650) },
        idle: { cycles: idle.cycles, pbxWrites: idle.pbxWrites, pbxWritesPerCycle: idle.cycles ? idle.pbxWrites / idle.cycles : null, graphRequests: idle.graphRequests },
        pbxWritesPerChange: forward.changes ? round2(forward.writes / forward.changes) : null,
        minimumWritesPerChange: forward.changes ? round2(forward.fieldsChanged / forward.changes) : null,
        redundantWrites: forward.redundant,
        pbxWritesDuringCalls: reverse.pbxWrites,
        uciPerMinute: {
          keepAlive: keepAlivePerMinute,
          keepAliveWindowSeconds: kaPeriod === undefined ? Math.round(minutes * 60) : keepAliveSeconds,
          getUserState: perMinute(getUserState), total: perMinute(uciTotal), windowSeconds: Math.round(minutes * 60),
        },
        expectedKeepAlivePerMinute: round1(sims.logins.length * (60 / keepAliveSeconds)),
        graphPerMinute: Object.fromEntries(Object.entries(graphReqs).map(([k, v]) => [k, perMinute(v)])),
      },
      resources,
      harness: {
        loopDelayMaxMs: round1(loop.max / 1e6), loopDelayP99Ms: round1(loop.percentile(99) / 1e6),
        startupCpuSeconds: round2(harnessStartupCpu), cpuSecondsPerMinute: round2(harnessSteadyCpu / minutes),
      },
      engine: { finalStatus: host.lastSync()?.status ?? null, stopMs: null, sessionsLeftOpen: 0 },
      loadAverage: { start: round2(loadStart), end: round2(loadavg()[0]!), startText: loadStartText, endText: loadAverageText() },
      poll: pollFigures(host.syncs, steadyFrom, steadyTo, intervalMs),
      keepAliveSeconds,
      pbxSide: { sessions, uciRequestsPerSecond: round1(perMinute(uciTotal) / 60), keepAlivePerSecond: round1(keepAlivePerMinute / 60) },
    };
    say(`${opts.users} users: stopping the engine`);
    result.engine.stopMs = await host.stop();
    result.engine.sessionsLeftOpen = sims.starface.pbx.sessionCount();
    return result;
  } finally {
    loop.disable();
    await host?.stop().catch(() => undefined);
    transport.close();
    await sims.close();
    if (opts.keepFiles) say(`${opts.users} users: engine files kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

const round2 = (v: number): number => Math.round(v * 100) / 100;
const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

