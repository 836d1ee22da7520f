// REST directory client against the simulator over real sockets: users, groups with members, re-login on
// 401, bad credentials, logout, and HTTPS with the simulator's CA trusted through the transport settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/platform/http-transport.js';
import { StarfaceAuthError } from '../../src/starface/errors.js';
import { StarfaceDirectory } from '../../src/starface/rest-directory.js';
import { startStarfaceSimulator, type StarfaceSimulator } from '../../src/simulators/starface/server.js';
import { simJson } from './starface-helpers.js';

describe('StarfaceDirectory', () => {
  let sim: StarfaceSimulator;
  let transport: HttpTransport;
  beforeAll(async () => {
    sim = await startStarfaceSimulator({
      users: [
        { login: '0001', password: 'admin-secret', email: 'admin@example.com', firstName: 'Ad', familyName: 'Min', admin: true },
        { login: '1001', password: 'a', email: 'max.muster@example.com', firstName: 'Max', familyName: 'Muster', groups: ['Support', 'Sales'] },
        { login: '1002', password: 'b', email: 'erika@example.com', firstName: 'Erika', familyName: 'Mustermann', groups: ['Support'] },
        { login: '1003', password: 'c', email: 'otto@example.com', firstName: 'Otto', familyName: 'Normal', groups: [] },
      ],
    });
    transport = new HttpTransport();
  });
  afterAll(async () => {
    transport.close();
    await sim.close();
  });

  it('lists users with login ID, e-mail and names, and groups with their member logins', async () => {
    const dir = new StarfaceDirectory({ baseUrl: sim.url, login: '0001', password: async () => 'admin-secret', transport });
    const users = await dir.listUsers();
    expect(users).toContainEqual({ id: 2, login: '1001', email: 'max.muster@example.com', firstName: 'Max', familyName: 'Muster' });
    expect(users).toHaveLength(4);
    const groups = await dir.listGroups(users);
    const byName = Object.fromEntries(groups.map((g) => [g.name, g.members.sort()]));
    expect(byName).toEqual({ Support: ['1001', '1002'], Sales: ['1001'] });
    // Without the users argument it fetches them itself.
    expect((await dir.listGroups()).find((g) => g.name === 'Sales')?.members).toEqual(['1001']);
    await dir.logout();
    expect(sim.pbx.restTokenCount()).toBe(0);
  });

  it('logs in again once when the token expired (401) and keeps working', async () => {
    const dir = new StarfaceDirectory({ baseUrl: sim.url, login: '0001', password: 'admin-secret', transport });
    await dir.listUsers();
    const before = (await simJson<{ requests: Record<string, number> }>(sim.url, '/_sim/stats')).requests['REST POST /rest/login'] ?? 0;
    await simJson(sim.url, '/_sim/rest-tokens/expire', {});
    expect(await dir.listUsers()).toHaveLength(4);
    const after = (await simJson<{ requests: Record<string, number> }>(sim.url, '/_sim/stats')).requests['REST POST /rest/login'];
    expect(after).toBe(before + 1);
    await dir.logout();
  });

  it('shares one login between concurrent first calls', async () => {
    const dir = new StarfaceDirectory({ baseUrl: sim.url, login: '0001', password: 'admin-secret', transport });
    const before = sim.pbx.stats()['REST POST /rest/login'] ?? 0;
    await Promise.all([dir.listUsers(), dir.listUsers(), dir.listGroups()]);
    expect(sim.pbx.stats()['REST POST /rest/login']).toBe(before + 1);
    await dir.logout();
  });

  it('reports wrong credentials as StarfaceAuthError with a message that says what to check and no secret', async () => {
    const dir = new StarfaceDirectory({ baseUrl: sim.url, login: '0001', password: 'wrong-password', transport });
    const err = await dir.listUsers().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StarfaceAuthError);
    expect((err as Error).message).toMatch(/rejected the REST login of "0001" \(HTTP 400: invalid login\): check the admin login ID and password/);
    expect((err as Error).message).not.toContain('wrong-password');
  });

  it('a non-admin sees only itself (option nonAdminUsers) and gets 403 on groups', async () => {
    const dir = new StarfaceDirectory({ baseUrl: sim.url, login: '1001', password: 'a', transport });
    expect((await dir.listUsers()).map((u) => u.login)).toEqual(['1001']);
    await expect(dir.listGroups()).rejects.toMatchObject({ status: 403 });
    sim.setBehaviour({ nonAdminUsers: 'all' });
    expect(await dir.listUsers()).toHaveLength(4);
    sim.setBehaviour({ nonAdminUsers: 'self' });
    await dir.logout();
  });

  it('says clearly when the address is not a STARFACE REST API', async () => {
    const dir = new StarfaceDirectory({ baseUrl: `${sim.url}/nothing-here`, login: '0001', password: 'x', transport });
    await expect(dir.listUsers()).rejects.toThrow(/No STARFACE REST API at .*\/nothing-here\/rest \(HTTP 404\)/);
  });
});

describe('StarfaceDirectory over HTTPS', () => {
  it('trusts the simulator CA through TransportSettings.extraCaPem and refuses without it', async () => {
    const sim = await startStarfaceSimulator({ tls: true, users: 3 });
    const trusted = new HttpTransport({ extraCaPem: [sim.caPem!] });
    const untrusted = new HttpTransport();
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ok = new StarfaceDirectory({ baseUrl: sim.url, login: sim.admin.login, password: sim.admin.password, transport: trusted });
      expect((await ok.listGroups()).map((g) => g.name).sort()).toEqual(['Development', 'Sales', 'Support']);
      const bad = new StarfaceDirectory({ baseUrl: sim.url, login: sim.admin.login, password: sim.admin.password, transport: untrusted });
      await expect(bad.listUsers()).rejects.toMatchObject({ name: 'TransportError', code: 'tls' });
    } finally {
      trusted.close();
      untrusted.close();
      await sim.close();
    }
  });
});
