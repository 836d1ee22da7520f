import { describe, expect, it } from 'vitest';
import { looksLikeStarfaceLogin, loginsWithPassword, parseStarfaceCsv, uciPasswordSecretName } from '../../src/core/uci-credentials.js';

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
    expect(r.entries.map((e) => e.login)).toEqual(['1001']);
    expect(r.errors.map((e) => e.line)).toEqual([2]);
  });

  it('reports bad lines by number without their content, and keeps the good ones', () => {
    const r = parseStarfaceCsv('1001;ok\nno separator here\n;pw-without-login\n10 02;pw\n1003;\n1001;second\n');
    expect(r.entries.map((e) => e.login)).toEqual(['1001']);
    expect(r.errors).toEqual([
      { line: 2, message: 'no separator: write login;password (or login,password)' },
      { line: 3, message: 'the login ID is empty' },
      { line: 4, message: 'the first field is not a STARFACE login ID (its digits, or a login the PBX directory knows); the field is not shown, it may be a password' },
      { line: 5, message: 'the password is empty' },
      { line: 6, message: 'the login ID already appears in line 1; this line was ignored' },
    ]);
    expect(JSON.stringify(r.errors)).not.toMatch(/pw-without-login|10 02|1003|1001/);
  });
});

describe('STARFACE UCI password CSV from a hostile or careless hand (issue 13 item 3)', () => {
  it('refuses swapped columns instead of storing the password as a login, and says so without showing it', () => {
    const r = parseStarfaceCsv('1001;right-pw\nS3cretPw;1002\n');
    expect(r.entries.map((e) => e.login)).toEqual(['1001']);
    expect(r.errors).toEqual([{ line: 2, message: 'the columns look swapped: write the login ID first, then the password (login;password)' }]);
    expect(JSON.stringify(r)).not.toContain('S3cretPw;');
    expect(JSON.stringify(r.errors)).not.toMatch(/S3cretPw|1002/);
  });

  it('never echoes a login with spaces, and gives an over-long login a line number instead of aborting the import', () => {
    const long = 'x'.repeat(250);
    const r = parseStarfaceCsv(`my secret pw;1001\n${long};pw\n1003;fine\n`);
    expect(r.entries.map((e) => e.login)).toEqual(['1003']);
    expect(r.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(r.errors[1]?.message).toBe('the first field is longer than 64 characters, so it is not a login ID; the field is not shown, it may be a password');
    expect(JSON.stringify(r.errors)).not.toMatch(/my secret pw|xxxxxxxx/);
  });

  it('accepts a non-numeric login only when the PBX directory knows it', () => {
    const csv = 'm.mueller;pw-1\nS3cretPw;pw-2\n';
    expect(parseStarfaceCsv(csv).entries).toEqual([]);
    const r = parseStarfaceCsv(csv, { knownLogins: new Set(['m.mueller', '1001']) });
    expect(r.entries.map((e) => e.login)).toEqual(['m.mueller']);
    expect(r.errors.map((e) => e.line)).toEqual([2]);
  });

  it('refuses control characters in the login or the password, naming the line only', () => {
    const r = parseStarfaceCsv('1001;pw\u0001x\n10\u000102;pw\n');
    expect(r.entries).toEqual([]);
    expect(r.errors).toEqual([
      { line: 1, message: 'the password contains a control character (U+0001) at position 3; STARFACE cannot receive it' },
      { line: 2, message: 'the first field is not a STARFACE login ID (its digits, or a login the PBX directory knows); the field is not shown, it may be a password' },
    ]);
  });

  it('knows what a STARFACE login looks like', () => {
    expect(looksLikeStarfaceLogin('0001')).toBe(true);
    expect(looksLikeStarfaceLogin('123')).toBe(true);
    expect(looksLikeStarfaceLogin('S3cretPw')).toBe(false);
    expect(looksLikeStarfaceLogin('m.mueller')).toBe(false);
    expect(looksLikeStarfaceLogin('m.mueller', new Set(['m.mueller']))).toBe(true);
    expect(looksLikeStarfaceLogin('1'.repeat(65))).toBe(false);
    expect(looksLikeStarfaceLogin('')).toBe(false);
  });

  it('finds the logins with a stored password from vault entry names', () => {
    expect([...loginsWithPassword(['starface.adminPassword', 'starface.user.1001.password', 'starface.user.a.b.password', 'msal.cache'])]).toEqual(['1001', 'a.b']);
  });

  it('names the vault entry of a login so that it is found again', () => {
    expect(uciPasswordSecretName('1001')).toBe('starface.user.1001.password');
    expect([...loginsWithPassword([uciPasswordSecretName('a.b'), uciPasswordSecretName('x')])]).toEqual(['a.b', 'x']);
  });
});
