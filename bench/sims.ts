// Both simulators for one benchmark scenario, in this (the harness) process, with simulated network latency
// and in-process probes that timestamp what the simulators receive:
// - every write of a PBX user's DND flag, chat text or chat presence (accessor properties on the simulator's
//   own user records, so the time is when the UCI handler applied the write, after the simulated latency);
// - every call-leg state change on the PBX (the simulator's onLeg hook: the moment the call event happens);
// - every change of a user's aggregated Teams presence (the Graph simulator's onPresenceChange hook, which fires
//   in the request handler of setPresence/clearPresence and of our own /_sim/ presence PUTs);
// - Graph request counts per endpoint, sampled often enough to tell poll cycles apart.
import { startGraphSimulator, type GraphSimulator } from '../src/simulators/graph/server.js';
import { NO_FAULTS } from '../src/simulators/starface/options.js';
import { generateUsers, startStarfaceSimulator, type StarfaceSimulator } from '../src/simulators/starface/index.js';
import { preciseNow } from './stats.js';

export type PbxField = 'dnd' | 'chatPresenceMessage' | 'chatPresence';
export const PBX_FIELDS: readonly PbxField[] = ['dnd', 'chatPresenceMessage', 'chatPresence'];

export interface PbxWrite {
  at: number;
  login: string;
  field: PbxField;
  value: unknown;
  /** False when the write set the value the field already had (a useless write). */
  changed: boolean;
}

export interface LegEvent {
  at: number;
  login: string;
  callId: string;
  state: string;
}

export interface PresenceEvent {
  at: number;
  /** Graph object id. */
  id: string;
  availability: string;
  activity: string;
}

export interface BenchSimsOptions {
  users: number;
  /** Simulated network latency per request, both simulators (ms). */
  latencyMs: number;
  /** Serve the PBX over HTTPS (its CA is trusted through settings.network.extraCaPem, as in production). */
  pbxTls: boolean;
}

export interface BenchSims {
  starface: StarfaceSimulator;
  graph: GraphSimulator;
  /** PBX login → Graph object id, for the synced (matched) users. */
  graphIdOf: Map<string, string>;
  /** The synced PBX logins (the admin account has no Microsoft account and is not synced). */
  logins: string[];
  onPbxWrite(fn: (w: PbxWrite) => void): () => void;
  onLeg(fn: (e: LegEvent) => void): () => void;
  onPresence(fn: (e: PresenceEvent) => void): () => void;
  /** Counters of PBX requests by UCI method / REST route (the simulator's own statistics). */
  pbxRequests(): Record<string, number>;
  /** Graph requests by endpoint (the simulator's own statistics). */
  graphRequests(): Record<string, number>;
  close(): Promise<void>;
}

export async function startBenchSims(opts: BenchSimsOptions): Promise<BenchSims> {
  const pbxUsers = generateUsers(opts.users);
  const starface = await startStarfaceSimulator({ users: pbxUsers, tls: opts.pbxTls });
  // The admin (0001) exists only on the PBX: it reads the directory and is not one of the N synced people.
  const people = pbxUsers.filter((u) => !u.admin);
  let graph: GraphSimulator;
  try {
    graph = await startGraphSimulator({
      starfaceUsers: people.map((u) => ({ login: u.login, email: u.email ?? null, firstName: u.firstName ?? null, familyName: u.familyName ?? null })),
      latencyMs: opts.latencyMs,
    });
  } catch (err) {
    await starface.close();
    throw err;
  }
  starface.pbx.faults = { ...NO_FAULTS, delayMs: opts.latencyMs };

  const graphIdOf = new Map<string, string>();
  const byMail = new Map(graph.tenant.users.map((u) => [(u.mail ?? '').toLowerCase(), u.id]));
  for (const u of people) {
    const id = byMail.get((u.email ?? '').toLowerCase());
    if (id) graphIdOf.set(u.login, id);
  }

  const writeListeners = new Set<(w: PbxWrite) => void>();
  for (const u of starface.pbx.users) {
    for (const field of PBX_FIELDS) {
      let value: unknown = (u as unknown as Record<string, unknown>)[field];
      Object.defineProperty(u, field, {
        configurable: true,
        enumerable: true,
        get: () => value,
        set: (v: unknown) => {
          const changed = v !== value;
          value = v;
          if (writeListeners.size) {
            const w: PbxWrite = { at: preciseNow(), login: u.login, field, value: v, changed };
            for (const l of writeListeners) l(w);
          }
        },
      });
    }
  }

  const legListeners = new Set<(e: LegEvent) => void>();
  starface.pbx.onLeg((login, call, leg) => {
    if (!legListeners.size) return;
    const e: LegEvent = { at: preciseNow(), login, callId: call.id, state: leg.state };
    for (const l of legListeners) l(e);
  });

  const presenceListeners = new Set<(e: PresenceEvent) => void>();
  const stopPresence = graph.onPresenceChange((user, p) => {
    if (!presenceListeners.size) return;
    const e: PresenceEvent = { at: preciseNow(), id: user.id, availability: p.availability, activity: p.activity };
    for (const l of presenceListeners) l(e);
  });

  const subscribe = <T>(set: Set<T>, fn: T): (() => void) => {
    set.add(fn);
    return () => set.delete(fn);
  };

  return {
    starface,
    graph,
    graphIdOf,
    logins: [...graphIdOf.keys()],
    onPbxWrite: (fn) => subscribe(writeListeners, fn),
    onLeg: (fn) => subscribe(legListeners, fn),
    onPresence: (fn) => subscribe(presenceListeners, fn),
    pbxRequests: () => starface.pbx.stats(),
    graphRequests: () => Object.fromEntries(Object.entries(graph.stats().endpoints).map(([k, v]) => [k, v.count])),
    close: async () => {
      stopPresence();
      await Promise.allSettled([starface.close(), graph.close()]);
    },
  };
}

/** Per-key difference of two counter snapshots (keys missing in `before` count from 0). */
export function diffCounters(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** Sum of the counters whose key ends with one of `suffixes` (e.g. '.setDoNotDisturbSetting'). */
export function sumBySuffix(counters: Record<string, number>, suffixes: readonly string[]): number {
  let n = 0;
  for (const [k, v] of Object.entries(counters)) if (suffixes.some((s) => k.endsWith(s))) n += v;
  return n;
}

/** UCI methods that write user state on the PBX. */
export const PBX_WRITE_METHODS = ['.setDoNotDisturbSetting', '.setChatPresenceMessage', '.setChatPresence'] as const;
