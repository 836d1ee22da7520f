// The engine as the shell sees it: a ControlApi plus start/stop. The engine service (src/control/service.ts)
// is loaded at run time (after the single-instance check, so a second start never touches the vault or the
// network). The specifier is computed so the shell type-checks and starts even in a build without the engine,
// and then says clearly what is missing.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { EngineService as RealEngineService, EngineServiceOptions as RealEngineServiceOptions } from '../src/control/service.js';

/**
 * What the shell uses of the engine service (src/control/service.ts). close and logger may be missing: the
 * end-to-end tests load a stand-in engine that has neither.
 */
export type EngineService = Pick<RealEngineService, 'api' | 'start' | 'stop'> & Partial<Pick<RealEngineService, 'close' | 'logger'>>;

/** What the shell passes: Electron's userData folder, and an openBrowser that validates the URL first. */
export type EngineServiceOptions = Required<Pick<RealEngineServiceOptions, 'dataDir' | 'openBrowser'>>;

export type EngineFactory = (opts: EngineServiceOptions) => Promise<EngineService>;

export class EngineMissingError extends Error {
  constructor(detail: string) {
    super(`The sync engine could not be loaded (${detail}). Rebuild the app with "npm run build", or reinstall it.`);
    this.name = 'EngineMissingError';
  }
}

export const ENGINE_MODULE = join('dist', 'src', 'control', 'service.js');

/**
 * Loads createEngineService from <appRoot>/dist/src/control/service.js, or from `override` (an absolute path to
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
