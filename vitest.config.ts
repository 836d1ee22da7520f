import { readFileSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const EXCLUDE = ['node_modules/**', 'test/fixtures/**'];

// Unit, fuzz, integration, conformance and fault files share one module graph per worker (isolate: false)
// instead of paying a fresh process and a cold import of the sources for each file; each file still gets its own
// simulators, sockets and temp folders, and no product or simulator module keeps state between them (the Graph
// simulator's presence stamps are per simulator). The e2e files (Chromium) keep a process each, as does any file
// that stubs the environment, mocks a module or installs fake timers.
// Found by what the file does, so a new file that mocks or stubs is isolated without anyone remembering a list.
const NEEDS_OWN_PROCESS = /\bvi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers)\(|process\.env(\.\w+|\[[^\]]+\])\s*=[^=]/;
const PURE = ['test/unit', 'test/fuzz', 'test/integration', 'test/conformance', 'test/faults']
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f.split('\\').join('/')}`))
  .filter((f) => /\.test\.tsx?$/.test(f) && !NEEDS_OWN_PROCESS.test(readFileSync(f, 'utf8')))
  .sort();

export default defineConfig({
  test: {
    exclude: EXCLUDE,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration suites open real sockets; two workers match the build machines' two cores.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'pure', include: PURE, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: [...EXCLUDE, ...PURE] } },
    ],
  },
});
