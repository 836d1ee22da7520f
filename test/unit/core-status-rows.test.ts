import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_ROW_IDS,
  STATUS_ROWS,
  UNKNOWN_ROW_ID,
  builtInRow,
  customRowToStatusRow,
  defaultRuleFor,
  defaultRules,
  isBuiltInRowId,
  type BuiltInRowId,
  type DndAction,
} from '../../src/core/status-rows.js';
import { effectiveRows, ruleForRow } from '../../src/core/rules.js';
import { defaultSettings, parseSettings } from '../../src/core/settings.js';

// The table of ../shared/design/status-rows.md, transcribed independently of the implementation.
const TABLE: [BuiltInRowId, string, string, DndAction, string, string, boolean, boolean][] = [
  // id, English label, German label, DND, chat text de, chat text en, show as in call, new
  ['available', 'Available', 'Verfügbar', 'off', 'Verfügbar', 'Available', false, false],
  ['available-oof', 'Available – out of office', 'Verfügbar – Außer Haus', 'off', 'Verfügbar – Außer Haus', 'Available – out of office', false, false],
  ['busy', 'Busy', 'Beschäftigt', 'unchanged', 'Beschäftigt', 'Busy', false, false],
  ['busy-in-call', 'Busy – in a call', 'Beschäftigt – Im Anruf', 'on', 'Im Anruf (MS Teams)', 'In a call (MS Teams)', true, false],
  ['busy-in-conference-call', 'Busy – in a conference call', 'Beschäftigt – In einer Telefonkonferenz', 'on', 'In einer Telefonkonferenz (MS Teams)', 'In a conference call (MS Teams)', true, true],
  ['busy-in-meeting', 'Busy – in a meeting', 'Beschäftigt – In einer Besprechung', 'on', 'Beschäftigt – In einer Besprechung', 'Busy – in a meeting', false, false],
  ['busy-oof', 'Busy – out of office', 'Beschäftigt – Außer Haus', 'on', 'Beschäftigt – Außer Haus', 'Busy – out of office', false, false],
  ['dnd', 'Do not disturb', 'Nicht stören', 'on', 'Nicht stören', 'Do not disturb', false, false],
  ['dnd-presenting', 'Do not disturb – presenting', 'Nicht stören – Präsentiert', 'on', 'Nicht stören – Präsentiert', 'Do not disturb – presenting', true, false],
  ['dnd-urgent-only', 'Do not disturb – urgent interruptions only', 'Nicht stören – Nur dringende Unterbrechungen', 'on', 'Nur dringende Unterbrechungen', 'Urgent interruptions only', false, true],
  ['away', 'Away', 'Abwesend', 'off', 'Abwesend', 'Away', false, false],
  ['away-oof', 'Away – out of office', 'Abwesend – Außer Haus', 'off', 'Abwesend – Außer Haus', 'Away – out of office', false, false],
  ['be-right-back', 'Be right back', 'Bin gleich zurück', 'off', 'Bin gleich zurück', 'Be right back', false, false],
  ['offline', 'Offline', 'Offline', 'off', 'Offline', 'Offline', false, false],
  ['offline-oof', 'Offline – out of office', 'Offline – Außer Haus', 'off', 'Offline – Außer Haus', 'Offline – out of office', false, false],
  ['offline-unknown', 'Offline – unknown', 'Offline – Unbekannt', 'unchanged', 'Offline – Unbekannt', 'Offline – unknown', false, false],
  ['unknown', 'Unknown', 'Unbekannt', 'unchanged', 'Unbekannt', 'Unknown', false, false],
];

