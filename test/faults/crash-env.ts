// The engine in a child process (test/integration/sync-engine-child.ts) behind a TCP gate that watches its
// requests to the PBX, so a test can kill -9 the bridge at the exact moment a given write leaves it: the write
// reaches the PBX and takes effect, the bridge never hears the answer. Afterwards the bridge runs again in this
// process on the same files (settings, vault, journal).
import type { ChildProcess } from 'node:child_process';
import { startDemoEnvironment, type DemoEnvironment, type DemoEnvironmentOptions } from '../../src/commands/demo-environment.js';
import { createLogger } from '../../src/platform/logger.js';
import { createEngineService, type EngineService } from '../../src/control/service.js';
import { startEngineChild, syncedLogins, waitFor } from '../integration/sync-helpers.js';
import { FAULT_TUNING, TcpGate } from './fault-world.js';
import { noteFigures, sessionsIn } from './figures.js';

export interface PbxValues {
  dnd: boolean;
  chatPresenceMessage: string;
  chatPresence: string;
}

export interface CrashEnv {
  env: DemoEnvironment;
  gate: TcpGate;
  /** The people the bridge syncs ("all users" leaves out the PBX administrator account it logs in with). */
  logins: string[];
  /** The PBX administrator account: never synced, so never touched. */
  admin: string;
  /** The values from before the bridge, of every PBX user (the administrator account too). */
  before: Map<string, PbxValues>;
  pbx(login: string): PbxValues;
  setTeams(login: string, availability: string, activity?: string): void;
  startChild(): Promise<ChildProcess>;
  /** Kills the child (SIGKILL) the moment a request to the PBX contains all of `needles`; resolves on its exit. */
  killWhenSent(child: ChildProcess, needles: string[]): Promise<void>;
  /** The bridge again, in this process, on the same files. */
  startService(): Promise<EngineService>;
  /** Every PBX user (the administrator account too) whose values differ from those before the bridge. */
  notBack(): string[];
  /** notBack(), noted for the fault figures: the final check of a test that every user is back. */
  checkAllBack(): string[];
  close(): Promise<void>;
}

export async function startCrashEnv(opts: Pick<DemoEnvironmentOptions, 'users' | 'settings' | 'starfaceBehaviour'> = {}): Promise<CrashEnv> {
  const gate = new TcpGate();
  await gate.accept();
  const env = await startDemoEnvironment({
    users: opts.users ?? 3,
    ...(opts.starfaceBehaviour ? { starfaceBehaviour: opts.starfaceBehaviour } : {}),
    settings: (s) => {
      const url = new URL(s.starface!.baseUrl!);
      gate.target = { host: url.hostname, port: Number(url.port) };
      const next = { ...s, starface: { ...s.starface, baseUrl: gate.url } };
      return opts.settings ? opts.settings(next) : next;
    },
  });
  const children: ChildProcess[] = [];
  const services: EngineService[] = [];
  const logger = createLogger({ level: 'debug', ringSize: 5_000 });
  const pbx = (login: string): PbxValues => {
    const u = env.starface.pbx.user(login)!;
    return { dnd: u.dnd, chatPresenceMessage: u.chatPresenceMessage, chatPresence: u.chatPresence };
  };
  const logins = syncedLogins({ env });
  const admin = env.starface.admin.login;
  const everyone = env.starface.users.map((u) => u.login);
  const before = new Map(everyone.map((l) => [l, pbx(l)]));
  const ce: CrashEnv = {
    env, gate, logins, admin, before, pbx,
    setTeams(login, availability, activity) {
      env.graph.setUserPresence(env.microsoftIdOf(login), { availability, activity: activity ?? availability });
    },
    startChild() {
      return startEngineChild(env, children);
    },
    killWhenSent(child, needles) {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        gate.tap = (chunk) => {
          const text = chunk.toString('utf8');
          if (needles.every((n) => text.includes(n))) {
            gate.tap = undefined;
            child.kill('SIGKILL');
          }
        };
      });
    },
    async startService() {
      const service = await createEngineService({
        settingsFile: env.settingsFile, vaultFile: env.vaultFile, secrets: env.secrets, logger, tuning: FAULT_TUNING,
      });
      services.push(service);
      await service.start();
      return service;
    },
    notBack() {
      return everyone.filter((l) => JSON.stringify(pbx(l)) !== JSON.stringify(before.get(l)))
        .map((l) => `${l}=${JSON.stringify(pbx(l))} (was ${JSON.stringify(before.get(l))})`);
    },
    checkAllBack() {
      const wrong = ce.notBack();
      noteFigures({ checked: everyone.length, wrong: wrong.length });
      return wrong;
    },
    async close() {
      noteFigures({ sessionsLeft: sessionsIn(env.graph) });
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const s of services) await s.close({ restore: false }).catch(() => undefined);
      await env.close();
      await gate.refuse();
      await logger.close();
    },
  };
  return ce;
}

/**
 * Waits until the child has written what Teams says for every synced user (the chat text shows it); the PBX
 * administrator account keeps the values it had before the bridge.
 */
export async function converged(ce: CrashEnv, text: (login: string) => string, timeoutMs = 15_000): Promise<void> {
  const adminUntouched = (): boolean => JSON.stringify(ce.pbx(ce.admin)) === JSON.stringify(ce.before.get(ce.admin));
  const wrong = (): number => ce.logins.filter((l) => ce.pbx(l).chatPresenceMessage !== text(l)).length + (adminUntouched() ? 0 : 1);
  await waitFor(() => wrong() === 0, timeoutMs, 'convergence').finally(() => noteFigures({ checked: ce.logins.length, wrong: wrong() }));
}
