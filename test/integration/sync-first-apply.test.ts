// DND-on writes are journaled before they are sent — checked at the PBX: the moment the simulator applies a
// user's DND, the journal file on disk already holds it — but the write-ahead flushes of writes made together
// share one file write (group commit) instead of one file write and fsync per user. 200 users, both simulators
// over real sockets.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncWorld, waitFor, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;
let people: string[];
/** DND-on writes the PBX received while the journal on disk did not hold them yet. */
const unjournaled: string[] = [];
let dndOnWrites = 0;

beforeAll(async () => {
  w = await startSyncWorld({ users: 200, start: false });
  people = w.env.starface.users.filter((u) => !u.admin).map((u) => u.login);
  for (const login of people) {
    const user = w.env.starface.pbx.user(login)!;
    let dnd = user.dnd;
    Object.defineProperty(user, 'dnd', {
      configurable: true,
      enumerable: true,
      get: () => dnd,
      set: (v: boolean) => {
        if (v && !dnd) {
          dndOnWrites++;
          const onDisk = JSON.parse(readFileSync(w.env.journalFile, 'utf8')) as { entries: Record<string, { pbx: { dnd?: { value: boolean } } }> };
          if (onDisk.entries[login]?.pbx.dnd?.value !== true) unjournaled.push(login);
        }
        dnd = v;
      },
    });
  }
}, 60_000);

afterAll(async () => {
  await w?.close();
});

const inDnd = (logins: string[], text: string): boolean => logins.every((l) => w.pbxUser(l).dnd && w.pbxUser(l).chatPresenceMessage === text);

describe('write-ahead journal flushes', () => {
  it('first apply after start-up: every DND-on write is on disk before the PBX gets it, in far fewer file writes than users', async () => {
    const dndUsers = people.slice(0, 120);
    for (const l of dndUsers) w.setTeams(l, 'DoNotDisturb');
    const journal = w.service.host.journal;
    const writesBefore = journal.fileWrites;
    await w.service.start();
    await waitFor(() => inDnd(dndUsers, 'Nicht stören'), 30_000, 'DND written');
    await w.service.host.syncEngine!.idle();
    expect(dndOnWrites).toBe(dndUsers.length);
    expect(unjournaled).toEqual([]);
    // One flush per user before; the sessions log in one by one, so writes only partly coincide.
    expect(journal.fileWrites - writesBefore).toBeLessThanOrEqual(dndUsers.length / 2);
  });

  it('one cycle with many DND-on writes: the writes of an apply batch share a journal write', async () => {
    const others = people.slice(120);
    await waitFor(() => others.every((l) => w.pbxUser(l).chatPresenceMessage === 'Offline'), 30_000, 'the others converged');
    await w.service.host.syncEngine!.idle();
    const journal = w.service.host.journal;
    const writesBefore = journal.fileWrites;
    dndOnWrites = 0;
    for (const l of others) w.setTeams(l, 'DoNotDisturb', 'Presenting');
    await waitFor(() => inDnd(others, 'Nicht stören – Präsentiert'), 30_000, 'DND written');
    await w.service.host.syncEngine!.idle();
    expect(dndOnWrites).toBe(others.length);
    expect(unjournaled).toEqual([]);
    // 80 writes, up to sync.applyConcurrency at a time: one journal write per user before.
    expect(journal.fileWrites - writesBefore).toBeLessThanOrEqual(others.length / 2);
  });
});
