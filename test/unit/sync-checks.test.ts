import { describe, expect, it } from 'vitest';
import { formatReport, formatRoster } from '../../src/commands/check.js';
import { defaultSettings } from '../../src/core/settings.js';
import { loginsWithPassword } from '../../src/core/uci-credentials.js';
import { connectionSettingsChanged } from '../../src/sync/connections.js';
import { finding, toCheckReport } from '../../src/sync/diagnosis.js';
import { checkResult } from '../../src/setup/types.js';
import { AADSTS_CODES, CHECK_CODES, CheckReportSchema } from '../../src/core/check-report.js';
import { explainMicrosoftError, explainStarfaceError } from '../../src/sync/explain.js';
import { StarfaceAuthError } from '../../src/starface/errors.js';
import { SignInAbortedError, TokenRequestError } from '../../src/teams/errors.js';

describe('check helpers', () => {
  it('lists the logins with a stored UCI password from the vault names', () => {
    expect([...loginsWithPassword(['microsoft.clientSecret', 'starface.user.1001.password', 'starface.user.ab.c.password', 'starface.adminPassword'])])
      .toEqual(['1001', 'ab.c']);
  });

  it('rebuilds connections only for connection settings', () => {
    const a = defaultSettings();
    expect(connectionSettingsChanged(a, { ...a, rules: { ...a.rules, dnd: { ...a.rules.dnd, dnd: 'off' } } })).toBe(false);
    expect(connectionSettingsChanged(a, { ...a, sync: { ...a.sync, ownershipMode: 'teams-leads' } })).toBe(false);
    expect(connectionSettingsChanged(a, { ...a, starface: { ...a.starface, baseUrl: 'https://pbx.example.com' } })).toBe(true);
    expect(connectionSettingsChanged(a, { ...a, network: { ...a.network, proxyUrl: 'http://proxy:3128' } })).toBe(true);
  });

  it('never shows ✓ next to a warning: a passed check with a warning is "!" with its fix, in the report and the CLI', () => {
    const report = toCheckReport('microsoft', [
      finding({ id: 'app-token', code: 'ok', label: 'Application sign-in', status: 'ok', message: 'Token issued.', fix: 'unused' }),
      finding({ id: 'secret-expiry', code: 'ok', label: 'Client secret', status: 'warn', message: 'Expires in 5 days.', fix: 'Create a new secret.' }),
    ]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.ok, c.warning ?? false])).toEqual([['app-token', true, false], ['secret-expiry', true, true]]);
    expect(formatReport(report)).toBe('Microsoft 365 (Teams presence): OK\n  ✓ Application sign-in: Token issued.\n  ! Client secret: Expires in 5 days.\n      Fix: Create a new secret.');
  });

  it('makes a setup step that passed with warnings a warning, not a success', () => {
    const now = new Date('2026-12-05T10:00:00Z');
    expect(checkResult({ step: 'microsoft-app', status: 'ok', message: 'ok', warnings: ['The client secret expires in 5 days.'] }, now).status).toBe('warn');
    expect(checkResult({ step: 'microsoft-app', status: 'ok', message: 'ok', warnings: [] }, now).status).toBe('ok');
    expect(checkResult({ step: 'microsoft-app', status: 'fail', message: 'no', warnings: ['x'] }, now)).toMatchObject({ status: 'fail', ok: false });
  });

  it('prints each failed check with its fix, and each conflict with what to do', () => {
    const text = formatReport({
      target: 'starface', ok: false,
      checks: [
        { id: 'config', code: 'ok', params: {}, label: 'PBX address', ok: true, message: 'https://pbx' },
        { id: 'rest-login', code: 'http-400', params: {}, label: 'REST login', ok: false, message: 'HTTP 400', fix: 'Check the password.' },
      ],
    });
    expect(text).toBe('STARFACE: PROBLEMS\n  ✓ PBX address: https://pbx\n  ✗ REST login: HTTP 400\n      Fix: Check the password.');
    const roster = formatRoster({
      users: [
        { login: '1', email: 'a@x', status: 'matched' },
        { login: '2', email: 'info@x', displayName: 'Info', status: 'conflict', reason: 'duplicate-email', detail: 'Give each user their own address.' },
      ],
      counts: { matched: 1, conflicts: 1 },
    }, ['The group "X" does not exist.']);
    expect(roster).toContain('Users: 1 will be synced, 1 cannot be synced');
    expect(roster).toContain('✗ The group "X" does not exist.');
    expect(roster).toContain('✗ 2 (Info) <info@x>: shared e-mail address\n      Fix: Give each user their own address.');
  });

  it('frames the report in German for a German CLI (the checks\' own texts come in German from the diagnosis)', () => {
    const text = formatReport({
      target: 'microsoft', ok: false,
      checks: [{ id: 'app-token', code: 'AADSTS7000215', params: {}, label: 'Anmeldung der App', ok: false, message: 'Abgelehnt.', fix: 'Neuen Schlüssel anlegen.' }],
    }, 'de');
    expect(text).toBe('Microsoft 365 (Teams-Status): PROBLEME\n  ✗ Anmeldung der App: Abgelehnt.\n      So beheben: Neuen Schlüssel anlegen.');
    const roster = formatRoster({ users: [{ login: '2', email: '', status: 'conflict', reason: 'no-email' }], counts: { matched: 0, conflicts: 1 } }, [], 'de');
    expect(roster).toBe('Benutzer: 0 werden synchronisiert, 1 können nicht synchronisiert werden\n  ✗ 2: keine E-Mail-Adresse');
  });
});

describe('check result codes are a closed set', () => {
  const report = (code: string) => ({ target: 'starface', ok: false, checks: [{ id: 'rest-login', code, params: {}, label: 'REST login', ok: false, message: 'x' }] });

  it('the report schema accepts the set and http-<status>, and refuses any other code', () => {
    for (const code of [...CHECK_CODES, 'http-400', 'http-503']) expect(CheckReportSchema.safeParse(report(code)).success, code).toBe(true);
    for (const code of ['nope', 'http-', 'http-x', 'AADSTS1', 'invalid_client']) expect(CheckReportSchema.safeParse(report(code)).success, code).toBe(false);
    expect(new Set(CHECK_CODES).size).toBe(CHECK_CODES.length);
  });

  it('every known Entra ID code is explained with its own code; an unknown one is not used as a code', () => {
    for (const code of AADSTS_CODES) {
      const e = explainMicrosoftError(new TokenRequestError(`${code}: something went wrong`, 'invalid_client'), 'en');
      expect(e.code).toBe(code);
    }
    const unknown = explainMicrosoftError(new TokenRequestError('AADSTS1234567: new problem', 'invalid_client'), 'de');
    expect(unknown).toMatchObject({ code: 'microsoft-token-refused', params: { errorCode: 'invalid_client' }, message: 'Entra ID hat die Token-Anfrage abgelehnt.' });
    expect(explainMicrosoftError(new TokenRequestError('refused'), 'en')).toMatchObject({ code: 'microsoft-token-refused', params: {} });
  });

  it('explained failures keep their codes: HTTP statuses, transport, sign-in and UCI kinds', () => {
    expect(explainStarfaceError(new StarfaceAuthError(401, 'refused'), 'en').code).toBe('http-401');
    expect(explainMicrosoftError(new SignInAbortedError('timeout', 'too slow'), 'en').code).toBe('sign-in-timeout');
    expect(explainMicrosoftError(new Error('?'), 'en').code).toBe('error');
  });
});
