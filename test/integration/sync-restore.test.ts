// Stop with restore puts every user back (DND and chat text as before the bridge touched them, Teams sessions
// cleared); deselecting users restores just them. 200 users, both simulators over real sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncWorld, syncedLogins, waitFor, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;
const before = new Map<string, { dnd: boolean; chatPresenceMessage: string }>();

beforeAll(async () => {
  // 1031's DND pressed before the bridge ran can only be respected and put back where STARFACE reports DND
  // (option userStateDndKey; real PBXs do not — sync-starface-profiles.test.ts covers restore under that default).
  w = await startSyncWorld({ users: 200, start: false, starfaceBehaviour: { userStateDndKey: 'doNotDisturb' } });
  // Values the users had before the bridge ever ran: a chat text of their own, and a DND pressed on the phone.
  w.env.starface.pbx.user('1030')!.chatPresenceMessage = 'Mittagspause';
  w.env.starface.pbx.user('1031')!.dnd = true;
  for (const u of w.env.starface.users) before.set(u.login, w.pbxUser(u.login));
  await w.service.start();
  // Every person read once; the PBX administrator account the bridge logs in with is not among them.
  const people = syncedLogins(w).length;
  await waitFor(() => w.service.host.snapshot().users.filter((u) => u.teams !== null).length === people, 30_000, 'first read');
  await w.service.host.syncEngine!.idle();
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('restore', () => {
  it('deselecting users restores them, and only them', async () => {
    const outside = w.env.starface.users.filter((u) => !u.groups.includes('Support') && !u.admin).map((u) => u.login);
    const inside = w.env.starface.users.filter((u) => u.groups.includes('Support')).map((u) => u.login);
    expect(outside.length).toBeGreaterThan(50);
    // Everybody is "Offline" in Teams: the bridge wrote the chat text "Offline" for all.
    await waitFor(() => outside.every((l) => w.pbxUser(l).chatPresenceMessage === 'Offline' || l === '1030'), 10_000, 'texts written');

    const { settings } = await w.service.api['settings.get']({});
    const r = await w.service.api['settings.save']({ settings: { ...settings, users: { selection: 'group', group: 'Support', extraLoginIds: ['1030', '1031'] } } });
    expect(r.ok).toBe(true);
    await waitFor(() => outside.every((l) => ['1030', '1031'].includes(l) || w.pbxUser(l).chatPresenceMessage === before.get(l)!.chatPresenceMessage), 15_000, 'deselected users restored').catch((err: unknown) => {
      const bad = outside.filter((l) => !(['1030', '1031'].includes(l) || w.pbxUser(l).chatPresenceMessage === before.get(l)!.chatPresenceMessage));
      console.log('NOT RESTORED', bad.length, bad.slice(0, 3).map((l) => [l, w.pbxUser(l), w.service.host.journal.get(l)]), w.service.host.syncEngine!.diagnostics());
      console.log(w.logger.ring.entries({ level: 'info' }).filter((e) => !e.msg.startsWith('UCI session')).slice(-30).map((e) => `${e.time} ${e.level} ${e.user ?? ''} ${e.msg} ${JSON.stringify(e.fields ?? {})}`).join('\n'));
      throw err;
    });
    expect(inside.every((l) => w.pbxUser(l).chatPresenceMessage === 'Offline')).toBe(true);
    expect((await w.service.api['roster.get']({})).counts.matched).toBe(new Set([...inside, '1030', '1031']).size);
    await waitFor(() => w.service.host.syncEngine!.diagnostics().pendingRestore.length === 0, 10_000, 'restores done');
    // The deselected users' UCI sessions are logged out again.
    await waitFor(() => outside.filter((l) => !['1030', '1031'].includes(l)).every((l) => (w.env.starface.pbx.aliveSessions(l) ?? []).length === 0), 10_000, 'sessions closed');

    // Select everybody again for the next test.
    const r2 = await w.service.api['settings.save']({ settings: { ...settings, users: { selection: 'all', extraLoginIds: [] } } });
    expect(r2.ok).toBe(true);
    await waitFor(() => w.service.host.snapshot().users.length === syncedLogins(w).length && outside.every((l) => w.pbxUser(l).chatPresenceMessage === 'Offline' || l === '1030'), 15_000, 'synced again');
    // "All users" again leaves the administrator account out; the bridge never touched it.
    const admin = w.env.starface.admin.login;
    expect(w.service.host.snapshot().users.map((u) => u.login)).not.toContain(admin);
    expect(w.pbxUser(admin)).toEqual(before.get(admin));
  });

  it('stop with restore puts every user back and clears the Teams sessions', async () => {
    const dndUsers = w.env.starface.users.filter((u) => !u.admin && u.login !== '1031').slice(0, 60).map((u) => u.login);
    for (const l of dndUsers) w.setTeams(l, 'DoNotDisturb', 'DoNotDisturb');
    w.setTeams('1031', 'Available', 'Available');
    await waitFor(() => dndUsers.every((l) => w.pbxUser(l).dnd && w.pbxUser(l).chatPresenceMessage === 'Nicht stören'), 10_000, 'DND written').catch((err: unknown) => {
      const bad = dndUsers.filter((l) => !(w.pbxUser(l).dnd && w.pbxUser(l).chatPresenceMessage === 'Nicht stören'));
      console.log('NOT WRITTEN', bad, bad.slice(0, 3).map((l) => [w.pbxUser(l), w.service.host.snapshot().users.find((u) => u.login === l)]));
      console.log(w.logger.ring.entries({ level: 'info' }).slice(-40).map((e) => `${e.level} ${e.user ?? ''} ${e.msg} ${JSON.stringify(e.fields ?? {})}`).join('\n'));
      throw err;
    });
    await waitFor(() => w.pbxUser('1031').chatPresenceMessage === 'Verfügbar', 5_000, '1031 available');
    expect(w.pbxUser('1031').dnd).toBe(true); // the user's own DND, respected

    const caller = '1100';
    const call = w.env.starface.pbx.placeCall({ from: '+49721000', to: caller });
    w.env.starface.pbx.answer(call.id);
    const id = w.env.microsoftIdOf(caller);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 1, 3_000, 'Teams session');

    const status = await w.service.api['sync.stop']({ restore: true });
    expect(status.state).toBe('stopped');
    for (const u of w.env.starface.users) {
      expect({ login: u.login, ...w.pbxUser(u.login) }).toEqual({ login: u.login, ...before.get(u.login)! });
    }
    expect(w.env.graph.presenceOf(id).sessions).toHaveLength(0);
    expect(w.service.host.journal.logins()).toEqual([]);
    await waitFor(() => w.env.starface.pbx.sessionCount() === 0, 5_000, 'UCI sessions logged out');
    // The setting follows, so a restart keeps the bridge off.
    expect((await w.service.api['settings.get']({})).settings.sync.enabled).toBe(false);
    w.env.starface.pbx.hangup(call.id);
  });
});
