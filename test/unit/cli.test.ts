import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['bin/presence-bridge.mjs', ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('presence-bridge CLI', () => {
  it('prints help listing every subcommand', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const sub of ['run', 'demo', 'sim', 'check', 'setup']) expect(r.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
  });

  it('rejects an unknown command with exit code 2 and the help text', () => {
    const r = cli('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
  });

  it('shows per-command usage', () => {
    const r = cli('sim', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('presence-bridge sim starface --port P');
  });

  it('shows a command\'s full option list when it documents one', () => {
    const r = cli('setup', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--non-interactive');
  });
});
