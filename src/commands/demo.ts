// `presence-bridge demo`: both simulators with N people, the engine configured against them and syncing, and
// the settings page — the whole product working within a minute, with no tenant and no PBX.
import { parseArgs } from 'node:util';
import type { HttpHost } from '../control/http-host.js';
import { untilSignal } from '../platform/signals.js';
import type { EngineService } from '../control/service.js';
import type { DemoEnvironment, DemoPerson } from './demo-environment.js';
import { parsePort, rendererDir } from './run.js';
import { badLang, optionValue, tr, type Lang } from './cli-lang.js';

const USAGE: Record<Lang, string> = {
  en: `Usage: presence-bridge demo [--users N] [--port P] [--starface-port P] [--graph-port P] [--poll-interval S] [--lang de|en]

  --users N           simulated people (default 25), the same people in both simulators (matched by e-mail)
  --port P            settings page port on 127.0.0.1 (default 0: any free port)
  --starface-port P   STARFACE simulator port (default 0: any free port)
  --graph-port P      Microsoft Graph + Entra ID simulator port (default 0: any free port)
  --poll-interval S   Teams presence poll interval in seconds, 0.25 to 300 (default 2)
  --lang L            language of the settings page and of these texts, de or en (default de)
  --help, -h          this text

The demo needs no tenant and no PBX; its files live in a temporary folder that is removed on exit.
Ctrl+C (SIGINT) or SIGTERM puts back what the bridge changed and stops.

Exit code: 0 = stopped by SIGINT/SIGTERM; 1 = the simulators or the engine could not start; 2 = wrong arguments.`,
  de: `Aufruf: presence-bridge demo [--users N] [--port P] [--starface-port P] [--graph-port P] [--poll-interval S] [--lang de|en]

  --users N           simulierte Personen (Standard 25), dieselben in beiden Simulatoren (per E-Mail zugeordnet)
  --port P            Port der Einstellungsseite auf 127.0.0.1 (Standard 0: ein freier Port)
  --starface-port P   Port des STARFACE-Simulators (Standard 0: ein freier Port)
  --graph-port P      Port des Microsoft-Graph- und Entra-ID-Simulators (Standard 0: ein freier Port)
  --poll-interval S   Abfrageintervall des Teams-Status in Sekunden, 0,25 bis 300 (Standard 2)
  --lang L            Sprache der Einstellungsseite und dieser Texte, de oder en (Standard de)
  --help, -h          dieser Text

Die Demo braucht weder Tenant noch Telefonanlage; ihre Dateien liegen in einem temporären Ordner, der beim
Beenden gelöscht wird. Strg+C (SIGINT) oder SIGTERM setzt zurück, was die Bridge geändert hat, und beendet.

Exit-Code: 0 = mit SIGINT/SIGTERM beendet; 1 = Simulatoren oder Bridge konnten nicht starten; 2 = falsche Argumente.`,
};

/** Every option `demo` takes (the help test checks each one is documented). */
export const OPTIONS = {
  users: { type: 'string' }, port: { type: 'string' }, 'starface-port': { type: 'string' },
  'graph-port': { type: 'string' }, 'poll-interval': { type: 'string' }, lang: { type: 'string' },
} as const;

export function usage(lang: Lang): string {
  return USAGE[lang];
}

/** Copy-paste lines that change a Teams presence and place a STARFACE call in the simulators. */
export function tryItLines(env: DemoEnvironment, person: DemoPerson, callId: string, lang: Lang): string[] {
  const sf = env.starface.url;
  const graph = env.graph.url;
  const ca = env.graph.caFile;
  const json = "-H 'Content-Type: application/json'";
  const t = (de: string, en: string): string => tr(lang, de, en);
  return [
    t(`Nächste Anruf-ID: ${callId}`, `Next call id: ${callId}`),
    t(`Ausprobieren (${person.firstName} ${person.familyName}, Login ${person.login}, ${person.email}):`,
      `Try it (${person.firstName} ${person.familyName}, login ${person.login}, ${person.email}):`),
    t('  # Teams → STARFACE: Teams-Status auf "Nicht stören"; die Telefonanlage zeigt Nicht stören und den Chat-Statustext',
      '  # Teams → STARFACE: set the Teams status to "Do not disturb"; the PBX shows DND and the chat text'),
    `  curl -s --cacert ${ca} -X PUT ${graph}/_sim/presence/${person.email} ${json} -d '{"availability":"DoNotDisturb","activity":"DoNotDisturb"}'`,
    `  curl -s ${sf}/_sim/users/${person.login}`,
    t('  # zurück auf "Verfügbar"', '  # back to "Available"'),
    `  curl -s --cacert ${ca} -X PUT ${graph}/_sim/presence/${person.email} ${json} -d '{"availability":"Available","activity":"Available"}'`,
    t('  # STARFACE → Teams: anrufen, annehmen (Teams zeigt "Im Anruf"), auflegen (wieder frei)',
      '  # STARFACE → Teams: call the user, answer (Teams shows "In a call"), hang up (cleared)'),
    `  curl -s -X POST ${sf}/_sim/calls ${json} -d '{"to":"${person.login}","from":"+4972112345","callId":"${callId}"}'`,
    `  curl -s -X POST ${sf}/_sim/calls/${callId}/answer`,
    `  curl -s --cacert ${ca} ${graph}/_sim/presence/${person.email}`,
    `  curl -s -X POST ${sf}/_sim/calls/${callId}/hangup`,
    t('  # die Person drückt am Telefon die Nicht-stören-Taste (im Modus "Manuelle Änderungen respektieren" bleibt das so)',
      '  # the user presses the DND key on the phone (left alone in "respect manual changes" mode)'),
    `  curl -s -X POST ${sf}/_sim/users/${person.login}/dnd ${json} -d '{"dnd":true}'`,
  ];
}

