import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordPbxWrite, recordTeamsSessionSet } from '../../src/core/journal.js';
import { SettingsSchema, type Settings } from '../../src/core/settings.js';
import { silentLogger } from '../../src/platform/logger.js';
import { adoptJournal, connectionOf, leftoverFile, leftoverFiles, pbxKey, switchOf } from '../../src/sync/connection-switch.js';
import { JournalStore } from '../../src/sync/journal.js';

const settings = (baseUrl: string, tenantId = '11111111-2222-3333-4444-555555555555', proxyUrl?: string): Settings => SettingsSchema.parse({
  starface: { baseUrl, adminLogin: '0001' },
  microsoft: { tenantId, clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' },
  ...(proxyUrl ? { network: { proxyUrl } } : {}),
});

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'pb-switch-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('connection identity', () => {
  it('one PBX whatever the spelling of its address; another host, port or scheme is another PBX', () => {
    expect(pbxKey('https://PBX.example.com/')).toBe(pbxKey('https://pbx.example.com'));
    expect(pbxKey('https://pbx.example.com:443')).toBe(pbxKey('https://pbx.example.com'));
    expect(pbxKey('https://pbx2.example.com')).not.toBe(pbxKey('https://pbx.example.com'));
    expect(pbxKey('http://pbx.example.com')).not.toBe(pbxKey('https://pbx.example.com'));
    expect(switchOf(settings('https://a.example.com'), settings('https://A.example.com/'))).toEqual({ pbx: false, teams: false });
    expect(switchOf(settings('https://a.example.com'), settings('https://b.example.com', '99999999-2222-3333-4444-555555555555'))).toEqual({ pbx: true, teams: true });
  });

  it('records what reaches the PBX again, but never a proxy password', () => {
    const c = connectionOf(settings('https://a.example.com', undefined, 'http://user:secret@proxy.example.com:3128'));
    expect(c.starface.baseUrl).toBe('https://a.example.com');
    expect(JSON.stringify(c)).not.toContain('secret');
    expect(c.network.proxyUrl).toBe('http://proxy.example.com:3128/');
  });
});

describe('adopting the journal for the configured connection', () => {
  it('moves PBX values of a previous PBX to its leftover journal, drops sessions of a previous tenant, and takes them back on return', async () => {
    const file = join(dir, 'journal.json');
    const a = settings('https://a.example.com');
    const b = settings('https://b.example.com', '99999999-2222-3333-4444-555555555555');
    const { journal } = await JournalStore.open({ file });
    await adoptJournal(journal, connectionOf(a), silentLogger);
    let e = recordPbxWrite(journal.entry('1001', 1), { field: 'dnd', value: true }, false, 1);
    e = recordTeamsSessionSet(e, { availability: 'Busy', activity: 'InACall' }, 1);
    journal.set('1001', e);

    await adoptJournal(journal, connectionOf(b), silentLogger);
    expect(journal.get('1001')).toBeUndefined();
    expect(await leftoverFiles(file)).toEqual([leftoverFile(file, pbxKey('https://a.example.com'))]);
    const left = JSON.parse(await readFile(leftoverFile(file, pbxKey('https://a.example.com')), 'utf8')) as { connection: { pbx: string }; entries: Record<string, { pbx: unknown; restoreDue?: boolean }> };
    expect(left.connection.pbx).toBe('https://a.example.com');
    expect(left.entries['1001']).toMatchObject({ pbx: { dnd: { value: true, replaced: false } }, restoreDue: true });

    // Back on PBX a: its values are the journal's again, due for restore; the leftover file is gone.
    await adoptJournal(journal, connectionOf(a), silentLogger);
    expect(journal.get('1001')).toMatchObject({ pbx: { dnd: { value: true, replaced: false } }, restoreDue: true });
    expect(await leftoverFiles(file)).toEqual([]);
    await journal.close();
  });
});
