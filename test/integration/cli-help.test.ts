// `presence-bridge <command> --help`: every option, its default and the exit codes, in German or English —
// chosen by --lang, then the settings' UI language, then LC_ALL/LC_MESSAGES/LANG. Runs the real CLI.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS as CHECK_OPTIONS } from '../../src/commands/check.js';
import { OPTIONS as DEMO_OPTIONS } from '../../src/commands/demo.js';
import { OPTIONS as RUN_OPTIONS } from '../../src/commands/run.js';
import { OPTIONS as SETUP_OPTIONS } from '../../src/commands/setup.js';
import { BIN } from './cli-helpers.js';

/** A locale that says nothing, so only what a test sets decides. */
const NEUTRAL = { LC_ALL: '', LC_MESSAGES: '', LANG: '' };

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...NEUTRAL, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pb-cli-help-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COMMANDS: { args: string[]; options: string[] }[] = [
  { args: ['run'], options: Object.keys(RUN_OPTIONS) },
  { args: ['check'], options: Object.keys(CHECK_OPTIONS) },
  { args: ['demo'], options: Object.keys(DEMO_OPTIONS) },
  { args: ['setup'], options: Object.keys(SETUP_OPTIONS) },
  { args: ['sim', 'starface'], options: ['port', 'host', 'users', 'users-file', 'tls', 'profile', 'set', 'log-level', 'help'] },
  { args: ['sim', 'graph'], options: ['port', 'profile', 'host', 'tenant-file', 'users', 'users-file', 'out-dir', 'token-lifetime', 'latency-ms', 'device-code-interval', 'help'] },
];

describe('presence-bridge --help', () => {
  for (const { args, options } of COMMANDS) {
    for (const lang of ['de', 'en'] as const) {
      it(`${args.join(' ')} --help --lang ${lang} lists every option, the defaults and the exit codes`, async () => {
        const r = await cli([...args, '--help', '--lang', lang]);
        expect(r.code, r.err).toBe(0);
        for (const o of options) expect(r.out, `--${o}`).toMatch(new RegExp(`--${o}\\b`));
        expect(r.out).toContain(lang === 'de' ? 'Exit-Code: 0' : 'Exit code: 0');
        expect(r.out).toMatch(/\b2\b.*(falsche|wrong)/);
        expect(r.out).toContain(lang === 'de' ? 'Standard' : 'default');
        expect(r.out).toContain(lang === 'de' ? 'Aufruf: presence-bridge' : 'Usage: presence-bridge');
        // No stray text of the other language in the option list.
        if (lang === 'de') expect(r.out).not.toMatch(/\b(Usage|Exit code|required|this text)\b|\(default/);
        else expect(r.out).not.toMatch(/\b(Aufruf|Standard|Pflicht|dieser Text)\b/);
      }, 30_000);
    }
  }

  it('lists every command in the overview, in German with --lang de', async () => {
    const r = await cli(['--help', '--lang', 'de']);
    expect(r.code).toBe(0);
    for (const sub of ['run', 'demo', 'sim', 'check', 'setup']) expect(r.out).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    expect(r.out).toContain('Aufruf: presence-bridge <Befehl>');
  }, 30_000);

  it('takes the language from the settings when --lang is absent, and --lang wins over them', async () => {
    const settings = path.join(dir, 'settings-de.json');
    await writeFile(settings, JSON.stringify({ schemaVersion: 2, ui: { language: 'de' } }));
    const de = await cli(['check', '--help', '--config', settings], { LANG: 'en_US.UTF-8' });
    expect(de.out).toContain('Aufruf: presence-bridge check');
    const en = await cli(['check', '--help', '--config', settings, '--lang', 'en']);
    expect(en.out).toContain('Usage: presence-bridge check');
  }, 30_000);

  it('takes the language from LC_ALL, then LC_MESSAGES, then LANG', async () => {
    expect((await cli(['run', '--help'], { LANG: 'de_DE.UTF-8' })).out).toContain('Aufruf: presence-bridge run');
    expect((await cli(['run', '--help'], { LC_MESSAGES: 'de_AT', LANG: 'en_GB.UTF-8' })).out).toContain('Aufruf: presence-bridge run');
    expect((await cli(['run', '--help'], { LC_ALL: 'C.UTF-8', LANG: 'de_DE.UTF-8' })).out).toContain('Usage: presence-bridge run');
    expect((await cli(['run', '--help'])).out).toContain('Usage: presence-bridge run');
  }, 30_000);
});

describe('presence-bridge check without settings', () => {
  it('says the settings file is missing and points to setup (exit 1), in the locale\'s language', async () => {
    const missing = path.join(dir, 'nowhere', 'settings.json');
    const en = await cli(['check', '--config', missing]);
    expect(en.code).toBe(1);
    expect(en.err).toContain(`The settings file ${missing} does not exist.`);
    expect(en.err).toContain(`presence-bridge setup --config ${missing}`);
    const de = await cli(['check', '--config', missing], { LANG: 'de_DE.UTF-8' });
    expect(de.code).toBe(1);
    expect(de.err).toContain(`Die Einstellungsdatei ${missing} gibt es nicht.`);
    expect(de.err).toContain(`presence-bridge setup --config ${missing}`);
  }, 30_000);

  it('refuses a --lang other than de or en with exit code 2', async () => {
    const r = await cli(['check', '--config', 'x.json', '--lang', 'fr']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--lang must be de or en (got "fr")');
  }, 30_000);
});
