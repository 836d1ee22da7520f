// `presence-bridge sim starface --port P [--users N | --users-file F] [--tls]`: runs the PBX simulator until
// SIGINT/SIGTERM. Behaviour options (options.ts) are set with `--set name=value` (value as JSON, or a plain word).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, isLogLevel } from '../../platform/logger.js';
import { untilSignal } from '../../platform/signals.js';
import { DEFAULT_BEHAVIOUR, type StarfaceSimBehaviour } from './options.js';
import { behaviourFor, parseProfiles, STARFACE_PROFILE_NAMES, type StarfaceProfileName } from './profiles.js';
import { startStarfaceSimulator } from './server.js';
import { generateUsers, loadUsersFile, type SimUserInput } from './users.js';

const USAGE = `Usage: presence-bridge sim starface --port P [--host H] [--users N | --users-file F] [--tls]
                                  [--profile name[,name...]] [--set option=value ...] [--log-level debug|info|warn|error]

  --port P          port to listen on (default 0: any free port)
  --host H          bind address (default 127.0.0.1)
  --users N         generate N users (logins 1001.., password Pass<login>) plus admin 0001 / Pass0001 (default 10)
  --users-file F    users from a JSON file {"users":[{"login","password","email","firstName","familyName","groups":[],"admin":false}]}
  --tls             serve HTTPS with a generated certificate; prints the CA certificate path to trust (default: HTTP)
  --profile LIST    documented real-world PBX variants, combined (comma list or repeated flag; default: none):
${STARFACE_PROFILE_NAMES.map((n) => `                      ${n}`).join('\n')}
  --set name=value  a behaviour option (applied after the profiles), e.g. --set unknownMethodAnswer=http404
                    options: ${Object.keys(DEFAULT_BEHAVIOUR).join(', ')}
  --log-level L     debug, info, warn or error (default info)
  --help, -h        this text

Runs until Ctrl+C (SIGINT) or SIGTERM.
Exit code: 0 = stopped by SIGINT/SIGTERM; 1 = could not start (e.g. the port is taken); 2 = wrong arguments.`;

const USAGE_DE = `Aufruf: presence-bridge sim starface --port P [--host H] [--users N | --users-file F] [--tls]
                                   [--profile name[,name...]] [--set option=wert ...] [--log-level debug|info|warn|error]

  --port P          Port (Standard 0: ein freier Port)
  --host H          Adresse, an die gebunden wird (Standard 127.0.0.1)
  --users N         N Benutzer erzeugen (Logins 1001.., Passwort Pass<login>) und Administrator 0001 / Pass0001 (Standard 10)
  --users-file F    Benutzer aus einer JSON-Datei {"users":[{"login","password","email","firstName","familyName","groups":[],"admin":false}]}
  --tls             HTTPS mit einem erzeugten Zertifikat; gibt den Pfad des CA-Zertifikats aus (Standard: HTTP)
  --profile LISTE   dokumentierte Varianten echter Anlagen, kombinierbar (Komma-Liste oder mehrfach; Standard: keine):
${STARFACE_PROFILE_NAMES.map((n) => `                      ${n}`).join('\n')}
  --set name=wert   eine Verhaltensoption (nach den Profilen angewandt), z. B. --set unknownMethodAnswer=http404
                    Optionen: ${Object.keys(DEFAULT_BEHAVIOUR).join(', ')}
  --log-level L     debug, info, warn oder error (Standard info)
  --help, -h        dieser Text

Läuft bis Strg+C (SIGINT) oder SIGTERM.
Exit-Code: 0 = mit SIGINT/SIGTERM beendet; 1 = Start nicht möglich (z. B. Port belegt); 2 = falsche Argumente.`;

/** The full help in German or English (`presence-bridge sim starface --help`). */
export function usage(lang: 'de' | 'en'): string {
  return lang === 'de' ? USAGE_DE : USAGE;
}

