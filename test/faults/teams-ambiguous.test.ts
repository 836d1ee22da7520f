// Teams writes whose outcome is unknown: setPresence times out after the request reached Microsoft (the
// simulator carries it out after the client gave up). The bridge must assume the session exists — clear it on
// hang-up and not take it for the user's own status — and no failed write may go unnoticed: each one is
// logged at warn with user, field and cause and counted on the board, also when the call ends before a retry.
import { describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../src/core/settings.js';
import { waitFor } from '../integration/sync-helpers.js';
import { cyclesPass, startFaultWorld } from './fault-world.js';
import { checkUser } from './figures.js';

const U = '1001';
const shortReads = (s: SettingsInput): SettingsInput => ({ ...s, network: { ...s.network, readTimeoutMs: 500 } });

describe('ambiguous Teams writes', () => {
  it('a setPresence that timed out but took effect is cleared on hang-up and never becomes DND on the PBX', async () => {
    const w = await startFaultWorld({ users: 3, settings: shortReads });
    try {
      const id = w.env.microsoftIdOf(U);
      w.setTeams(U, 'Available');
      await waitFor(() => w.pbxUser(U).chatPresenceMessage === 'Verfügbar', 10_000, 'first apply');
      // Graph answers later than the bridge waits: every setPresence times out, and is carried out all the same.
      w.env.graph.injectFaults({ latencyMs: 800 });
      const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: U });
      w.env.starface.pbx.answer(call.id);
      await waitFor(() => w.env.graph.presenceOf(id).sessions.length > 0, 10_000, 'the session reached Teams');
      await waitFor(() => w.logger.ring.entries({ level: 'warn' }).some((e) => e.user === U && /Teams presence/.test(e.msg)), 10_000, 'the failure was noticed');
      // The call ends; Graph answers in time again.
      w.env.graph.clearFaults();
      w.env.starface.pbx.hangup(call.id);
      await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 5_000, 'session cleared after the hang-up');
      // A few cycles later the PBX still follows the user's own "Available", not the bridge's "In a call".
      await cyclesPass(w.service);
      expect(checkUser(w.pbxUser(U), { dnd: false, chatPresenceMessage: 'Verfügbar' })).toEqual({ dnd: false, chatPresenceMessage: 'Verfügbar' });

      // Nothing failed silently: logged with user, field and cause, and counted (overall and for the user).
      const failed = w.logger.ring.entries({ level: 'warn' }).find((e) => e.user === U && e.msg === 'Setting the Teams presence failed');
      expect(failed).toMatchObject({ code: 'log-teams-set-failed', fields: { field: 'setPresence' }, params: { error: expect.stringMatching(/\S/) } });
      const snap = await w.call<{ sync: { counters: { failedWrites?: number } }; users: { login: string; failedWrites?: number }[] }>('state.snapshot');
      expect(snap.sync.counters.failedWrites).toBeGreaterThan(0);
      expect(snap.users.find((u) => u.login === U)?.failedWrites).toBeGreaterThan(0);
    } finally {
      await w.close();
    }
  });
});

describe('a late setPresence after the hang-up', () => {
  it('does not leave the user "In a call" in Teams when it lands after the hang-up\'s clearPresence', async () => {
    const w = await startFaultWorld({ users: 3, settings: shortReads });
    try {
      const id = w.env.microsoftIdOf(U);
      w.setTeams(U, 'Available');
      await waitFor(() => w.pbxUser(U).chatPresenceMessage === 'Verfügbar', 10_000, 'first apply');
      // The call's setPresence is held by Graph longer than the bridge waits (500 ms): it times out, the retry
      // sets the session, and the held request is carried out only after the hang-up cleared it.
      w.env.graph.injectFaults({ delayedEffect: { count: 1, delayMs: 1_500, endpoints: ['setPresence'] } });
      const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: U });
      w.env.starface.pbx.answer(call.id);
      await waitFor(() => w.env.graph.presenceOf(id).sessions.length > 0, 10_000, 'the session reached Teams');
      w.env.starface.pbx.hangup(call.id);
      await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 5_000, 'session cleared after the hang-up');
      // The held setPresence lands now (1.5 s after it was sent) and sets the session again…
      await waitFor(() => w.env.graph.presenceOf(id).sessions.length > 0, 5_000, 'the late setPresence landed');
      // …and the bridge must clear it again: within a poll cycle or two, not when the 5-minute session expires.
      await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 5_000, 'the late session cleared again');
      expect(w.env.graph.presenceOf(id).presence.activity).not.toBe('InACall');
      await cyclesPass(w.service);
      expect(checkUser(w.pbxUser(U), { dnd: false, chatPresenceMessage: 'Verfügbar' })).toEqual({ dnd: false, chatPresenceMessage: 'Verfügbar' });
    } finally {
      await w.close();
    }
  });
});
