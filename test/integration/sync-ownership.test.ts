// Never fight the user: a DND pressed on the phone (the PBX simulator's /_sim/users/<login>/dnd) per ownership
// mode, with 200 users over real sockets. The mode is switched through settings.save (live re-configuration).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startSyncWorld, waitFor, waitForConvergence, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;

async function pressDnd(login: string, dnd: boolean): Promise<void> {
  const res = await fetch(`${w.env.starface.url}/_sim/users/${login}/dnd`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ dnd }),
  });
  expect(res.status).toBe(200);
}

function live(login: string) {
  return w.service.host.snapshot().users.find((u) => u.login === login)!;
}

async function cyclesPass(n: number): Promise<void> {
  const c = w.service.host.syncStatus().counters.cycles;
  await waitFor(() => w.service.host.syncStatus().counters.cycles >= c + n, 10_000, `${n} cycles`);
}

async function setMode(mode: 'teams-leads' | 'respect-manual'): Promise<void> {
  const { settings } = await w.service.api['settings.get']({});
  const r = await w.service.api['settings.save']({ settings: { ...settings, sync: { ...settings.sync, ownershipMode: mode } } });
  expect(r).toEqual({ ok: true, issues: [] });
}

beforeAll(async () => {
  // Seeing a DND pressed on the phone needs a PBX whose getUserState carries a DND flag; real PBXs show none, so
  // the simulator's default leaves it out (option userStateDndKey).
  w = await startSyncWorld({ users: 200, starfaceBehaviour: { userStateDndKey: 'doNotDisturb' } });
  await waitForConvergence(w, 30_000);
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('manual DND on the phone', () => {
  it('respect-manual: the bridge leaves a DND the user pressed alone until the user clears it', async () => {
    await setMode('respect-manual');
    const login = '1020';
    w.setTeams(login, 'Available', 'Available');
    await waitFor(() => w.pbxUser(login).chatPresenceMessage === 'Verfügbar', 5_000, 'available');

    await pressDnd(login, true);
    await waitFor(() => live(login).manualOverride, 5_000, 'override noticed');
    await cyclesPass(4);
    expect(w.pbxUser(login).dnd).toBe(true);

    // Teams changes: the chat text follows, the user's DND stays.
    w.setTeams(login, 'Away', 'Away');
    await waitFor(() => w.pbxUser(login).chatPresenceMessage === 'Abwesend', 5_000, 'away text');
    await cyclesPass(3);
    expect(w.pbxUser(login).dnd).toBe(true);

    // The user clears DND: the override ends and the bridge leads again.
    await pressDnd(login, false);
    await waitFor(() => !live(login).manualOverride, 5_000, 'override ended');
    w.setTeams(login, 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser(login).dnd, 5_000, 'DND from Teams');
    w.setTeams(login, 'Available', 'Available');
    await waitFor(() => !w.pbxUser(login).dnd, 5_000, 'DND off from Teams');
  });

  it('respect-manual: a user clearing a DND the bridge set is not fought either', async () => {
    const login = '1021';
    w.setTeams(login, 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser(login).dnd, 5_000, 'DND from Teams');
    await pressDnd(login, false);
    await waitFor(() => live(login).manualOverride, 5_000, 'override noticed');
    await cyclesPass(4);
    expect(w.pbxUser(login).dnd).toBe(false);
  });

  it('teams-leads: a DND pressed on the phone is overwritten with what Teams says', async () => {
    await setMode('teams-leads');
    const login = '1022';
    w.setTeams(login, 'Available', 'Available');
    await waitFor(() => w.pbxUser(login).chatPresenceMessage === 'Verfügbar', 5_000, 'available');
    await pressDnd(login, true);
    expect(w.pbxUser(login).dnd).toBe(true);
    // Noticed at the next state refresh (300 ms in tests) and taken back at once.
    await waitFor(() => !w.pbxUser(login).dnd, 3_000, 'DND overwritten');
    expect(live(login).manualOverride).toBe(false);
    await sleep(600);
    expect(w.pbxUser(login).dnd).toBe(false);
  });

  it('switching to teams-leads ends an override that was being respected', async () => {
    await setMode('respect-manual');
    const login = '1023';
    w.setTeams(login, 'Available', 'Available');
    await waitFor(() => w.pbxUser(login).chatPresenceMessage === 'Verfügbar', 5_000, 'available');
    await pressDnd(login, true);
    await waitFor(() => live(login).manualOverride, 5_000, 'override noticed');
    await setMode('teams-leads');
    await waitFor(() => !w.pbxUser(login).dnd, 5_000, 'DND taken back');
  });
});
