// A generic JSON settings file: validated by a zod schema, upgraded by ordered migrations, saved atomically.
// It never resets silently: a file that cannot be parsed or validated is moved aside (kept for the admin) and
// the load result says where it went and what was wrong; a migrated file keeps its old version as a backup.
// As a defence, it refuses to save anything that looks like a secret (those belong in the vault).
// A save replaces the whole settings: an object that leaves out a value which currently differs from its default
// is refused (naming each such value), so a partial save never silently resets the rest to defaults.
import { promises as fsp, constants as fsc } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { BridgeError, type SETTINGS_ERROR_CODES } from '../core/errors.js';
import {
  describeSettingsIssue, describedIssue, isSettingsIssueCode, settingsIssue as issue, type SettingsIssue, type SettingsMigration,
} from '../core/settings-issues.js';
import type { Message, MessageParams } from '../core/errors.js';
import { renderMessage } from '../core/messages/index.js';
import { readIfExists, writeFileAtomic } from './atomic-file.js';
import { silentLogger, type Logger } from './logger.js';
import { coded } from '../core/messages/log-line.js';

export type { SettingsIssue, SettingsMigration };

export interface SettingsProblem {
  kind: 'corrupt' | 'invalid';
  file: string;
  /** Where the unusable file was moved; it is never deleted. */
  backupPath: string;
  /** One readable paragraph for the admin, in English (the log, the CLI): `note` rendered. */
  message: string;
  /** The same as a coded message (settings.get problemCodes): settings-file-moved-*. */
  note: Message;
  /** Field problems (empty for a corrupt file). */
  issues: SettingsIssue[];
}

export interface LoadResult<T> {
  settings: T;
  /** 'defaults' when there was no usable file (see problem). */
  source: 'file' | 'defaults' | 'migrated';
  problem?: SettingsProblem;
  migration?: { from: number; to: number; backupPath: string };
}

export interface SettingsStoreOptions<T> {
  file: string;
  schema: z.ZodType<T>;
  /** The current layout version, written into the file as `version`. */
  version: number;
  migrations?: readonly SettingsMigration[];
  /** Settings when there is no usable file; default: schema.parse({}). */
  defaults?: () => T;
  /** Version of a raw file; default: its numeric `version` field, else the current version. */
  versionOf?: (raw: unknown) => number;
  logger?: Logger;
}

export type SettingsStoreErrorCode = (typeof SETTINGS_ERROR_CODES)[number];

