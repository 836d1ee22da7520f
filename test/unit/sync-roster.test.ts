import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../../src/teams/directory.js';
import { buildRoster, diffMatched, type DirectoryPbxUser, type RosterInput } from '../../src/sync/roster.js';

const pbxUsers: DirectoryPbxUser[] = [
  { login: '1001', email: 'Anna.Alt@Example.com', firstName: 'Anna', familyName: 'Alt' },
  { login: '1002', email: 'ben@example.com', firstName: 'Ben', familyName: 'Bau' },
  { login: '1003', email: 'carla@example.com' }, // matched via UPN
  { login: '1004', email: 'dora@alias.example.com' }, // matched via proxyAddresses
  { login: '1005', email: 'info@example.com' }, // shared with 1006
  { login: '1006', email: 'INFO@example.com ' },
  { login: '1007', email: '' }, // no e-mail
  { login: '1008', email: 'nobody@example.com' }, // no Microsoft account
  { login: '1009', email: 'eve@example.com' }, // no UCI password
  { login: '1010', email: 'fritz@example.com' }, // ambiguous on Microsoft side
  { login: '1011', email: 'anna.alias@example.com' }, // reaches Anna's account through a proxy address
];

const ms = (u: Partial<DirectoryUser> & { id: string }): DirectoryUser => ({ displayName: null, mail: null, userPrincipalName: null, proxyAddresses: [], ...u });
const msUsers: DirectoryUser[] = [
  ms({ id: 'ms-anna', mail: 'anna.alt@example.com', userPrincipalName: 'anna@tenant.onmicrosoft.com', proxyAddresses: ['SMTP:anna.alt@example.com', 'smtp:anna.alias@example.com'], displayName: 'Anna Alt (MS)' }),
  ms({ id: 'ms-ben', mail: 'ben@example.com', userPrincipalName: 'ben@example.com' }),
  ms({ id: 'ms-carla', mail: null, userPrincipalName: 'Carla@Example.com', displayName: 'Carla C' }),
  ms({ id: 'ms-dora', mail: 'dora@example.com', proxyAddresses: ['SMTP:dora@example.com', 'smtp:Dora@Alias.Example.com', 'SIP:dora@alias.example.com'] }),
  ms({ id: 'ms-eve', mail: 'eve@example.com' }),
  ms({ id: 'ms-fritz1', mail: 'fritz@example.com' }),
  ms({ id: 'ms-fritz2', mail: 'FRITZ@example.com' }),
  ms({ id: 'ms-info', mail: 'info@example.com' }),
];

function input(over: Partial<RosterInput> = {}): RosterInput {
  return {
    users: { selection: 'all', extraLoginIds: [] },
    pbxUsers,
    pbxGroups: [
      { id: '7', name: 'Support', memberLogins: ['1002', '1003'] },
      { id: '8', name: 'Sales', memberLogins: ['1001'] },
    ],
    microsoftUsers: msUsers,
    loginsWithPassword: new Set(pbxUsers.map((u) => u.login).filter((l) => l !== '1009')),
    ...over,
  };
}

