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
import type { ResourceSample } from './protocol.js';
import { diffCounters, PBX_WRITE_METHODS, startBenchSims, sumBySuffix, type BenchSims, type PbxWrite } from './sims.js';
import { preciseNow, rng, sleep, summarize, type LatencySummary } from './stats.js';
import { expectedPbx, nextState, planWorkload, spreadOffsets, STATES, type TeamsState } from './workload.js';

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

export interface StartupFigures {
  /** Engine start → every synced user shows the desired PBX state (directory, roster, sessions, first apply). */
  ms: number | null;
  /** Engine start → start() resolved (directories loaded, roster built). */
  rosterMs: number | null;
  /** Engine start → every synced user has a UCI session on the PBX. */
  sessionsMs: number | null;
  /** Engine start → first poll cycle reported. */
  firstCycleMs: number | null;
  /** PBX writes of the first apply. */
  writes: number;
  /** Users that never reached the desired state before the deadline. */
  unfinished: number;
}

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
  resources: {
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
  };
  /** The harness process (both simulators): if it is saturated, the engine's figures suffer with it. */
  harness: { loopDelayMaxMs: number; loopDelayP99Ms: number; startupCpuSeconds: number; cpuSecondsPerMinute: number };
  /** 1-minute load average of the machine at the start and the end of the scenario (other work competing). */
  loadAverage: { start: number; end: number };
  engine: {
    finalStatus: SyncRecord['status'] | null;
    /** service.close() without restore (logs every UCI session out); null = killed after 120 s. */
    stopMs: number | null;
    /** UCI sessions still open on the PBX after the engine closed (logouts that did not arrive). */
    sessionsLeftOpen: number;
  };
}

const MB = 1024 * 1024;
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
          keepAlive: kaPeriod === undefined ? perMinute(keepAlive) : round1(kaPeriod * (60 / keepAliveSeconds)),
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
      loadAverage: { start: round2(loadStart), end: round2(loadavg()[0]!) },
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

// ---------------------------------------------------------------------------------------------------------------

async function measureStartup(sims: BenchSims, host: EngineHost, initial: Map<string, TeamsState>, say: (l: string) => void): Promise<StartupFigures> {
  const expected = new Map([...initial].map(([login, s]) => [login, expectedPbx(s)]));
  const reached = new Set<string>();
  let lastReachAt = 0;
  let writes = 0;
  const check = (login: string, at: number): void => {
    const exp = expected.get(login);
    const u = sims.starface.pbx.user(login);
    if (!exp || !u || reached.has(login)) return;
    if (u.dnd === exp.dnd && u.chatPresenceMessage === exp.chatText) {
      reached.add(login);
      lastReachAt = at;
    }
  };
  for (const login of expected.keys()) check(login, 0);
  const stop = sims.onPbxWrite((w) => {
    writes++;
    check(w.login, w.at);
  });
  let sessionsAt: number | null = null;
  let firstCycleAt: number | null = null;
  try {
    const before = host.syncs.length;
    const startReply = host.start();
    const { t0 } = await startReply;
    const rosterAt = preciseNow();
    const deadline = t0 + 180_000;
    while (preciseNow() < deadline && reached.size < expected.size) {
      if (sessionsAt === null && sims.starface.pbx.sessionCount() >= expected.size) sessionsAt = preciseNow();
      if (firstCycleAt === null && host.syncs.slice(before).some((r) => r.status.counters.cycles > 0)) firstCycleAt = preciseNow();
      await sleep(50);
    }
    if (sessionsAt === null && sims.starface.pbx.sessionCount() >= expected.size) sessionsAt = preciseNow();
    if (reached.size < expected.size) say(`start-up: ${expected.size - reached.size} users did not reach the desired PBX state within 180 s`);
    const firstCycle = host.syncs.slice(before).find((r) => r.status.counters.cycles > 0);
    return {
      ms: reached.size === expected.size ? round1(lastReachAt - t0) : null,
      rosterMs: round1(rosterAt - t0),
      sessionsMs: sessionsAt === null ? null : round1(Math.min(sessionsAt, lastReachAt || sessionsAt) - t0),
      firstCycleMs: firstCycle ? round1(firstCycle.at - t0) : firstCycleAt === null ? null : round1(firstCycleAt - t0),
      writes,
      unfinished: expected.size - reached.size,
    };
  } finally {
    stop();
  }
}

interface IdleFigures {
  cycles: number;
  pbxWrites: number;
  graphRequests: Record<string, number>;
  pbxBefore: Record<string, number>;
  graphBefore: Record<string, number>;
}

