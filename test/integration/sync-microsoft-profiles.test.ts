// The engine end to end against every Microsoft simulator profile (documented real-world variants of Graph
// and Entra ID): Teams → STARFACE, STARFACE → Teams (set on call, cleared on hang-up) and restore on stop.
// Users without a Teams licence (profile unlicensed-users) are shown as "no Teams presence" and their PBX is
// left alone. Both simulators over real sockets, the real engine service.
import { afterEach, describe, expect, it } from 'vitest';
import { NO_TEAMS_PRESENCE_ROW_ID } from '../../src/core/presence.js';
import { GRAPH_PROFILE_NAMES, type GraphProfileName } from '../../src/simulators/graph/profiles.js';
import { startSyncWorld, waitFor, type SyncWorld } from './sync-helpers.js';

const USERS = 12;
let w: SyncWorld | undefined;

afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function start(profile: GraphProfileName): Promise<SyncWorld> {
  const world = await startSyncWorld({
    users: USERS,
    start: false,
    // A stand-in Graph address names the cloud it stands for.
    settings: (s) => (profile === 'us-gov' ? { ...s, microsoft: { ...s.microsoft, cloud: 'us-gov' } } : s),
  });
  world.env.graph.setProfile(profile);
  return world;
}

const loginsOf = (world: SyncWorld): string[] => world.env.starface.users.filter((u) => !u.admin).map((u) => u.login);

describe.each(GRAPH_PROFILE_NAMES)('Microsoft profile %s', (profile) => {
  it('syncs both directions and restores on stop', async () => {
    w = await start(profile);
    const world = w;
    const unlicensed = new Set(world.env.graph.unlicensedUsers());
    const logins = loginsOf(world);
    const licensed = logins.filter((l) => !unlicensed.has(world.env.microsoftIdOf(l)));
    const noTeams = logins.filter((l) => unlicensed.has(world.env.microsoftIdOf(l)));
    expect(noTeams.length > 0).toBe(profile === 'unlicensed-users');
    for (const l of noTeams) world.env.starface.pbx.user(l)!.chatPresenceMessage = 'Eigener Text';
    const before = new Map(logins.map((l) => [l, world.pbxUser(l)]));

    await world.service.start();
    await waitFor(() => licensed.every((l) => world.pbxUser(l).chatPresenceMessage === 'Offline'), 30_000, 'first cycle applied');

    // Teams → STARFACE
    const [a, b, caller] = licensed;
    world.setTeams(a!, 'Busy', 'InAMeeting');
    world.setTeams(b!, 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => world.pbxUser(a!).dnd && world.pbxUser(a!).chatPresenceMessage === 'Beschäftigt – In einer Besprechung'
      && world.pbxUser(b!).dnd, 15_000, 'forward sync');

    // STARFACE → Teams: set on call, cleared on hang-up
    const id = world.env.microsoftIdOf(caller!);
    const call = world.env.starface.pbx.placeCall({ from: '+4972100000', to: caller! });
    world.env.starface.pbx.answer(call.id);
    await waitFor(() => world.env.graph.presenceOf(id).sessions.length === 1, 10_000, 'Teams session on call');
    world.env.starface.pbx.hangup(call.id);
    await waitFor(() => world.env.graph.presenceOf(id).sessions.length === 0, 10_000, 'Teams session cleared on hang-up');

    if (noTeams.length) {
      // No Teams licence: "no Teams presence" on the board, nothing written to their PBX, no setPresence tried.
      const board = world.service.host.snapshot().users;
      for (const l of noTeams) {
        expect(board.find((u) => u.login === l)?.row).toBe(NO_TEAMS_PRESENCE_ROW_ID);
        expect(world.pbxUser(l)).toEqual(before.get(l));
      }
      const writesBefore = world.env.graph.stats().endpoints.setPresence?.count ?? 0;
      const guest = noTeams[0]!;
      const guestCall = world.env.starface.pbx.placeCall({ from: '+4972100001', to: guest });
      world.env.starface.pbx.answer(guestCall.id);
      await world.service.host.syncEngine!.idle();
      world.env.starface.pbx.hangup(guestCall.id);
      await world.service.host.syncEngine!.idle();
      expect(world.env.graph.stats().endpoints.setPresence?.count ?? 0).toBe(writesBefore);
    }

    // Restore on stop, with a call in progress
    const call2 = world.env.starface.pbx.placeCall({ from: '+4972100000', to: caller! });
    world.env.starface.pbx.answer(call2.id);
    await waitFor(() => world.env.graph.presenceOf(id).sessions.length === 1, 10_000, 'Teams session before stop');
    const status = await world.service.api['sync.stop']({ restore: true });
    expect(status.state).toBe('stopped');
    for (const l of logins) expect({ login: l, ...world.pbxUser(l) }).toEqual({ login: l, ...before.get(l)! });
    expect(world.env.graph.presenceOf(id).sessions).toHaveLength(0);
    world.env.starface.pbx.hangup(call2.id);
  }, 90_000);
});