describe('buildRoster', () => {
  it('leaves the PBX administrator account out of "all users" and says so, unless it is listed as an extra login ID', () => {
    const all = buildRoster(input({ adminLogin: '1002' }));
    expect(all.roster.users.map((u) => u.login)).not.toContain('1002');
    expect(all.matched.map((m) => m.login)).toEqual(['1003', '1004']);
    expect(all.roster.adminLeftOut).toBe('1002');

    const extra = buildRoster(input({ adminLogin: '1002', users: { selection: 'all', extraLoginIds: ['1002'] } }));
    expect(extra.matched.map((m) => m.login)).toEqual(['1002', '1003', '1004']);
    expect(extra.roster.adminLeftOut).toBeUndefined();

    // A group selects its members as they are: an administrator in the chosen group is a deliberate choice.
    const group = buildRoster(input({ adminLogin: '1002', users: { selection: 'group', group: 'Support', extraLoginIds: [] } }));
    expect(group.matched.map((m) => m.login)).toEqual(['1002', '1003']);
    expect(group.roster.adminLeftOut).toBeUndefined();
  });

  it('matches by mail, then UPN, then SMTP proxy address, case-insensitively', () => {
    const r = buildRoster(input());
    const byLogin = new Map(r.roster.users.map((u) => [u.login, u]));
    expect(byLogin.get('1002')).toMatchObject({ status: 'matched', microsoftId: 'ms-ben', displayName: 'Ben Bau' });
    expect(byLogin.get('1003')).toMatchObject({ status: 'matched', microsoftId: 'ms-carla', displayName: 'Carla C' });
    expect(byLogin.get('1004')).toMatchObject({ status: 'matched', microsoftId: 'ms-dora' });
  });

  it('lists every doubtful user as a conflict with its reason, and syncs none of them', () => {
    const r = buildRoster(input());
    const byLogin = new Map(r.roster.users.map((u) => [u.login, u]));
    expect(byLogin.get('1005')).toMatchObject({ status: 'conflict', reason: 'duplicate-email' });
    expect(byLogin.get('1005')!.detail).toContain('1006');
    expect(byLogin.get('1006')).toMatchObject({ status: 'conflict', reason: 'duplicate-email' });
    expect(byLogin.get('1007')).toMatchObject({ status: 'conflict', reason: 'no-email', email: '' });
    expect(byLogin.get('1008')).toMatchObject({ status: 'conflict', reason: 'no-microsoft-account' });
    expect(byLogin.get('1009')).toMatchObject({ status: 'conflict', reason: 'no-uci-password', microsoftId: 'ms-eve' });
    expect(byLogin.get('1010')).toMatchObject({ status: 'conflict', reason: 'duplicate-email' });
    // 1001 (mail) and 1011 (proxy alias) both reach Anna's account: both are conflicts.
    expect(byLogin.get('1001')).toMatchObject({ status: 'conflict', reason: 'duplicate-email' });
    expect(byLogin.get('1011')).toMatchObject({ status: 'conflict', reason: 'duplicate-email' });
    for (const u of r.roster.users.filter((x) => x.status === 'conflict')) expect(u.detail).toMatch(/:/);
    expect(r.matched.map((m) => m.login)).toEqual(['1002', '1003', '1004']);
    expect(r.roster.counts).toEqual({ matched: 3, conflicts: 8 });
  });

  it('selects a group by id or name plus extra logins, and reports unknown ones', () => {
    const byName = buildRoster(input({ users: { selection: 'group', group: 'support', extraLoginIds: ['1004', '9999'] } }));
    expect(byName.roster.users.map((u) => u.login)).toEqual(['1002', '1003', '1004']);
    expect(byName.problems).toEqual([expect.stringContaining('"9999" is not a STARFACE user')]);
    // The same problem as a code for the UI's and the CLI's language; the English above is its text.
    expect(byName.problemCodes).toEqual([{ code: 'roster-extra-login-unknown', params: { login: '9999' } }]);
    const byId = buildRoster(input({ users: { selection: 'group', group: '8', extraLoginIds: [] } }));
    expect(byId.roster.users.map((u) => u.login)).toEqual(['1001']);
    // Alone in the selection, Anna is no longer a duplicate of 1011.
    expect(byId.matched).toEqual([{ login: '1001', email: 'Anna.Alt@Example.com', microsoftId: 'ms-anna', displayName: 'Anna Alt' }]);
    const missing = buildRoster(input({ users: { selection: 'group', group: 'Nope', extraLoginIds: [] } }));
    expect(missing.matched).toEqual([]);
    expect(missing.problems[0]).toContain('"Nope" does not exist');
    expect(missing.problems[0]).toContain('Support');
    expect(missing.problemCodes[0]).toMatchObject({ code: 'roster-group-missing', params: { group: 'Nope', groups: expect.stringContaining('Support') } });
  });

  it('only counts duplicates among the selected users', () => {
    const r = buildRoster(input({ users: { selection: 'group', group: 'Support', extraLoginIds: ['1005'] } }));
    expect(r.roster.users.find((u) => u.login === '1005')).toMatchObject({ status: 'matched', microsoftId: 'ms-info' });
  });
});

describe('diffMatched', () => {
  it('reports added, removed and re-matched users', () => {
    const a = { login: '1', email: 'a@x', microsoftId: 'A' };
    const b = { login: '2', email: 'b@x', microsoftId: 'B' };
    const c = { login: '3', email: 'c@x', microsoftId: 'C' };
    const d = diffMatched([a, b], [{ ...b, microsoftId: 'B2' }, c]);
    expect(d.added).toEqual([c]);
    expect(d.removed).toEqual([a]);
    expect(d.changed).toEqual([{ before: b, after: { ...b, microsoftId: 'B2' } }]);
  });
});
