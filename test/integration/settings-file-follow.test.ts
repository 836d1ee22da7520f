// A change to the settings file made outside the running app — `presence-bridge setup` on the same folder, an
// editor — is applied live like a save from the window: audited ("in the settings file"), visible to the page, and
// not overwritten by the window's next save. An unusable change is left alone (not moved aside) and explained.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../../src/control/dispatch.js';
import type { Settings } from '../../src/core/settings.js';
import { createLogger, type RootLogger } from '../../src/platform/logger.js';
import { createSettingsStore } from '../../src/platform/product-settings.js';
import { MemorySecretStore } from '../../src/platform/vault.js';
import { createEngineService, type EngineService } from '../../src/control/service.js';

let dir: string;
let file: string;
let service: EngineService;
let logger: RootLogger;

async function call<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
  const reply = await dispatch(service.api, { method, params });
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

const saves = (by?: string) => logger.ring.entries().filter((e) => e.code === 'audit.settingsSaved' && (!by || e.params?.['by'] === by));

/** What the CLI's setup does: its own store on the same file. */
async function saveFromOutside(change: (s: Settings) => Settings): Promise<void> {
  const other = createSettingsStore(file);
  const { settings } = await other.load();
  await other.save(change(settings));
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-follow-'));
  file = path.join(dir, 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ version: 2, ui: { language: 'de' } }));
  logger = createLogger({ level: 'debug' });
  service = await createEngineService({ dataDir: dir, logger, secrets: new MemorySecretStore({}), tuning: { withoutCallbacks: true } });
});

afterEach(async () => {
  await service?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('settings changed outside the running app', () => {
  it('applies a change the command line saved, live: audited as a save in the settings file, announced to the page', async () => {
    const events: string[] = [];
    const off = service.api.subscribe((e) => { if (e.type === 'settings.changed') events.push(e.data.settings.rules.offline.chatText); });
    await saveFromOutside((s) => ({ ...s, rules: { ...s.rules, offline: { ...s.rules.offline, chatText: 'Außer Haus' } } }));
    await vi.waitFor(() => expect(service.host.settings.rules.offline.chatText).toBe('Außer Haus'), { timeout: 5_000 });
    expect(events).toContain('Außer Haus');
    expect((await call<{ settings: Settings }>('settings.get')).settings.rules.offline.chatText).toBe('Außer Haus');
    expect(saves('file')).toHaveLength(1);
    expect(saves('file')[0]!.params).toMatchObject({ sections: 'rules', by: 'file' });
    expect(saves('file')[0]!.level).toBe('info');
    off();
  });

  it('a save from the window is audited once, not echoed back as a change in the file', async () => {
    const { settings } = await call<{ settings: Settings }>('settings.get');
    await call('settings.save', { settings: { ...settings, log: { ...settings.log, level: 'warn' } } });
    // Longer than the watcher's quiet period: an echo would have been applied by now.
    await new Promise((r) => setTimeout(r, 800));
    expect(saves('ui')).toHaveLength(1);
    expect(saves('file')).toHaveLength(0);
  });

  it('a later save from the window keeps what the command line changed', async () => {
    await saveFromOutside((s) => ({ ...s, sync: { ...s.sync, pollIntervalSeconds: 7 } }));
    await vi.waitFor(() => expect(service.host.settings.sync.pollIntervalSeconds).toBe(7), { timeout: 5_000 });
    const { settings } = await call<{ settings: Settings }>('settings.get');
    await call('settings.save', { settings: { ...settings, log: { ...settings.log, level: 'warn' } } });
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Settings;
    expect(stored.sync.pollIntervalSeconds).toBe(7);
    expect(stored.log.level).toBe('warn');
  });

  it('leaves an unusable file alone (half-saved JSON, an invalid value), keeps running on its settings and says what to fix', async () => {
    const before = structuredClone(service.host.settings);
    fs.writeFileSync(file, '{"version": 2, "sync": {');
    await vi.waitFor(() => expect(logger.ring.entries({ level: 'warn' }).some((e) => e.msg.includes('was changed outside the app and is not valid JSON'))).toBe(true), { timeout: 5_000 });
    // Coded, so a German Log page shows it in German.
    expect(logger.ring.entries({ level: 'warn' }).find((e) => e.msg.includes('is not valid JSON'))).toMatchObject({ code: 'log-settings-file-not-json', params: { file } });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version": 2, "sync": {'); // not moved aside, not rewritten
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('settings.json.'))).toEqual([]);
    expect(service.host.settings).toEqual(before);
    const got = await call<{ problems: string[]; problemCodes: unknown[] }>('settings.get');
    const i = got.problems.findIndex((p) => p.includes('is not valid JSON'));
    expect(i).toBeGreaterThanOrEqual(0);
    // The note has the code the log line has, so the settings page shows it in German too.
    expect(got.problemCodes[i]).toMatchObject({ code: 'log-settings-file-not-json', params: { file } });

    fs.writeFileSync(file, JSON.stringify({ version: 2, sync: { pollIntervalSeconds: -1 } }));
    await vi.waitFor(() => expect(logger.ring.entries({ level: 'warn' }).some((e) => e.msg.includes('has invalid values (sync.pollIntervalSeconds'))).toBe(true), { timeout: 5_000 });
    const notes = (await call<{ problems: string[] }>('settings.get')).problems.filter((p) => p.includes('was changed outside the app'));
    expect(notes).toHaveLength(1); // the newer note replaces the older one
    expect(service.host.settings).toEqual(before);

    // Fixed in the file: applied, and the note is gone.
    await saveFromOutside((s) => ({ ...s, ui: { ...s.ui, language: 'en' } }));
    await vi.waitFor(() => expect(service.host.settings.ui.language).toBe('en'), { timeout: 5_000 });
    expect((await call<{ problems: string[] }>('settings.get')).problems.filter((p) => p.includes('was changed outside the app'))).toEqual([]);
  });
});
