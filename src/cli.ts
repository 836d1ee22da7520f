#!/usr/bin/env node
// presence-bridge: one command line for the engine, the simulators and the diagnostics.
// Each subcommand lives in its own module and is loaded only when used, so `--help` stays instant.
import { pathToFileURL } from 'node:url';
import type { Text } from './core/lang.js';
import { cliLang, type Lang } from './commands/cli-lang.js';

/** A command module: `main`, and `usage(lang)` with every option, its default and the exit codes. */
type CommandModule = { main: (argv: string[]) => Promise<number>; usage?: (lang: Lang, argv: string[]) => string | Promise<string> };

// A computed specifier keeps each command out of the start-up path until it is asked for.
function loadCommand(name: string): Promise<CommandModule> {
  return import(`./commands/${name}.js`) as Promise<CommandModule>;
}

export interface Subcommand {
  summary: Text;
  load: () => Promise<CommandModule>;
}

export const SUBCOMMANDS: Record<string, Subcommand> = {
  run: {
    summary: {
      de: 'die Synchronisierung ohne Fenster ausführen, die Einstellungsseite auf 127.0.0.1',
      en: 'run the sync engine headless with the settings page on loopback',
    },
    load: () => loadCommand('run'),
  },
  demo: {
    summary: {
      de: 'beide Simulatoren und die Bridge dagegen starten (ohne Tenant und ohne Telefonanlage)',
      en: 'start both simulators and the engine against them (no tenant or PBX needed)',
    },
    load: () => loadCommand('demo'),
  },
  sim: {
    summary: {
      de: 'einen Simulator starten: starface (Telefonanlage) oder graph (Microsoft Graph + Entra ID)',
      en: 'start a simulator: starface (PBX) or graph (Microsoft Graph + Entra ID)',
    },
    load: () => loadCommand('sim'),
  },
  check: {
    summary: {
      de: 'beide Verbindungen, Berechtigungen, Benutzer und Konflikte prüfen; zu jedem Problem die Abhilfe zeigen',
      en: 'test both connections, permissions, roster and conflicts; print the fix for each problem',
    },
    load: () => loadCommand('check'),
  },
  setup: {
    summary: { de: 'Einrichtungsassistent im Terminal', en: 'first-run assistant in the terminal' },
    load: () => loadCommand('setup'),
  },
};

export function helpText(lang: Lang = 'en'): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((k) => k.length));
  const lines = Object.entries(SUBCOMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary[lang]}`);
  return lang === 'de'
    ? [
      'Presence Bridge: hält den Teams-Status und eine STARFACE-Telefonanlage im Gleichschritt.',
      '',
      'Aufruf: presence-bridge <Befehl> [Optionen]',
      '',
      'Befehle:',
      ...lines,
      '',
      '"presence-bridge <Befehl> --help" zeigt die Optionen eines Befehls.',
      'Sprache: --lang de|en, sonst die Sprache der Einstellungen, sonst LC_ALL/LC_MESSAGES/LANG.',
    ].join('\n')
    : [
      'Presence Bridge: keeps Microsoft Teams presence and a STARFACE PBX in step.',
      '',
      'Usage: presence-bridge <command> [options]',
      '',
      'Commands:',
      ...lines,
      '',
      'Run "presence-bridge <command> --help" for the options of one command.',
      'Language: --lang de|en, else the settings\' UI language, else LC_ALL/LC_MESSAGES/LANG.',
    ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const lang = cliLang(argv);
  if (!name || name === '--help' || name === '-h' || name === 'help' || name.startsWith('--lang')) {
    console.log(helpText(lang));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    console.log((createRequire(import.meta.url)('../package.json') as { version: string }).version);
    return 0;
  }
  const cmd = SUBCOMMANDS[name];
  if (!cmd) {
    console.error(`${lang === 'de' ? `Unbekannter Befehl "${name}".` : `Unknown command "${name}".`}\n\n${helpText(lang)}`);
    return 2;
  }
  let mod: Awaited<ReturnType<Subcommand['load']>>;
  try {
    mod = await cmd.load();
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      console.error(`"${name}" is not available in this build yet.`);
      return 2;
    }
    throw err;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${cmd.summary[lang]}\n\n${mod.usage ? await mod.usage(lang, rest) : `presence-bridge ${name}`}`);
    return 0;
  }
  return mod.main(rest);
}

const isEntry = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry || process.argv[1]?.endsWith('presence-bridge.mjs') || process.argv[1]?.endsWith('presence-bridge')) {
  runCli(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
