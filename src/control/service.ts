// The control contract on top of the application (src/app/service.ts): one function per method, each a
// thin call into EngineHost. Errors become ControlErrors with a code the UI can act on; dispatch validates
// params and results and scrubs secrets from messages. createEngineService is what the hosts start: the
// application plus its ControlApi (`presence-bridge run` over HTTP + SSE, the Electron shell over IPC).
import { openEngineHost, type EngineHost, type EngineServiceOptions } from '../app/service.js';
import { errorCodeOf } from '../core/errors.js';
import { errorText } from '../platform/error-text.js';
import type { RootLogger } from '../platform/logger.js';
import { ControlError, type ControlApi } from './contract.js';
import { SetupControl } from './setup-service.js';

/** Engine failures become control errors with the failure's own code (never with a secret: errorText redacts). */
async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ControlError) throw err;
    throw new ControlError(errorCodeOf(err), errorText(err) || 'The operation failed.');
  }
}

export function createControlApi(host: EngineHost): ControlApi {
  // Setup assistant methods and the credential expiry watch (issue 9); auth statuses pass through it.
  const setup = new SetupControl(host);
  return {
    'settings.get': () => guard(() => host.getSettings()),
    'settings.validate': ({ settings }) => guard(() => host.validate(settings)),
    'settings.preview': ({ settings }) => guard(() => host.preview(settings)),
    'settings.save': ({ settings }) => guard(() => host.save(settings)),
    'settings.reset': () => guard(() => host.resetRules()),

    'secrets.status': () => guard(() => host.secretsStatus()),
    'secrets.set': ({ name, value }) => guard(async () => {
      await host.setSecret(name, value);
      return {};
    }),
    'secrets.delete': ({ name }) => guard(async () => {
      await host.deleteSecret(name);
      return {};
    }),
    'secrets.importStarfaceCsv': ({ csv }) => guard(() => host.importStarfaceCsv(csv)),

    'sync.start': () => guard(() => host.syncStart()),
    'sync.stop': ({ restore }) => guard(() => host.syncStop(restore)),

    'auth.status': () => guard(() => setup.decorate(host.authStatus())),
    'auth.signInInteractive': () => guard(async () => setup.decorate(await host.signInInteractive())),
    'auth.deviceCode': () => guard(() => host.startDeviceCode()),
    'auth.cancelSignIn': () => guard(async () => setup.decorate(await host.cancelSignIn())),
    'auth.signOut': () => guard(async () => setup.decorate(await host.signOut())),
    'auth.consentUrl': () => guard(() => host.consentUrl()),

    'connections.test': ({ target, lang }) => guard(() => host.testConnection(target, lang)),
    'roster.get': () => guard(() => host.roster()),
    'roster.groups': () => guard(async () => ({ groups: await host.groupNames() })),
    'state.snapshot': () => guard(() => {
      const snap = host.snapshot();
      return { ...snap, auth: setup.decorate(snap.auth) };
    }),

    'log.entries': (params) => guard(() => ({ entries: host.logEntries(params) })),
    'log.export': () => guard(() => ({ text: host.logExport() })),

    ...setup.methods(guard),

    subscribe: (listener) => {
      const off = host.subscribe((e) => listener(e.type === 'auth.changed' ? { type: 'auth.changed', data: setup.decorate(e.data) } : e));
      const offExpiry = setup.onAuthChange((data) => listener({ type: 'auth.changed', data }));
      return () => {
        off();
        offExpiry();
      };
    },
  };
}

export interface EngineService {
  api: ControlApi;
  /** Starts syncing when the settings say so (sync.enabled) and everything is configured. */
  start(): Promise<void>;
  stop(opts: { restore: boolean }): Promise<void>;
  /** Stops without restore (unless the settings ask for restore on stop) and releases everything. */
  close(opts?: { restore?: boolean }): Promise<void>;
  logger: RootLogger;
  /** The application itself, for tests and the CLI. */
  host: EngineHost;
}

/** Loads settings, vault and journal; connects; returns the service with its ControlApi. Does not start syncing. */
export async function createEngineService(opts: EngineServiceOptions): Promise<EngineService> {
  const host = await openEngineHost(opts);
  return {
    api: createControlApi(host),
    start: () => host.start(),
    stop: (o) => host.stop(o),
    close: async (o) => {
      await host.close(o);
      if (!opts.logger) await host.logger.close();
    },
    logger: host.logger,
    host,
  };
}

export type { EngineServiceOptions };
