// setPresence / clearPresence answers as real Graph gives them: "200 OK" with no body (even labelled
// application/json) is success; an answer that may hide a success (unreadable 2xx, reset connection) is an
// "ambiguous" error the caller can plan for; clearPresence 404 is success. Real Graph client, real sockets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import { createTeamsClients, GraphAmbiguousWriteError, GraphRequestError, MicrosoftAuth, NoTeamsPresenceError, type TeamsClients } from '../../src/teams/index.js';

let sim: GraphSimulator;
let transport: HttpTransport;
let auth: MicrosoftAuth;

beforeAll(async () => {
  sim = await startGraphSimulator({ users: 5, profile: 'empty-2xx-with-json-type' });
  transport = new HttpTransport({ extraCaPem: [sim.caPem], connectTimeoutMs: 2000, readTimeoutMs: 5000 });
  auth = new MicrosoftAuth({
    tenantId: sim.tenant.tenantId, clientId: sim.app.clientId, authorityHost: sim.url, transport,
    appCredential: { kind: 'secret', clientSecret: sim.app.clientSecret! },
  });
});

afterAll(async () => {
  transport.close();
  await sim.close();
});

beforeEach(() => {
  sim.clearFaults();
  sim.setProfile('empty-2xx-with-json-type');
});

function clients(maxRetries = 2): TeamsClients {
  return createTeamsClients({
    transport, auth, clientId: sim.app.clientId, graphBaseUrl: sim.graphBaseUrl, presenceRead: 'application',
    retry: { maxRetries, backoffBaseMs: 20, backoffMaxMs: 50 },
  });
}

const user = (i: number): string => sim.tenant.users[i]!.id;
const sessions = (i: number): string[] => sim.presenceOf(user(i)).sessions.map((s) => `${s.availability}/${s.activity}`);

describe('presence writes against answers real Graph gives', () => {
  it('counts setPresence answered "200 OK" with an empty application/json body as success', async () => {
    const c = clients();
    await expect(c.writer.setPresence(user(0), { availability: 'Busy', activity: 'InACall' })).resolves.toBeUndefined();
    expect(sessions(0)).toEqual(['Busy/InACall']);
  });

  it('clears with clearPresence answered the same way, and a second clear (404) counts as already clear', async () => {
    const c = clients();
    await c.writer.setPresence(user(1), { availability: 'Busy', activity: 'InACall' });
    await expect(c.writer.clearPresence(user(1))).resolves.toBe('cleared');
    expect(sessions(1)).toEqual([]);
    await expect(c.writer.clearPresence(user(1))).resolves.toBe('already-clear');
  });

  it('hold + release round trip: the hang-up clears what the call set', async () => {
    const c = clients();
    await c.writer.hold(user(2), { availability: 'Busy', activity: 'InACall' });
    expect(c.writer.heldUsers()).toEqual([user(2)]);
    await expect(c.writer.release(user(2))).resolves.toBe('cleared');
    expect(sessions(2)).toEqual([]);
    await c.writer.close();
  });

  it('reports a 2xx with an unreadable body as ambiguous (the presence was in fact set)', async () => {
    const c = clients();
    sim.injectFaults({ unreadableAnswers: { count: 1, endpoints: ['setPresence'] } });
    const err = await c.writer.setPresence(user(3), { availability: 'Busy', activity: 'InACall' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphAmbiguousWriteError);
    expect((err as GraphAmbiguousWriteError).reason).toBe('unreadable-answer');
    expect(sessions(3)).toEqual(['Busy/InACall']);
    await c.writer.clearPresence(user(3));
  });

  it('reports a connection reset after the write as ambiguous, and a held session stays held so it is cleared later', async () => {
    const c = clients(0);
    // Enough resets that the transport's own retry on a fresh connection is reset as well.
    sim.injectFaults({ resetAfterEffect: { count: 5, endpoints: ['setPresence'] } });
    const err = await c.writer.hold(user(4), { availability: 'Busy', activity: 'InACall' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphAmbiguousWriteError);
    expect((err as GraphAmbiguousWriteError).reason).toBe('network');
    expect(sessions(4)).toEqual(['Busy/InACall']);
    expect(c.writer.heldUsers()).toEqual([user(4)]);
    sim.clearFaults();
    await c.writer.close({ clear: true });
    expect(sessions(4)).toEqual([]);
  });

  it('keeps a refused write a plain error (it did not take effect)', async () => {
    const c = clients(0);
    sim.injectFaults({ errors: { count: 1, status: 500, endpoints: ['setPresence'] } });
    const err = await c.writer.setPresence(user(0), { availability: 'Available', activity: 'Available' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphRequestError);
    expect((err as GraphRequestError).status).toBe(500);
    expect(sessions(0)).toEqual(['Busy/InACall']);
  });

  it('reports setPresence 404 (no Teams presence for the user) as NoTeamsPresenceError, not as ambiguous', async () => {
    const c = clients();
    const err = await c.writer.hold('00000000-0000-0000-0000-00000000dead', { availability: 'Busy', activity: 'InACall' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoTeamsPresenceError);
    expect(c.writer.heldUsers()).toEqual([]);
  });

  it('still reads JSON answers and names an unreadable read answer', async () => {
    const c = clients();
    const r = await c.reader.read([user(0)]);
    expect(r.presences.get(user(0))).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    sim.injectFaults({ unreadableAnswers: { count: 1, endpoints: ['getPresencesByUserId'] } });
    await expect(c.reader.read([user(0)])).rejects.toThrow(/cannot read: HTTP 200 with a body that is not JSON \(text\/html\)/);
  });
});
