// Issue 14 item 7: DND is probably not readable over UCI. The live state says where the board's DND comes from —
// read from the PBX, or as set by the bridge — so the board can say "DND as set by the bridge". Both simulators
// over real sockets; the STARFACE simulator switches its DND flag off like most real PBXs.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startSyncWorld, waitFor, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;
beforeAll(async () => {
  // The simulator leaves DND out of getUserState by default, like real PBXs: switched on here for the "pbx" case.
  w = await startSyncWorld({ users: 6, starfaceBehaviour: { userStateDndKey: 'doNotDisturb' } });
  await waitFor(() => w.service.host.snapshot().users.filter((u) => u.teams !== null).length >= 6, 30_000, 'first read');
}, 60_000);
afterAll(() => w?.close());

const live = (login: string) => w.service.host.snapshot().users.find((u) => u.login === login)!;

describe('DND source on the board', () => {
  it('says "pbx" where getUserState reports DND, and "bridge" where it does not', async () => {
    const [a, b] = w.env.starface.users.filter((u) => !u.admin).map((u) => u.login);
    w.setTeams(a!, 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser(a!).dnd && live(a!).pbx.dnd === true, 10_000, 'DND written and read back');
    await waitFor(() => live(a!).pbx.dndSource === 'pbx', 10_000, 'source pbx');

    w.env.starface.setBehaviour({ userStateDndKey: null });
    w.setTeams(b!, 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser(b!).dnd, 10_000, 'DND written');
    await waitFor(() => live(b!).pbx.dnd === true && live(b!).pbx.dndSource === 'bridge', 10_000, 'DND as set by the bridge');
  });
});
