// `presence-bridge sim graph --port P [--tenant-file F] [--users N | --users-file F]`
// Runs the Graph + Entra ID simulator until SIGINT/SIGTERM.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { untilSignal } from '../../platform/signals.js';
import { GRAPH_PROFILE_NAMES, GRAPH_PROFILES, isGraphProfileName } from './profiles.js';
import type { GraphSimulatorOptions } from './server.js';

const USAGE = `Usage: presence-bridge sim graph --port P [--profile NAME] [--tenant-file F] [--users N | --users-file F]
Options:
  --profile NAME        a preset of real-world variants (default: default):
${GRAPH_PROFILE_NAMES.map((n) => `                          ${n}: ${GRAPH_PROFILES[n].summary}`).join('\n')}
  --port P              port to listen on (0 = any free port; default 0)
  --host H              interface to bind (default 127.0.0.1)
  --tenant-file F       tenant JSON: {"tenantId", "apps":[{"clientId","clientSecret","delegated","application"}], "users":[…]}
  --users N             without a tenant file: generate N users (default 25)
  --users-file F        without a tenant file: take the people of a STARFACE users file (matched by e-mail)
  --out-dir D           where ca.pem and a generated tenant.json are written (default: a new temp directory)
  --token-lifetime S    access token lifetime in seconds (default 3599)
  --latency-ms MS       delay added to every response (default 0)
  --device-code-interval S  polling interval handed out with device codes (default 5)
  --help, -h            this text

Runs until Ctrl+C (SIGINT) or SIGTERM.
Exit code: 0 = stopped by SIGINT/SIGTERM; 1 = could not start (e.g. the port is taken); 2 = wrong arguments.`;

const USAGE_DE = `Aufruf: presence-bridge sim graph --port P [--profile NAME] [--tenant-file F] [--users N | --users-file F]
Optionen:
  --profile NAME        eine Vorgabe mit Varianten echter Tenants (Standard: default):
${GRAPH_PROFILE_NAMES.map((n) => `                          ${n}: ${GRAPH_PROFILES[n].summary}`).join('\n')}
  --port P              Port (0 = ein freier Port; Standard 0)
  --host H              Adresse, an die gebunden wird (Standard 127.0.0.1)
  --tenant-file F       Tenant als JSON: {"tenantId", "apps":[{"clientId","clientSecret","delegated","application"}], "users":[…]}
  --users N             ohne Tenant-Datei: N Benutzer erzeugen (Standard 25)
  --users-file F        ohne Tenant-Datei: die Personen einer STARFACE-Benutzerdatei übernehmen (per E-Mail zugeordnet)
  --out-dir D           wohin ca.pem und eine erzeugte tenant.json geschrieben werden (Standard: ein neuer temporärer Ordner)
  --token-lifetime S    Gültigkeit der Zugriffstoken in Sekunden (Standard 3599)
  --latency-ms MS       Verzögerung jeder Antwort (Standard 0)
  --device-code-interval S  Abfrageintervall, das mit Gerätecodes ausgegeben wird (Standard 5)
  --help, -h            dieser Text

Läuft bis Strg+C (SIGINT) oder SIGTERM.
Exit-Code: 0 = mit SIGINT/SIGTERM beendet; 1 = Start nicht möglich (z. B. Port belegt); 2 = falsche Argumente.`;

/** The full help in German or English (`presence-bridge sim graph --help`). */
export function usage(lang: 'de' | 'en'): string {
  return lang === 'de' ? USAGE_DE : USAGE;
}

export async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        profile: { type: 'string' },
        host: { type: 'string' },
        'tenant-file': { type: 'string' },
        users: { type: 'string' },
        'users-file': { type: 'string' },
        'out-dir': { type: 'string' },
        'token-lifetime': { type: 'string' },
        'latency-ms': { type: 'string' },
        'device-code-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const num = (name: string, min: number, max: number): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (typeof v !== 'string' || !/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
  let opts: GraphSimulatorOptions;
  try {
    if (values['tenant-file'] && (values.users !== undefined || values['users-file'] !== undefined)) {
      throw new UsageError('Give either --tenant-file or --users/--users-file, not both (the tenant file lists its users).');
    }
    if (values.users !== undefined && values['users-file'] !== undefined) throw new UsageError('Give either --users or --users-file, not both.');
    const profile = values.profile;
    if (profile !== undefined && !isGraphProfileName(profile)) {
      throw new UsageError(`--profile must be one of ${GRAPH_PROFILE_NAMES.join(', ')}; got "${String(profile)}".`);
    }
    opts = {
      port: num('port', 0, 65535) ?? 0,
      profile: isGraphProfileName(profile) ? profile : undefined,
      host: typeof values.host === 'string' ? values.host : undefined,
      tenantFile: values['tenant-file'] as string | undefined,
      users: num('users', 0, 100_000),
      usersFile: values['users-file'] as string | undefined,
      // The CLI keeps its files after exit so the printed paths stay usable.
      outDir: (values['out-dir'] as string | undefined) ?? mkdtempSync(join(tmpdir(), 'pb-graph-sim-')),
      accessTokenLifetimeSeconds: num('token-lifetime', 1, 86_400),
      latencyMs: num('latency-ms', 0, 120_000),
      deviceCodeIntervalSeconds: num('device-code-interval', 1, 60),
      onError: (e) => console.error(`simulator error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`),
    };
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  let sim;
  try {
    // Loaded only now, so argument errors answer at once.
    const { startGraphSimulator } = await import('./server.js');
    sim = await startGraphSimulator(opts);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
  // Signal handlers first: a supervisor may send SIGTERM as soon as it sees the start lines.
  const stopped = untilSignal();
  console.log(`Graph simulator listening on ${sim.url}`);
  console.log(`CA certificate: ${sim.caFile}`);
  if (sim.tenantFile) console.log(`Tenant file: ${sim.tenantFile}`);
  console.log(`Tenant id: ${sim.tenant.tenantId}`);
  console.log(`Client id: ${sim.app.clientId}`);
  console.log(`Profile: ${sim.profile.name}`);
  console.log(`Users: ${sim.tenant.users.length}`);
  await stopped;
  await sim.close();
  return 0;
}

class UsageError extends Error {}
