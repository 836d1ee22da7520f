// Packs the app with the real build/electron-builder.yml (target `dir`) against a STUB unpacked Electron, since
// the Electron runtime cannot be downloaded on the build machines, and checks what ends up in app.asar: only
// the built app and production node_modules, never sources, tests, benchmarks or source maps. The project is
// a temporary copy with minimal build output plus decoy source files, so the check is about the configuration
// and does not depend on (or disturb) a build in the working tree. Its node_modules holds real copies of the
// production dependency closure (a symlinked node_modules makes npm see every transitive package as
// extraneous, and electron-builder then silently drops them) plus two small development packages as decoys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(archive: string, options: { isPack: boolean }): string[]; extractFile(archive: string, filename: string): Buffer };
const fuses = require('@electron/fuses') as { getCurrentFuseWire(path: string): Promise<Record<string, unknown>> };

// @electron/fuses finds the fuse wire after this sentinel: version byte, length byte, then one byte per fuse.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE = { DISABLE: 48, ENABLE: 49 } as const;
const FUSE_INDEX = {
  runAsNode: 0, enableCookieEncryption: 1, enableNodeOptionsEnvironmentVariable: 2, enableNodeCliInspectArguments: 3,
  enableEmbeddedAsarIntegrityValidation: 4, onlyLoadAppFromAsar: 5, loadBrowserProcessSpecificV8Snapshot: 6,
  grantFileProtocolExtraPrivileges: 7,
} as const;

const BUILT_FILES: Record<string, string> = {
  'dist/electron/main.js': 'export {};\n',
  'dist/electron/preload.cjs': '"use strict";\n',
  'dist/electron/shell.js': 'export {};\n',
  'dist/src/cli.js': 'export {};\n',
  'dist/src/control/dispatch.js': 'export {};\n',
  'renderer/dist/index.html': '<!doctype html><title>Presence Bridge</title>\n',
  'renderer/dist/assets/index-abc123.js': 'console.log(1);\n',
};

/** Files that exist in a working tree but must never be packed. */
const DECOYS = [
  'src/cli.ts', 'src/control/dispatch.ts', 'electron/main.ts', 'electron/preload.cts', 'test/unit/cli.test.ts',
  'test/integration/control-fake-engine.ts', 'bench/run.ts', 'renderer/src/main.tsx', 'renderer/index.html',
  'renderer/tsconfig.json', 'scripts/generate-icons.ts', 'docs/architecture.md', 'README.md', 'tsconfig.json',
  'tsconfig.build.json', 'vite.config.ts', 'vitest.config.ts', 'eslint.config.js', '.ci/run',
  'dist/electron/main.js.map', 'dist/src/cli.js.map', 'bin/presence-bridge.mjs',
];

/**
 * Development packages copied into the project to prove they are left out. electron (types and launcher only:
 * no runtime here) is also where electron-builder reads the Electron version from.
 */
const DEV_DECOY_PACKAGES = ['electron', 'globals', 'fast-check'];

interface PackResult { ok: true; asarPath: string; entries: string[]; outDir: string }
type Outcome = PackResult | { ok: false; skip: string };

let work: string;
let outcome: Outcome;
let closure: string[] = [];

function writeStubElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  // A shell script with an Electron-like fuse wire (all fuses enabled), so electron-builder can flip them.
  const wire = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stub electron: not runnable"\nexit 1\n# '),
    Buffer.from(FUSE_SENTINEL), Buffer.from([0x01, 8]), Buffer.alloc(8, FUSE.ENABLE), Buffer.from('\n'),
  ]);
  writeFileSync(join(dir, 'electron'), wire, { mode: 0o755 });
  writeFileSync(join(dir, 'version'), '45.5.0');
  writeFileSync(join(dir, 'LICENSE'), 'stub\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<p>stub</p>\n');
}

