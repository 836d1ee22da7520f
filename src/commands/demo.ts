// `presence-bridge demo`: both simulators with N people, the engine configured against them and syncing, and
// the settings page — the whole product working within a minute, with no tenant and no PBX.
import { parseArgs } from 'node:util';
import { startHttpHost, type HttpHost } from '../control/http-host.js';
import { untilSignal } from '../platform/signals.js';
import { createEngineService, type EngineService } from '../control/service.js';
import { startDemoEnvironment, type DemoEnvironment } from './demo-environment.js';
import { parsePort, rendererDir } from './run.js';

const USAGE = `Usage: presence-bridge demo [--users N] [--port P] [--starface-port P] [--graph-port P] [--poll-interval S]

  --users N           simulated people (default 25), the same people in both simulators (matched by e-mail)
  --port P            settings page port on 127.0.0.1 (default: any free port)
  --starface-port P   STARFACE simulator port (default: any free port)
  --graph-port P      Microsoft Graph + Entra ID simulator port (default: any free port)
  --poll-interval S   Teams presence poll interval in seconds, 0.25 to 300 (default 2)`;

/** Copy-paste lines that change a Teams presence and place a STARFACE call in the simulators. */
export function tryItLines(env: DemoEnvironment): string[] {
  const person = env.starface.users.find((u) => !u.admin) ?? env.starface.admin;
  const sf = env.starface.url;
  const graph = env.graph.url;
  const ca = env.graph.caFile;
  const json = "-H 'Content-Type: application/json'";
  return [
    `Try it (${person.firstName} ${person.familyName}, login ${person.login}, ${person.email}):`,
    '  # Teams → STARFACE: set the Teams status to "Do not disturb"; the PBX shows DND and the chat text',
    `  curl -s --cacert ${ca} -X PUT ${graph}/_sim/presence/${person.email} ${json} -d '{"availability":"DoNotDisturb","activity":"DoNotDisturb"}'`,
    `  curl -s ${sf}/_sim/users/${person.login}`,
    '  # back to "Available"',
    `  curl -s --cacert ${ca} -X PUT ${graph}/_sim/presence/${person.email} ${json} -d '{"availability":"Available","activity":"Available"}'`,
    '  # STARFACE → Teams: call the user, answer (Teams shows "In a call"), hang up (cleared)',
    `  curl -s -X POST ${sf}/_sim/calls ${json} -d '{"to":"${person.login}","from":"+4972112345"}'   # note the "id"`,
    `  curl -s -X POST ${sf}/_sim/calls/<id>/answer`,
    `  curl -s --cacert ${ca} ${graph}/_sim/presence/${person.email}`,
    `  curl -s -X POST ${sf}/_sim/calls/<id>/hangup`,
    '  # the user presses the DND key on the phone (left alone in "respect manual changes" mode)',
    `  curl -s -X POST ${sf}/_sim/users/${person.login}/dnd ${json} -d '{"dnd":true}'`,
  ];
}

export async function main(argv: string[]): Promise<number> {
  let users: number;
  let port: number;
  let starfacePort: number;
  let graphPort: number;
  let pollIntervalSeconds: number;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        users: { type: 'string' }, port: { type: 'string' }, 'starface-port': { type: 'string' },
        'graph-port': { type: 'string' }, 'poll-interval': { type: 'string' },
      },
    });
    users = values.users === undefined ? 25 : Number(values.users);
    if (!Number.isInteger(users) || users < 1 || users > 5_000) throw new Error(`--users must be a whole number from 1 to 5000 (got "${values.users}").`);
    port = parsePort(values.port, '--port');
    starfacePort = parsePort(values['starface-port'], '--starface-port');
    graphPort = parsePort(values['graph-port'], '--graph-port');
    pollIntervalSeconds = values['poll-interval'] === undefined ? 2 : Number(values['poll-interval']);
    if (!(pollIntervalSeconds >= 0.25 && pollIntervalSeconds <= 300)) throw new Error(`--poll-interval must be 0.25 to 300 seconds (got "${values['poll-interval']}").`);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }

  console.log(`Starting the STARFACE and Microsoft simulators with ${users} people…`);
  let env: DemoEnvironment;
  try {
    env = await startDemoEnvironment({ users, starfacePort, graphPort, pollIntervalSeconds });
  } catch (err) {
    console.error(`The simulators could not start: ${(err as Error).message}`);
    return 1;
  }
  let service: EngineService | undefined;
  let host: HttpHost | undefined;
  try {
    service = await createEngineService({ settingsFile: env.settingsFile, secrets: env.secrets, logToConsole: false });
    host = await startHttpHost({ api: service.api, port, ...(rendererDir() ? { rendererDir: rendererDir()! } : {}), logger: service.logger.child({ component: 'http' }) });
  } catch (err) {
    console.error(`The demo could not start: ${(err as Error).message}`);
    await service?.close().catch(() => undefined);
    await env.close();
    return 1;
  }
  const signal = untilSignal();
  await service.start();

  console.log('');
  console.log(`Presence Bridge settings page: ${host.pageUrl}`);
  console.log(`STARFACE simulator: ${env.starface.url}`);
  console.log(`Microsoft Graph simulator: ${env.graph.url} (CA certificate: ${env.graph.caFile})`);
  console.log(`Demo files (settings, vault, journal, log): ${env.dir}`);
  console.log('');
  for (const line of tryItLines(env)) console.log(line);
  console.log('');
  console.log('Press Ctrl+C to stop (puts back what the bridge changed).');

  await signal;
  console.log('Stopping the demo…');
  await host.close().catch(() => undefined);
  await service.close({ restore: true }).catch(() => undefined);
  await env.close();
  console.log('Demo stopped.');
  return 0;
}
