#!/usr/bin/env node
// presence-bridge: one command line for the engine, the simulators and the diagnostics.
// Each subcommand lives in its own module and is loaded only when used, so `--help` stays instant.
import { pathToFileURL } from 'node:url';

type CommandModule = { main: (argv: string[]) => Promise<number>; USAGE?: string };

// A computed specifier keeps each command out of the start-up path until it is asked for.
function loadCommand(name: string): Promise<CommandModule> {
  return import(`./commands/${name}.js`) as Promise<CommandModule>;
}

export interface Subcommand {
  summary: string;
  usage: string;
  load: () => Promise<CommandModule>;
}

export const SUBCOMMANDS: Record<string, Subcommand> = {
  run: {
    summary: 'run the sync engine headless with the settings page on loopback',
    usage: 'presence-bridge run --config <settings.json> [--port P]',
    load: () => loadCommand('run'),
  },
  demo: {
    summary: 'start both simulators and the engine against them (no tenant or PBX needed)',
    usage: 'presence-bridge demo [--users N] [--port P] [--starface-port P] [--graph-port P] [--poll-interval S]',
    load: () => loadCommand('demo'),
  },
  sim: {
    summary: 'start a simulator: starface (PBX) or graph (Microsoft Graph + Entra ID)',
    usage: 'presence-bridge sim starface --port P [--users N | --users-file F] [--tls]\n' +
      '       presence-bridge sim graph --port P [--tenant-file F] [--users N | --users-file F]',
    load: () => loadCommand('sim'),
  },
  check: {
    summary: 'test both connections, permissions, roster and conflicts; print the fix for each problem',
    usage: 'presence-bridge check --config <settings.json>',
    load: () => loadCommand('check'),
  },
  setup: {
    summary: 'first-run assistant in the terminal',
    usage: 'presence-bridge setup --config <settings.json>',
    load: () => loadCommand('setup'),
  },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((k) => k.length));
  const lines = Object.entries(SUBCOMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Presence Bridge: keeps Microsoft Teams presence and a STARFACE PBX in step.',
    '',
    'Usage: presence-bridge <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "presence-bridge <command> --help" for the options of one command.',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(helpText());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    console.log((createRequire(import.meta.url)('../package.json') as { version: string }).version);
    return 0;
  }
  const cmd = SUBCOMMANDS[name];
  if (!cmd) {
    console.error(`Unknown command "${name}".\n\n${helpText()}`);
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
    // A command that documents all its options exports USAGE; the short usage line is the fallback.
    console.log(`${cmd.summary}\n\n${mod.USAGE ?? `Usage: ${cmd.usage}`}`);
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
