// `presence-bridge run --config <settings.json> [--port P]`: the engine headless, with the settings page on
// loopback (HTTP + SSE). Secrets come from the vault next to the settings file (keychain, or the passphrase
// in PRESENCE_BRIDGE_VAULT_PASSPHRASE). SIGINT/SIGTERM stop the sync (restoring per settings) and exit 0.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHttpHost, type HttpHost } from '../control/http-host.js';
import { untilSignal } from '../platform/signals.js';
import { createEngineService, type EngineService } from '../control/service.js';

const USAGE = `Usage: presence-bridge run --config <settings.json> [--port P] [--vault <vault.json>]

  --config F   the settings file (defaults until the settings page saves it); vault.json and journal.json live next to it
  --port P     port of the settings page on 127.0.0.1 (default: any free port)
  --vault F    the secret vault (default: vault.json next to the settings file)

Secrets are read from the vault: its key is in the OS keychain, or derived from the passphrase in the
environment variable PRESENCE_BRIDGE_VAULT_PASSPHRASE on servers without a keychain.`;

/** renderer/dist, from the sources (src/commands) or the build (dist/src/commands). */
export function rendererDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../../renderer/dist', '../../../renderer/dist']) {
    const dir = path.resolve(here, rel);
    if (existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

export function parsePort(value: string | undefined, name: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number from 0 to 65535 (got "${value}").`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  let config: string;
  let port: number;
  let vault: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, port: { type: 'string' }, vault: { type: 'string' } } });
    if (!values.config) throw new Error('--config <settings.json> is required.');
    config = path.resolve(values.config);
    port = parsePort(values.port, '--port');
    vault = values.vault ? path.resolve(values.vault) : undefined;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }

  let service: EngineService;
  try {
    service = await createEngineService({ settingsFile: config, ...(vault ? { vaultFile: vault } : {}), logToConsole: true });
  } catch (err) {
    console.error(`Presence Bridge could not start: ${(err as Error).message}`);
    return 1;
  }
  let host: HttpHost;
  try {
    host = await startHttpHost({
      api: service.api,
      port,
      ...(rendererDir() ? { rendererDir: rendererDir()! } : {}),
      logger: service.logger.child({ component: 'http' }),
      print: true,
    });
  } catch (err) {
    console.error(`The settings page could not start: ${(err as Error).message}`);
    await service.close();
    return 1;
  }
  const signal = untilSignal();
  try {
    await service.start();
  } catch (err) {
    service.logger.error('Starting the sync failed', { error: (err as Error).message });
  }
  const status = service.host.syncStatus();
  console.log(`Sync: ${status.state}${status.reason ? ` — ${status.reason}` : ''}`);

  const sig = await signal;
  const restore = service.host.settings.sync.restoreOnStop;
  console.log(`${sig}: stopping${restore ? ' and restoring what the bridge changed' : ''}…`);
  await host.close().catch(() => undefined);
  await service.close({ restore });
  console.log('Presence Bridge stopped.');
  return 0;
}
