// The fault suite's world: both simulators over real sockets, the engine service with short timeouts, and the
// faults the bridge meets in the field — a PBX answering 503 (maintenance), a PBX refusing connections (a TCP
// gate in front of the simulator that can stop listening), Graph failures. Each test records the PBX values
// before the bridge ever ran and asserts that every user the bridge touched is back to them after recovery.
import net from 'node:net';
import { dispatch } from '../../src/control/dispatch.js';
import { NO_FAULTS } from '../../src/simulators/starface/options.js';
import { expect } from 'vitest';
import { FAST_TUNING, startSyncWorld, syncedLogins, waitFor, type SyncWorld } from '../integration/sync-helpers.js';
import type { SettingsInput } from '../../src/core/settings.js';
import { createEngineService, type EngineService, type EngineServiceOptions } from '../../src/control/service.js';
import { noteFigures, sessionsIn } from './figures.js';

/** Short timeouts so a fault costs fractions of a second, not the production 30 s. */
export const FAULT_TUNING: NonNullable<EngineServiceOptions['tuning']> = {
  ...FAST_TUNING,
  graphRetry: { backoffBaseMs: 50, backoffMaxMs: 200, maxRetries: 1 },
  tokenRetry: { attempts: 2, baseMs: 50, maxWaitMs: 200 },
  uciSession: { ...FAST_TUNING.uciSession, requestTimeoutMs: 1_500, backoffInitialMs: 100, backoffMaxMs: 500 },
  engine: {
    ...FAST_TUNING.engine,
    applyRetry: { baseDelayMs: 50, maxAttempts: 4 },
    teamsRetry: { attempts: 1, baseDelayMs: 50 },
    restoreTimeoutMs: 2_000,
    restoreRetry: { baseDelayMs: 300, maxDelayMs: 1_000 },
  },
};

/**
 * A TCP forwarder in front of the PBX simulator: `refuse()` closes the listening socket and every connection
 * (the bridge then gets ECONNREFUSED, as from a PBX that is down), `accept()` listens again on the same port.
 */
