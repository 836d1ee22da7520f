// The simulator plays a US Government tenant (profile us-gov): it issues tokens only for
// https://graph.microsoft.us and its Graph accepts no other audience. The real MSAL + Graph client must ask for
// the cloud's scope; with the global scope the token request is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph/server.js';
import { createTeamsClients, MicrosoftAuth, TokenRequestError } from '../../src/teams/index.js';

let sim: GraphSimulator;
let transport: HttpTransport;

beforeAll(async () => {
  sim = await startGraphSimulator({ users: 3, profile: 'us-gov' });
  transport = new HttpTransport({ extraCaPem: [sim.caPem], connectTimeoutMs: 2000, readTimeoutMs: 5000 });
});

afterAll(async () => {
  transport.close();
  await sim.close();
});

function auth(cloud: 'auto' | 'us-gov'): MicrosoftAuth {
  return new MicrosoftAuth({
    tenantId: sim.tenant.tenantId, clientId: sim.app.clientId, authorityHost: sim.url, graphBaseUrl: sim.graphBaseUrl, cloud, transport,
    appCredential: { kind: 'secret', clientSecret: sim.app.clientSecret! },
  });
}

describe('US Government cloud', () => {
  it('gets an app token for https://graph.microsoft.us/.default and reads and writes presence with it', async () => {
    const a = auth('us-gov');
    const c = createTeamsClients({ transport, auth: a, clientId: sim.app.clientId, graphBaseUrl: sim.graphBaseUrl, presenceRead: 'application' });
    const id = sim.tenant.users[0]!.id;
    const r = await c.reader.read([id]);
    expect(r.presences.get(id)).toMatchObject({ availability: 'Offline' });
    await c.writer.setPresence(id, { availability: 'Busy', activity: 'InACall' });
    expect(sim.presenceOf(id).sessions).toHaveLength(1);
    await c.writer.clearPresence(id);
    expect(new URL(a.adminConsentUrl()).searchParams.get('scope')).toBe('https://graph.microsoft.us/.default');
  });

  it('is refused by the US Government token service with the global scope (the old fixed scope)', async () => {
    const err = await auth('auto').getAppToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRequestError);
    expect((err as Error).message).toMatch(/AADSTS500011.*https:\/\/graph\.microsoft\.com/);
  });
});
