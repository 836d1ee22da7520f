// `presence-bridge sim <starface|graph> ...`: each simulator owns its argument parsing in src/simulators/<kind>/cli.ts.
import type { Lang } from './cli-lang.js';

type SimMain = { main: (argv: string[]) => Promise<number>; usage: (lang: Lang) => string };
const KINDS = ['starface', 'graph'];

const OVERVIEW: Record<Lang, string> = {
  en: `Usage: presence-bridge sim starface --port P [--users N | --users-file F] [--tls] [options]
       presence-bridge sim graph --port P [--tenant-file F] [--users N | --users-file F] [options]

"presence-bridge sim starface --help" and "presence-bridge sim graph --help" list every option and its default.
Exit code: 0 = stopped by SIGINT/SIGTERM; 1 = could not start; 2 = wrong arguments or no simulator named.`,
  de: `Aufruf: presence-bridge sim starface --port P [--users N | --users-file F] [--tls] [Optionen]
        presence-bridge sim graph --port P [--tenant-file F] [--users N | --users-file F] [Optionen]

"presence-bridge sim starface --help" und "presence-bridge sim graph --help" zeigen jede Option mit ihrem Standardwert.
Exit-Code: 0 = mit SIGINT/SIGTERM beendet; 1 = Start nicht möglich; 2 = falsche Argumente oder kein Simulator genannt.`,
};

function load(kind: string): Promise<SimMain> {
  return import(`../simulators/${kind}/cli.js`) as Promise<SimMain>;
}

/** The overview, or the named simulator's full option list. */
export async function usage(lang: Lang, argv: string[] = []): Promise<string> {
  const kind = argv[0];
  return kind && KINDS.includes(kind) ? (await load(kind)).usage(lang) : OVERVIEW[lang];
}

export async function main(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  if (!kind || !KINDS.includes(kind)) {
    console.error('Which simulator? Use "presence-bridge sim starface ..." or "presence-bridge sim graph ...".');
    return 2;
  }
  return (await load(kind)).main(rest);
}
