// The phases of one benchmark scenario, each measured with the simulators' own receive timestamps:
// start-up, idle cycles, Teams → STARFACE changes and STARFACE → Teams calls (see scenario.ts for the order).
import type { HttpTransport } from '../src/platform/http-transport.js';
import type { EngineHost } from './engine-host.js';
import { diffCounters, PBX_WRITE_METHODS, sumBySuffix, type BenchSims, type PbxWrite } from './sims.js';
import { preciseNow, sleep } from './stats.js';
import { expectedPbx, nextState, spreadOffsets, STATES, type TeamsState } from './workload.js';

const round1 = (v: number): number => Math.round(v * 10) / 10;

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


export async function measureStartup(sims: BenchSims, host: EngineHost, initial: Map<string, TeamsState>, say: (l: string) => void): Promise<StartupFigures> {
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

export interface IdleFigures {
  cycles: number;
  pbxWrites: number;
  graphRequests: Record<string, number>;
  pbxBefore: Record<string, number>;
  graphBefore: Record<string, number>;
}

/** Watches `cycles` poll cycles with nothing changing anywhere: no PBX write may happen. */
export async function measureIdle(sims: BenchSims, host: EngineHost, cycles: number, intervalMs: number): Promise<IdleFigures> {
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

export interface ForwardFigures {
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
export async function measureForward(
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

export interface ReverseFigures {
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
export async function measureReverse(sims: BenchSims, users: string[], o: { count: number; durationMs: number; random: () => number }): Promise<ReverseFigures> {
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