/** Watches `cycles` poll cycles with nothing changing anywhere: no PBX write may happen. */
async function measureIdle(sims: BenchSims, host: EngineHost, cycles: number, intervalMs: number): Promise<IdleFigures> {
  const pbxBefore = sims.pbxRequests();
  const graphBefore = sims.graphRequests();
  const cyclesBefore = host.lastSync()?.status.counters.cycles ?? 0;
  const deadline = Date.now() + (cycles + 3) * intervalMs + 5_000;
  while (Date.now() < deadline && (host.lastSync()?.status.counters.cycles ?? 0) - cyclesBefore < cycles) await sleep(50);
  const pbx = diffCounters(sims.pbxRequests(), pbxBefore);
  return {
    cycles: (host.lastSync()?.status.counters.cycles ?? 0) - cyclesBefore,
    pbxWrites: sumBySuffix(pbx, PBX_WRITE_METHODS),
    graphRequests: diffCounters(sims.graphRequests(), graphBefore),
    pbxBefore,
    graphBefore,
  };
}

interface ForwardFigures {
  changes: number;
  /** Presence PUTs of the harness that failed (not counted as changes). */
  putErrors: string[];
  latencies: number[];
  missed: number;
  writes: number;
  fieldsChanged: number;
  redundant: number;
}

/** Teams presence changes (each flips DND), timed from the Graph simulator's PUT to the PBX's DND write. */
async function measureForward(
  sims: BenchSims, transport: HttpTransport, users: string[], current: Map<string, TeamsState>,
  o: { count: number; durationMs: number; deadlineMs: number; random: () => number },
): Promise<ForwardFigures> {
  const loginOfId = new Map([...sims.graphIdOf].map(([login, id]) => [id, login]));
  const pending = new Map<string, { expectDnd: boolean; putAt: number; t0?: number }>();
  const latencies: number[] = [];
  let missed = 0;
  let fieldsChanged = 0;
  let redundant = 0;
  const inPhase = new Set(users);
  const stopPresence = sims.onPresence((e) => {
    const login = loginOfId.get(e.id);
    const p = login ? pending.get(login) : undefined;
    if (p && p.t0 === undefined) p.t0 = e.at;
  });
  const stopWrites = sims.onPbxWrite((w: PbxWrite) => {
    if (!inPhase.has(w.login)) return;
    if (w.changed) fieldsChanged++;
    else redundant++;
    const p = pending.get(w.login);
    if (p && w.field === 'dnd' && w.value === p.expectDnd) {
      latencies.push(w.at - (p.t0 ?? p.putAt));
      pending.delete(w.login);
    }
  });
  const before = sims.pbxRequests();
  let changes = 0;
  const putErrors: string[] = [];
  try {
    const offsets = spreadOffsets(o.count, o.durationMs, o.random);
    const start = preciseNow();
    const puts: Promise<void>[] = [];
    for (const offset of offsets) {
      const wait = start + offset - preciseNow();
      if (wait > 0) await sleep(wait);
      expire(pending, o.deadlineMs, () => missed++);
      const free = users.filter((l) => !pending.has(l));
      if (free.length === 0) continue;
      const login = free[Math.floor(o.random() * free.length)]!;
      const next = nextState(current.get(login) ?? STATES[0]!, o.random);
      current.set(login, next);
      pending.set(login, { expectDnd: expectedPbx(next).dnd, putAt: preciseNow() });
      changes++;
      // Handled right away: a failed PUT must not become an unhandled rejection while later changes run.
      puts.push(putPresence(transport, sims, login, next).catch((err: unknown) => {
        pending.delete(login);
        changes--;
        putErrors.push(err instanceof Error ? err.message || err.name : String(err));
      }));
    }
    await Promise.all(puts);
    if (putErrors.length > Math.max(2, changes / 10)) {
      throw new Error(`${putErrors.length} presence PUTs to the Graph simulator failed; the figures would not mean much. First: ${putErrors[0]}`);
    }
    const drainUntil = preciseNow() + o.deadlineMs;
    while (pending.size > 0 && preciseNow() < drainUntil) await sleep(20);
    missed += pending.size;
    // Let trailing writes of the last changes land before counting.
    await sleep(500);
  } finally {
    stopPresence();
    stopWrites();
  }
  const writes = sumBySuffix(diffCounters(sims.pbxRequests(), before), PBX_WRITE_METHODS);
  return { changes, putErrors, latencies, missed, writes, fieldsChanged, redundant };
}

function expire(pending: Map<string, { putAt: number; t0?: number }>, deadlineMs: number, onMiss: () => void): void {
  const now = preciseNow();
  for (const [login, p] of pending) {
    if (now - (p.t0 ?? p.putAt) > deadlineMs) {
      pending.delete(login);
      onMiss();
    }
  }
}

