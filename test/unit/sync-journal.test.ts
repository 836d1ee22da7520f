import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetPbxField, recordPbxIntent, recordPbxWrite } from '../../src/core/journal.js';
import { JournalStore } from '../../src/sync/journal.js';
import { renderMessage } from '../../src/core/messages/index.js';

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
    e = recordPbxWrite(e, { field: 'chatText', value: 'Im Anruf (MS Teams)' }, 'Mittagspause', 2);
    journal.set('1001', e);
    await journal.close();
    const again = (await JournalStore.open({ file })).journal;
    expect(again.get('1001')).toMatchObject({
      pbx: { dnd: { value: true, replaced: false }, chatText: { value: 'Im Anruf (MS Teams)', replaced: 'Mittagspause' } },
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
    await vi.waitFor(() => expect(journal.fileWrites).toBeGreaterThan(0), { timeout: 5_000, interval: 10 });
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

  it('write intents recorded one after another share one write (group commit); each is on disk when its flush resolves', async () => {
    const file = join(dir, 'journal.json');
    const { journal } = await JournalStore.open({ file, flushDelayMs: 10_000 });
    // Like an apply batch: each worker records its intent and waits for the flush before writing to the PBX.
    const flushed: string[] = [];
    const workers = Array.from({ length: 8 }, (_, i) => String(1001 + i)).map((login) => {
      journal.set(login, recordPbxIntent(journal.entry(login, 0), { field: 'dnd', value: true }, false, 0));
      return journal.flushNow().then(async () => {
        const saved = JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, { pbx: { dnd?: { unconfirmed?: boolean } } }> };
        if (saved.entries[login]?.pbx.dnd?.unconfirmed) flushed.push(login);
      });
    });
    await Promise.all(workers);
    expect(journal.fileWrites).toBe(1);
    expect(flushed).toHaveLength(8);
    await journal.close();
  });

  it('a change made while a write is under way waits for the next write', async () => {
    const file = join(dir, 'journal.json');
    const { journal } = await JournalStore.open({ file, flushDelayMs: 10_000 });
    journal.set('1001', recordPbxWrite(journal.entry('1001', 0), { field: 'dnd', value: true }, false, 0));
    const first = journal.flushNow();
    // The group commit takes its snapshot after this tick: B comes after it.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    journal.set('1002', recordPbxWrite(journal.entry('1002', 0), { field: 'dnd', value: true }, false, 0));
    await journal.flushNow();
    await first;
    const saved = JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(saved.entries).sort()).toEqual(['1001', '1002']);
    expect(journal.fileWrites).toBe(2);
    await journal.close();
  });

  it('a failed flush rejects every caller that shared it, and the next flush writes again', async () => {
    const blocker = join(dir, 'not-a-dir');
    const file = join(blocker, 'journal.json');
    const { journal } = await JournalStore.open({ file, flushDelayMs: 10_000 });
    await writeFile(blocker, 'x'); // the journal's folder is a file now: every write fails
    journal.set('1001', recordPbxWrite(journal.entry('1001', 0), { field: 'dnd', value: true }, false, 0));
    const results = await Promise.allSettled([journal.flushNow(), journal.flushNow()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(journal.fileWrites).toBe(0);
    await rm(blocker);
    await journal.flushNow();
    expect(journal.fileWrites).toBe(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ entries: { '1001': { pbx: { dnd: { value: true } } } } });
    await journal.close();
  });

  it('moves a corrupt journal aside and starts empty with a readable problem', async () => {
    const file = join(dir, 'journal.json');
    await writeFile(file, '{"version":1,"entries":{"1001":{"pbx":');
    const { journal, problems, notes } = await JournalStore.open({ file });
    expect(journal.logins()).toEqual([]);
    expect(problems[0]).toMatch(/unreadable.*moved to/);
    expect(notes).toEqual([{ code: 'journal-moved-aside', params: { file, backup: expect.stringMatching(/journal\.json\.corrupt-/) } }]);
    expect(renderMessage('en', notes[0]!)).toBe(problems[0]);
    expect(renderMessage('de', notes[0]!)).toMatch(/^Das Eigentumsjournal .*journal\.json war nicht lesbar und wurde nach .*journal\.json\.corrupt-\d+ verschoben\./);
    expect((await readdir(dir)).some((f) => f.startsWith('journal.json.corrupt-'))).toBe(true);
  });

  it('drops single bad entries but keeps the others', async () => {
    const file = join(dir, 'journal.json');
    const good = recordPbxWrite({ user: '1001', pbx: {}, updatedAt: 0 }, { field: 'dnd', value: true }, false, 0);
    await writeFile(file, JSON.stringify({ version: 1, savedAt: 'x', entries: { '1001': good, '1002': { user: '1002', pbx: { dnd: 'yes' } } } }));
    const { journal, problems, notes } = await JournalStore.open({ file });
    expect(journal.logins()).toEqual(['1001']);
    expect(problems).toEqual([expect.stringContaining('"1002" was dropped')]);
    expect(notes).toEqual([{ code: 'journal-entry-dropped', params: { key: '1002', reason: expect.any(String) } }]);
    expect(renderMessage('en', notes[0]!)).toBe(problems[0]);
    expect(renderMessage('de', notes[0]!)).toMatch(/^Der Eintrag „1002“ im Eigentumsjournal wurde verworfen: /);
  });
});
