import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { SettingsStore, SettingsStoreError, findSecretFields, type SettingsMigration } from '../../src/platform/settings-store.js';
import { createLogger } from '../../src/platform/logger.js';
import { renderMessage } from '../../src/core/messages/index.js';

// A small schema of our own, shaped like the product's (sections with defaults).
const TestSchema = z.object({
  server: z.object({ url: z.string().url().default('https://pbx.example'), port: z.number().int().min(1).max(65535).default(443) }).prefault({}),
  users: z.object({ selection: z.enum(['all', 'group']).default('all'), group: z.string().optional() }).prefault({}),
  hasAdminPassword: z.boolean().default(false),
  notes: z.record(z.string(), z.unknown()).default({}),
});
type TestSettings = z.output<typeof TestSchema>;

// v1: flat { pbxUrl, group }; v2: { server: { url }, userGroup }; v3 (current): { server, users }.
const migrations: SettingsMigration[] = [
  {
    from: 2,
    migrate: (raw) => {
      const r = raw as { server?: unknown; userGroup?: string };
      return { version: 3, server: r.server, users: r.userGroup ? { selection: 'group', group: r.userGroup } : { selection: 'all' } };
    },
  },
  {
    from: 1,
    migrate: (raw) => {
      const r = raw as { pbxUrl?: string; group?: string };
      return { version: 2, server: { url: r.pbxUrl }, userGroup: r.group };
    },
  },
];

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-settings-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function store(file: string, extra: Partial<ConstructorParameters<typeof SettingsStore<TestSettings>>[0]> = {}): SettingsStore<TestSettings> {
  return new SettingsStore<TestSettings>({ file, schema: TestSchema, version: 3, migrations, ...extra });
}

