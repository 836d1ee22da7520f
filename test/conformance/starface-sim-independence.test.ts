// The STARFACE simulator must not share protocol code with the bridge's client (issue 14): if both ends used the
// same codec, method names or token formulas, a mistake there would pass every test. Follows every import of
// src/simulators/starface/, transitively, and fails if one reaches src/starface/ or the xmlrpc package.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const simDir = path.join(root, 'src/simulators/starface');
const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT_RE)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

function resolveLocal(from: string, spec: string): string {
  return path.resolve(path.dirname(from), spec).replace(/\.js$/, '.ts');
}

/** Every file reachable from the simulator's sources, with the package names they import. */
function closure(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = readdirSync(simDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(simDir, f));
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) todo.push(resolveLocal(file, spec));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { files, packages };
}

describe('the STARFACE simulator is independent of the client', () => {
  it('reaches no file under src/starface/ through any chain of imports', () => {
    const { files } = closure();
    expect(files.size).toBeGreaterThan(8);
    const client = [...files].filter((f) => f.startsWith(path.join(root, 'src/starface') + path.sep)).map((f) => path.relative(root, f));
    expect(client).toEqual([]);
  });

  it('uses its own XML-RPC codec, not the xmlrpc package', () => {
    const { packages } = closure();
    expect(packages.has('saxes')).toBe(true);
    expect(packages.has('xmlrpc')).toBe(false);
  });

  it('would notice an import of the client (the check itself works)', () => {
    const fake = path.join(simDir, 'uci.ts');
    expect(importsOf(fake).some((s) => s.startsWith('./'))).toBe(true);
    expect(resolveLocal(fake, '../../starface/uci-names.js')).toBe(path.join(root, 'src/starface/uci-names.ts'));
  });
});
