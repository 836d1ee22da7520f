// Issue 14 item 1 at the engine: a setPresence whose answer is lost (connection reset after Graph carried it
// out) may have taken effect; the engine keeps the session in its journal, so the hang-up still clears it.
// Both simulators over real sockets.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startSyncWorld, waitFor, waitForConvergence, type SyncWorld } from './sync-helpers.js';

let w: SyncWorld;

beforeAll(async () => {
  w = await startSyncWorld({ users: 10 });
  await waitForConvergence(w, 30_000);
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('ambiguous presence writes', () => {
  it('clears on hang-up a session whose setPresence answers were all lost', async () => {
    const login = '1003';
    const id = w.env.microsoftIdOf(login);
    // Every setPresence is carried out, then its connection reset (retries included).
    w.env.graph.injectFaults({ resetAfterEffect: { count: 1_000, endpoints: ['setPresence'] } });
    const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: login });
    w.env.starface.pbx.answer(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 1, 10_000, 'session set despite lost answers');
    await waitFor(() => w.service.host.journal.get(login)?.teamsSession !== undefined, 10_000, 'session in the journal');
    w.env.graph.clearFaults();
    w.env.starface.pbx.hangup(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 10_000, 'session cleared on hang-up');
    await waitFor(() => w.service.host.journal.get(login)?.teamsSession === undefined, 5_000, 'journal cleared');
  }, 40_000);
});
