// The engine end to end against every STARFACE simulator profile (real-world PBX variants, docs/starface.md):
// a Teams change reaches STARFACE, a STARFACE call reaches Teams, and stop with restore puts everything back.
// Both simulators over real sockets, the real engine service, 4 people (+ the PBX admin) per profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../src/core/settings.js';
import { startSyncWorld, waitFor, type SyncWorld } from './sync-helpers.js';

interface ProfileCase {
  /** Simulator profiles (none = the defaults, which include dnd-unreadable). */
  profiles: string[];
  /** Settings the bridge needs for this PBX (what an admin sets for it). */
  settings?: (s: SettingsInput) => SettingsInput;
}

const CASES: ProfileCase[] = [
  { profiles: [] },
  { profiles: ['dnd-unreadable'] },
  { profiles: ['callback-auth-param'] },
];

const name = (c: ProfileCase): string => (c.profiles.length ? c.profiles.join(',') : 'defaults');

describe.each(CASES.map((c) => [name(c), c] as const))('engine against STARFACE profile %s', (_label, c) => {
  let w: SyncWorld;
  const before = new Map<string, { dnd: boolean; chatPresenceMessage: string }>();
  const live = (login: string) => w.service.host.snapshot().users.find((u) => u.login === login);

  beforeAll(async () => {
    w = await startSyncWorld({ users: 4, start: false, starfaceProfiles: c.profiles, ...(c.settings ? { settings: c.settings } : {}) });
    expect(w.env.starface.profiles).toEqual(c.profiles);
    // A chat text of the user's own before the bridge ever ran: restored on stop.
    w.env.starface.pbx.user('1002')!.chatPresenceMessage = 'Mittagspause';
    for (const u of w.env.starface.users) before.set(u.login, w.pbxUser(u.login));
    await w.service.start();
    await waitFor(() => w.service.host.snapshot().users.filter((u) => u.teams !== null).length === 5, 20_000, 'first read of every user');
  }, 60_000);

  afterAll(async () => {
    await w?.close();
  });

  it('a Teams change reaches STARFACE (DND and chat text)', async () => {
    w.setTeams('1001', 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser('1001').dnd && w.pbxUser('1001').chatPresenceMessage === 'Nicht stören', 10_000, 'DND and text on the PBX');
    await waitFor(() => live('1001')?.pbx.chatText === 'Nicht stören' && live('1001')?.pbx.dnd === true, 5_000, 'the board shows what was set');
    expect(live('1001')!.error).toBeNull();
    w.setTeams('1001', 'Available', 'Available');
    await waitFor(() => !w.pbxUser('1001').dnd && w.pbxUser('1001').chatPresenceMessage === 'Verfügbar', 10_000, 'DND off, text available');
    w.setTeams('1001', 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser('1001').dnd, 10_000, 'DND on again (left on for the restore test)');
  });

  it('a STARFACE call reaches Teams and is cleared on hang-up', async () => {
    const id = w.env.microsoftIdOf('1003');
    const call = w.env.starface.pbx.placeCall({ from: '+4972112345', to: '1003' });
    w.env.starface.pbx.answer(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.some((s) => s.availability === 'Busy' && s.activity === 'InACall'), 5_000, 'Teams session');
    await waitFor(() => live('1003')?.teamsSession?.activity === 'InACall' && live('1003')?.pbx.telephony === 'in-call', 5_000, 'the board shows the call');
    w.env.starface.pbx.hangup(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 5_000, 'Teams session cleared');
  });

  it('stop with restore puts the PBX back as it was and clears the Teams session of a running call', async () => {
    const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: '1004' });
    w.env.starface.pbx.answer(call.id);
    const id = w.env.microsoftIdOf('1004');
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 1, 5_000, 'Teams session');
    expect(w.pbxUser('1001').dnd).toBe(true);

    const status = await w.service.api['sync.stop']({ restore: true });
    expect(status.state).toBe('stopped');
    for (const u of w.env.starface.users) expect({ login: u.login, ...w.pbxUser(u.login) }).toEqual({ login: u.login, ...before.get(u.login)! });
    expect(w.env.graph.presenceOf(id).sessions).toHaveLength(0);
    await waitFor(() => w.env.starface.pbx.sessionCount() === 0, 5_000, 'UCI sessions logged out');
    w.env.starface.pbx.hangup(call.id);
  });
});
