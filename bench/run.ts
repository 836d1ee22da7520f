// `npm run bench [-- options]`: latency, efficiency and scale of the engine against both simulators.
// Without --users it runs every scenario (100, 1,000, 2,000, 5,000 users); writes bench/results/latest.json and
// prints a table with PASS/FAIL per target. See docs/benchmarks.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

export function parseArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = {
    users: [...DEFAULT_SCENARIOS], durationSeconds: 60, latencyMs: 20, pollIntervalSeconds: 0.5, seed: 42, pbxTls: true, engineRuntime: 'compiled',
    out: resolve(HERE, 'results', 'latest.json'), markdown: false, quiet: false, keepFiles: false, settings: {}, engineLogLevel: 'info',
  };
  const num = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min || n > max) throw new Error(`${flag} needs a number from ${min} to ${max} (got ${v ?? 'nothing'}).\n\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--users': a.users = [Math.round(num(name, value(), 1, 20_000))]; break;
      case '--duration': a.durationSeconds = num(name, value(), 1, 3600); break;
      case '--reverse': a.reverseSeconds = num(name, value(), 1, 3600); break;
      case '--changes': a.changes = Math.round(num(name, value(), 1, 1_000_000)); break;
      case '--calls': a.calls = Math.round(num(name, value(), 1, 1_000_000)); break;
      case '--latency': a.latencyMs = num(name, value(), 0, 10_000); break;
      case '--poll-interval': a.pollIntervalSeconds = num(name, value(), 0.25, 300); break;
      case '--seed': a.seed = Math.round(num(name, value(), 0, 2 ** 31)); break;
      case '--pbx-http': a.pbxTls = false; break;
      case '--tsx': a.engineRuntime = 'tsx'; break;
      case '--cpu-prof': {
        const next = inline ?? (argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[++i] : undefined);
        a.cpuProfileDir = resolve(next ?? resolve(HERE, 'results', 'profiles'));
        break;
      }
      case '--out': {
        const v = value();
        if (!v) throw new Error(`--out needs a file name.\n\n${USAGE}`);
        a.out = resolve(v);
        break;
      }
      case '--markdown': a.markdown = true; break;
      case '--keep': a.keepFiles = true; break;
      case '--set': {
        const v = value() ?? '';
        const eq = v.indexOf('=');
        if (eq <= 0) throw new Error(`--set needs PATH=VALUE, e.g. --set sync.applyConcurrency=32 (got "${v}").\n\n${USAGE}`);
        const raw = v.slice(eq + 1);
        let parsed: unknown = raw;
        try {
          parsed = JSON.parse(raw);
        } catch {
          // a plain string
        }
        a.settings[v.slice(0, eq)] = parsed;
        break;
      }
      case '--engine-log': {
        const v = value();
        if (v !== 'debug' && v !== 'info' && v !== 'warn' && v !== 'error') throw new Error(`--engine-log needs debug, info, warn or error.\n\n${USAGE}`);
        a.engineLogLevel = v;
        break;
      }
      case '--quiet': a.quiet = true; break;
      case '--help': case '-h': throw new HelpRequested();
      default: throw new Error(`Unknown option "${flag}".\n\n${USAGE}`);
    }
  }
  return a;
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