interface PackageJson { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
const readPkg = (dir: string): PackageJson => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;

/**
 * The installed production dependency closure, as folders relative to the repository's node_modules
 * (e.g. 'react', '@azure/msal-common', 'a/node_modules/b'), resolved the way Node resolves them. Optional
 * dependencies count when installed (the keyring's native package for this platform).
 */
function productionClosure(): string[] {
  const root = join(repo, 'node_modules');
  const seen = new Set<string>();
  const resolveFrom = (name: string, fromDir: string): string | undefined => {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dir === repo || dirname(dir) === dir) return undefined;
    }
  };
  const visit = (deps: PackageJson, fromDir: string): void => {
    for (const name of Object.keys({ ...deps.dependencies, ...deps.optionalDependencies })) {
      const dir = resolveFrom(name, fromDir);
      if (!dir) continue; // an optional dependency for another platform
      const rel = relative(root, dir).split(sep).join('/');
      if (seen.has(rel)) continue;
      seen.add(rel);
      visit(readPkg(dir), dir);
    }
  };
  visit(readPkg(repo), repo);
  return [...seen].sort();
}

function writeProject(dir: string, closure: string[]): void {
  cpSync(join(repo, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'build'), { recursive: true });
  cpSync(join(repo, 'build', 'electron-builder.yml'), join(dir, 'build', 'electron-builder.yml'));
  cpSync(join(repo, 'assets'), join(dir, 'assets'), { recursive: true });
  for (const rel of [...closure, ...DEV_DECOY_PACKAGES]) {
    // Nested node_modules come along with their parent package.
    if (rel.includes('/node_modules/')) continue;
    cpSync(join(repo, 'node_modules', rel), join(dir, 'node_modules', rel), { recursive: true, dereference: true });
  }
  for (const [rel, text] of Object.entries(BUILT_FILES)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  for (const rel of DECOYS) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), '// decoy: must not be packed\n');
  }
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, CI: 'true', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

const NETWORK_TROUBLE = /ENOTFOUND|EAI_AGAIN|getaddrinfo|fetch failed|ECONNREFUSED|ETIMEDOUT|network/i;

beforeAll(async () => {
  if (process.platform !== 'linux') {
    outcome = { ok: false, skip: `packaging check runs on Linux only (a stub Electron for ${process.platform} would need a signed app bundle or exe resources)` };
    return;
  }
  work = mkdtempSync(join(tmpdir(), 'pb-pack-'));
  const stub = join(work, 'electron-stub');
  const project = join(work, 'project');
  const outDir = join(work, 'out');
  mkdirSync(project);
  writeStubElectron(stub);
  closure = productionClosure();
  writeProject(project, closure);
  const cli = join(repo, 'node_modules', 'electron-builder', 'cli.js');
  const { code, output } = await run(process.execPath, [
    cli, '--config', 'build/electron-builder.yml', `-c.electronDist=${stub}`, `-c.directories.output=${outDir}`,
    '--dir', '--publish', 'never',
  ], project, 110_000);
  if (code !== 0) {
    if (NETWORK_TROUBLE.test(output)) {
      outcome = { ok: false, skip: `electron-builder could not run offline here: ${output.match(NETWORK_TROUBLE)?.[0]}` };
      return;
    }
    throw new Error(`electron-builder failed (exit ${code}):\n${output.slice(-4000)}`);
  }
  const asarPath = join(outDir, 'linux-unpacked', 'resources', 'app.asar');
  const entries = asar.listPackage(asarPath, { isPack: false }).map((e) => e.replace(/\\/g, '/'));
  outcome = { ok: true, asarPath, entries, outDir };
}, 120_000); // typically ~10 s; generous for a loaded 2-core CI machine

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function packed(skip: (note: string) => never): PackResult {
  if (!outcome.ok) {
    console.log(`skipped: ${outcome.skip}`);
    return skip(outcome.skip);
  }
  return outcome;
}

