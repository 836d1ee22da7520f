// Tenant files, generated tenants and the STARFACE users file as a source of Graph users.
import { describe, expect, it } from 'vitest';
import { generateUsers as generateStarfaceUsers } from '../../src/simulators/starface/users.js';
import {
  DEFAULT_APPLICATION, generateTenant, generateUsers, parseStarfaceUsers, parseTenant, stableGuid, usersFromStarface,
} from '../../src/simulators/graph/tenant.js';

describe('tenant file', () => {
  it('accepts the documented format and fills defaults', () => {
    const t = parseTenant({
      tenantId: 't1',
      apps: [{ clientId: 'c1', clientSecret: 's', delegated: ['Presence.Read.All'], application: ['User.Read.All'] }],
      users: [{ id: 'u1', mail: 'a@x.example', userPrincipalName: 'a@x.example', displayName: 'A', proxyAddresses: ['SMTP:a@x.example'] }],
    });
    expect(t.apps[0]!.redirectUris).toEqual(['http://localhost']);
    expect(t.apps[0]!.certificates).toEqual([]);
    expect(t.users[0]!.mail).toBe('a@x.example');
  });

  it('says where a tenant file is wrong', () => {
    expect(() => parseTenant({ tenantId: 't', apps: [] })).toThrow(/at "apps".*at least one app/);
    expect(() => parseTenant({ tenantId: 't', apps: [{ clientId: 'c' }], users: [{ id: 'u' }] })).toThrow(/users\.0\.userPrincipalName/);
    expect(() => parseTenant({
      tenantId: 't', apps: [{ clientId: 'c' }],
      users: [{ id: 'U', userPrincipalName: 'a@x' }, { id: 'u', userPrincipalName: 'b@x' }],
    })).toThrow(/twice/);
  });

  it('generates a tenant whose app holds the permissions the bridge needs', () => {
    const t = generateTenant(generateUsers(3));
    expect(t.apps[0]!.application).toEqual(DEFAULT_APPLICATION);
    expect(t.apps[0]!.delegated).toContain('Presence.Read.All');
    expect(t.apps[0]!.clientSecret!.length).toBeGreaterThanOrEqual(24);
    expect(t.users).toHaveLength(3);
  });
});

describe('people shared with the STARFACE simulator', () => {
  it('--users N gives the same e-mail addresses as sim starface --users N (without the PBX admin)', () => {
    const graph = generateUsers(450);
    const starface = generateStarfaceUsers(450).filter((u) => !u.admin);
    expect(graph.map((u) => u.mail)).toEqual(starface.map((u) => u.email));
    expect(new Set(graph.map((u) => u.id)).size).toBe(450);
    // Stable object ids: the same person has the same id in every run.
    expect(generateUsers(450)[123]!.id).toBe(graph[123]!.id);
  });

  it('reads a STARFACE users file; people without e-mail are skipped, duplicates kept once', () => {
    const users = usersFromStarface(parseStarfaceUsers({
      users: [
        { login: '1001', password: 'x', email: 'Anna.Meyer@Example.com', firstName: 'Anna', familyName: 'Meyer', groups: [], admin: false },
        { login: '1002', password: 'x', email: '', firstName: 'No', familyName: 'Mail' },
        { login: '1003', password: 'x', email: 'anna.meyer@example.com', firstName: 'Dup', familyName: 'Licate' },
      ],
    }));
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ mail: 'Anna.Meyer@Example.com', userPrincipalName: 'Anna.Meyer@Example.com', displayName: 'Anna Meyer', proxyAddresses: ['SMTP:Anna.Meyer@Example.com'] });
    expect(users[0]!.id).toBe(stableGuid('user:anna.meyer@example.com'));
    expect(() => parseStarfaceUsers({ people: [] })).toThrow(/STARFACE users file/);
  });

  it('makes GUID-shaped ids', () => {
    expect(stableGuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
