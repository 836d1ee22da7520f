#!/usr/bin/env node
// `npm run fault-figures`: runs the fault suite (test/faults) with FAULT_FIGURES_FILE set, reads what its checks
// noted (test/faults/figures.ts) and writes the figures into docs/reliability.md — computed, never typed.
// `--from <file>` takes the figures of an earlier run instead of running the suite; `--check` prints them only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { from: { type: 'string' }, check: { type: 'boolean' } } });
const DOC = 'docs/reliability.md';
const START = '<!-- fault-figures:start -->';
const END = '<!-- fault-figures:end -->';

let file = values.from;
let summary = '';
if (!file) {
  file = join(mkdtempSync(join(tmpdir(), 'pb-fault-figures-')), 'figures.jsonl');
  writeFileSync(file, '');
  const r = spawnSync(process.execPath, ['scripts/run-tests.mjs', 'test/faults'], {
    env: { ...process.env, FAULT_FIGURES_FILE: file }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(r.stdout);
  summary = /^(\d+ passed, \d+ failed, \d+ skipped)$/m.exec(r.stdout)?.[1] ?? '';
  if (r.status !== 0) {
    console.error(`The fault suite failed (${summary || `exit ${r.status}`}): figures are written only from a green run.`);
    process.exit(1);
  }
}

const notes = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const tests = new Map();
for (const n of notes) {
  const key = `${n.file}\u0000${n.test}`;
  const t = tests.get(key) ?? { file: n.file, test: n.test, checked: 0, wrong: 0, sessionsLeft: 0 };
  t.checked += n.checked ?? 0;
  t.wrong += n.wrong ?? 0;
  t.sessionsLeft += n.sessionsLeft ?? 0;
  tests.set(key, t);
}
if (tests.size === 0) {
  console.error(`No figures in ${file}: did the fault suite run with FAULT_FIGURES_FILE set?`);
  process.exit(1);
}
const byFile = new Map();
for (const t of tests.values()) {
  const f = byFile.get(t.file) ?? { faults: 0, checked: 0, wrong: 0, sessionsLeft: 0 };
  f.faults++;
  f.checked += t.checked;
  f.wrong += t.wrong;
  f.sessionsLeft += t.sessionsLeft;
  byFile.set(t.file, f);
}
const total = [...byFile.values()].reduce((a, f) => ({
  faults: a.faults + f.faults, checked: a.checked + f.checked, wrong: a.wrong + f.wrong, sessionsLeft: a.sessionsLeft + f.sessionsLeft,
}), { faults: 0, checked: 0, wrong: 0, sessionsLeft: 0 });

const row = (name, f) => `| ${name} | ${f.faults} | ${f.checked} | ${f.wrong} | ${f.sessionsLeft} |`;
const block = [
  START,
  `### Figures (computed by \`npm run fault-figures\`, last run ${new Date().toISOString().slice(0, 10)}${summary ? `: ${summary}` : ''})`,
  '',
  'Faults tried: one per test. Users checked: users whose PBX values a final check of a test compared with the',
  'value from before the bridge (or with what Teams says while the sync runs). Teams sessions left: sessions',
  'still set in the Graph simulator when the test ends.',
  '',
  '| Test file | Faults tried | Users checked | Users left wrong | Teams sessions left |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...[...byFile.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, f]) => row(`\`${name}\``, f)),
  row('**Total**', total),
  END,
].join('\n');

console.log(`\nfaults tried ${total.faults}, users checked ${total.checked}, users left wrong ${total.wrong}, Teams sessions left ${total.sessionsLeft}`);
if (values.check) process.exit(0);
const doc = readFileSync(DOC, 'utf8');
const at = doc.indexOf(START);
const next = at >= 0 ? doc.slice(0, at) + block + doc.slice(doc.indexOf(END) + END.length) : doc.replace(/### Figures[^\n]*\n\nFIGURES_TABLE/, block);
if (next === doc && !doc.includes(block)) {
  console.error(`${DOC}: no place for the figures (${START} … ${END}).`);
  process.exit(1);
}
writeFileSync(DOC, next);
console.log(`${DOC} updated.`);
