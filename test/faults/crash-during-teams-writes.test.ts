// kill -9 of the bridge at the moment its setPresence or clearPresence reaches Teams: after the restart the
// session the bridge may have left is cleared once the call is over, and the PBX follows the user's own
// Teams status — the bridge's "In a call" never turns into a DND of its own.
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../integration/sync-helpers.js';
import { converged, startCrashEnv, type CrashEnv } from './crash-env.js';
import { cyclesPass } from './fault-world.js';
import { checkUser } from './figures.js';

const U = '1001';

describe('kill -9 during a Teams presence write', () => {
  async function placeCall(ce: CrashEnv): Promise<string> {
    const call = ce.env.starface.pbx.placeCall({ from: '+4972100000', to: U });
    ce.env.starface.pbx.answer(call.id);
    return call.id;
  }
  /** Polls the Graph simulator every millisecond and kills the child as soon as `cond` holds. */
  function killWhen(child: ChildProcess, cond: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      const t = setInterval(() => {
        if (cond()) {
          clearInterval(t);
          child.kill('SIGKILL');
        }
      }, 1);
    });
  }

  /** The engine runs in a child process; U is available in Teams and the PBX shows it. */
  async function engineWithUAvailable(ce: CrashEnv): Promise<{ id: string; child: ChildProcess }> {
    ce.setTeams(U, 'Available');
    const child = await ce.startChild();
    await converged(ce, (l) => (l === U ? 'Verfügbar' : 'Offline'));
    return { id: ce.env.microsoftIdOf(U), child };
  }

  it('during setPresence: the session is cleared after the restart and never turns into DND on the PBX', async () => {
    const ce = await startCrashEnv();
    try {
      const { id, child } = await engineWithUAvailable(ce);
      const killed = killWhen(child, () => ce.env.graph.presenceOf(id).sessions.length > 0);
      const call = await placeCall(ce);
      await killed;
      // The call ends while the bridge is down; the session it set would say "In a call" for up to 5 minutes.
      ce.env.starface.pbx.hangup(call);
      const service = await ce.startService();
      await waitFor(() => ce.env.graph.presenceOf(id).sessions.length === 0, 8_000, 'session cleared');
      // More cycles: the user's own "Available" drives the PBX, not the bridge's session.
      await cyclesPass(service);
      expect(checkUser(ce.pbx(U), { dnd: false, chatPresenceMessage: 'Verfügbar' })).toMatchObject({ dnd: false, chatPresenceMessage: 'Verfügbar' });
    } finally {
      await ce.close();
    }
  }, 60_000);

  it('during clearPresence: the session stays gone and the PBX follows Teams', async () => {
    const ce = await startCrashEnv();
    try {
      const { id, child } = await engineWithUAvailable(ce);
      const call = await placeCall(ce);
      await waitFor(() => ce.env.graph.presenceOf(id).sessions.length > 0, 5_000, 'session set');
      const killed = killWhen(child, () => ce.env.graph.presenceOf(id).sessions.length === 0);
      ce.env.starface.pbx.hangup(call);
      await killed;
      await cyclesPass(await ce.startService());
      expect(ce.env.graph.presenceOf(id).sessions).toHaveLength(0);
      expect(checkUser(ce.pbx(U), { dnd: false, chatPresenceMessage: 'Verfügbar' })).toMatchObject({ dnd: false, chatPresenceMessage: 'Verfügbar' });
    } finally {
      await ce.close();
    }
  }, 60_000);
});
