// Restoring values the bridge left on a PBX it is no longer configured for (the PBX address changed while that
// PBX could not be reached): the leftover journal of that PBX (connection-switch.ts) and a SyncEngine of its
// own that only restores — its own UCI sessions with the recorded PBX settings and the users' passwords from
// the vault — in the background until every user is back, then the file is removed. It never syncs and never
// touches Teams (sessions of a previous tenant expire on their own).
import { rm } from 'node:fs/promises';
import type { RestoreStatus } from '../core/engine-state.js';
import { NetworkSettingsSchema, StarfaceSettingsSchema, type Settings } from '../core/settings.js';
import { uciPasswordSecretName } from '../core/uci-credentials.js';
import { HttpTransport } from '../platform/http-transport.js';
import type { Logger } from '../platform/logger.js';
import type { SecretStore } from '../platform/vault.js';
import type { UciSessionSettings } from '../starface/options.js';
import { UciSessionPool } from '../starface/uci-session-pool.js';
import { SyncEngine, type SyncEngineOptions } from './engine.js';
import { leftoverFiles } from './connection-switch.js';
import { JournalStore } from './journal.js';
import { pbxPortFrom, type DirectoryPort, type TeamsPort } from './ports.js';
import { coded } from '../core/messages/log-line.js';

/** This engine never reads presence, sets Teams sessions or loads directories: its ports say so if asked. */
const unavailable = (what: string) => (): Promise<never> => Promise.reject(new Error(`${what} is not used when restoring values on a previous PBX.`));
const NO_TEAMS: TeamsPort = { readPresence: unavailable('Teams'), holdSession: unavailable('Teams'), clearSession: unavailable('Teams') };
const NO_DIRECTORY: DirectoryPort = { load: unavailable('The directory') };

export interface LeftoverRestoreOptions {
  file: string;
  /** The current settings (sync options); the PBX and network sections come from the leftover journal. */
  settings: Settings;
  secrets: SecretStore;
  logger: Logger;
  uciSession?: Partial<UciSessionSettings>;
  engine?: Partial<Pick<SyncEngineOptions, 'applyRetry' | 'restoreTimeoutMs' | 'restoreRetry' | 'clock'>>;
  /** The report changed (users restored, or the first attempt ended). */
  changed: () => void;
}

export class LeftoverRestore {
  private done = false;

  private constructor(
    private readonly journal: JournalStore,
    private readonly engine: SyncEngine,
    private readonly pool: UciSessionPool,
    private readonly transport: HttpTransport,
    /** The PBX address as configured then. */
    readonly pbx: string,
  ) {}

  /** Starts restoring what a leftover journal holds; undefined when there is nothing (the file is removed). */
  static async start(o: LeftoverRestoreOptions): Promise<LeftoverRestore | undefined> {
    const { journal } = await JournalStore.open({ file: o.file });
    const conn = journal.connection;
    if (!conn || journal.logins().length === 0) {
      await rm(o.file, { force: true });
      return undefined;
    }
    const starface = StarfaceSettingsSchema.parse(conn.starface);
    const network = NetworkSettingsSchema.parse(conn.network);
    const settings: Settings = { ...o.settings, starface, network };
    const transport = new HttpTransport({
      extraCaPem: network.extraCaPem,
      ...(network.proxyUrl ? { proxyUrl: network.proxyUrl } : {}),
      connectTimeoutMs: network.connectTimeoutMs,
      readTimeoutMs: network.readTimeoutMs,
      keepAlive: true,
    });
    const logger = o.logger.child({ component: 'previous-pbx' });
    const pool = new UciSessionPool({
      baseUrl: starface.baseUrl,
      transport,
      passwordFor: (login) => o.secrets.get(uciPasswordSecretName(login)),
      settings: { uciApi: starface.uciApi, keepAliveMs: starface.keepAliveSeconds * 1000, requestTimeoutMs: starface.requestTimeoutMs, ...o.uciSession },
      maxConcurrentLogins: starface.maxConcurrentLogins,
      logger,
    });
    const engine = new SyncEngine({ settings, journal, pbx: pbxPortFrom(pool, undefined), teams: NO_TEAMS, directory: NO_DIRECTORY, logger, ...o.engine });
    const r = new LeftoverRestore(journal, engine, pool, transport, starface.baseUrl);
    engine.subscribe((e) => {
      if (e.type !== 'state.sync') return;
      o.changed();
      if (journal.logins().length === 0) void r.finish();
    });
    logger.info('Restoring values the bridge left on a previous PBX', coded('log-leftover-restoring', { pbx: starface.baseUrl, users: journal.logins().length }));
    void engine.restoreOnly('the PBX address changed', { all: true }).then(() => {
      o.changed();
      if (journal.logins().length === 0) return r.finish();
    });
    return r;
  }

  /** What is left on that PBX; undefined once everything is restored. */
  report(): RestoreStatus | undefined {
    if (this.done) return undefined;
    const report = this.engine.status().restore;
    return report ? { ...report, pbx: this.pbx, message: `On the previous PBX ${this.pbx}: ${report.message}` } : undefined;
  }

  /** Stops (the app quits or reconnects); what is left stays in the file for the next start. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.engine.close();
    await this.pool.close().catch(() => undefined);
    this.transport.close();
    await this.journal.close().catch(() => undefined);
  }

  /** Everything is back: the sessions log out and the file goes. */
  private async finish(): Promise<void> {
    if (this.done) return;
    const file = this.journal.file;
    await this.close();
    await rm(file, { force: true });
  }
}

/** Every leftover journal next to the main one, each restored by its own LeftoverRestore. */
export class LeftoverRestores {
  private constructor(private readonly runs: LeftoverRestore[]) {}

  static async start(o: Omit<LeftoverRestoreOptions, 'file'> & { journalFile: string }): Promise<LeftoverRestores> {
    const runs: LeftoverRestore[] = [];
    for (const file of await leftoverFiles(o.journalFile)) {
      try {
        const r = await LeftoverRestore.start({ ...o, file });
        if (r) runs.push(r);
      } catch (err) {
        o.logger.error('A journal of values left on a previous PBX cannot be read; it is kept for the next start', coded('log-leftover-journal-unreadable', { file, error: err instanceof Error ? err.message : String(err) }));
      }
    }
    return new LeftoverRestores(runs);
  }

  /** What is left on previous PBXs, summed up; undefined when nothing is. */
  report(): RestoreStatus | undefined {
    return this.runs.map((r) => r.report()).reduce<RestoreStatus | undefined>((a, b) => mergeRestore(a, b), undefined);
  }

  async close(): Promise<void> {
    await Promise.all(this.runs.map((r) => r.close()));
  }
}

/** Two restore reports as one: counts summed, the users left listed, the first report with users left explains. */
export function mergeRestore(a: RestoreStatus | undefined, b: RestoreStatus | undefined): RestoreStatus | undefined {
  if (!a || !b) return a ?? b;
  const left = [a, b].filter((r) => r.notRestored > 0);
  const first = left[0] ?? a;
  const merged: RestoreStatus = {
    total: a.total + b.total,
    restored: a.restored + b.restored,
    notRestored: a.notRestored + b.notRestored,
    logins: [...a.logins, ...b.logins].slice(0, 100),
    message: left.length > 0 ? left.map((r) => r.message).join(' ') : a.message,
    at: a.at > b.at ? a.at : b.at,
  };
  if (first.reason) merged.reason = first.reason;
  if (left.length === 1 && left[0]!.pbx) merged.pbx = left[0]!.pbx;
  return merged;
}
