// How many cases each property-based fuzz test tries: a bounded number in `npm test` (CI), many more with
// `npm run fuzz` (which sets FUZZ_RUNS). Every fuzz test passes its CI default through here.
export function fuzzRuns(ciDefault: number): number {
  const fromEnv = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? Math.floor(fromEnv) : ciDefault;
}

/** A per-test timeout that grows with FUZZ_RUNS, so `npm run fuzz` is not cut off by the CI timeout. */
export function fuzzTimeoutMs(ciDefault: number, perCaseMs = 5): number {
  const runs = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(runs) && runs > 0 ? Math.max(ciDefault, runs * perCaseMs) : ciDefault;
}
