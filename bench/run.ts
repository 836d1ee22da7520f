// `npm run bench [-- options]`: latency, efficiency and scale of the engine against both simulators.
// Without --users it runs every scenario (100, 1,000, 2,000, 5,000 users); writes bench/results/latest.json and
// prints a table with PASS/FAIL per target. See docs/benchmarks.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs as parseArgsOf, type ParseArgsConfig } from 'node:util';
import { buildEngine } from './engine-build.js';
import { buildJson, checkTargets, formatMarkdown, formatTable, machineInfo } from './report.js';
import { runScenario, type ScenarioOptions, type ScenarioResult } from './scenario.js';

export const DEFAULT_SCENARIOS = [100, 1000, 2000, 5000];
const HERE = dirname(fileURLToPath(import.meta.url));

/** The scenario options, resolved (defaults filled in), with the list of user counts to run. */
export interface BenchArgs extends Pick<ScenarioOptions, 'durationSeconds' | 'reverseSeconds' | 'changes' | 'calls' | 'latencyMs' | 'pollIntervalSeconds' | 'cpuProfileDir'>,
  Required<Pick<ScenarioOptions, 'seed' | 'pbxTls' | 'engineRuntime' | 'keepFiles' | 'settings' | 'engineLogLevel'>> {
  users: number[];
  out: string;
  markdown: boolean;
  quiet: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]
  --users N            one scenario with N users (default: all scenarios ${DEFAULT_SCENARIOS.join(', ')})
  --duration S         seconds of Teams → STARFACE changes per scenario (default 60)
  --reverse S          seconds of STARFACE calls (default duration/3, 5..30)
  --changes N          Teams changes in that time (default 4 per second)
  --calls N            STARFACE calls (default 3 per second of --reverse)
  --latency MS         simulated network latency per request, both simulators (default 20)
  --poll-interval S    engine poll interval, 0.25 to 300 (default 0.5, the interval of issue 17's targets)
  --seed N             seed of the change generator (default 42)
  --pbx-http           PBX over plain HTTP (default HTTPS with a self-signed CA, as most PBXs)
  --tsx                run the engine from the TypeScript sources through tsx (default: compiled first,
                       like the built product; tsx adds about 50 MB RSS and start-up CPU)
  --cpu-prof [DIR]     write a V8 CPU profile of the engine (default dir bench/results/profiles)
  --set PATH=VALUE     override an engine setting for a what-if run, e.g. --set sync.applyConcurrency=32
                       (VALUE is JSON if it parses, else a string; repeatable)
  --keep               keep the engine's folder (settings, journal, logs) and print where it is
  --engine-log LEVEL   engine log level: debug, info (default), warn, error
  --out FILE           results JSON (default bench/results/latest.json)
  --markdown           also print the table as Markdown
  --quiet              no progress lines`;

const OPTIONS = {
  users: { type: 'string' }, duration: { type: 'string' }, reverse: { type: 'string' }, changes: { type: 'string' },
  calls: { type: 'string' }, latency: { type: 'string' }, 'poll-interval': { type: 'string' }, seed: { type: 'string' },
  'pbx-http': { type: 'boolean' }, tsx: { type: 'boolean' }, 'cpu-prof': { type: 'string' }, set: { type: 'string', multiple: true },
  keep: { type: 'boolean' }, 'engine-log': { type: 'string' }, out: { type: 'string' }, markdown: { type: 'boolean' },
  quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parseArgs(argv: string[]): BenchArgs {
  const defaultProfiles = resolve(HERE, 'results', 'profiles');
  // --cpu-prof takes an optional folder, which node:util's parser does not know: a bare one gets the default.
  const args = argv.map((arg, i) => (arg === '--cpu-prof' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-')) ? `--cpu-prof=${defaultProfiles}` : arg));
  let v: ReturnType<typeof parseOptions>;
  try {
    v = parseOptions(args);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (v.help) throw new HelpRequested();
  const num = (flag: string, value: string | undefined, min: number, max: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value === '' || !Number.isFinite(n) || n < min || n > max) throw new Error(`--${flag} needs a number from ${min} to ${max} (got ${value || 'nothing'}).\n\n${USAGE}`);
    return n;
  };
  const round = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n));
  if (v['engine-log'] !== undefined && !(['debug', 'info', 'warn', 'error'] as const).includes(v['engine-log'] as 'info')) {
    throw new Error(`--engine-log needs debug, info, warn or error.\n\n${USAGE}`);
  }
  if (v.out === '') throw new Error(`--out needs a file name.\n\n${USAGE}`);
  const settings: Record<string, unknown> = {};
  for (const pair of v.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--set needs PATH=VALUE, e.g. --set sync.applyConcurrency=32 (got "${pair}").\n\n${USAGE}`);
    const raw = pair.slice(eq + 1);
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // a plain string
    }
    settings[pair.slice(0, eq)] = parsed;
  }
  const users = round(num('users', v.users, 1, 20_000));
  const a: BenchArgs = {
    users: users === undefined ? [...DEFAULT_SCENARIOS] : [users],
    durationSeconds: num('duration', v.duration, 1, 3600) ?? 60,
    latencyMs: num('latency', v.latency, 0, 10_000) ?? 20,
    pollIntervalSeconds: num('poll-interval', v['poll-interval'], 0.25, 300) ?? 0.5,
    seed: round(num('seed', v.seed, 0, 2 ** 31)) ?? 42,
    pbxTls: !v['pbx-http'],
    engineRuntime: v.tsx ? 'tsx' : 'compiled',
    out: v.out ? resolve(v.out) : resolve(HERE, 'results', 'latest.json'),
    markdown: v.markdown ?? false,
    quiet: v.quiet ?? false,
    keepFiles: v.keep ?? false,
    settings,
    engineLogLevel: (v['engine-log'] ?? 'info') as BenchArgs['engineLogLevel'],
  };
  const reverse = num('reverse', v.reverse, 1, 3600);
  if (reverse !== undefined) a.reverseSeconds = reverse;
  const changes = round(num('changes', v.changes, 1, 1_000_000));
  if (changes !== undefined) a.changes = changes;
  const calls = round(num('calls', v.calls, 1, 1_000_000));
  if (calls !== undefined) a.calls = calls;
  if (v['cpu-prof'] !== undefined) a.cpuProfileDir = resolve(v['cpu-prof'] || defaultProfiles);
  return a;
}

