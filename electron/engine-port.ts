// The engine as the shell sees it: a ControlApi plus start/stop. The engine lives in src/app/service.ts and
// is loaded at run time (after the single-instance check, so a second start never touches the vault or the
// network). The specifier is computed so the shell type-checks and starts even in a build without the engine,
// and then says clearly what is missing.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { ControlApi } from '../src/control/contract.js';
import type { ShellLogger } from './ports.js';

/** What src/app/service.ts's createEngineService returns, as far as the shell uses it. */
export interface EngineService {
  api: ControlApi;
  /** Starts syncing if the settings say sync is on (does not change the setting). */
  start(): Promise<void>;
  /** Stops syncing without changing the setting (used to pause across sleep and network loss). */
  stop(opts: { restore: boolean }): Promise<void>;
  /** Stops and releases connections, journal and log file: the last call before the app quits. */
  close?(opts?: { restore?: boolean }): Promise<void>;
  /** The engine's logger, so shell messages land in the same file and live log. */
  logger?: ShellLogger & { child?(bindings: Record<string, unknown>): ShellLogger };
}

export interface EngineServiceOptions {
  /** Per-user data folder (settings, vault file, journal, logs): Electron's userData. */
  dataDir: string;
  /** Interactive sign-in: open this URL in the system browser (the shell validates it first). */
  openBrowser: (url: string) => Promise<void>;
}

export type EngineFactory = (opts: EngineServiceOptions) => Promise<EngineService>;

export class EngineMissingError extends Error {
  constructor(detail: string) {
    super(`The sync engine could not be loaded (${detail}). Rebuild the app with "npm run build", or reinstall it.`);
    this.name = 'EngineMissingError';
  }
}

export const ENGINE_MODULE = join('dist', 'src', 'app', 'service.js');

/**
 * Loads createEngineService from <appRoot>/dist/src/app/service.js, or from `override` (an absolute path to
 * an ES module with the same export). main.ts passes an override only in an unpackaged app, for the
 * end-to-end tests: a packaged app never loads code named by its environment.
 */
export async function loadEngineFactory(appRoot: string, override?: string): Promise<EngineFactory> {
  const file = override ?? join(appRoot, ENGINE_MODULE);
  const shown = override ? file : ENGINE_MODULE;
  if (!existsSync(file)) throw new EngineMissingError(`${shown} is missing`);
  let mod: { createEngineService?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { createEngineService?: unknown };
  } catch (err) {
    throw new EngineMissingError(err instanceof Error ? err.message : String(err));
  }
  if (typeof mod.createEngineService !== 'function') {
    throw new EngineMissingError(`${shown} has no createEngineService`);
  }
  return mod.createEngineService as EngineFactory;
}
