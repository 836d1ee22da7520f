// Saving settings that point the bridge at another PBX while the old one does not answer (HTTP 503,
// connection refused): the values the bridge set there are not forgotten — the status says who is left on the
// previous PBX, they are restored there as soon as it answers (sync on or off), and the new PBX is synced
// meanwhile. Switching back to the old PBX with sync off finishes the restore as well.
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/core/settings.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/index.js';
import { waitFor } from '../integration/sync-helpers.js';
import { bridgeTouchesEveryone, startFaultWorld, type FaultWorld, type PbxFault } from './fault-world.js';

async function pointAt(w: FaultWorld, baseUrl: string): Promise<void> {
  const { settings } = await w.call<{ settings: Settings }>('settings.get');
  const r = await w.call<{ ok: boolean; issues: unknown[] }>('settings.save', { settings: { ...settings, starface: { ...settings.starface, baseUrl } } });
  expect(r).toEqual({ ok: true, issues: [] });
}

/** Every user on the new PBX shows what Teams says: three in DND ("Nicht stören"), the others "Offline". */
function followsTeams(b: StarfaceSimulator, logins: string[], dnd: string[]): boolean {
  return logins.every((l) => {
    const u = b.pbx.user(l)!;
    return u.dnd === dnd.includes(l) && u.chatPresenceMessage === (dnd.includes(l) ? 'Nicht stören' : 'Offline');
  });
}

describe('another PBX', () => {
  it('with the old PBX reachable, the save puts back what the bridge set there before it switches', async () => {
    const w = await startFaultWorld({ users: 4 });
    const b = await startStarfaceSimulator({ users: 4 });
    try {
      const dnd = await bridgeTouchesEveryone(w);
      await pointAt(w, b.url);
      expect(w.checkAllBack()).toEqual([]);
      expect(w.service.host.syncStatus().restore?.notRestored ?? 0).toBe(0);
      await waitFor(() => followsTeams(b, w.logins, dnd), 15_000, 'the new PBX follows Teams');
    } finally {
      await w.close();
      await b.close();
    }
  });
});

describe.each<PbxFault>(['http503', 'refused'])('another PBX while the old one is unreachable (%s)', (fault) => {
  it('restores the old PBX as soon as it answers, syncs the new one meanwhile, and says so in the status', async () => {
    // Every restore the save waits for meets the old PBX down (the one once it answers runs in the background).
    const w = await startFaultWorld({ users: 4, restoreTimeoutMs: 500 });
    const b = await startStarfaceSimulator({ users: 4 });
    try {
      const n = w.logins.length;
      const dnd = await bridgeTouchesEveryone(w);
      await w.pbxDown(fault);
      await pointAt(w, b.url);
      // Nothing is claimed: the status names the users left on the previous PBX and why.
      await waitFor(() => (w.service.host.syncStatus().restore?.notRestored ?? 0) === n, 10_000, 'restore report');
      expect(w.service.host.syncStatus().restore).toMatchObject({ notRestored: n, reason: 'pbx-unreachable', pbx: w.gate.url });
      expect((await w.call<{ sync: { restore?: { notRestored: number } } }>('state.snapshot')).sync.restore?.notRestored).toBe(n);
      await waitFor(() => followsTeams(b, w.logins, dnd), 15_000, 'the new PBX follows Teams');
      expect(w.notBack()).toHaveLength(n);

      await w.pbxUp();
      await w.waitAllBack('the previous PBX restored once it answers', 15_000);
      await waitFor(() => !w.service.host.syncStatus().restore?.notRestored, 5_000, 'report cleared');
      expect(followsTeams(b, w.logins, dnd)).toBe(true);
    } finally {
      await w.close();
      await b.close();
    }
  });

  it('back on the old PBX with sync off, what was left there is restored as soon as it answers', async () => {
    const w = await startFaultWorld({ users: 4 });
    const b = await startStarfaceSimulator({ users: 4 });
    try {
      const bBefore = new Map(w.logins.map((l) => [l, { ...b.pbx.user(l)! }]));
      const dnd = await bridgeTouchesEveryone(w);
      await w.pbxDown(fault);
      await pointAt(w, b.url);
      await waitFor(() => followsTeams(b, w.logins, dnd), 15_000, 'the new PBX follows Teams');
      // Sync off (restoring the new PBX), then back to the old one, which is still down.
      await w.call('sync.stop', { restore: true });
      expect(w.logins.filter((l) => b.pbx.user(l)!.dnd !== bBefore.get(l)!.dnd || b.pbx.user(l)!.chatPresenceMessage !== bBefore.get(l)!.chatPresenceMessage)).toEqual([]);
      await pointAt(w, w.gate.url);
      expect(w.service.host.settings.sync.enabled).toBe(false);
      await waitFor(() => (w.service.host.syncStatus().restore?.notRestored ?? 0) === w.logins.length, 10_000, 'restore report');
      await w.pbxUp();
      await w.waitAllBack('the old PBX restored with sync off', 15_000);
    } finally {
      await w.close();
      await b.close();
    }
  });
});
