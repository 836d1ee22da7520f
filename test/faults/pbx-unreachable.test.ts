// A PBX that does not answer (HTTP 503 during maintenance, or nothing listening: connection refused) while the
// bridge stops with restore, restarts, or starts with sync off: the bridge never claims a restore it did not
// make — the reply of sync.stop and state.snapshot say who is left and why — and it puts every user back as
// soon as the PBX answers again, with sync on or off.
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/control/contract.js';
import { waitFor } from '../integration/sync-helpers.js';
import { bridgeTouchesEveryone, startFaultWorld, type PbxFault } from './fault-world.js';
import { checkUser } from './figures.js';

describe.each<PbxFault>(['http503', 'refused'])('PBX unreachable (%s)', (fault) => {
  // The first two tests wait for a restore only while the PBX is down (the restores once it answers run in the
  // background): a short restore timeout proves "not restored" as well as the usual 2 s.
  it('a stop with restore says in its reply and in state.snapshot who is not restored, and restores them as soon as the PBX answers', async () => {
    const w = await startFaultWorld({ users: 4, restoreTimeoutMs: 500 });
    try {
      await bridgeTouchesEveryone(w);
      await w.pbxDown(fault);
      const reply = await w.call<SyncStatus>('sync.stop', { restore: true });
      const n = w.logins.length;
      expect(reply.state).toBe('stopped');
      expect(reply.reason).toBe(`stopped; ${n} of ${n} users not restored: PBX unreachable; they are restored as soon as the PBX answers again, at the latest at the next start.`);
      expect(reply.restore).toMatchObject({ total: n, restored: 0, notRestored: n, reason: 'pbx-unreachable' });
      expect([...reply.restore!.logins].sort()).toEqual([...w.logins].sort());
      const snap = await w.call<{ sync: SyncStatus }>('state.snapshot');
      expect(snap.sync.restore).toEqual(reply.restore);
      expect(w.notBack()).toHaveLength(n);

      await w.pbxUp();
      await w.waitAllBack('users restored once the PBX answers');
      await waitFor(() => w.service.host.syncStatus().restore?.notRestored === 0, 5_000, 'report updated');
      expect(w.service.host.syncStatus()).toMatchObject({ state: 'stopped', reason: 'stopped; values restored', restore: { total: n, restored: n, notRestored: 0, logins: [] } });
    } finally {
      await w.close();
    }
  });

  it('users left by a stop are restored by the next start with sync off, also when the PBX is still down at that start', async () => {
    const w = await startFaultWorld({ users: 4, restoreTimeoutMs: 500 });
    try {
      await bridgeTouchesEveryone(w);
      await w.pbxDown(fault);
      const reply = await w.call<SyncStatus>('sync.stop', { restore: true });
      expect(reply.restore?.notRestored).toBe(w.logins.length);
      // Quit (restoreOnStop would not help: the PBX is down) and start again while the PBX is still down.
      await w.restart();
      expect(w.service.host.settings.sync.enabled).toBe(false);
      expect(w.service.host.syncStatus().restore).toMatchObject({ notRestored: w.logins.length, reason: 'pbx-unreachable' });
      await w.pbxUp();
      await w.waitAllBack('restored after the start with sync off');
    } finally {
      await w.close();
    }
  });

  it('users left by a stop follow Teams after the next start with sync on', async () => {
    const w = await startFaultWorld({ users: 4 });
    try {
      const dnd = await bridgeTouchesEveryone(w);
      await w.pbxDown(fault);
      await w.call('sync.stop', { restore: true });
      await w.pbxUp();
      await w.call('sync.start');
      // Teams still says "Do not disturb" for three users: they stay in DND; everybody else shows "Offline".
      await waitFor(() => w.logins.every((l) => w.pbxUser(l).dnd === dnd.includes(l) && w.pbxUser(l).chatPresenceMessage === (dnd.includes(l) ? 'Nicht stören' : 'Offline')), 10_000, 'following Teams');
      expect(w.service.host.syncStatus().restore).toBeUndefined();
      // And a stop with the PBX up now puts everyone back.
      await w.call('sync.stop', { restore: true });
      expect(w.checkAllBack()).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('a start while the PBX is down never claims to run, and every user follows Teams as soon as it answers', async () => {
    const w = await startFaultWorld({ users: 4 });
    try {
      const dnd = await bridgeTouchesEveryone(w);
      // Quit without restore (the values stay), the PBX goes down, the bridge starts again meanwhile.
      await w.restart({ start: false });
      await w.pbxDown(fault);
      const [back, ...stay] = dnd;
      w.setTeams(back!, 'Available');
      await w.service.start();
      await waitFor(() => ['degraded', 'error'].includes(w.service.host.syncStatus().state), 5_000, 'the start says the PBX is down');
      expect(w.service.host.syncStatus().reason).toBeTruthy();
      expect(checkUser(w.pbxUser(back!), { dnd: true, chatPresenceMessage: 'Nicht stören' })).toMatchObject({ dnd: true, chatPresenceMessage: 'Nicht stören' });
      await w.pbxUp();
      await waitFor(() => !w.pbxUser(back!).dnd && w.pbxUser(back!).chatPresenceMessage === 'Verfügbar'
        && stay.every((l) => w.pbxUser(l).dnd), 5_000, 'following Teams once the PBX answers');
      await waitFor(() => w.service.host.syncStatus().state === 'running', 5_000, 'running');
      await w.call('sync.stop', { restore: true });
      expect(w.checkAllBack()).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
