import { describe, expect, it } from 'vitest';
import { loginsWithPassword, parseStarfaceCsv, uciPasswordSecretName } from '../../src/core/uci-credentials.js';

describe('STARFACE UCI password CSV', () => {
  it('reads login;password and login,password lines, with or without a header', () => {
    const r = parseStarfaceCsv('\uFEFFLogin;Passwort\r\n1001;secret-one\n\n1002,secret-two\n');
    expect(r.errors).toEqual([]);
    expect(r.entries.map(({ login, password }) => ({ login, password }))).toEqual([
      { login: '1001', password: 'secret-one' },
      { login: '1002', password: 'secret-two' },
    ]);
  });

  it('takes the rest of the line as the password, so it may contain separators; quotes keep spaces and quotes', () => {
    const r = parseStarfaceCsv('1001;a;b,c\n1002 ; spaced \n1003;" lead and ""quote"" "\n');
    expect(r.entries.map((e) => e.password)).toEqual(['a;b,c', 'spaced', ' lead and "quote" ']);
  });

  it('treats a first line like "login;password" as a header only at the top', () => {
    const r = parseStarfaceCsv('1001;x\nlogin;password\n');
    expect(r.entries.map((e) => e.login)).toEqual(['1001', 'login']);
  });

  it('reports bad lines by number without their content, and keeps the good ones', () => {
    const r = parseStarfaceCsv('1001;ok\nno separator here\n;pw-without-login\n10 02;pw\n1003;\n1001;second\n');
    expect(r.entries.map((e) => e.login)).toEqual(['1001']);
    expect(r.errors).toEqual([
      { line: 2, message: 'no separator: write login;password (or login,password)' },
      { line: 3, message: 'the login ID is empty' },
      { line: 4, message: '"10 02" is not a STARFACE login ID (no spaces, ":" or "*")' },
      { line: 5, message: 'the password of 1003 is empty' },
      { line: 6, message: '1001 already appears in line 1; this line was ignored' },
    ]);
    expect(JSON.stringify(r.errors)).not.toContain('pw-without-login');
  });

  it('finds the logins with a stored password from vault entry names', () => {
    expect([...loginsWithPassword(['starface.adminPassword', 'starface.user.1001.password', 'starface.user.a.b.password', 'msal.cache'])]).toEqual(['1001', 'a.b']);
  });

  it('names the vault entry of a login so that it is found again', () => {
    expect(uciPasswordSecretName('1001')).toBe('starface.user.1001.password');
    expect([...loginsWithPassword([uciPasswordSecretName('a.b'), uciPasswordSecretName('x')])]).toEqual(['a.b', 'x']);
  });
});