describe('the built-in status table', () => {
  it('has exactly the rows of the design, in its order, with stable ids', () => {
    expect(STATUS_ROWS.map((r) => r.id)).toEqual(TABLE.map((t) => t[0]));
    expect([...BUILT_IN_ROW_IDS]).toEqual(TABLE.map((t) => t[0]));
    expect(new Set(STATUS_ROWS.map((r) => r.id)).size).toBe(STATUS_ROWS.length);
  });

  it.each(TABLE)('%s: labels, default rule, chat texts, show-as-in-call, new', (id, en, de, dnd, textDe, textEn, inCall, isNew) => {
    const row = builtInRow(id);
    expect(row.label).toEqual({ en, de });
    expect(row.defaultRule).toEqual({ dnd, chatText: textDe, showAsInCall: inCall });
    expect(row.defaultChatText).toEqual({ de: textDe, en: textEn });
    expect(row.isNew).toBe(isNew);
    expect(row.builtIn).toBe(true);
    expect(row.defaultRule.chatPresence).toBeUndefined();
  });

  it('has the matching kinds of the design', () => {
    const kinds = Object.fromEntries(STATUS_ROWS.map((r) => [r.id, r.match.kind]));
    expect(kinds).toEqual({
      available: 'any',
      'available-oof': 'oof',
      busy: 'any',
      'busy-in-call': 'exact',
      'busy-in-conference-call': 'exact',
      'busy-in-meeting': 'exact',
      'busy-oof': 'oof',
      dnd: 'any',
      'dnd-presenting': 'exact',
      'dnd-urgent-only': 'exact',
      away: 'any',
      'away-oof': 'oof',
      'be-right-back': 'any',
      offline: 'any',
      'offline-oof': 'oof',
      'offline-unknown': 'exact',
      unknown: 'any',
    });
    expect(UNKNOWN_ROW_ID).toBe('unknown');
  });

  it('is frozen, so nobody changes the defaults by accident', () => {
    const row = builtInRow('busy');
    expect(Object.isFrozen(STATUS_ROWS)).toBe(true);
    expect(Object.isFrozen(row)).toBe(true);
    expect(Object.isFrozen(row.defaultRule)).toBe(true);
    expect(() => {
      (row.defaultRule as { dnd: string }).dnd = 'on';
    }).toThrow(TypeError);
  });

  it('gives default rules per language, as fresh objects', () => {
    expect(defaultRuleFor('busy-in-call')).toEqual({ dnd: 'on', chatText: 'Im Anruf (MS Teams)', showAsInCall: true });
    expect(defaultRuleFor('busy-in-call', 'en')).toEqual({ dnd: 'on', chatText: 'In a call (MS Teams)', showAsInCall: true });
    const en = defaultRules('en');
    expect(Object.keys(en)).toEqual([...BUILT_IN_ROW_IDS]);
    for (const [id, , , , , textEn] of TABLE) expect(en[id].chatText).toBe(textEn);
    en.busy.dnd = 'on';
    expect(defaultRules('en').busy.dnd).toBe('unchanged');
    expect(defaultRules().dnd.chatText).toBe('Nicht stören');
  });

  it('knows which ids are built in', () => {
    expect(isBuiltInRowId('busy')).toBe(true);
    expect(isBuiltInRowId('focusing')).toBe(false);
    expect(() => builtInRow('nope' as BuiltInRowId)).toThrow(/missing/);
  });
});

describe('custom rows', () => {
  const rule = { dnd: 'on' as const, chatText: 'Fokuszeit', showAsInCall: false };

  it('maps the activity to the matching kind', () => {
    expect(customRowToStatusRow({ id: 'a', label: 'A', availability: 'Focusing', activity: '*', rule }).match).toEqual({ kind: 'any', availability: ['Focusing'] });
    expect(customRowToStatusRow({ id: 'b', label: 'B', availability: 'DoNotDisturb', activity: 'outOfOffice', rule }).match).toEqual({
      kind: 'oof',
      availability: ['DoNotDisturb'],
    });
    expect(customRowToStatusRow({ id: 'c', label: 'C', availability: 'Busy', activity: 'Focusing', rule }).match).toEqual({
      kind: 'exact',
      availability: ['Busy'],
      activity: ['Focusing'],
    });
  });

  it('carries label and rule', () => {
    const row = customRowToStatusRow({ id: 'focus', label: 'Fokus', availability: 'Focusing', activity: '*', rule });
    expect(row).toMatchObject({ id: 'focus', label: { en: 'Fokus', de: 'Fokus' }, defaultRule: rule, builtIn: false, isNew: false });
  });
});

describe('effective rows and rules from settings', () => {
  const settings = parseSettings({
    rules: { busy: { dnd: 'on', chatText: 'Busy!' } },
    customRows: [{ id: 'focusing', label: 'Focusing', availability: 'Focusing', rule: { dnd: 'on', chatText: 'Fokus' } }],
  });

  it('puts custom rows before built-in rows', () => {
    expect(effectiveRows(settings).map((r) => r.id)).toEqual(['focusing', ...BUILT_IN_ROW_IDS]);
    expect(effectiveRows(defaultSettings())).toEqual([...STATUS_ROWS]);
  });

  it('reads built-in rules from settings and custom rules from the row', () => {
    expect(ruleForRow(settings, 'busy')).toEqual({ dnd: 'on', chatText: 'Busy!', showAsInCall: false });
    expect(ruleForRow(settings, 'focusing')).toEqual({ dnd: 'on', chatText: 'Fokus', showAsInCall: false });
    expect(ruleForRow(settings, 'dnd')).toEqual(defaultRuleFor('dnd'));
  });

  it("falls back to the Unknown row's rule for a row that no longer exists", () => {
    expect(ruleForRow(settings, 'deleted-row')).toEqual(defaultRuleFor('unknown'));
  });

  it('returns copies', () => {
    const r = ruleForRow(settings, 'busy');
    r.dnd = 'off';
    expect(settings.rules.busy.dnd).toBe('on');
  });
});