/** The Graph simulator's control API: PUT /_sim/presence/<id> (a user changes their own Teams presence). */
async function putPresence(transport: HttpTransport, sims: BenchSims, login: string, state: TeamsState): Promise<void> {
  const id = sims.graphIdOf.get(login)!;
  const r = await transport.request({
    url: `${sims.graph.url}/_sim/presence/${encodeURIComponent(id)}`,
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ availability: state.availability, activity: state.activity }),
  });
  if (r.status !== 200) throw new Error(`PUT /_sim/presence for ${login} answered ${r.status}: ${r.text()}`);
}

interface ReverseFigures {
  calls: number;
  set: number[];
  clear: number[];
  setMissed: number;
  clearMissed: number;
  pbxWrites: number;
}

const RING_MS = 300;
const TALK_MS = 2_000;
const CALL_DEADLINE_MS = 5_000;

/** STARFACE calls (ring, answer, talk, hang up), timed from the PBX's call event to the Graph session write. */
async function measureReverse(sims: BenchSims, users: string[], o: { count: number; durationMs: number; random: () => number }): Promise<ReverseFigures> {
  const pbx = sims.starface.pbx;
  const loginOfId = new Map([...sims.graphIdOf].map(([login, id]) => [id, login]));
  const inCall = new Set<string>();
  const waitSet = new Map<string, number>();
  const waitClear = new Map<string, number>();
  const set: number[] = [];
  const clear: number[] = [];
  let setMissed = 0;
  let clearMissed = 0;
  let pbxWrites = 0;
  const callUsers = new Set(users);
  const stopLeg = sims.onLeg((e) => {
    if (!callUsers.has(e.login)) return;
    // Default settings: a call counts once it is answered (ringingCounts off), and ends with the hang-up.
    if (e.state === 'CONNECTED') waitSet.set(e.login, e.at);
    if (e.state === 'HANGUP') {
      if (waitSet.delete(e.login)) setMissed++;
      waitClear.set(e.login, e.at);
    }
  });
  const stopPresence = sims.onPresence((e) => {
    const login = loginOfId.get(e.id);
    if (!login || !callUsers.has(login)) return;
    const inACall = e.availability === 'Busy' && e.activity === 'InACall';
    const s = waitSet.get(login);
    if (inACall && s !== undefined) {
      set.push(e.at - s);
      waitSet.delete(login);
    }
    const c = waitClear.get(login);
    if (!inACall && c !== undefined) {
      clear.push(e.at - c);
      waitClear.delete(login);
    }
  });
  const stopWrites = sims.onPbxWrite((w) => {
    if (callUsers.has(w.login)) pbxWrites++;
  });
  let calls = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  try {
    const offsets = spreadOffsets(o.count, o.durationMs, o.random);
    const start = preciseNow();
    for (const offset of offsets) {
      const wait = start + offset - preciseNow();
      if (wait > 0) await sleep(wait);
      const free = users.filter((l) => !inCall.has(l) && !waitClear.has(l));
      if (free.length === 0) continue;
      const login = free[Math.floor(o.random() * free.length)]!;
      inCall.add(login);
      calls++;
      const call = pbx.placeCall({ from: '+4972100000', to: login, fromName: 'Benchmark' });
      later(RING_MS, () => {
        try {
          pbx.answer(call.id);
        } catch {
          // The call is gone (e.g. the PBX dropped it); the user becomes free again below.
        }
        later(TALK_MS, () => {
          try {
            pbx.hangup(call.id);
          } catch {
            // already ended
          }
          later(500, () => inCall.delete(login));
        });
      });
    }
    const drainUntil = preciseNow() + RING_MS + TALK_MS + CALL_DEADLINE_MS;
    while ((timers.size > 0 || waitSet.size > 0 || waitClear.size > 0) && preciseNow() < drainUntil) await sleep(20);
    setMissed += waitSet.size;
    clearMissed += waitClear.size;
  } finally {
    for (const t of timers) clearTimeout(t);
    stopLeg();
    stopPresence();
    stopWrites();
  }
  return { calls, set, clear, setMissed, clearMissed, pbxWrites };
}

// ---------------------------------------------------------------------------------------------------------------

/** Presence requests per cycle from the engine's cycle counter and the simulator's request counter. */
function requestsPerCycle(syncs: SyncRecord[], from: number, to: number): { mean: number | null; min: number | null; max: number | null; cycles: number } {
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

function resourceFigures(host: EngineHost, from: number, to: number): ScenarioResult['resources'] {
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
