#!/usr/bin/env node
// Runs every test (vitest) and ends with a plain "N passed, N failed" line.
// On Linux without a desktop session it starts a private, unlocked gnome-keyring inside dbus-run-session,
// so the vault is tested against a real Secret Service rather than a stand-in.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (process.platform === 'linux' && !process.env.PRESENCE_BRIDGE_IN_KEYRING && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  const runtime = mkdtempSync(join(tmpdir(), 'pb-keyring-'));
  chmodSync(runtime, 0o700);
  const inner = [
    'echo -n presence-bridge-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1',
    `exec node ${JSON.stringify(new URL(import.meta.url).pathname)} "$@"`,
  ].join('; ');
  const env = {
    ...process.env,
    PRESENCE_BRIDGE_IN_KEYRING: '1',
    PRESENCE_BRIDGE_TEST_KEYCHAIN: '1',
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: join(runtime, 'data'),
  };
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner, 'sh', ...args], { stdio: 'inherit', env });
  rmSync(runtime, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

if (!process.env.PRESENCE_BRIDGE_IN_KEYRING) {
  console.log('note: no dbus-run-session/gnome-keyring here; keychain tests use the platform keychain if present, else skip.');
}

const report = join(mkdtempSync(join(tmpdir(), 'pb-vitest-')), 'report.json');
const r = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
  { stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } },
);
let passed = 0, failed = 0, skipped = 0;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  passed = j.numPassedTests ?? 0;
  failed = j.numFailedTests ?? 0;
  skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  // A suite that fails to load has no failed tests but must still count as a failure.
  const brokenSuites = (j.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
  failed += brokenSuites;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
const ok = r.status === 0 && failed === 0 && passed > 0;
process.exit(ok ? 0 : 1);