export async function main(argv: string[]): Promise<number> {
  let users: number;
  let port: number;
  let starfacePort: number;
  let graphPort: number;
  let pollIntervalSeconds: number;
  // The demo is what a German admin sees first: German unless --lang says otherwise.
  let lang: Lang = optionValue(argv, 'lang') === 'en' ? 'en' : 'de';
  try {
    const { values } = parseArgs({ args: argv, options: OPTIONS });
    const bad = badLang(values.lang, lang);
    if (bad) throw new Error(bad);
    lang = (values.lang as Lang | undefined) ?? 'de';
    users = values.users === undefined ? 25 : Number(values.users);
    if (!Number.isInteger(users) || users < 1 || users > 5_000) {
      throw new Error(tr(lang, `--users muss eine ganze Zahl von 1 bis 5000 sein (angegeben: "${values.users}").`, `--users must be a whole number from 1 to 5000 (got "${values.users}").`));
    }
    port = parsePort(values.port, '--port');
    starfacePort = parsePort(values['starface-port'], '--starface-port');
    graphPort = parsePort(values['graph-port'], '--graph-port');
    pollIntervalSeconds = values['poll-interval'] === undefined ? 2 : Number(values['poll-interval']);
    if (!(pollIntervalSeconds >= 0.25 && pollIntervalSeconds <= 300)) {
      throw new Error(tr(lang, `--poll-interval muss 0,25 bis 300 Sekunden sein (angegeben: "${values['poll-interval']}").`, `--poll-interval must be 0.25 to 300 seconds (got "${values['poll-interval']}").`));
    }
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE[lang]}`);
    return 2;
  }

  console.log(tr(lang, `Starte die Simulatoren für STARFACE und Microsoft mit ${users} Personen…`, `Starting the STARFACE and Microsoft simulators with ${users} people…`));
  // Loaded here, not at the top: `demo --help` stays instant.
  const { startDemoEnvironment, startLivelyMix } = await import('./demo-environment.js');
  let env: DemoEnvironment;
  try {
    env = await startDemoEnvironment({ users, starfacePort, graphPort, pollIntervalSeconds, settings: (s) => ({ ...s, ui: { language: lang } }) });
  } catch (err) {
    console.error(tr(lang, `Die Simulatoren konnten nicht starten: ${(err as Error).message}`, `The simulators could not start: ${(err as Error).message}`));
    return 1;
  }
  let service: EngineService | undefined;
  let host: HttpHost | undefined;
  try {
    const { createEngineService } = await import('../control/service.js');
    const { startHttpHost } = await import('../control/http-host.js');
    service = await createEngineService({ settingsFile: env.settingsFile, secrets: env.secrets, logToConsole: false });
    host = await startHttpHost({ api: service.api, port, ...(rendererDir() ? { rendererDir: rendererDir()! } : {}), logger: service.logger.child({ component: 'http' }) });
  } catch (err) {
    console.error(tr(lang, `Die Demo konnte nicht starten: ${(err as Error).message}`, `The demo could not start: ${(err as Error).message}`));
    await service?.close().catch(() => undefined);
    await env.close();
    return 1;
  }
  const signal = untilSignal();
  const mix = startLivelyMix(env);
  await service.start();

  console.log('');
  console.log(tr(lang, `Einstellungsseite von Presence Bridge: ${host.pageUrl}`, `Presence Bridge settings page: ${host.pageUrl}`));
  console.log(tr(lang, `STARFACE-Simulator: ${env.starface.url}`, `STARFACE simulator: ${env.starface.url}`));
  console.log(tr(lang, `Microsoft-Graph-Simulator: ${env.graph.url} (CA-Zertifikat: ${env.graph.caFile})`, `Microsoft Graph simulator: ${env.graph.url} (CA certificate: ${env.graph.caFile})`));
  console.log(tr(lang, `Demo-Dateien (Einstellungen, Tresor, Journal, Protokoll): ${env.dir}`, `Demo files (settings, vault, journal, log): ${env.dir}`));
  console.log(tr(lang, `Zum Start: ${mix.summary.de}`, `To start with: ${mix.summary.en}`));
  console.log('');
  for (const line of tryItLines(env, mix.person, mix.nextCallId, lang)) console.log(line);
  console.log('');
  console.log(tr(lang, 'Strg+C beendet die Demo (setzt zurück, was die Bridge geändert hat).', 'Press Ctrl+C to stop (puts back what the bridge changed).'));

  await signal;
  console.log(tr(lang, 'Demo wird beendet…', 'Stopping the demo…'));
  await host.close().catch(() => undefined);
  await service.close({ restore: true }).catch(() => undefined);
  await env.close();
  console.log(tr(lang, 'Demo beendet.', 'Demo stopped.'));
  return 0;
}
