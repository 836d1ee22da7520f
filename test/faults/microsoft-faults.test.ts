// Microsoft failing the bridge: Graph answering 2xx with a body nobody can read (a proxy's HTML page) to a
// presence write or read, and the token endpoint answering 5xx (the sign-in service down) while a call ends or
// the sync stops with restore. After each, the bridge's Teams session is gone as soon as Microsoft answers
// again and the PBX shows what Teams says (or, after a stop, the values from before the bridge) — the
// bridge's own "In a call" never turns into a DND of its own.
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/control/contract.js';
import { waitFor } from '../integration/sync-helpers.js';
import { bridgeTouchesEveryone, cyclesPass, startFaultWorld, type FaultWorld } from './fault-world.js';
import { checkUser } from './figures.js';

const U = '1001';
/** Microsoft answers again: a few poll cycles (300 ms each) are all the bridge may take. */
const RECOVERY_MS = 3_000;

function answeredCall(w: FaultWorld): string {
  const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: U });
  w.env.starface.pbx.answer(call.id);
  return call.id;
}

const sessions = (w: FaultWorld): number => w.env.graph.presenceOf(w.env.microsoftIdOf(U)).sessions.length;
const tokenEndpointDown = (w: FaultWorld): void => {
  w.env.graph.revokeTokens();
  w.env.graph.injectFaults({ errors: { count: 100_000, status: 503, endpoints: ['token'] } });
};

/** U is available in Teams and the PBX shows it. */
async function available(w: FaultWorld): Promise<void> {
  w.setTeams(U, 'Available');
  await waitFor(() => w.pbxUser(U).chatPresenceMessage === 'Verfügbar', 10_000, 'first apply');
}

/** Some cycles later the PBX still shows U's own "Available", never the bridge's "In a call" as DND. */
async function stillFollowsTeams(w: FaultWorld): Promise<void> {
  await cyclesPass(w.service);
  expect(checkUser(w.pbxUser(U), { dnd: false, chatPresenceMessage: 'Verfügbar' })).toEqual({ dnd: false, chatPresenceMessage: 'Verfügbar' });
}

describe('Graph answering 2xx with an unreadable body', () => {
  it('to setPresence: the session that was set all the same is cleared on hang-up', async () => {
    const w = await startFaultWorld({ users: 3 });
    try {
      await available(w);
      w.env.graph.injectFaults({ unreadableAnswers: { count: 1_000, endpoints: ['setPresence'] } });
      const call = answeredCall(w);
      await waitFor(() => sessions(w) === 1, 5_000, 'session set despite the unreadable answers');
      await waitFor(() => w.service.host.journal.get(U)?.teamsSession !== undefined, 5_000, 'session kept in the journal');
      w.env.starface.pbx.hangup(call);
      await waitFor(() => sessions(w) === 0, RECOVERY_MS, 'session cleared on hang-up');
      await waitFor(() => w.service.host.journal.get(U)?.teamsSession === undefined, RECOVERY_MS, 'journal cleared');
      await stillFollowsTeams(w);
    } finally {
      await w.close();
    }
  });

  it('to clearPresence: the session stays gone and the journal lets go of it', async () => {
    const w = await startFaultWorld({ users: 3 });
    try {
      await available(w);
      const call = answeredCall(w);
      await waitFor(() => sessions(w) === 1, 5_000, 'session set');
      w.env.graph.injectFaults({ unreadableAnswers: { count: 1_000, endpoints: ['clearPresence'] } });
      w.env.starface.pbx.hangup(call);
      await waitFor(() => sessions(w) === 0, RECOVERY_MS, 'session cleared');
      // The unreadable answer left the outcome open; asking again (404: gone) settles it.
      await waitFor(() => w.service.host.journal.get(U)?.teamsSession === undefined, RECOVERY_MS, 'journal cleared');
      await stillFollowsTeams(w);
    } finally {
      await w.close();
    }
  });

  it('to presence reads: nothing is written on what could not be read, and the PBX follows Teams once Graph answers', async () => {
    const w = await startFaultWorld({ users: 3 });
    try {
      await available(w);
      await w.service.host.syncEngine!.idle();
      const writes = await w.pbxWrites();
      w.env.graph.injectFaults({ unreadableAnswers: { count: 1_000, endpoints: ['getPresencesByUserId'] } });
      w.setTeams(U, 'DoNotDisturb');
      await waitFor(() => w.service.host.syncStatus().state === 'degraded', 5_000, 'degraded while Graph answers unreadably');
      expect(await w.pbxWrites()).toBe(writes);
      expect(checkUser(w.pbxUser(U), { dnd: false, chatPresenceMessage: 'Verfügbar' })).toEqual({ dnd: false, chatPresenceMessage: 'Verfügbar' });
      w.env.graph.clearFaults();
      await waitFor(() => w.pbxUser(U).dnd && w.pbxUser(U).chatPresenceMessage === 'Nicht stören', RECOVERY_MS, 'following Teams again');
      await waitFor(() => w.service.host.syncStatus().state === 'running', RECOVERY_MS, 'running again');
    } finally {
      await w.close();
    }
  });
});

describe('token endpoint answering 5xx', () => {
  it('when a call ends: the session is cleared as soon as the sign-in service answers again', async () => {
    const w = await startFaultWorld({ users: 3 });
    try {
      await available(w);
      const call = answeredCall(w);
      await waitFor(() => sessions(w) === 1, 5_000, 'session set');
      tokenEndpointDown(w);
      w.env.starface.pbx.hangup(call);
      await waitFor(() => w.logger.ring.entries({ level: 'warn' }).some((e) => e.user === U && e.msg === 'Clearing the Teams presence failed'), 5_000, 'the failed clear is noticed');
      // Past every quick retry: nothing of the hang-up itself is still under way.
      await waitFor(() => w.logger.ring.entries({ level: 'warn' }).some((e) => e.user === U && /^Giving up on the Teams presence/.test(e.msg)), 5_000, 'retries over');
      expect(sessions(w)).toBe(1);
      w.env.graph.clearFaults();
      await waitFor(() => sessions(w) === 0, RECOVERY_MS, 'session cleared once the token endpoint answers');
      await waitFor(() => w.service.host.journal.get(U)?.teamsSession === undefined, RECOVERY_MS, 'journal cleared');
      await stillFollowsTeams(w);
    } finally {
      await w.close();
    }
  });

  it('during a stop with restore: the PBX is restored, the reply names Teams for the session left, which goes as soon as Microsoft answers', async () => {
    const w = await startFaultWorld({ users: 4 });
    try {
      await bridgeTouchesEveryone(w);
      answeredCall(w);
      await waitFor(() => sessions(w) === 1, 5_000, 'session set');
      tokenEndpointDown(w);
      const reply = await w.call<SyncStatus>('sync.stop', { restore: true });
      expect(w.checkAllBack()).toEqual([]);
      expect(reply.restore).toMatchObject({ notRestored: 1, logins: [U], reason: 'teams-unreachable' });
      expect(reply.reason).toMatch(/1 of \d+ users not restored: Microsoft Teams unreachable/);
      expect(sessions(w)).toBe(1);
      w.env.graph.clearFaults();
      await waitFor(() => sessions(w) === 0, RECOVERY_MS, 'session cleared once the token endpoint answers');
      await waitFor(() => w.service.host.syncStatus().restore?.notRestored === 0, RECOVERY_MS, 'report updated');
      expect(w.service.host.syncStatus().reason).toBe('stopped; values restored');
      expect(w.checkAllBack()).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
