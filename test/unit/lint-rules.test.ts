import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import ts from 'typescript';

// Proves the architecture rules bite: each forbidden import is linted as if it lived at the given path.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleMessages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('architecture lint rules', () => {
  it('rejects electron anywhere under src/', async () => {
    const msgs = await ruleMessages("import { app } from 'electron';\nexport const a = app;\n", 'src/sync/engine-fixture.ts');
    expect(msgs.join('\n')).toMatch(/must run without Electron/);
  });

  it('rejects renderer imports under src/', async () => {
    const msgs = await ruleMessages("import x from '../../renderer/src/App.js';\nexport const a = x;\n", 'src/control/fixture.ts');
    expect(msgs.join('\n')).toMatch(/must not import the renderer/);
  });

  it('rejects Node I/O modules in src/core/', async () => {
    for (const mod of ['fs', 'node:fs/promises', 'node:http', 'net', 'child_process']) {
      const msgs = await ruleMessages(`import * as m from '${mod}';\nexport const a = m;\n`, 'src/core/fixture.ts');
      expect(msgs.length, mod).toBeGreaterThan(0);
    }
  });

  it('rejects core importing outer layers', async () => {
    const msgs = await layerMessages("import { x } from '../platform/logger.js';\nexport const a = x;\n", 'src/core/fixture.ts');
    expect(msgs.join('\n')).toMatch(/src\/core may import: nothing but itself/);
  });

  it('allows the same imports where they belong', async () => {
    expect(await ruleMessages("import * as fs from 'node:fs';\nexport const a = fs;\n", 'src/platform/fixture.ts')).toEqual([]);
    expect(await ruleMessages("import { app } from 'electron';\nexport const a = app;\n", 'electron/fixture.ts')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Layering (eslint.config.js LAYERS, lint/layering.js): each folder imports only from the layers below it.
// ---------------------------------------------------------------------------------------------------------
interface LayerOptions {
  allow: Record<string, string[]>;
  exceptions: { from: string; to: string; reason: string }[];
}

async function layerOptions(): Promise<LayerOptions> {
  const config = await eslint.calculateConfigForFile('src/core/fixture.ts') as { rules: Record<string, [number, LayerOptions]> };
  return config.rules['layering/layers']![1];
}

async function layerMessages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layering/layers').map((m) => m.message);
}

/** A file that lives in the unit (a folder, or a single file such as src/cli.ts). */
function fileIn(unit: string, name: string): string {
  if (unit.endsWith('.ts')) return unit;
  return unit === 'renderer' ? `renderer/src/${name}.ts` : `${unit}/${name}.ts`;
}

/** The import specifier from `from` to `to`, as the code would write it ('../core/target.js'). */
function specifier(from: string, to: string): string {
  const rel = path.posix.relative(path.posix.dirname(from), to.replace(/\.ts$/, '.js'));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

const within = (unit: string, outer: string) => unit === outer || unit.startsWith(`${outer}/`);
/** The layer of a repository-relative path (longest matching unit), or undefined for tests, bench, scripts. */
function unitOf(rel: string, units: string[]): string | undefined {
  return units
    .filter((u) => within(rel, u) || rel.startsWith(`${u.replace(/\.ts$/, '')}.`))
    .sort((a, b) => b.length - a.length)[0];
}

describe('layering lint rule', () => {
  it('fails every forbidden edge between two layers and passes every allowed one', async () => {
    const { allow } = await layerOptions();
    const units = Object.keys(allow);
    const targets = [...new Set([...units, ...Object.values(allow).flat()])];
    let forbidden = 0;
    for (const from of units) {
      const file = fileIn(from, 'fixture');
      for (const to of targets) {
        if (within(to, from) || within(from, to)) continue;
        const spec = specifier(file, fileIn(to, 'target'));
        const msgs = await layerMessages(`import { x } from '${spec}';\nexport const a = x;\n`, file);
        const allowed = allow[from]!.some((a) => within(to, a));
        if (allowed) {
          expect(msgs, `${from} → ${to} is allowed`).toEqual([]);
        } else {
          forbidden++;
          expect(msgs.join('\n'), `${from} → ${to} must fail`).toContain(`${from} must not import ${to}`);
        }
      }
    }
    // Sanity: the matrix really has forbidden edges in it (core alone forbids all others).
    expect(forbidden).toBeGreaterThan(100);
  }, 120_000);

  it('keeps the layer order core ← platform ← teams/starface ← sync ← app ← setup/control ← commands/electron', async () => {
    const { allow } = await layerOptions();
    const order = ['src/core', 'src/platform', 'src/teams', 'src/sync', 'src/app', 'src/setup', 'src/control', 'src/commands'];
    for (const [i, lower] of order.entries()) {
      for (const upper of order.slice(i + 1)) {
        expect(allow[upper], `${upper} may import ${lower}`).toContain(lower);
        expect(allow[lower], `${lower} must not import ${upper}`).not.toContain(upper);
      }
    }
    expect(allow['electron']).toContain('src/control');
    expect(allow['electron']).not.toContain('src/commands');
    expect(allow['src/commands']).not.toContain('electron');
  });

  it('keeps teams and starface apart, in both directions', async () => {
    expect(await layerMessages("import { x } from '../starface/index.js';\nexport const a = x;\n", 'src/teams/fixture.ts'))
      .toEqual([expect.stringContaining('src/teams must not import src/starface')]);
    expect(await layerMessages("import { x } from '../teams/index.js';\nexport const a = x;\n", 'src/starface/fixture.ts'))
      .toEqual([expect.stringContaining('src/starface must not import src/teams')]);
  });

  it('lets no product folder import the simulators, statically or through a computed import()', async () => {
    for (const from of ['src/core', 'src/platform', 'src/teams', 'src/starface', 'src/sync', 'src/app', 'src/setup', 'src/control', 'src/commands', 'electron']) {
      const file = fileIn(from, 'fixture');
      for (const sim of ['src/simulators/starface', 'src/simulators/graph']) {
        const msgs = await layerMessages(`import { x } from '${specifier(file, `${sim}/index.ts`)}';\nexport const a = x;\n`, file);
        expect(msgs.join('\n'), `${from} → ${sim}`).toContain(`${from} must not import ${sim}`);
      }
    }
    const computed = await layerMessages('export const load = (kind: string) => import(`../simulators/${kind}/cli.js`);\n', 'src/commands/fixture.ts');
    expect(computed.join('\n')).toMatch(/src\/commands must not import src\/simulators\/starface/);
    expect(computed.join('\n')).toMatch(/src\/commands must not import src\/simulators\/graph/);
  });

  it("keeps the product's protocol code out of the simulators (they are the counterpart, not a copy of the client)", async () => {
    for (const sim of ['src/simulators/starface', 'src/simulators/graph']) {
      for (const [target, name] of [['src/starface', 'xmlrpc-codec'], ['src/starface', 'uci-names'], ['src/teams', 'graph-client'], ['src/core', 'desired-state']] as const) {
        const file = `${sim}/fixture.ts`;
        const msgs = await layerMessages(`import { x } from '${specifier(file, `${target}/${name}.ts`)}';\nexport const a = x;\n`, file);
        expect(msgs.join('\n'), `${sim} → ${target}/${name}`).toContain(`${sim} must not import ${target}`);
      }
    }
  });

  it('lets the settings page (renderer) import only the contract and core, nothing that needs Node', async () => {
    const file = 'renderer/src/pages/fixture.ts';
    expect(await layerMessages("import { METHODS } from '../../../src/control/contract.js';\nexport const a = METHODS;\n", file)).toEqual([]);
    expect(await layerMessages("import { x } from '../../../src/core/status-rows.js';\nexport const a = x;\n", file)).toEqual([]);
    for (const spec of ['../../../src/control/dispatch.js', '../../../src/platform/logger.js', '../../../src/sync/engine.js']) {
      expect(await layerMessages(`import { x } from '${spec}';\nexport const a = x;\n`, file), spec).toHaveLength(1);
    }
  });

  it('flags a new folder under src/ until it is placed on a layer', async () => {
    expect(await layerMessages("import { z } from 'zod';\nexport const a = z;\n", 'src/newfolder/fixture.ts'))
      .toEqual([expect.stringContaining('src/newfolder/fixture.ts is on no layer')]);
    expect(await layerMessages("import { x } from '../newfolder/x.js';\nexport const a = x;\n", 'src/sync/fixture.ts'))
      .toEqual([expect.stringContaining('src/newfolder/x.js is on no layer')]);
  });

  it('checks re-exports and type-only imports too', async () => {
    expect(await layerMessages("export { x } from '../platform/logger.js';\n", 'src/core/fixture.ts')).toHaveLength(1);
    expect(await layerMessages("export * from '../sync/engine.js';\n", 'src/teams/fixture.ts')).toHaveLength(1);
    expect(await layerMessages("import type { X } from '../app/service.js';\nexport type A = X;\n", 'src/sync/fixture.ts')).toHaveLength(1);
    expect(await layerMessages("export type A = typeof import('../control/service.js');\n", 'src/app/fixture.ts')).toHaveLength(1);
  });

  it('allows only the listed exceptions, each with its reason', async () => {
    const { exceptions } = await layerOptions();
    for (const e of exceptions) expect(e.reason.length, `${e.from} → ${e.to}`).toBeGreaterThan(10);
    // The same import from a file not on the list fails.
    expect(await layerMessages("import { x } from '../simulators/starface/index.js';\nexport const a = x;\n", 'src/commands/run.ts')).toHaveLength(1);
  });
});

describe('folder dependency graph', () => {
  /** Every folder → folder edge of the real sources (relative imports, static and literal dynamic). */
  async function sourceGraph(units: string[]): Promise<Map<string, Set<string>>> {
    const graph = new Map<string, Set<string>>();
    const files = [...walk('src'), ...walk('electron'), ...walk('renderer/src')];
    for (const file of files) {
      const from = unitOf(file, units);
      if (!from) continue;
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const ref of info.importedFiles) {
        if (!ref.fileName.startsWith('.')) continue;
        const to = unitOf(path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.fileName)), units);
        if (!to || to === from) continue;
        if (!graph.has(from)) graph.set(from, new Set());
        graph.get(from)!.add(to);
      }
    }
    return graph;
  }

  function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
      const p = `${dir}/${d.name}`;
      if (d.isDirectory()) return d.name === 'node_modules' || d.name === 'dist' ? [] : walk(p);
      return /\.(ts|tsx|cts|mts)$/.test(d.name) ? [p] : [];
    });
  }

  /** One cycle as a path ['a', 'b', 'a'], or undefined. */
  function findCycle(graph: Map<string, Iterable<string>>): string[] | undefined {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (n: string): string[] | undefined => {
      if (state.get(n) === 'done') return undefined;
      if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
      state.set(n, 'open');
      stack.push(n);
      for (const m of graph.get(n) ?? []) {
        const c = visit(m);
        if (c) return c;
      }
      stack.pop();
      state.set(n, 'done');
      return undefined;
    };
    for (const n of graph.keys()) {
      const c = visit(n);
      if (c) return c;
    }
    return undefined;
  }

  it('finds a cycle when there is one (the check itself can fail)', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']]]))).toBeUndefined();
  });

  it('has no cycle between folders in the real sources', async () => {
    const { allow } = await layerOptions();
    // Folders only (the renderer's contract-only allowance is a file inside src/control).
    const units = Object.keys(allow);
    const graph = await sourceGraph(units);
    expect(graph.size, 'the scan found the folders').toBeGreaterThan(8);
    expect(findCycle(graph)).toBeUndefined();
  });

  it('allows no cycle in the layer table itself', async () => {
    const { allow } = await layerOptions();
    expect(findCycle(new Map(Object.entries(allow)))).toBeUndefined();
  });
});