describe('SettingsStore.load', () => {
  it('returns defaults for a missing file without creating it', async () => {
    const file = path.join(tmp(), 'settings.json');
    const r = await store(file).load();
    expect(r.source).toBe('defaults');
    expect(r.problem).toBeUndefined();
    expect(r.settings.server).toEqual({ url: 'https://pbx.example', port: 443 });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('reads a current file and fills missing fields with defaults', async () => {
    const file = path.join(tmp(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ version: 3, server: { port: 8443 } }));
    const r = await store(file).load();
    expect(r.source).toBe('file');
    expect(r.settings.server).toEqual({ url: 'https://pbx.example', port: 8443 });
  });

  it('migrates an older file through every step in order, keeps the old file as .v1.bak and saves the new version', async () => {
    const dir = tmp();
    const file = path.join(dir, 'settings.json');
    const v1 = JSON.stringify({ version: 1, pbxUrl: 'https://old.pbx', group: 'Support' });
    fs.writeFileSync(file, v1);
    const log = createLogger();
    const r = await store(file, { logger: log }).load();
    expect(r.source).toBe('migrated');
    expect(r.migration).toEqual({ from: 1, to: 3, backupPath: `${file}.v1.bak` });
    expect(r.settings.server.url).toBe('https://old.pbx');
    expect(r.settings.users).toEqual({ selection: 'group', group: 'Support' });
    expect(fs.readFileSync(`${file}.v1.bak`, 'utf8')).toBe(v1);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(saved.version).toBe(3);
    expect(saved.users).toEqual({ selection: 'group', group: 'Support' });
    expect(log.ring.entries().map((e) => e.msg)).toContain('settings migrated');
    // A second load reads the migrated file as it is.
    expect((await store(file).load()).source).toBe('file');
  });

  it('moves an unparsable file aside as .corrupt-<time> and says so', async () => {
    const dir = tmp();
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{"server": {"port": 44');
    const r = await store(file).load();
    expect(r.source).toBe('defaults');
    expect(r.problem?.kind).toBe('corrupt');
    expect(r.problem?.backupPath).toMatch(/settings\.json\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(fs.readFileSync(r.problem!.backupPath, 'utf8')).toBe('{"server": {"port": 44');
    expect(fs.existsSync(file)).toBe(false);
    expect(r.problem?.message).toContain(r.problem!.backupPath);
    expect(r.problem?.message).toMatch(/not valid JSON/);
    // Coded for the settings page's language; the English message is the note rendered.
    expect(r.problem?.note).toMatchObject({ code: 'settings-file-moved-not-json', params: { file, backup: r.problem!.backupPath } });
    expect(renderMessage('en', r.problem!.note)).toBe(r.problem!.message);
    expect(renderMessage('de', r.problem!.note)).toMatch(/^Die Einstellungsdatei .*settings\.json ließ sich nicht lesen: Sie ist kein gültiges JSON \(.+\)\. Sie wurde nach .*settings\.json\.corrupt-.* verschoben/);
  });

  it('treats an empty file as corrupt', async () => {
    const file = path.join(tmp(), 'settings.json');
    fs.writeFileSync(file, '');
    const r = await store(file).load();
    expect(r.problem?.kind).toBe('corrupt');
    expect(r.problem?.message).toMatch(/it is empty/);
    expect(r.problem?.note).toMatchObject({ code: 'settings-file-moved-empty', params: { file, backup: r.problem!.backupPath } });
    expect(renderMessage('en', r.problem!.note)).toBe(r.problem!.message);
  });

  it('moves a file with invalid values aside as .invalid-<time> with readable field issues', async () => {
    const file = path.join(tmp(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ version: 3, server: { port: 70000 }, users: { selection: 'some', group: 5 } }));
    const r = await store(file).load();
    expect(r.source).toBe('defaults');
    expect(r.settings.server.port).toBe(443);
    expect(r.problem?.kind).toBe('invalid');
    expect(r.problem?.backupPath).toMatch(/settings\.json\.invalid-/);
    expect(fs.existsSync(r.problem!.backupPath)).toBe(true);
    const texts = r.problem!.issues.map((i) => i.text);
    expect(texts).toContain('users.group: must be text');
    expect(r.problem!.issues.find((i) => i.path === 'users.group')?.code).toBe('settings-text');
    expect(texts.some((t) => t.startsWith('server.port: '))).toBe(true);
    expect(texts.some((t) => t.startsWith('users.selection: '))).toBe(true);
    expect(r.problem?.message).toContain('users.group: must be text');
    expect(r.problem?.note).toMatchObject({ code: 'settings-file-moved-invalid', params: { file, backup: r.problem!.backupPath } });
    expect(renderMessage('en', r.problem!.note)).toBe(r.problem!.message);
    expect(renderMessage('de', r.problem!.note)).toMatch(/^Die Einstellungsdatei .* enthält ungültige Werte \(.*users\.group: must be text.*\)\. Sie wurde nach .* verschoben, und es gelten die Standardeinstellungen/);
  });

  it('refuses a file from a newer version (moved aside, not overwritten)', async () => {
    const file = path.join(tmp(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ version: 9 }));
    const r = await store(file).load();
    expect(r.problem?.kind).toBe('invalid');
    expect(r.problem?.issues[0]?.text).toMatch(/^version: is 9: written by a newer version/);
    expect(r.problem?.issues[0]).toMatchObject({ code: 'settings-version-newer', params: { version: 9, max: 3 } });
    expect(JSON.parse(fs.readFileSync(r.problem!.backupPath, 'utf8'))).toEqual({ version: 9 });
  });

  it('reports a migration that throws, with the issues it carries', async () => {
    const file = path.join(tmp(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ version: 2 }));
    const failing: SettingsMigration[] = [{ from: 2, migrate: () => { throw Object.assign(new Error('bad'), { issues: [{ path: 'userGroup', message: 'must be text' }] }); } }];
    const r = await store(file, { migrations: failing }).load();
    expect(r.problem?.issues.map((i) => i.text)).toEqual(['userGroup: must be text']);
    // An issue without a code of the closed set keeps its words, as the reason of the catch-all code.
    expect(r.problem?.issues[0]).toMatchObject({ code: 'settings-invalid', params: { reason: 'must be text' } });
  });

  it('keeps the codes of issues a migration throws with, and codes a migration that fails without issues', async () => {
    const file = path.join(tmp(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ version: 2 }));
    const coded: SettingsMigration[] = [{ from: 2, migrate: () => { throw Object.assign(new Error('bad'), { issues: [{ path: 'server.port', code: 'settings-max', params: { n: 9 }, message: 'must be at most 9' }] }); } }];
    const r = await store(file, { migrations: coded }).load();
    expect(r.problem?.issues).toEqual([{ path: 'server.port', code: 'settings-max', params: { n: 9 }, message: 'must be at most 9', text: 'server.port: must be at most 9' }]);
    fs.writeFileSync(file, JSON.stringify({ version: 2 }));
    const plain: SettingsMigration[] = [{ from: 2, migrate: () => { throw new Error('disk on fire'); } }];
    const r2 = await store(file, { migrations: plain }).load();
    expect(r2.problem?.issues[0]).toMatchObject({ code: 'settings-migration-failed', params: { version: 2, reason: 'disk on fire' } });
  });

  it('uses a custom versionOf (e.g. version-less old layouts)', async () => {
    const file = path.join(tmp(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ pbxUrl: 'https://flat.pbx' }));
    const r = await store(file, { versionOf: (raw) => ((raw as Record<string, unknown>).pbxUrl ? 1 : 3) }).load();
    expect(r.source).toBe('migrated');
    expect(r.settings.server.url).toBe('https://flat.pbx');
  });
});

