import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/sync/journal.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'pb-journal-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('Journal', () => {
  it('keeps the value before the first takeover across later writes, and survives a reopen', async () => {
    const file = join(dir, 'journal.json');
    const { journal, problems } = await Journal.open({ file });
    expect(problems).toEqual([]);
    journal.recordPbxWrite('1001', 'dnd', true, false);
    journal.recordPbxWrite('1001', 'chatText', 'Im Gespräch (MS Teams)', 'Mittagspause');
    journal.recordPbxWrite('1001', 'chatText', 'Nicht stören', 'Im Gespräch (MS Teams)');
    await journal.close();
    const again = (await Journal.open({ file })).journal;
    expect(again.get('1001')).toMatchObject({
      dnd: { value: true, before: false },
      chatText: { value: 'Nicht stören', before: 'Mittagspause' },
    });
    again.forgetPbxField('1001', 'dnd');
    again.forgetPbxField('1001', 'chatText');
    expect(again.get('1001')).toBeUndefined(); // nothing left → entry removed
  });

  it('batches many changes into one file write (write-behind)', async () => {
    const file = join(dir, 'journal.json');
    const { journal } = await Journal.open({ file, flushDelayMs: 30 });
    for (let i = 0; i < 2_000; i++) journal.recordPbxWrite(String(1000 + i), 'dnd', i % 2 === 0, null);
    expect(journal.fileWrites).toBe(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(journal.fileWrites).toBe(1);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { users: Record<string, unknown> };
    expect(Object.keys(saved.users)).toHaveLength(2_000);
    await journal.close();
  });

  it('flushNow puts a pending change on disk before it returns, sharing one write between callers', async () => {
    const file = join(dir, 'journal.json');
    const { journal } = await Journal.open({ file, flushDelayMs: 10_000 });
    journal.recordPbxWrite('1001', 'dnd', true, false, { pending: true });
    journal.recordPbxWrite('1002', 'dnd', true, false, { pending: true });
    await Promise.all([journal.flushNow(), journal.flushNow(), journal.flushNow()]);
    expect(journal.fileWrites).toBe(1);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { users: Record<string, { dnd: { pending?: boolean } }> };
    expect(saved.users['1001']!.dnd.pending).toBe(true);
    await journal.close();
  });

  it('moves a corrupt journal aside and starts empty with a readable problem', async () => {
    const file = join(dir, 'journal.json');
    await writeFile(file, '{"version":1,"users":{"1001":{"dnd":');
    const { journal, problems } = await Journal.open({ file });
    expect(journal.logins()).toEqual([]);
    expect(problems[0]).toMatch(/unreadable.*moved to/);
    expect((await readdir(dir)).some((f) => f.startsWith('journal.json.corrupt-'))).toBe(true);
  });
});