function parseOptions(args: string[]) {
  return parseArgsOf({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
}

class HelpRequested extends Error {}

export async function runBench(a: BenchArgs): Promise<{ results: ScenarioResult[]; json: Record<string, unknown> }> {
  const results: ScenarioResult[] = [];
  const progress = a.quiet ? undefined : (line: string): void => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
  if (a.engineRuntime === 'compiled') {
    progress?.('compiling the engine (bench/tsconfig.engine.json)');
    const complaints = await buildEngine();
    if (complaints) progress?.(`the compiler reported type errors but wrote the output:\n${complaints.split('\n').slice(0, 10).join('\n')}`);
  }
  for (const users of a.users) {
    results.push(await runScenario({
      users, durationSeconds: a.durationSeconds, reverseSeconds: a.reverseSeconds, changes: a.changes, calls: a.calls,
      latencyMs: a.latencyMs, pollIntervalSeconds: a.pollIntervalSeconds, seed: a.seed, pbxTls: a.pbxTls,
      engineRuntime: a.engineRuntime, keepFiles: a.keepFiles, settings: a.settings, engineLogLevel: a.engineLogLevel, cpuProfileDir: a.cpuProfileDir, progress,
    }));
  }
  const { out: _out, quiet: _q, markdown: _m, keepFiles: _k, ...options } = a;
  const json = buildJson(results, options);
  await mkdir(dirname(a.out), { recursive: true });
  await writeFile(a.out, `${JSON.stringify(json, null, 2)}\n`);
  return { results, json };
}

async function main(argv: string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(USAGE);
      return 0;
    }
    console.error((err as Error).message);
    return 2;
  }
  const m = machineInfo();
  const { results } = await runBench(args);
  console.log(`\nPresence Bridge benchmark — poll interval ${args.pollIntervalSeconds} s, simulated latency ${args.latencyMs} ms, ` +
    `${String(m.nproc)} CPUs (${String(m.cpuModel)}), ${String(m.memTotalGiB)} GiB, node ${String(m.node)}, ` +
    `load average ${String(m.loadAverage)} (other work on the machine slows every figure)\n`);
  console.log(formatTable(results));
  if (args.markdown) console.log(`\n${formatMarkdown(results)}`);
  console.log(`\nResults: ${args.out}`);
  const failed = results.flatMap((r) => checkTargets(r).filter((t) => t.pass === false).map((t) => `${r.users} users: ${t.name}`));
  if (failed.length) console.log(`Targets missed: ${failed.join('; ')}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    },
  );
}
