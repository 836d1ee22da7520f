// Lint rules that keep the architecture's direction of dependencies (see ../shared/design/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layering from './lint/layering.js';

/** Node modules that do I/O: core/ must stay pure so it can be tested exhaustively without any of them. */
export const NODE_IO_MODULES = [
  'fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises',
  'child_process', 'cluster', 'worker_threads', 'os', 'readline', 'stream', 'zlib', 'process',
];
const nodeIo = NODE_IO_MODULES.flatMap((m) => [m, `node:${m}`]);

/**
 * The layers (docs/architecture.md, "Layers"), as VS Code's layering rule: each folder and what it may import
 * besides itself. core ← platform ← teams/starface ← sync ← app ← setup/control ← commands/electron; teams and
 * starface never import each other; no product folder imports the simulators, and the simulators do not import
 * the product's protocol code (they are the counterpart, not a copy of the client). test/, bench/ and scripts/
 * are harnesses and may import anything.
 */
const CORE = ['src/core'];
const PLATFORM = [...CORE, 'src/platform'];
const SIDES = [...PLATFORM, 'src/teams', 'src/starface'];
const SYNC = [...SIDES, 'src/sync'];
const APP = [...SYNC, 'src/app'];
const SETUP = [...APP, 'src/setup'];
const CONTROL = [...SETUP, 'src/control'];
export const LAYERS = {
  'src/core': [],
  'src/platform': CORE,
  'src/teams': PLATFORM,
  'src/starface': PLATFORM,
  'src/sync': SIDES,
  'src/app': SYNC,
  'src/setup': APP,
  'src/control': SETUP,
  'src/commands': CONTROL,
  'src/cli.ts': [...CONTROL, 'src/commands'],
  'electron': CONTROL,
  // The settings page runs in a browser: the contract and core's data types, nothing with Node in it.
  'renderer': ['src/core', 'src/control/contract.ts'],
  'src/simulators/starface': ['src/platform'],
  'src/simulators/graph': ['src/platform', 'src/simulators/starface'],
};
export const LAYER_EXCEPTIONS = [
  // `presence-bridge demo` and `presence-bridge sim` start the simulators: that is what these commands are for.
  { from: 'src/commands/demo-environment.ts', to: 'src/simulators/graph', reason: 'presence-bridge demo starts the simulators' },
  { from: 'src/commands/demo-environment.ts', to: 'src/simulators/starface', reason: 'presence-bridge demo starts the simulators' },
  { from: 'src/commands/sim.ts', to: 'src/simulators/graph', reason: 'presence-bridge sim graph starts the simulator' },
  { from: 'src/commands/sim.ts', to: 'src/simulators/starface', reason: 'presence-bridge sim starface starts the simulator' },
];

const noElectronOrRenderer = {
  paths: [{ name: 'electron', message: 'src/ is the engine and must run without Electron; put shell code in electron/.' }],
  patterns: [{ group: ['**/renderer', '**/renderer/**'], message: 'src/ must not import the renderer; talk through src/control/.' }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'renderer/dist/**', 'release/**', 'bench/results/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/**/*.{ts,tsx,js,mjs}'],
    rules: { 'no-restricted-imports': ['error', noElectronOrRenderer] },
  },
  {
    files: ['src/**/*.{ts,tsx,js,mjs,cts}', 'electron/**/*.{ts,tsx,js,mjs,cts}', 'renderer/**/*.{ts,tsx,js,mjs}'],
    plugins: { layering },
    rules: { 'layering/layers': ['error', { allow: LAYERS, exceptions: LAYER_EXCEPTIONS }] },
  },
  {
    files: ['src/core/**/*.{ts,tsx,js,mjs}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...noElectronOrRenderer.paths,
          ...nodeIo.map((name) => ({ name, message: 'src/core/ is pure domain logic: no I/O. Do the I/O in sync/, teams/, starface/ or platform/.' })),
        ],
        patterns: [
          ...noElectronOrRenderer.patterns,
        ],
      }],
    },
  },
);
