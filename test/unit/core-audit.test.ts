// Audit entries (issue 15 item 1): code and params are columns of the log entry, redacted like any field, and
// rendered by the Log page in its language; the CSV export is safe to open in a spreadsheet.
import { describe, expect, it } from 'vitest';
import { AUDIT_CODES, audit, auditSettingsSave, changedSections } from '../../src/core/audit.js';
import { LogEntrySchema } from '../../src/core/log-entry.js';
import { defaultSettings } from '../../src/core/settings.js';
import { STATUS_ROWS } from '../../src/core/status-rows.js';
import { presenceName } from '../../src/core/teams-names.js';
import { createLogger } from '../../src/platform/logger.js';
import { auditEntryText, entryWho } from '../../renderer/src/i18n/audit-text.js';
import { createI18n } from '../../renderer/src/i18n/core.js';
import { logCsv, parseJsonl } from '../../renderer/src/state/log-csv.js';

describe('audit entries', () => {
  it('are info entries whose code and params are columns, with the user as the user column', () => {
    const log = createLogger();
    audit(log.child({ component: 'sync' }), 'audit.dnd', { login: '1001', name: 'Anna Berg', email: 'anna@contoso.example', old: false, new: true, teams: 'Busy/InAMeeting', row: 'inMeeting' });
    const [e] = log.ring.entries();
    expect(LogEntrySchema.parse(e)).toMatchObject({ level: 'info', component: 'sync', user: '1001', code: 'audit.dnd' });
    expect(e!.params).toMatchObject({ email: 'anna@contoso.example', new: true });
    expect(e!.fields).toBeUndefined();
    expect(e!.msg).toBe('DND off → on for Anna Berg <anna@contoso.example> (login 1001) — Teams Busy/InAMeeting, row inMeeting');
  });

  it('are logged at the default level but not above it', () => {
    const log = createLogger({ level: 'warn' });
    audit(log, 'audit.teamsSessionCleared', { login: '1001', name: null, email: 'a@b.example' });
    expect(log.ring.entries()).toHaveLength(0);
    log.setLevel('info');
    audit(log, 'audit.teamsSessionCleared', { login: '1001', name: null, email: 'a@b.example' });
    expect(log.ring.entries()).toHaveLength(1);
  });

  it('redact secrets in params; a plain error code stays a field', () => {
    const log = createLogger();
    audit(log, 'audit.chatText', { login: '1001', email: 'a@b.example', old: 'password=hunter2', new: 'ok' });
    log.warn('failed', { code: 'ECONNRESET' });
    const [a, b] = log.ring.entries();
    expect(JSON.stringify(a)).not.toContain('hunter2');
    expect(b!.code).toBeUndefined();
    expect(b!.fields).toEqual({ code: 'ECONNRESET' });
  });

  it('name the sections a settings save changed and where it came from', () => {
    const prev = defaultSettings();
    const next = { ...prev, rules: { ...prev.rules, offline: { ...prev.rules.offline, chatText: 'Weg' } }, log: { level: 'debug' as const } };
    expect(changedSections(prev, next)).toEqual(['rules', 'log']);
    const log = createLogger();
    auditSettingsSave(log, prev, next, 'cli');
    expect(log.ring.entries()[0]).toMatchObject({ code: 'audit.settingsSaved', params: { sections: 'rules, log', by: 'cli' } });
  });

  it('say where a save came from in both languages: window, command line, or the file changed outside the app', () => {
    const de = createI18n('de');
    const en = createI18n('en');
    const saved = (by: string) => LogEntrySchema.parse({ seq: 1, time: '2026-12-05T12:00:00Z', level: 'info', msg: 'x', code: 'audit.settingsSaved', params: { sections: 'rules', by } });
    expect(auditEntryText(saved('file'), de.t, () => null)).toBe('Einstellungen gespeichert (rules) in der Einstellungsdatei, außerhalb der App (Kommandozeile oder Editor)');
    expect(auditEntryText(saved('file'), en.t, () => null)).toBe('Settings saved (rules) in the settings file, outside the app (command line or an editor)');
    expect(auditEntryText(saved('cli'), de.t, () => null)).toBe('Einstellungen gespeichert (rules) über die Kommandozeile');
    const log = createLogger();
    auditSettingsSave(log, defaultSettings(), defaultSettings(), 'file');
    expect(log.ring.entries()[0]!.msg).toBe('Settings saved (no changes) in the settings file, outside the app (command line or an editor)');
  });

  it('have a German and an English text for every code (the Log page renders them)', () => {
    const de = createI18n('de');
    const rowDe = (id: string): string | null => STATUS_ROWS.find((r) => r.id === id)?.label.de ?? null;
    const en = createI18n('en');
    for (const code of AUDIT_CODES) {
      const e = LogEntrySchema.parse({ seq: 1, time: '2026-12-05T12:00:00Z', level: 'info', msg: 'x', code, params: { login: '1001', email: 'a@b.example', old: false, new: true, sections: 'rules', by: 'ui' } });
      expect(auditEntryText(e, de.t, () => null)).toMatch(/\S/);
      expect(auditEntryText(e, en.t, () => null)).toMatch(/\S/);
    }
    const dnd = LogEntrySchema.parse({
      seq: 2, time: '2026-12-05T12:00:00Z', level: 'info', msg: 'x', code: 'audit.dnd',
      params: { login: '1001', name: 'Anna Berg', email: 'anna@contoso.example', old: false, new: true, teams: 'DoNotDisturb/DoNotDisturb', row: 'dnd' },
    });
    expect(auditEntryText(dnd, de.t, rowDe)).toBe(`Nicht stören aus → ein für Anna Berg <anna@contoso.example> (Login 1001) – Grund: Teams DoNotDisturb/DoNotDisturb, Zeile „${rowDe('dnd')!}“`);
    // With the page's language, the Teams values in the words Teams shows.
    expect(auditEntryText(dnd, de.t, rowDe, 'de')).toContain(`Grund: Teams ${presenceName('DoNotDisturb', 'DoNotDisturb', 'de')}, Zeile`);
    expect(entryWho(dnd)).toContain('anna@contoso.example');
    expect(auditEntryText({ ...dnd, code: undefined }, de.t, rowDe)).toBeNull();
  });

  it('export as CSV with one row per entry, formulas defused', () => {
    const text = [
      JSON.stringify({ seq: 1, time: 't1', level: 'info', msg: 'a;b "q"', user: '1001', code: 'audit.chatText', params: { email: 'a@b.example', new: '=HYPERLINK("x")' } }),
      JSON.stringify({ seq: 2, time: 't2', level: 'warn', msg: 'plain' }),
      '{"torn',
    ].join('\n');
    const entries = parseJsonl(text);
    expect(entries).toHaveLength(2);
    const csv = logCsv(entries, (e) => e.msg);
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('"time";"level";"component";"user";"email";"code";"message";"details"');
    expect(lines[1]).toContain('"a;b ""q"""');
    expect(lines[1]).toContain('"a@b.example"');
    expect(lines[2]).toBe('"t2";"warn";"";"";"";"";"plain";""');
  });
});