export class SettingsStoreError extends BridgeError {
  override readonly name = 'SettingsStoreError';
  constructor(readonly code: SettingsStoreErrorCode, message: string, readonly issues: SettingsIssue[] = [], options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What reread() found in the file. */
export type RereadResult<T> =
  | { kind: 'same' }
  | { kind: 'missing' }
  | { kind: 'changed'; settings: T }
  /** `problem` says what is wrong, `detail` names it (the parser's words, the invalid fields), in English. */
  | { kind: 'unusable'; problem: 'unreadable' | 'not-json' | 'invalid'; issues: SettingsIssue[]; detail: string };

export class SettingsStore<T> {
  readonly file: string;
  private readonly opts: SettingsStoreOptions<T>;
  private readonly log: Logger;
  private last: T | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: SettingsStoreOptions<T>) {
    this.opts = opts;
    this.file = path.resolve(opts.file);
    this.log = opts.logger ?? silentLogger;
    const froms = (opts.migrations ?? []).map((m) => m.from);
    if (new Set(froms).size !== froms.length) throw new Error('SettingsStore: two migrations start from the same version.');
  }

  /** The settings from the last load() or save(). */
  get current(): T | undefined {
    return this.last;
  }

  defaults(): T {
    return this.opts.defaults ? this.opts.defaults() : this.opts.schema.parse({});
  }

  /**
   * Validates without saving: upgrades an older layout (see upgrade), then checks the schema; returns the parsed
   * settings or the readable issues.
   */
  validate(value: unknown): { ok: true; settings: T } | { ok: false; issues: SettingsIssue[] } {
    const up = this.upgrade(value);
    return up.ok ? this.check(up.value) : up;
  }

  /**
   * The migration runner: the raw object's layout version (versionOf), then every step from there to the
   * current version. Refuses unknown, future and unreachable versions with a readable issue; never throws.
   */
  upgrade(raw: unknown): { ok: true; value: unknown; from: number } | { ok: false; issues: SettingsIssue[] } {
    const current = this.opts.version;
    const from = this.versionOf(raw);
    if (from === current) return { ok: true, value: raw, from };
    const problem = this.versionProblem(from);
    if (problem) return { ok: false, issues: [problem] };
    let migrated = raw;
    try {
      for (let v = from; v < current; v++) {
        const step = this.opts.migrations?.find((m) => m.from === v);
        if (!step) {
          return { ok: false, issues: [issue('version', describedIssue('settings-version-no-migration', `is ${from}, and there is no migration from version ${v}`, { version: from, from: v }))] };
        }
        migrated = step.migrate(migrated);
      }
    } catch (err) {
      const reason = (err as Error).message;
      return { ok: false, issues: issuesFromError(err) ?? [issue('', describedIssue('settings-migration-failed', `could not be migrated from version ${from}: ${reason}`, { version: from, reason }))] };
    }
    return { ok: true, value: migrated, from };
  }

  /** The schema check alone; the store owns `version`, so schemas may declare it (with a default) or not at all. */
  private check(value: unknown): { ok: true; settings: T } | { ok: false; issues: SettingsIssue[] } {
    const r = this.opts.schema.safeParse(withoutVersion(value));
    return r.success ? { ok: true, settings: r.data } : { ok: false, issues: this.issues(r.error) };
  }

  load(): Promise<LoadResult<T>> {
    return this.serial(() => this.loadNow());
  }

  /**
   * Reads the file again for a change made outside this process (the CLI's setup, an editor), without side
   * effects: an unusable file is neither moved aside nor rewritten — it may be half-saved, and it is the admin's.
   * 'same' when the file holds what this store last loaded or saved (e.g. the echo of our own save).
   */
  reread(): Promise<RereadResult<T>> {
    return this.serial(async () => {
      let text: string | undefined;
      try {
        text = await readIfExists(this.file);
      } catch (err) {
        return { kind: 'unusable', problem: 'unreadable', issues: [], detail: (err as Error).message };
      }
      if (text === undefined) return { kind: 'missing' };
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        return { kind: 'unusable', problem: 'not-json', issues: [], detail: (err as Error).message };
      }
      const v = this.validate(raw);
      if (!v.ok) return { kind: 'unusable', problem: 'invalid', issues: v.issues, detail: v.issues.map((i) => i.text).join('; ') };
      if (this.last !== undefined && isDeepStrictEqual(v.settings, this.last)) return { kind: 'same' };
      this.last = v.settings;
      return { kind: 'changed', settings: v.settings };
    });
  }

  /**
   * Validates and writes atomically the complete new settings. Refuses (nothing is written) invalid settings,
   * secret-looking fields, and an incomplete object: one that leaves out a value whose current value (last load
   * or save; the file when nothing was loaded yet) differs from the default the save would put in its place.
   * Optional values are unset by leaving them out.
   */
  save(value: unknown): Promise<T> {
    return this.serial(async () => {
      const up = this.upgrade(value);
      const checked = up.ok ? this.check(up.value) : up;
      if (!up.ok || !checked.ok) {
        const issues = checked.ok ? [] : checked.issues;
        throw new SettingsStoreError('invalid', `Settings not saved — fix these fields: ${issues.map((i) => i.text).join('; ')}`, issues);
      }
      const current = this.last ?? (await this.loadNow()).settings;
      const leftOut = resetPaths(withoutVersion(up.value), checked.settings, current, '');
      if (leftOut.length) {
        throw new SettingsStoreError(
          'incomplete',
          `Settings not saved: ${leftOut.join(', ')} left out, and saving would reset ${leftOut.length === 1 ? 'it' : 'them'} to the defaults. Send the complete settings (as loaded) with your changes; nothing was changed.`,
          leftOut.map((p) => issue(p, { code: 'settings-left-out', message: 'left out: saving would reset it to its default; send the complete settings (as loaded) with your changes' })),
        );
      }
      await this.write(checked.settings);
      this.last = checked.settings;
      return checked.settings;
    });
  }