describe('electron-builder package (dir target, stub Electron)', () => {
  it('packs the built app: entry point, preload, renderer, icons and package.json', (ctx) => {
    const { entries } = packed(ctx.skip);
    for (const rel of [...Object.keys(BUILT_FILES), 'package.json']) expect(entries).toContain(`/${rel}`);
    for (const state of ['syncing', 'paused', 'attention', 'error']) {
      expect(entries).toContain(`/assets/tray/${state}.png`);
      expect(entries).toContain(`/assets/tray/${state}@2x.png`);
    }
    expect(entries).toContain('/assets/app/icon-256.png');
  });

  it('leaves out sources, tests, benchmarks, docs, configs and source maps', (ctx) => {
    const { entries } = packed(ctx.skip);
    for (const rel of DECOYS) expect(entries).not.toContain(`/${rel}`);
    const app = entries.filter((e) => !e.startsWith('/node_modules'));
    const roots = new Set(app.map((e) => e.split('/')[1]));
    expect([...roots].sort()).toEqual(['assets', 'dist', 'package.json', 'renderer']);
    expect(app.filter((e) => /^\/dist\/[^/]+$/.test(e)).sort()).toEqual(['/dist/electron', '/dist/src']);
    expect(app.filter((e) => /^\/renderer\/[^/]+$/.test(e))).toEqual(['/renderer/dist']);
    expect(app.filter((e) => /\.(ts|tsx|cts|mts|map)$/.test(e))).toEqual([]);
  });

  it('bundles every production dependency, transitive ones included, and no development package', (ctx) => {
    const { entries } = packed(ctx.skip);
    const direct = Object.keys(readPkg(repo).dependencies ?? {});
    expect(closure.length).toBeGreaterThan(direct.length); // the closure really is transitive
    for (const rel of closure) expect(entries, rel).toContain(`/node_modules/${rel}/package.json`);
    for (const dev of [...DEV_DECOY_PACKAGES, 'electron-builder', 'vitest', 'typescript']) {
      expect(entries, dev).not.toContain(`/node_modules/${dev}`);
    }
  });

  it('keeps native modules (the OS keychain binding) outside the asar, where they can be loaded', (ctx) => {
    const { outDir } = packed(ctx.skip);
    const natives = closure.filter((rel) => readdirSync(join(repo, 'node_modules', rel)).some((f) => f.endsWith('.node')));
    expect(natives.some((rel) => rel.startsWith('@napi-rs/keyring-'))).toBe(true);
    for (const rel of natives) {
      const unpacked = join(outDir, 'linux-unpacked', 'resources', 'app.asar.unpacked', 'node_modules', rel);
      expect(readdirSync(unpacked).some((f) => f.endsWith('.node')), rel).toBe(true);
    }
  });

  it('keeps the entry point the package.json names', (ctx) => {
    const { asarPath, entries } = packed(ctx.skip);
    const pkg = JSON.parse(asar.extractFile(asarPath, 'package.json').toString('utf8')) as { main: string; type: string };
    expect(pkg.type).toBe('module');
    expect(entries).toContain(`/${pkg.main}`);
  });

  it('names the executable and hardens it with fuses (no run-as-node, no inspect, asar only)', async (ctx) => {
    const { outDir } = packed(ctx.skip);
    const exe = join(outDir, 'linux-unpacked', 'presence-bridge');
    expect(existsSync(exe)).toBe(true);
    const wire = await fuses.getCurrentFuseWire(exe);
    expect(wire[FUSE_INDEX.runAsNode]).toBe(FUSE.DISABLE);
    expect(wire[FUSE_INDEX.enableNodeOptionsEnvironmentVariable]).toBe(FUSE.DISABLE);
    expect(wire[FUSE_INDEX.enableNodeCliInspectArguments]).toBe(FUSE.DISABLE);
    expect(wire[FUSE_INDEX.onlyLoadAppFromAsar]).toBe(FUSE.ENABLE);
    expect(wire[FUSE_INDEX.enableEmbeddedAsarIntegrityValidation]).toBe(FUSE.ENABLE);
    expect(wire[FUSE_INDEX.grantFileProtocolExtraPrivileges]).toBe(FUSE.DISABLE);
  });
});
