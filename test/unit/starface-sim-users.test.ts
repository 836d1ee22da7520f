// Simulator accounts: generated users, users-file validation, behaviour options, and the PBX state rules.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOUR, mergeBehaviour } from '../../src/simulators/starface/options.js';
import { SimPbx } from '../../src/simulators/starface/pbx.js';
import { buildUsers, generateUsers, loadUsersFile } from '../../src/simulators/starface/users.js';

describe('generated users', () => {
  it('gives N users plus admin 0001, deterministic logins, passwords, groups and unique e-mails', () => {
    const users = generateUsers(2000);
    expect(users).toHaveLength(2001);
    expect(users[0]).toMatchObject({ login: '0001', password: 'Pass0001', admin: true });
    expect(users[1]).toMatchObject({ login: '1001', password: 'Pass1001', email: 'max.muster@example.com', groups: ['Support'], admin: false });
    expect(users[2]!.groups).toEqual(['Sales']);
    expect(new Set(users.map((u) => u.email)).size).toBe(2001);
    expect(generateUsers(3)).toEqual(generateUsers(3));
    expect(() => generateUsers(-1)).toThrow(/whole number/);
  });

  it('builds groups from names and precomputes the tokens a PBX compares', () => {
    const { users, groups } = buildUsers(generateUsers(6));
    expect(groups.map((g) => [g.name, g.members.size])).toEqual([['Support', 2], ['Sales', 2], ['Development', 2]]);
    // Reference §3.3 test vectors (login 123, password Pass123).
    const [ref] = buildUsers([{ login: '123', password: 'Pass123' }]).users;
    expect(ref!.uciToken).toBe('123:81d8af78c98b153485f7d48e3437eb735ba37f0f013c5e06ba74536776c5945694e7cde71e2effbed7b5a1d1a4566fadcd847ef4098c234052fdfd288e8b6ced');
    expect(ref!.md5Token).toBe('97612dc8a4bd8d3aed8419e3b5fea185');
    expect(ref!.adToken).toBe('MTIzKlBhc3MxMjM=');
    expect(users[1]!.uciToken).toMatch(/^1001:[0-9a-f]{128}$/);
    expect(() => buildUsers([{ login: '1', password: 'a' }, { login: '1', password: 'b' }])).toThrow(/appears twice/);
    expect(() => buildUsers([{ login: 'a:b', password: 'a' }])).toThrow(/login IDs contain no/);
  });
});

describe('users file', () => {
  it('loads a valid file and explains an invalid one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-users-'));
    try {
      const ok = join(dir, 'ok.json');
      await writeFile(ok, JSON.stringify({ users: [{ login: '1001', password: 'x', email: 'a@b.c', firstName: 'A', familyName: 'B', groups: ['Support'], admin: false }] }));
      expect(await loadUsersFile(ok)).toEqual([expect.objectContaining({ login: '1001', groups: ['Support'] })]);
      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify({ users: [{ login: '1001' }] }));
      await expect(loadUsersFile(bad)).rejects.toThrow(/invalid at users\.0\.password/);
      await writeFile(bad, '{not json');
      await expect(loadUsersFile(bad)).rejects.toThrow(/not valid JSON/);
      await expect(loadUsersFile(join(dir, 'missing.json'))).rejects.toThrow(/Cannot read users file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('behaviour options', () => {
  it('merges patches and rejects nonsense', () => {
    const b = mergeBehaviour({ ...DEFAULT_BEHAVIOUR }, { faultCodes: { notConnected: 99 } as never, uciSessionTimeoutMs: 1000 });
    expect(b.faultCodes).toEqual({ ...DEFAULT_BEHAVIOUR.faultCodes, notConnected: 99 });
    expect(() => mergeBehaviour(b, { uciApis: [] })).toThrow(/at least one/);
    expect(() => mergeBehaviour(b, { uciSessionTimeoutMs: 0 })).toThrow(/positive/);
  });
});

describe('SimPbx rules', () => {
  const make = (now: () => number) => {
    const { users, groups } = buildUsers(generateUsers(3));
    return new SimPbx(users, groups, mergeBehaviour({ ...DEFAULT_BEHAVIOUR }, { uciSessionTimeoutMs: 1000, nonceTtlMs: 500, restTokenTtlMs: 2000 }), now);
  };

  it('times sessions out since the last request and sweeps them', () => {
    let t = 0;
    const pbx = make(() => t);
    const s = pbx.openSession('1001', undefined, undefined);
    t = 900;
    expect(pbx.findSession('1001')).toBe(s);
    pbx.touch(s);
    t = 1800;
    expect(pbx.findSession('1001', s.id)).toBe(s);
    t = 2901;
    expect(pbx.findSession('1001', s.id)).toBeUndefined();
    pbx.sweep();
    expect(pbx.sessionCount()).toBe(0);
  });

  it('reuses a cookie-less client\'s session for the same callback target', () => {
    const pbx = make(() => 0);
    const cb = { type: 'http' as const, host: 'h', port: 1, path: '/p' };
    const a = pbx.openSession('1001', undefined, cb);
    expect(pbx.openSession('1001', undefined, { ...cb })).toBe(a);
    expect(pbx.openSession('1001', undefined, { ...cb, path: '/q' })).not.toBe(a);
    expect(pbx.aliveSessions('1001')).toHaveLength(2);
  });

  it('expires nonces and REST tokens, and uses nonces once', () => {
    let t = 0;
    const pbx = make(() => t);
    const n1 = pbx.issueNonce();
    const n2 = pbx.issueNonce();
    expect(pbx.useNonce(n1)).toBe(true);
    expect(pbx.useNonce(n1)).toBe(false);
    t = 600;
    expect(pbx.useNonce(n2)).toBe(false);
    const tok = pbx.issueRestToken('0001');
    expect(pbx.checkRestToken(tok)?.login).toBe('0001');
    t = 2601;
    expect(pbx.checkRestToken(tok)).toBeUndefined();
  });

  it('derives telephonyState from call legs and keeps a call list', () => {
    const pbx = make(() => 0);
    const u = pbx.user('1001')!;
    const call = pbx.placeCall({ from: '+49721', to: '1001' });
    expect(pbx.telephonyState(u)).toBe('RINGING');
    pbx.answer(call.id);
    expect(pbx.telephonyState(u)).toBe('ACTIVE');
    pbx.hangup(call.id);
    expect(pbx.telephonyState(u)).toBe('AVAILABLE');
    expect(pbx.callListOf('1001')[0]).toMatchObject({ direction: 'INBOUND', result: 'ANSWERED' });
    u.phoneRegistered = false;
    expect(pbx.telephonyState(u)).toBe('UNAVAILABLE');
    expect(() => pbx.placeCall({ from: '+1', to: '+2' })).toThrow(/one side must be on this PBX/);
    expect(() => pbx.hangup('nope')).toThrow(/No call/);
  });
});