/** Reads `--set name=value`: JSON, or a bare word; lists may be comma lists; `userStateDndKey` takes a key or null. */
function parseSet(items: string[]): Partial<StarfaceSimBehaviour> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new Error(`--set expects name=value (got "${item}").`);
    const name = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    if (!(name in DEFAULT_BEHAVIOUR)) throw new Error(`Unknown option "${name}". Known options: ${Object.keys(DEFAULT_BEHAVIOUR).join(', ')}.`);
    const def: unknown = DEFAULT_BEHAVIOUR[name as keyof StarfaceSimBehaviour];
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw; // a bare word such as http404
    }
    if (name === 'userStateDndKey') value = value === null ? null : raw;
    else if (Array.isArray(def) && typeof value === 'string') value = value.split(',').filter(Boolean);
    else if (typeof def === 'string') value = raw;
    const ok = name === 'userStateDndKey' || (Array.isArray(def) ? Array.isArray(value) : typeof value === typeof def);
    if (!ok) throw new Error(`Option ${name} expects ${Array.isArray(def) ? 'a list' : `a ${typeof def}`} (got ${JSON.stringify(value)}).`);
    out[name] = value;
  }
  return out as Partial<StarfaceSimBehaviour>;
}

export async function main(argv: string[]): Promise<number> {
  let values: { port?: string; host?: string; users?: string; 'users-file'?: string; tls?: boolean; profile?: string[]; set?: string[]; 'log-level'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        users: { type: 'string' },
        'users-file': { type: 'string' },
        tls: { type: 'boolean' },
        profile: { type: 'string', multiple: true },
        set: { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number 0..65535 (got "${values.port}").\n\n${USAGE}`);
    return 2;
  }
  if (values.users !== undefined && values['users-file'] !== undefined) {
    console.error('Use either --users N or --users-file F, not both.');
    return 2;
  }
  const level = values['log-level'] ?? 'info';
  if (!isLogLevel(level)) {
    console.error(`--log-level must be debug, info, warn or error (got "${level}").`);
    return 2;
  }

  let users: SimUserInput[];
  let behaviour: Partial<StarfaceSimBehaviour>;
  let profiles: StarfaceProfileName[];
  let generatedFile: string | undefined;
  try {
    profiles = parseProfiles(values.profile ?? []);
    behaviour = parseSet(values.set ?? []);
    behaviourFor(profiles, behaviour); // refuses a bad combination before anything starts
    if (values['users-file']) {
      users = await loadUsersFile(values['users-file']);
    } else {
      const n = values.users === undefined ? 10 : Number(values.users);
      if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new Error(`--users must be a whole number 0..100000 (got "${values.users}").`);
      users = generateUsers(n);
      // Written so the Graph simulator (--users-file) and the demo can share the same people by e-mail.
      generatedFile = join(await mkdtemp(join(tmpdir(), 'starface-sim-users-')), 'users.json');
      await writeFile(generatedFile, JSON.stringify({ users }, null, 2), { mode: 0o600 });
    }
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  const logger = createLogger({ level, console: true });
  let sim;
  try {
    sim = await startStarfaceSimulator({ host: values.host, port, tls: values.tls ?? false, users, profiles, behaviour, logger });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(e.code === 'EADDRINUSE' ? `Port ${port} is already in use; choose another with --port.` : `Cannot start the simulator: ${e.message}`);
    if (generatedFile) await rm(dirname(generatedFile), { recursive: true, force: true });
    await logger.close();
    return 1;
  }
  // Signal handlers first: a supervisor may send SIGTERM as soon as it sees the listening line.
  const stopped = untilSignal();
  // The listening line comes last: whoever waits for it has the CA and users file paths already.
  if (sim.caPath) console.log(`CA certificate: ${sim.caPath}`);
  if (generatedFile) console.log(`Users file: ${generatedFile}`);
  console.log(`Users: ${sim.users.length} (admin: ${sim.users.find((u) => u.admin)?.login ?? 'none'}); control API: ${sim.url}/_sim/users`);
  console.log(`Profiles: ${profiles.length ? profiles.join(', ') : 'none (defaults)'}`);
  console.log(`STARFACE simulator listening on ${sim.url}`);

  await stopped;
  await sim.close();
  if (generatedFile) await rm(dirname(generatedFile), { recursive: true, force: true });
  console.log('STARFACE simulator stopped');
  await logger.close();
  return 0;
}