export class TcpGate {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  target: { host: string; port: number } | undefined;
  /** Sees every chunk the bridge sends towards the PBX (before the PBX does). */
  tap: ((chunk: Buffer) => void) | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async accept(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => {
      const t = this.target;
      if (!t) return client.destroy();
      const upstream = net.connect(t.port, t.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (chunk: Buffer) => this.tap?.(chunk));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async refuse(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface FaultWorld extends SyncWorld {
  gate: TcpGate;
  /** PBX values of every user before the bridge ran (the administrator account too). */
  before: Map<string, { dnd: boolean; chatPresenceMessage: string }>;
  /** The people the bridge syncs ("all users" leaves out the PBX administrator account it logs in with). */
  logins: string[];
  /** The PBX administrator account the bridge logs in with: never synced, so never touched. */
  admin: string;
  /** The PBX stops answering: 'http503' (every request, maintenance page) or 'refused' (nothing listens). */
  pbxDown(kind: PbxFault): Promise<void>;
  pbxUp(): Promise<void>;
  call<T = Record<string, unknown>>(method: string, params?: unknown): Promise<T>;
  /** Users whose PBX values differ from `before` (login → what the PBX shows); by default the synced people and the administrator account. */
  notBack(logins?: string[]): string[];
  /** notBack(), noted for the fault figures: the final check of a test that every user is back. */
  checkAllBack(logins?: string[]): string[];
  waitAllBack(what: string, timeoutMs?: number, logins?: string[]): Promise<void>;
  /** Quits the bridge (no restore, like a quit with restoreOnStop off) and starts a new one on the same files. */
  restart(opts?: { start?: boolean }): Promise<void>;
}

export type PbxFault = 'http503' | 'refused';

/**
 * `restoreTimeoutMs`: how long a stop, a start or a save waits for a restore before it reports who is left
 * (default FAULT_TUNING's 2 s). A test whose every waited-for restore meets a PBX that is down may shorten it:
 * the wait can only end in "not restored" there, so a shorter one proves the same sooner.
 */
export async function startFaultWorld(opts: { users?: number; start?: boolean; settings?: (s: SettingsInput) => SettingsInput; restoreTimeoutMs?: number } = {}): Promise<FaultWorld> {
  const tuning: typeof FAULT_TUNING = opts.restoreTimeoutMs === undefined
    ? FAULT_TUNING
    : { ...FAULT_TUNING, engine: { ...FAULT_TUNING.engine, restoreTimeoutMs: opts.restoreTimeoutMs } };
  const gate = new TcpGate();
  await gate.accept();
  const w = await startSyncWorld({
    users: opts.users ?? 6,
    start: false,
    tuning,
    settings: (s) => {
      const url = new URL(s.starface!.baseUrl!);
      gate.target = { host: url.hostname, port: Number(url.port) };
      const next = { ...s, starface: { ...s.starface, baseUrl: gate.url } };
      return opts.settings ? opts.settings(next) : next;
    },
  });
  // The people the bridge syncs: "all users" leaves out the PBX administrator account it logs in with.
  const logins = syncedLogins(w);
  const admin = w.env.starface.admin.login;
  // Every check that users are back covers the administrator account too: the bridge must never have touched it.
  const everyone = [...logins, admin];
  const before = new Map(everyone.map((l) => [l, w.pbxUser(l)]));
  const fw: FaultWorld = {
    ...w,
    gate,
    before,
    logins,
    admin,
    async pbxDown(kind) {
      if (kind === 'refused') await gate.refuse();
      else w.env.starface.pbx.faults = { ...NO_FAULTS, errorRate: 1, errorStatus: 503 };
    },
    async pbxUp() {
      w.env.starface.pbx.faults = { ...NO_FAULTS };
      await gate.accept();
    },
    async call(method, params = {}) {
      const reply = await dispatch(fw.service.api, { method, params });
      if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
      return reply.result as never;
    },
    notBack(which = everyone) {
      return which.filter((l) => {
        const now = w.pbxUser(l);
        const was = before.get(l)!;
        return now.dnd !== was.dnd || now.chatPresenceMessage !== was.chatPresenceMessage;
      }).map((l) => `${l}=${JSON.stringify(w.pbxUser(l))} (was ${JSON.stringify(before.get(l))})`);
    },
    checkAllBack(which = everyone) {
      const wrong = fw.notBack(which);
      noteFigures({ checked: which.length, wrong: wrong.length });
      return wrong;
    },
    async waitAllBack(what, timeoutMs = 10_000, which = everyone) {
      await waitFor(() => fw.notBack(which).length === 0, timeoutMs, what).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}; not back: ${fw.notBack(which).slice(0, 5).join(', ')}`);
      }).finally(() => noteFigures({ checked: which.length, wrong: fw.notBack(which).length }));
    },
    async restart(o = {}) {
      await fw.service.close({ restore: false });
      fw.service = await createEngineService({
        settingsFile: w.env.settingsFile, vaultFile: w.env.vaultFile, secrets: w.env.secrets, logger: w.logger, tuning,
      });
      if (o.start !== false) await fw.service.start();
    },
    async close() {
      noteFigures({ sessionsLeft: sessionsIn(w.env.graph) });
      await fw.service.close({ restore: false }).catch(() => undefined);
      await w.close();
      await gate.refuse();
    },
  };
  if (opts.start !== false) await w.service.start();
  return fw;
}

/** Every user gets the bridge's chat text; three of them DND as well. Resolves when all of it is on the PBX. */
export async function bridgeTouchesEveryone(w: FaultWorld): Promise<string[]> {
  const dnd = w.logins.slice(0, 3);
  await waitFor(() => w.logins.every((l) => w.pbxUser(l).chatPresenceMessage === 'Offline'), 15_000, 'first apply');
  for (const l of dnd) w.setTeams(l, 'DoNotDisturb');
  await waitFor(() => dnd.every((l) => w.pbxUser(l).dnd && w.pbxUser(l).chatPresenceMessage === 'Nicht stören'), 10_000, 'DND written');
  await w.service.host.syncEngine!.idle();
  // Every synced person differs from before now; the administrator account does not.
  expect(w.notBack()).toHaveLength(w.logins.length);
  expect(w.notBack([w.admin])).toEqual([]);
  return dnd;
}

/** Waits until the running engine of `service` has finished `n` more poll cycles (instead of a fixed sleep). */
export async function cyclesPass(service: EngineService, n = 3): Promise<void> {
  const start = service.host.syncStatus().counters.cycles;
  await waitFor(() => service.host.syncStatus().counters.cycles >= start + n, 5_000, `${n} more cycles`);
}
