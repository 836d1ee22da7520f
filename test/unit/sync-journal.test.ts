import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetPbxField, recordPbxWrite } from '../../src/core/journal.js';
import { JournalStore } from '../../src/sync/journal.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'pb-journal-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('JournalStore', () => {
  it('persists entries and what they replaced, and survives a reopen', async () => {
    const file = join(dir, 'journal.json');
    const { journal, problems } = await JournalStore.open({ file });
    expect(problems).toEqual([]);
    let e = journal.entry('1001', 1);
    e = recordPbxWrite(e, { field: 'dnd', value: true }, false, 1);
    e = recordPbxWrite(e, { field: 'chatText', value: 'Im Gespräch (MS Teams)' }, 'Mittagspause', 2);
    journal.set('1001', e);
    await journal.close();
    const again = (await JournalStore.open({ file })).journal;
    expect(again.get('1001')).toMatchObject({
      pbx: { dnd: { value: true, replaced: false }, chatText: { value: 'Im Gespräch (MS Teams)', replaced: 'Mittagspause' } },
    });
    // Nothing left to restore → the entry is dropped.
    let f = again.get('1001')!;
    f = forgetPbxField(forgetPbxField(f, 'dnd', 3), 'chatText', 3);
    again.set('1001', f);
    expect(again.get('1001')).toBeUndefined();
  });

  it('batches many changes into one file write (write-behind)', async () => {
    const file = join(dir, 'journal.json');
    const { journal } = await JournalStore.open({ file, flushDelayMs: 30 });
    for (let i = 0; i < 2_000; i++) {
      const login = String(1000 + i);
      journal.set(login, recordPbxWrite(journal.entry(login, 0), { field: 'dnd', value: i % 2 === 0 }, undefined, 0));
    }
    expect(journal.fileWrites).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(journal.fileWrites).toBe(1);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(saved.entries)).toHaveLength(2_000);
    await journal.close();
  });

  it('flushNow puts a change on disk before it returns, sharing one write between concurrent callers', async () => {
    const file = join(dir, 'journal.json');
    const { journal } = await JournalStore.open({ file, flushDelayMs: 10_000 });
    journal.set('1001', recordPbxWrite(journal.entry('1001', 0), { field: 'dnd', value: true }, false, 0));
    journal.set('1002', recordPbxWrite(journal.entry('1002', 0), { field: 'dnd', value: true }, false, 0));
    await Promise.all([journal.flushNow(), journal.flushNow(), journal.flushNow()]);
    expect(journal.fileWrites).toBe(1);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, { pbx: { dnd: { value: boolean } } }> };
    expect(saved.entries['1002']!.pbx.dnd.value).toBe(true);
    await journal.close();
  });

  it('moves a corrupt journal aside and starts empty with a readable problem', async () => {
    const file = join(dir, 'journal.json');
    await writeFile(file, '{"version":1,"entries":{"1001":{"pbx":');
    const { journal, problems } = await JournalStore.open({ file });
    expect(journal.logins()).toEqual([]);
    expect(problems[0]).toMatch(/unreadable.*moved to/);
    expect((await readdir(dir)).some((f) => f.startsWith('journal.json.corrupt-'))).toBe(true);
  });

  it('drops single bad entries but keeps the others', async () => {
    const file = join(dir, 'journal.json');
    const good = recordPbxWrite({ user: '1001', pbx: {}, updatedAt: 0 }, { field: 'dnd', value: true }, false, 0);
    await writeFile(file, JSON.stringify({ version: 1, savedAt: 'x', entries: { '1001': good, '1002': { user: '1002', pbx: { dnd: 'yes' } } } }));
    const { journal, problems } = await JournalStore.open({ file });
    expect(journal.logins()).toEqual(['1001']);
    expect(problems).toEqual([expect.stringContaining('"1002" was dropped')]);
  });
});