  private async loadNow(): Promise<LoadResult<T>> {
    let text: string | undefined;
    try {
      text = await readIfExists(this.file);
    } catch (err) {
      throw new SettingsStoreError('io', `Cannot read the settings file ${this.file}: ${(err as Error).message} — check its permissions.`, [], { cause: err });
    }
    if (text === undefined) return this.done({ settings: this.defaults(), source: 'defaults' });

    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      const backupPath = await this.moveAside('corrupt');
      const note: Message = text.trim() === ''
        ? { code: 'settings-file-moved-empty', params: { file: this.file, backup: backupPath } }
        : { code: 'settings-file-moved-not-json', params: { file: this.file, detail: (err as Error).message, backup: backupPath } };
      return this.withProblem({ kind: 'corrupt', file: this.file, backupPath, issues: [], note, message: renderMessage('en', note) });
    }

    const current = this.opts.version;
    const up = this.upgrade(raw);
    if (!up.ok) return this.invalid(up.issues);
    const from = up.from;
    const checked = this.check(up.value);
    if (!checked.ok) return this.invalid(checked.issues);

    if (from === current) return this.done({ settings: checked.settings, source: 'file' });
    // Keep the old version as it was, then write the upgraded one.
    const backupPath = await this.backupOldVersion(from);
    await this.write(checked.settings);
    this.log.info('settings migrated', { file: this.file, backup: backupPath, ...coded('log-settings-migrated', { from, to: current }) });
    return this.done({ settings: checked.settings, source: 'migrated', migration: { from, to: current, backupPath } });
  }

  private versionOf(raw: unknown): number {
    if (this.opts.versionOf) return this.opts.versionOf(raw);
    const v = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>).version : undefined;
    return typeof v === 'number' ? v : this.opts.version;
  }

  private versionProblem(from: number): SettingsIssue | undefined {
    const current = this.opts.version;
    if (!Number.isInteger(from) || from < 1) return issue('version', describedIssue('settings-version-invalid', `must be a whole number from 1 to ${current}`, { max: current }));
    if (from > current) {
      return issue('version', describedIssue('settings-version-newer', `is ${from}: written by a newer version of the app (this one reads up to ${current}); update the app`, { version: from, max: current }));
    }
    return undefined;
  }

  private async invalid(issues: SettingsIssue[]): Promise<LoadResult<T>> {
    const backupPath = await this.moveAside('invalid');
    const note: Message = { code: 'settings-file-moved-invalid', params: { file: this.file, issues: issues.map((i) => i.text).join('; '), backup: backupPath } };
    return this.withProblem({ kind: 'invalid', file: this.file, backupPath, issues, note, message: renderMessage('en', note) });
  }

  private withProblem(problem: SettingsProblem): LoadResult<T> {
    this.log.warn('settings file unusable; defaults in use', {
      file: problem.file, kind: problem.kind, backup: problem.backupPath, issues: problem.issues.map((i) => i.text), ...coded('log-settings-unusable'),
    });
    return this.done({ settings: this.defaults(), source: 'defaults', problem });
  }

  private done(r: LoadResult<T>): LoadResult<T> {
    this.last = r.settings;
    return r;
  }

  private async write(settings: T): Promise<void> {
    const secrets = findSecretFields(settings);
    if (secrets.length) {
      throw new SettingsStoreError(
        'secret-field',
        `Settings not saved: ${secrets.join(', ')} look${secrets.length === 1 ? 's' : ''} like a secret; secrets belong in the vault, never in the settings file.`,
        secrets.map((p) => issue(p, { code: 'settings-secret-field', message: 'looks like a secret; store it in the vault' })),
      );
    }
    const out = settings && typeof settings === 'object' && !Array.isArray(settings)
      ? { version: this.opts.version, ...(settings as Record<string, unknown>) }
      : settings;
    if (out && typeof out === 'object' && !Array.isArray(out)) (out as Record<string, unknown>).version = this.opts.version;
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(out, null, 2)}\n`);
    } catch (err) {
      throw new SettingsStoreError('io', (err as Error).message, [], { cause: err });
    }
  }

  private async moveAside(kind: 'corrupt' | 'invalid'): Promise<string> {
    const backup = `${this.file}.${kind}-${stamp()}`;
    try {
      await fsp.rename(this.file, backup);
    } catch (err) {
      throw new SettingsStoreError('io', `The settings file ${this.file} is unusable and could not be moved aside (${(err as Error).message}) — check the folder's permissions.`, [], { cause: err });
    }
    return backup;
  }

  private async backupOldVersion(from: number): Promise<string> {
    let backup = `${this.file}.v${from}.bak`;
    try {
      await fsp.copyFile(this.file, backup, fsc.COPYFILE_EXCL);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SettingsStoreError('io', `Cannot back up ${this.file} before migrating it: ${(err as Error).message}`, [], { cause: err });
      backup = `${this.file}.v${from}.bak-${stamp()}`;
      await fsp.copyFile(this.file, backup, fsc.COPYFILE_EXCL);
    }
    return backup;
  }

  private issues(error: z.ZodError): SettingsIssue[] {
    return error.issues.map((i) => issue(i.path.map(String).join('.'), describeSettingsIssue(i)));
  }

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Errors from a migration may carry readable issues (e.g. core's SettingsValidationError, with their codes). */
function issuesFromError(err: unknown): SettingsIssue[] | undefined {
  const list = (err as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.map((x: { path?: unknown; message?: unknown; code?: unknown; params?: unknown }) => {
    const path = typeof x.path === 'string' ? x.path : Array.isArray(x.path) ? x.path.join('.') : '';
    const message = String(x.message ?? x);
    return issue(path, isSettingsIssueCode(x.code)
      ? describedIssue(x.code, message, x.params as MessageParams | undefined)
      : describedIssue('settings-invalid', message, { reason: message }));
  });
}

const SECRET_FIELD = /(password|passwd|passphrase|secret|token|privatekey|apikey)$/;

/** Paths of keys that look like secrets and carry a value (booleans such as hasSecret are fine). */
export function findSecretFields(value: unknown, prefix = '', depth = 0): string[] {
  if (!value || typeof value !== 'object' || depth > 20) return [];
  const found: string[] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const p = prefix ? `${prefix}.${k}` : k;
    const secretKey = !Array.isArray(value) && SECRET_FIELD.test(k.toLowerCase().replace(/[^a-z0-9]/g, ''));
    if (secretKey && ((typeof v === 'string' && v !== '') || (v !== null && typeof v === 'object'))) found.push(p);
    else found.push(...findSecretFields(v, p, depth + 1));
  }
  return found;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Paths the draft leaves out although the parsed result (defaults filled in) differs from the current value
 * there. Sections the draft gives are looked into; lists are values (a list given replaces the list).
 */
function resetPaths(draft: unknown, parsed: unknown, current: unknown, prefix: string): string[] {
  if (!isPlainObject(parsed) || !isPlainObject(current)) return [];
  const out: string[] = [];
  for (const key of Object.keys(parsed)) {
    if (prefix === '' && key === 'version') continue;
    const at = prefix ? `${prefix}.${key}` : key;
    const given = isPlainObject(draft) ? draft[key] : undefined;
    if (given === undefined) {
      if (!isDeepStrictEqual(parsed[key], current[key])) out.push(at);
    } else if (isPlainObject(given)) {
      out.push(...resetPaths(given, parsed[key], current[key], at));
    }
  }
  return out;
}

function withoutVersion(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const { version: _version, ...rest } = raw as Record<string, unknown>;
  return rest;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}
