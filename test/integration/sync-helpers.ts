// Shared set-up of the engine integration tests: both simulators over real sockets (the same environment
// `presence-bridge demo` runs), the engine service on top, and small helpers to drive and observe both sides.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { startDemoEnvironment, type DemoEnvironment, type DemoEnvironmentOptions } from '../../src/commands/demo-environment.js';
import { createLogger, type RootLogger } from '../../src/platform/logger.js';
import { createEngineService, type EngineService, type EngineServiceOptions } from '../../src/control/service.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond` holds (vi.waitFor polls it); resolves with the milliseconds it took. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<number> {
  const start = Date.now();
  await vi.waitFor(async () => {
    if (!(await cond())) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
  }, { timeout: timeoutMs, interval: 10 });
  return Date.now() - start;
}

/** The people a world syncs: every PBX user but the administrator account the bridge logs in with. */
export function syncedLogins(w: Pick<SyncWorld, 'env'>): string[] {
  return w.env.starface.users.filter((u) => !u.admin).map((u) => u.login);
}

/** Waits until every synced user shows the "Offline" chat text: the first cycle is applied. */
export function waitForConvergence(w: SyncWorld, timeoutMs: number): Promise<number> {
  const users = syncedLogins(w).length;
  return waitFor(() => w.service.host.snapshot().users.filter((u) => u.pbx.chatText === 'Offline').length === users, timeoutMs, 'convergence');
}

/** Fast settings for tests: 300 ms polls, quick state refresh and retries. */
export const FAST_TUNING: NonNullable<EngineServiceOptions['tuning']> = {
  uciSession: { stateRefreshMs: 1_000, keepAliveMs: 1_000, backoffInitialMs: 100, backoffMaxMs: 1_000, requestTimeoutMs: 10_000, discoverServices: false },
  graphRetry: { backoffBaseMs: 100, backoffMaxMs: 1_000 },
  engine: { pollIntervalMs: 300, applyRetry: { baseDelayMs: 100, maxAttempts: 8 }, echoGraceMs: 3_000, rosterRetryMs: 500, restoreTimeoutMs: 15_000 },
};

export interface SyncWorld {
  env: DemoEnvironment;
  service: EngineService;
  logger: RootLogger;
  /** The user's own Teams state (what they pick in Teams). */
  setTeams(login: string, availability: string, activity?: string, outOfOffice?: boolean): void;
  pbxUser(login: string): { dnd: boolean; chatPresenceMessage: string };
  /** Sum of the PBX simulator's write requests (DND + chat text + chat presence), read over /_sim/stats. */
  pbxWrites(): Promise<number>;
  close(): Promise<void>;
}

export async function startSyncWorld(opts: DemoEnvironmentOptions & { tuning?: EngineServiceOptions['tuning']; start?: boolean } = {}): Promise<SyncWorld> {
  const env = await startDemoEnvironment({ users: 200, ...opts });
  const logger = createLogger({ level: 'debug', ringSize: 20_000 });
  let service: EngineService;
  try {
    service = await createEngineService({
      settingsFile: env.settingsFile,
      vaultFile: env.vaultFile,
      secrets: env.secrets,
      logger,
      tuning: opts.tuning ?? FAST_TUNING,
    });
  } catch (err) {
    await env.close();
    throw err;
  }
  if (opts.start !== false) await service.start();
  const world: SyncWorld = {
    env,
    service,
    logger,
    setTeams(login, availability, activity, outOfOffice) {
      env.graph.setUserPresence(env.microsoftIdOf(login), { availability, activity: activity ?? availability, ...(outOfOffice !== undefined ? { outOfOffice } : {}) });
    },
    pbxUser(login) {
      const u = env.starface.pbx.user(login);
      if (!u) throw new Error(`no PBX user ${login}`);
      return { dnd: u.dnd, chatPresenceMessage: u.chatPresenceMessage };
    },
    async pbxWrites() {
      const res = await fetch(`${env.starface.url}/_sim/stats`);
      const body = (await res.json()) as { requests: Record<string, number> };
      let n = 0;
      for (const [k, v] of Object.entries(body.requests)) {
        if (/userState\.(setDoNotDisturbSetting|setChatPresenceMessage|setChatPresence)$/.test(k)) n += v;
      }
      return n;
    },
    async close() {
      await service.close({ restore: false }).catch(() => undefined);
      await env.close();
      await logger.close();
    },
  };
  return world;
}

const ENGINE_CHILD = fileURLToPath(new URL('./sync-engine-child.ts', import.meta.url));

/**
 * The engine service in a child process (sync-engine-child.ts) on the environment's files, so a test can kill -9
 * it; resolves once it runs. The child is added to `children` (for the test's clean-up).
 */
export function startEngineChild(env: DemoEnvironment, children: ChildProcess[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENGINE_CHILD, env.settingsFile, env.vaultFile], {
    env: { ...process.env, PB_TEST_PASSPHRASE: env.vaultPassphrase ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('READY')) resolve(child); });
    child.once('exit', (code) => reject(new Error(`engine exited early (${code}): ${err}`)));
  });
}
