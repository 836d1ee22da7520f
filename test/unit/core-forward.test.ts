import { describe, expect, it } from 'vitest';
import { planForward } from '../../src/core/forward.js';
import { UCI_CAPABILITIES } from '../../src/core/desired-state.js';
import { newJournalEntry, recordTeamsSessionSet } from '../../src/core/journal.js';
import { effectiveRows } from '../../src/core/rules.js';
import { defaultSettings, parseSettings } from '../../src/core/settings.js';
import { BUILT_IN_ROW_IDS } from '../../src/core/status-rows.js';

const T0 = 1_700_000_000_000;
const p = (availability: string, activity: string, outOfOffice = false) => ({ availability, activity, outOfOffice });

describe('planForward', () => {
  it('classifies, applies the row rule and plans the minimal writes', () => {
    const plan = planForward({
      presence: p('Busy', 'InACall'),
      settings: defaultSettings(),
      caps: UCI_CAPABILITIES,
      entry: newJournalEntry('1001', T0),
      known: { dnd: false, chatText: '' },
      now: T0,
    });
    expect(plan).toMatchObject({
      rowId: 'busy-in-call',
      level: 'exact',
      echo: false,
      desired: { dnd: true, chatText: 'Im Anruf (MS Teams)' },
      writes: [
        { field: 'dnd', value: true },
        { field: 'chatText', value: 'Im Anruf (MS Teams)' },
      ],
      dndLeftAlone: false,
    });
  });

  it('plans nothing for the echo of its own Teams session', () => {
    const entry = recordTeamsSessionSet(newJournalEntry('1001', T0), { availability: 'Busy', activity: 'InACall' }, T0);
    const plan = planForward({ presence: p('Busy', 'InACall'), settings: defaultSettings(), caps: UCI_CAPABILITIES, entry, known: { dnd: false, chatText: '' }, now: T0 + 2_000 });
    expect(plan).toMatchObject({ rowId: 'busy-in-call', echo: true, writes: [], desired: {} });
    expect(plan.entry).toBe(entry);
  });

  it('uses custom rows and the rules from settings', () => {
    const settings = parseSettings({
      rules: { away: { dnd: 'on', chatText: 'Weg' } },
      customRows: [{ id: 'focusing', label: 'Focusing', availability: 'Focusing', rule: { dnd: 'on', chatText: 'Fokuszeit' } }],
    });
    const base = { settings, caps: UCI_CAPABILITIES, entry: newJournalEntry('1001', T0), known: { dnd: false, chatText: '' }, now: T0 };
    expect(planForward({ ...base, presence: p('Focusing', 'Focusing') }).writes).toEqual([
      { field: 'dnd', value: true },
      { field: 'chatText', value: 'Fokuszeit' },
    ]);
    expect(planForward({ ...base, presence: p('Away', 'Away'), rows: effectiveRows(settings) }).writes).toEqual([
      { field: 'dnd', value: true },
      { field: 'chatText', value: 'Weg' },
    ]);
  });

  it('honours the global switches', () => {
    const settings = parseSettings({ switches: { setDnd: false } });
    const plan = planForward({ presence: p('DoNotDisturb', 'Presenting'), settings, caps: UCI_CAPABILITIES, entry: newJournalEntry('1001', T0), known: {}, now: T0 });
    expect(plan.writes).toEqual([{ field: 'chatText', value: 'Nicht stören – Präsentiert' }]);
  });

  it('honours the ownership mode from settings', () => {
    const known = { dnd: true, chatText: 'Verfügbar' }; // DND pressed by the user; bridge never wrote
    const leads = planForward({ presence: p('Available', 'Available'), settings: parseSettings({ sync: { ownershipMode: 'teams-leads' } }), caps: UCI_CAPABILITIES, entry: newJournalEntry('1001', T0), known, now: T0 });
    const manual = planForward({ presence: p('Available', 'Available'), settings: defaultSettings(), caps: UCI_CAPABILITIES, entry: newJournalEntry('1001', T0), known, now: T0 });
    expect(leads.writes).toEqual([{ field: 'dnd', value: false }]);
    expect(manual.writes).toEqual([]);
    expect(manual.dndLeftAlone).toBe(true);
    expect(manual.entry.manualDnd).toEqual({ value: true, since: T0 });
  });

  it('every built-in row is reachable and yields its rule on a fresh user', () => {
    const settings = defaultSettings();
    const examples: Record<string, [string, string, boolean]> = {
      available: ['Available', 'Available', false],
      'available-oof': ['Available', 'OutOfOffice', false],
      busy: ['Busy', 'Busy', false],
      'busy-in-call': ['Busy', 'InACall', false],
      'busy-in-conference-call': ['Busy', 'InAConferenceCall', false],
      'busy-in-meeting': ['Busy', 'InAMeeting', false],
      'busy-oof': ['Busy', 'Busy', true],
      dnd: ['DoNotDisturb', 'DoNotDisturb', false],
      'dnd-presenting': ['DoNotDisturb', 'Presenting', false],
      'dnd-urgent-only': ['DoNotDisturb', 'UrgentInterruptionsOnly', false],
      away: ['Away', 'Away', false],
      'away-oof': ['Away', 'Away', true],
      'be-right-back': ['BeRightBack', 'BeRightBack', false],
      offline: ['Offline', 'OffWork', false],
      'offline-oof': ['Offline', 'OutOfOffice', false],
      'offline-unknown': ['Offline', 'PresenceUnknown', false],
      unknown: ['Focusing', 'Focusing', false],
    };
    for (const id of BUILT_IN_ROW_IDS) {
      const [a, act, oof] = examples[id]!;
      const plan = planForward({ presence: p(a, act, oof), settings, caps: UCI_CAPABILITIES, entry: newJournalEntry('1001', T0), known: { dnd: false, chatText: '' }, now: T0 });
      expect(plan.rowId).toBe(id);
      const rule = settings.rules[id];
      const want = [
        ...(rule.dnd === 'on' ? [{ field: 'dnd', value: true }] : []),
        { field: 'chatText', value: rule.chatText },
      ];
      expect(plan.writes, id).toEqual(want);
    }
  });
});
