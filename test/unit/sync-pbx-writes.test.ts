// PbxWriter's journal records around writes recorded ahead by a poll cycle. The PBX is a recording stand-in for
// the port (the fault suite test/faults/crash-during-writes.test.ts drives the same path over real sockets).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PbxWrite } from '../../src/core/diff.js';
import { recordPbxIntent } from '../../src/core/journal.js';
import { ManualClock } from '../../src/platform/clock.js';
import { silentLogger } from '../../src/platform/logger.js';
import { JournalStore } from '../../src/sync/journal.js';
import { PbxWriter } from '../../src/sync/pbx-writes.js';
import type { PbxPort } from '../../src/sync/ports.js';
import type { SyncCounters } from '../../src/sync/status-reporter.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'pb-writer-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const U = '1001';
const DND_OFF: PbxWrite = { field: 'dnd', value: false };
const TEXT: PbxWrite = { field: 'chatText', value: 'Verfügbar' };

async function world() {
  const clock = new ManualClock();
  const { journal } = await JournalStore.open({ file: join(dir, 'journal.json'), clock });
  const sent: PbxWrite[] = [];
  const pbx = {
    setDnd: async (_l: string, on: boolean) => { sent.push({ field: 'dnd', value: on }); },
    setChatText: async (_l: string, text: string) => { sent.push({ field: 'chatText', value: text }); },
    setChatPresence: async () => undefined,
  } as unknown as PbxPort;
  const counters: SyncCounters = { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0, failedWrites: 0 };
  const writer = new PbxWriter({ pbx, journal, clock, log: silentLogger, counters });
  // Left by a kill -9 during "DND off": the user had DND on before the bridge; the write may have taken effect.
  journal.set(U, recordPbxIntent(journal.entry(U, clock.now()), DND_OFF, true, clock.now()));
  // The chat text is read; DND is not yet (a cycle records a write ahead only where the value it replaces is known).
  const rt = { user: { login: U, microsoftId: 'id-1001' }, known: { chatText: '' } };
  return { clock, journal, writer, sent, rt };
}

describe('PbxWriter (PBX port stand-in)', () => {
  it('a cycle planning the same write as one left by a crash does not take that record back when the worker drops its intents', async () => {
    const { journal, writer, rt } = await world();
    const left = journal.get(U)!.pbx.dnd;
    writer.recordAhead(rt, [DND_OFF, TEXT], journal.get(U)!);
    expect(writer.withoutUnsent(U, journal.get(U)!).pbx.dnd).toEqual(left);
    writer.dropUnsent(U);
    expect(journal.get(U)!.pbx.dnd).toEqual(left);
    expect(journal.get(U)!.pbx.chatText).toBeUndefined();
    await journal.close();
  });

  it('a worker that writes only part of what the cycle recorded ahead keeps the record a crash left', async () => {
    const { journal, writer, rt, sent } = await world();
    writer.recordAhead(rt, [DND_OFF, TEXT], journal.get(U)!);
    // The session's first read shows DND off now: the worker only writes the text.
    const stored = journal.get(U)!;
    await writer.write({ ...rt, known: { dnd: false, chatText: '' } }, [TEXT], writer.withoutUnsent(U, stored), stored);
    expect(sent).toEqual([TEXT]);
    expect(journal.get(U)!.pbx.dnd).toMatchObject({ value: false, replaced: true });
    expect(journal.get(U)!.pbx.chatText).toMatchObject({ value: 'Verfügbar', replaced: '' });
    await journal.close();
  });
});
