// Lint rules that keep the architecture's direction of dependencies (see ../shared/design/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Node modules that do I/O: core/ must stay pure so it can be tested exhaustively without any of them. */
export const NODE_IO_MODULES = [
  'fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises',
  'child_process', 'cluster', 'worker_threads', 'os', 'readline', 'stream', 'zlib', 'process',
];
const nodeIo = NODE_IO_MODULES.flatMap((m) => [m, `node:${m}`]);

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
    files: ['src/core/**/*.{ts,tsx,js,mjs}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...noElectronOrRenderer.paths,
          ...nodeIo.map((name) => ({ name, message: 'src/core/ is pure domain logic: no I/O. Do the I/O in sync/, teams/, starface/ or platform/.' })),
        ],
        patterns: [
          ...noElectronOrRenderer.patterns,
          { group: ['**/platform/**', '**/teams/**', '**/starface/**', '**/sync/**', '**/control/**', '**/simulators/**'], message: 'src/core/ depends on nothing but itself.' },
        ],
      }],
    },
  },
);
