// `presence-bridge run --config <settings.json> [--port P]`: the engine headless, with the settings page on
// loopback (HTTP + SSE). Secrets come from the vault next to the settings file (keychain, or the passphrase
// in PRESENCE_BRIDGE_VAULT_PASSPHRASE). SIGINT/SIGTERM stop the sync (restoring per settings) and exit 0.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { HttpHost } from '../control/http-host.js';
import { untilSignal } from '../platform/signals.js';
import type { EngineService } from '../control/service.js';
import { badLang, cliLang, type Lang } from './cli-lang.js';
import { coded } from '../core/messages/log-line.js';

const USAGE: Record<Lang, string> = {
  en: `Usage: presence-bridge run --config <settings.json> [--port P] [--vault <vault.json>] [--lang de|en]

  --config F   the settings file (required; defaults until the settings page saves it);
               vault.json and journal.json live next to it
  --port P     port of the settings page on 127.0.0.1 (default 0: any free port; the address is printed)
  --vault F    the secret vault (default: vault.json next to the settings file)
  --lang L     language of these texts, de or en (default: the settings' UI language, else LC_ALL/LC_MESSAGES/LANG)
  --help, -h   this text

Secrets are read from the vault: its key is in the OS keychain, or derived from the passphrase in the
environment variable PRESENCE_BRIDGE_VAULT_PASSPHRASE on servers without a keychain.
Ctrl+C (SIGINT) or SIGTERM stops the sync; with "On stop, undo what the bridge changed" in the settings (default on) the bridge
first puts back what it changed.

Exit code: 0 = stopped by SIGINT/SIGTERM; 1 = could not start (settings, vault or the settings page's port);
2 = wrong arguments.`,
  de: `Aufruf: presence-bridge run --config <settings.json> [--port P] [--vault <vault.json>] [--lang de|en]

  --config F   die Einstellungsdatei (Pflicht; Standardwerte, bis die Einstellungsseite sie speichert);
               vault.json und journal.json liegen daneben
  --port P     Port der Einstellungsseite auf 127.0.0.1 (Standard 0: ein freier Port; die Adresse wird ausgegeben)
  --vault F    der Tresor für Geheimnisse (Standard: vault.json neben der Einstellungsdatei)
  --lang L     Sprache dieser Texte, de oder en (Standard: die Sprache der Einstellungen, sonst LC_ALL/LC_MESSAGES/LANG)
  --help, -h   dieser Text

Geheimnisse stehen im Tresor: sein Schlüssel liegt im Schlüsselbund des Betriebssystems oder wird auf Servern
ohne Schlüsselbund aus dem Passwort in der Umgebungsvariablen PRESENCE_BRIDGE_VAULT_PASSPHRASE abgeleitet.
Strg+C (SIGINT) oder SIGTERM beendet die Synchronisierung; ist in den Einstellungen "Beim Beenden
zurücksetzen, was die Bridge geändert hat" an (Standard), setzt sie vorher zurück, was sie geändert hat.

Exit-Code: 0 = mit SIGINT/SIGTERM beendet; 1 = Start nicht möglich (Einstellungen, Tresor oder Port der
Einstellungsseite); 2 = falsche Argumente.`,
};

/** Every option `run` takes (the help test checks each one is documented). */
export const OPTIONS = { config: { type: 'string' }, port: { type: 'string' }, vault: { type: 'string' }, lang: { type: 'string' } } as const;

export function usage(lang: Lang): string {
  return USAGE[lang];
}

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
  const lang = cliLang(argv);
  try {
    const { values } = parseArgs({ args: argv, options: OPTIONS });
    const bad = badLang(values.lang, lang);
    if (bad) throw new Error(bad);
    if (!values.config) throw new Error(lang === 'de' ? '--config <settings.json> fehlt.' : '--config <settings.json> is required.');
    config = path.resolve(values.config);
    port = parsePort(values.port, '--port');
    vault = values.vault ? path.resolve(values.vault) : undefined;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE[lang]}`);
    return 2;
  }

  let service: EngineService;
  try {
    // Loaded here, not at the top: `run --help` stays instant.
    const { createEngineService } = await import('../control/service.js');
    service = await createEngineService({ settingsFile: config, ...(vault ? { vaultFile: vault } : {}), logToConsole: true });
  } catch (err) {
    console.error(`Presence Bridge could not start: ${(err as Error).message}`);
    return 1;
  }
  let host: HttpHost;
  try {
    const { startHttpHost } = await import('../control/http-host.js');
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
    service.logger.error('Starting the sync failed', coded('log-sync-start-failed', { error: (err as Error).message }));
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
