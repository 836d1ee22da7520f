// The engine against both simulators over real sockets, 200 users: both directions, idle cycles, echo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startSyncWorld, syncedLogins, waitFor, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;
let adminBefore: { dnd: boolean; chatPresenceMessage: string };

beforeAll(async () => {
  // Teams sessions refreshed every second, so the keep-alive during a call is visible in a short test.
  w = await startSyncWorld({ users: 200, start: false, settings: (s) => ({ ...s, sync: { ...s.sync, teamsSessionRefreshSeconds: 1 } }) });
  adminBefore = w.pbxUser(w.env.starface.admin.login);
  await w.service.start();
  // Converged: every matched user has been read and written once.
  const people = syncedLogins(w).length;
  await waitFor(() => {
    const users = w.service.host.snapshot().users;
    return users.length === people && users.every((u) => u.teams !== null && u.pbx.chatText === 'Offline');
  }, 30_000, 'first convergence');
  await w.service.host.syncEngine!.idle();
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('sync engine with 200 users', () => {
  it('matches every simulated user and reports them running', () => {
    const snap = w.service.host.snapshot();
    expect(`${snap.sync.state} ${snap.sync.reason ?? ''}`.trim()).toBe('running');
    // 200 people; the PBX administrator account the bridge logs in with is not synced, and stays untouched.
    expect(snap.users).toHaveLength(200);
    expect(snap.users.map((u) => u.login).sort()).toEqual(syncedLogins(w).sort());
    expect(snap.users.map((u) => u.login)).not.toContain(w.env.starface.admin.login);
    expect(w.pbxUser(w.env.starface.admin.login)).toEqual(adminBefore);
    expect(snap.sync.counters.cycles).toBeGreaterThan(0);
  });

  it('an idle cycle makes zero PBX writes', async () => {
    const before = await w.pbxWrites();
    const cycles = w.service.host.syncStatus().counters.cycles;
    await waitFor(() => w.service.host.syncStatus().counters.cycles >= cycles + 4, 5_000, 'four more cycles');
    expect(await w.pbxWrites()).toBe(before);
  });

  it('a Teams presence change reaches the PBX (DND and chat text) within one poll interval', async () => {
    const writesBefore = await w.pbxWrites();
    const t0 = Date.now();
    w.setTeams('1001', 'DoNotDisturb', 'Presenting');
    await waitFor(() => w.pbxUser('1001').dnd && w.pbxUser('1001').chatPresenceMessage === 'Nicht stören – Präsentiert', 5_000, 'DND on 1001');
    const elapsed = Date.now() - t0;
    // One poll interval (300 ms) plus the write itself; allow generous slack for a loaded machine.
    expect(elapsed).toBeLessThan(300 + 700);
    w.setTeams('1002', 'Busy', 'InACall');
    await waitFor(() => w.pbxUser('1002').dnd && w.pbxUser('1002').chatPresenceMessage === 'Im Anruf (MS Teams)', 5_000, 'DND on 1002');
    await w.service.host.syncEngine!.idle();
    // Exactly the changed fields of the two users: DND + text each.
    expect(await w.pbxWrites()).toBe(writesBefore + 4);

    w.setTeams('1001', 'Available', 'Available');
    await waitFor(() => !w.pbxUser('1001').dnd && w.pbxUser('1001').chatPresenceMessage === 'Verfügbar', 5_000, 'DND off 1001');
    // The live state follows once the PBX answered the writes.
    await waitFor(() => w.service.host.snapshot().users.find((u) => u.login === '1001')?.pbx.chatText === 'Verfügbar', 2_000, 'live state');
    const live = w.service.host.snapshot().users.find((u) => u.login === '1001')!;
    expect(live).toMatchObject({ row: 'available', pbx: { dnd: false, chatText: 'Verfügbar' }, teams: { availability: 'Available' } });
  });

  it('a PBX call sets the Teams session within a second and clears it on hang-up; its echo does not drive the PBX', async () => {
    const login = '1010';
    w.setTeams(login, 'Available', 'Available');
    await waitFor(() => w.pbxUser(login).chatPresenceMessage === 'Verfügbar', 5_000, 'available');
    const id = w.env.microsoftIdOf(login);
    const t0 = Date.now();
    const call = w.env.starface.pbx.placeCall({ from: '+4972112345', to: login });
    w.env.starface.pbx.answer(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.some((s) => s.availability === 'Busy' && s.activity === 'InACall'), 2_000, 'Teams session');
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(w.env.graph.presenceOf(id).presence).toMatchObject({ availability: 'Busy', activity: 'InACall' });

    // Several poll cycles see Busy/InACall: it is the bridge's own session, so no DND is set on the PBX.
    // Meanwhile the session is kept alive (refreshed before it expires).
    const firstSetAt = w.env.graph.presenceOf(id).sessions[0]!.setAt;
    const cycles = w.service.host.syncStatus().counters.cycles;
    await waitFor(() => w.service.host.syncStatus().counters.cycles >= cycles + 3, 5_000, 'cycles during the call');
    await waitFor(() => w.env.graph.presenceOf(id).sessions[0]?.setAt !== firstSetAt, 3_000, 'session refreshed');
    expect(w.pbxUser(login).dnd).toBe(false);
    expect(w.pbxUser(login).chatPresenceMessage).toBe('Verfügbar');
    expect(w.service.host.snapshot().users.find((u) => u.login === login)).toMatchObject({
      teamsSession: { availability: 'Busy', activity: 'InACall' }, pbx: { telephony: 'in-call' },
    });

    const t1 = Date.now();
    w.env.starface.pbx.hangup(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 2_000, 'session cleared');
    expect(Date.now() - t1).toBeLessThan(1_000);
    await sleep(700);
    expect(w.pbxUser(login).dnd).toBe(false);
  });

  it('ringing does not count by default, and an unanswered call leaves Teams alone', async () => {
    const login = '1011';
    const id = w.env.microsoftIdOf(login);
    const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: login });
    await waitFor(() => w.service.host.snapshot().users.find((u) => u.login === login)?.pbx.telephony === 'ringing', 2_000, 'ringing');
    await sleep(300);
    expect(w.env.graph.presenceOf(id).sessions).toHaveLength(0);
    w.env.starface.pbx.hangup(call.id);
    await waitFor(() => w.service.host.snapshot().users.find((u) => u.login === login)?.pbx.telephony === 'idle', 2_000, 'idle');
  });

  it('with "ringing counts" and DoNotDisturb/Presenting, a ringing phone already sets that Teams state', async () => {
    const { settings } = await w.service.api['settings.get']({});
    const r = await w.service.api['settings.save']({
      settings: { ...settings, switches: { ...settings.switches, reverse: { enabled: true, teamsState: 'dnd-presenting', ringingCounts: true } } },
    });
    expect(r.ok).toBe(true);
    const login = '1012';
    const id = w.env.microsoftIdOf(login);
    const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: login });
    await waitFor(() => w.env.graph.presenceOf(id).sessions.some((s) => s.availability === 'DoNotDisturb' && s.activity === 'Presenting'), 2_000, 'session while ringing');
    w.env.starface.pbx.hangup(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 2_000, 'cleared');
    // Reverse direction off: calls leave Teams alone.
    await w.service.api['settings.save']({ settings: { ...settings, switches: { ...settings.switches, reverse: { enabled: false, teamsState: 'busy-inacall', ringingCounts: false } } } });
    const call2 = w.env.starface.pbx.placeCall({ from: '+4972100000', to: login });
    w.env.starface.pbx.answer(call2.id);
    await waitFor(() => w.service.host.snapshot().users.find((u) => u.login === login)?.pbx.telephony === 'in-call', 2_000, 'in call');
    await sleep(300);
    expect(w.env.graph.presenceOf(id).sessions).toHaveLength(0);
    w.env.starface.pbx.hangup(call2.id);
  });
});
