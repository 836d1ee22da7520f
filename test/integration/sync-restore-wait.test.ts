// A restore for a user whose UCI session is still logging in runs the moment the session connects, not when a
// blind backoff happens to expire (which, with hundreds of logins, either delays it by seconds or gives up
// before the last session is in). 200 users, sync off with a journal left from before: start restores them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPbxWrite } from '../../src/core/journal.js';
import { NO_FAULTS } from '../../src/simulators/starface/options.js';
import { FAST_TUNING, startSyncWorld, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;
let people: string[];

beforeAll(async () => {
  w = await startSyncWorld({
    users: 200,
    start: false,
    // Few logins at a time: the logins take a few seconds, so most restores meet a session still logging in.
    settings: (s) => ({ ...s, starface: { ...s.starface, maxConcurrentLogins: 4 }, sync: { ...s.sync, enabled: false, restoreOnStop: true } }),
    // A long backoff: a restore retried by its timer instead of the login would be seconds late.
    tuning: { ...FAST_TUNING, engine: { ...FAST_TUNING.engine, applyRetry: { baseDelayMs: 5_000, maxAttempts: 3 } } },
  });
  people = w.env.starface.users.filter((u) => !u.admin).map((u) => u.login);
  const journal = w.service.host.journal;
  const now = Date.now();
  for (const login of people) {
    // The bridge had written this text over the user's own one before it was stopped.
    journal.set(login, recordPbxWrite(journal.entry(login, now), { field: 'chatText', value: 'Im Teams-Meeting' }, 'Eigener Text', now));
    w.env.starface.pbx.user(login)!.chatPresenceMessage = 'Im Teams-Meeting';
  }
  await journal.flushNow();
  w.env.starface.pbx.faults = { ...NO_FAULTS, delayMs: 15 };
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('restore waits for the session', () => {
  it('restores every user right after their session connects', async () => {
    const pbx = w.env.starface.pbx;
    let allConnectedAt: number | undefined;
    let allRestoredAt: number | undefined;
    const sampler = setInterval(() => {
      const now = Date.now();
      if (allConnectedAt === undefined && pbx.sessionCount() >= people.length) allConnectedAt = now;
      if (allRestoredAt === undefined && people.every((l) => pbx.user(l)!.chatPresenceMessage === 'Eigener Text')) allRestoredAt = now;
    }, 5);
    try {
      await w.service.start(); // sync is off: restores the journal and logs out again
    } finally {
      clearInterval(sampler);
    }
    expect(people.filter((l) => pbx.user(l)!.chatPresenceMessage !== 'Eigener Text')).toEqual([]);
    expect(w.service.host.journal.logins()).toEqual([]);
    expect(pbx.sessionCount()).toBe(0);
    expect(allConnectedAt).toBeDefined();
    expect(allRestoredAt).toBeDefined();
    // Woken by the logins: done well before the 5 s backoff could have run them.
    expect(allRestoredAt! - allConnectedAt!).toBeLessThan(1_000);
    expect(w.service.host.syncEngine!.diagnostics().queue).toMatchObject({ failed: 0 });
    expect(w.service.host.syncEngine!.diagnostics().queue.woken).toBeGreaterThan(0);
  });
});
