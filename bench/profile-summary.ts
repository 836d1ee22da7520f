// Summarises a V8 CPU profile (from `npm run bench -- --cpu-prof`): self time by function and by file, and
// total (inclusive) time of the product's own functions, so a slow spot can be named by file and function.
// Usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--from S] [--to S]
//   --from/--to limit the summary to a time window (seconds since the profile started).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

export interface ProfileSummary {
  totalMs: number;
  bySelf: { name: string; ms: number }[];
  byFile: { file: string; ms: number }[];
  byTotal: { name: string; ms: number }[];
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const m = /\/(src|bench|node_modules)\/(.*)$/.exec(url.replace(/^file:\/\//, ''));
  return m ? `${m[1]}/${m[2]}` : url.replace(/^file:\/\//, '').replace(/^node:/, 'node:');
}

export function summarizeProfile(p: CpuProfile, opts: { fromMs?: number; toMs?: number } = {}): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    t += dt;
    if (opts.fromMs !== undefined && t < opts.fromMs) continue;
    if (opts.toMs !== undefined && t > opts.toMs) continue;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
  }
  const label = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const fnSelf = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    totalMs += ms;
    fnSelf.set(label(n), (fnSelf.get(label(n)) ?? 0) + ms);
    const file = shortUrl(n.callFrame.url);
    fileSelf.set(file, (fileSelf.get(file) ?? 0) + ms);
    // Inclusive time: every distinct frame on the stack gets the sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!;
      const l = label(node);
      if (seen.has(l)) continue;
      seen.add(l);
      fnTotal.set(l, (fnTotal.get(l) ?? 0) + ms);
    }
  }
  const sorted = <K extends string>(m: Map<string, number>, key: K): ({ [P in K]: string } & { ms: number })[] =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, ms]) => ({ [key]: k, ms: Math.round(ms) }) as { [P in K]: string } & { ms: number });
  return {
    totalMs: Math.round(totalMs),
    bySelf: sorted(fnSelf, 'name'),
    byFile: sorted(fileSelf, 'file'),
    byTotal: sorted(fnTotal, 'name').filter((e) => /\b(src|bench)\//.test(e.name)),
  };
}

function main(argv: string[]): number {
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('Usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--from S] [--to S]');
    return 2;
  }
  const opt = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const top = opt('--top') ?? 25;
  const from = opt('--from');
  const to = opt('--to');
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const s = summarizeProfile(p, { fromMs: from === undefined ? undefined : from * 1000, toMs: to === undefined ? undefined : to * 1000 });
  const pct = (ms: number): string => `${((100 * ms) / Math.max(1, s.totalMs)).toFixed(1).padStart(5)} %`;
  console.log(`CPU samples: ${s.totalMs} ms (profile ${(p.endTime - p.startTime) / 1e6} s)\n\nSelf time by file:`);
  for (const e of s.byFile.slice(0, top)) console.log(`${String(e.ms).padStart(8)} ms ${pct(e.ms)}  ${e.file}`);
  console.log('\nSelf time by function:');
  for (const e of s.bySelf.slice(0, top)) console.log(`${String(e.ms).padStart(8)} ms ${pct(e.ms)}  ${e.name}`);
  console.log('\nInclusive time of project functions:');
  for (const e of s.byTotal.slice(0, top)) console.log(`${String(e.ms).padStart(8)} ms ${pct(e.ms)}  ${e.name}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