describe('SettingsStore.save', () => {
  it('validates, writes atomically with the version, and round-trips', async () => {
    const dir = tmp();
    const file = path.join(dir, 'settings.json');
    const s = store(file);
    const saved = await s.save({ server: { url: 'https://new.pbx', port: 444 } });
    expect(saved.users.selection).toBe('all');
    expect(s.current).toEqual(saved);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ version: 3, server: { url: 'https://new.pbx', port: 444 } });
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
    expect((await store(file).load()).settings).toEqual(saved);
  });

  it('refuses invalid settings and leaves the file untouched', async () => {
    const file = path.join(tmp(), 'settings.json');
    const s = store(file);
    await s.save({});
    const before = fs.readFileSync(file, 'utf8');
    const err = await s.save({ server: { port: 'x' } }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsStoreError);
    expect((err as SettingsStoreError).code).toBe('invalid');
    expect((err as SettingsStoreError).issues.map((i) => i.text)).toEqual(['server.port: must be a number']);
    expect((err as SettingsStoreError).issues.map((i) => i.code)).toEqual(['settings-number']);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses to save anything that looks like a secret field', async () => {
    const file = path.join(tmp(), 'settings.json');
    const s = store(file);
    const err = await s.save({ hasAdminPassword: true, notes: { adminPassword: 'hunter2', nested: { clientSecret: 'x', accessToken: 'y' } } }).then(() => undefined, (e: unknown) => e);
    expect((err as SettingsStoreError).code).toBe('secret-field');
    expect((err as SettingsStoreError).message).toContain('notes.adminPassword');
    expect((err as SettingsStoreError).message).not.toContain('hunter2');
    expect((err as SettingsStoreError).issues.map((i) => [i.path, i.code])).toEqual([
      ['notes.adminPassword', 'settings-secret-field'], ['notes.nested.clientSecret', 'settings-secret-field'], ['notes.nested.accessToken', 'settings-secret-field'],
    ]);
    expect(fs.existsSync(file)).toBe(false);
    // Booleans that only say whether a secret exists are fine.
    await s.save({ hasAdminPassword: true, notes: { tokenCount: 2 } });
    expect(fs.existsSync(file)).toBe(true);
  });

  it('serialises concurrent saves; the last one wins and the file is always whole', async () => {
    const file = path.join(tmp(), 'settings.json');
    const s = store(file);
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.save({ server: { port: 1000 + i } })));
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as TestSettings).server.port).toBe(1009);
  });
});

describe('SettingsStore.save of an incomplete object (issue 12 item 2: a partial save must not reset the rest)', () => {
  it('refuses a save that leaves out values which differ from their defaults, naming them, and changes nothing', async () => {
    const file = path.join(tmp(), 'settings.json');
    const s = store(file);
    await s.save({ server: { url: 'https://pbx.contoso.example', port: 8443 }, users: { selection: 'group', group: 'Sales' }, hasAdminPassword: true, notes: {} });
    const before = fs.readFileSync(file, 'utf8');
    const err = await s.save({ users: { selection: 'all' } }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsStoreError);
    expect((err as SettingsStoreError).code).toBe('incomplete');
    expect((err as SettingsStoreError).issues.map((i) => i.path)).toEqual(['server', 'hasAdminPassword']);
    expect((err as SettingsStoreError).issues[0]?.message).toBe('left out: saving would reset it to its default; send the complete settings (as loaded) with your changes');
    expect((err as SettingsStoreError).issues.map((i) => i.code)).toEqual(['settings-left-out', 'settings-left-out']);
    expect((err as SettingsStoreError).message).toMatch(/^Settings not saved: server, hasAdminPassword left out/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(s.current?.server.port).toBe(8443);
  });

  it('looks inside the sections it is given: a section with a value left out is refused at that value', async () => {
    const file = path.join(tmp(), 'settings.json');
    const s = store(file);
    await s.save({ server: { url: 'https://pbx.contoso.example', port: 8443 } });
    const err = await s.save({ server: { url: 'https://other.example' } }).then(() => undefined, (e: unknown) => e);
    expect((err as SettingsStoreError).issues.map((i) => i.path)).toEqual(['server.port']);
  });

  it('compares with the file on disk when nothing was loaded yet, and accepts what only fills in defaults', async () => {
    const file = path.join(tmp(), 'settings.json');
    await store(file).save({ server: { url: 'https://pbx.contoso.example', port: 8443 } });
    const fresh = store(file);
    expect((await fresh.save({ users: { selection: 'all' } }).then(() => undefined, (e: unknown) => e) as SettingsStoreError).code).toBe('incomplete');
    // Optional values are unset by leaving them out; values still at their default may be left out.
    const saved = await fresh.save({ server: { url: 'https://pbx.contoso.example', port: 8443 }, users: { selection: 'all' } });
    expect(saved.users).toEqual({ selection: 'all' });
  });
});

describe('findSecretFields', () => {
  it('finds secret-looking keys at any depth, ignoring empty and boolean values', () => {
    expect(findSecretFields({ a: { password: 'x', token: '', hasSecret: true }, list: [{ refresh_token: 'r' }], credential: 'secret' })).toEqual(['a.password', 'list.0.refresh_token']);
  });
});
