// Builds the engine process for the benchmark (bench/tsconfig.engine.json → bench/results/build) with the
// project's TypeScript compiler, so the measured engine runs as compiled JavaScript like the product.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** The compiled entry of the engine process. */
export const COMPILED_CHILD = fileURLToPath(new URL('./results/build/bench/engine-child.js', import.meta.url));

/** Compiles; returns the compiler's complaints when it still wrote the output (type errors elsewhere). */
export async function buildEngine(): Promise<string | undefined> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.engine.json'], { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  // tsc exits with 2 when it found type errors but emitted anyway (e.g. a file another change is editing).
  if (code === 2) return output.trim();
  if (code !== 0) throw new Error(`Compiling the engine for the benchmark failed (tsc -p bench/tsconfig.engine.json):\n${output.trim()}`);
  return undefined;
}
