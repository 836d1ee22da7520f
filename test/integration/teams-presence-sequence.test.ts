// Issue 14 item 3: Graph's sequenceNumber ("lexicographically sortable string stamp"; width and resets are not
// documented) must never freeze a user: a lower stamp that persists, or a stamp of another width, is taken as a
// reset of the stamps and logged; a single late answer is still dropped. Real Graph client against the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { createLogger, type RootLogger } from '../../src/platform/logger.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import { createTeamsClients, MicrosoftAuth, type TeamsClients } from '../../src/teams/index.js';

let sim: GraphSimulator;
let transport: HttpTransport;
let logger: RootLogger;
let c: TeamsClients;

beforeAll(async () => {
  sim = await startGraphSimulator({ users: 4 });
  transport = new HttpTransport({ extraCaPem: [sim.caPem] });
  logger = createLogger({ level: 'debug', ringSize: 1000 });
  const auth = new MicrosoftAuth({
    tenantId: sim.tenant.tenantId, clientId: sim.app.clientId, authorityHost: sim.url, transport,
    appCredential: { kind: 'secret', clientSecret: sim.app.clientSecret! },
  });
  c = createTeamsClients({ transport, auth, clientId: sim.app.clientId, graphBaseUrl: sim.graphBaseUrl, presenceRead: 'application', logger });
});

afterAll(async () => {
  transport.close();
  await sim.close();
  await logger.close();
});

const resets = (): number => logger.ring.entries({ level: 'warn' }).filter((e) => /stamp went back/.test(e.msg)).length;

describe('sequenceNumber resets', () => {
  it('takes a lower stamp of the same width once it persisted for three reads, and logs it', async () => {
    const id = sim.tenant.users[0]!.id;
    sim.setUserPresence(id, { availability: 'Available' });
    for (let i = 0; i < 5; i++) sim.setUserPresence(sim.tenant.users[1]!.id, { availability: i % 2 ? 'Away' : 'Busy' }); // stamps move on
    sim.setUserPresence(id, { availability: 'Away' });
    expect((await c.reader.read([id])).presences.get(id)).toMatchObject({ availability: 'Away' });

    sim.restartSequence(1);
    sim.setUserPresence(id, { availability: 'Busy', activity: 'InACall' });
    const first = await c.reader.read([id]);
    expect(first.stale).toEqual([id]);
    expect(first.presences.get(id)).toMatchObject({ availability: 'Away' });
    expect((await c.reader.read([id])).stale).toEqual([id]);
    const third = await c.reader.read([id]);
    expect(third.stale).toEqual([]);
    expect(third.presences.get(id)).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    expect(resets()).toBe(1);
    // From the new base on, ordering works as before.
    sim.setUserPresence(id, { availability: 'Available' });
    expect((await c.reader.read([id])).presences.get(id)).toMatchObject({ availability: 'Available' });
  });

  it('takes a stamp of another width at once', async () => {
    const id = sim.tenant.users[2]!.id;
    sim.setUserPresence(id, { availability: 'Busy' });
    await c.reader.read([id]);
    sim.restartSequence(1, 30); // wider: compares lower as a string
    sim.setUserPresence(id, { availability: 'DoNotDisturb' });
    const r = await c.reader.read([id]);
    expect(r.stale).toEqual([]);
    expect(r.presences.get(id)!.sequenceNumber).toHaveLength(30);
    expect(r.presences.get(id)).toMatchObject({ availability: 'DoNotDisturb' });
  });
});
