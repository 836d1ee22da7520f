import { describe, expect, it } from 'vitest';
import { classify, classifyWithReason } from '../../src/core/classify.js';
import {
  DOCUMENTED_ACTIVITIES,
  DOCUMENTED_AVAILABILITIES,
  isNewerPresence,
  isOutOfOffice,
  presenceFromGraph,
  samePresence,
  sameValue,
  type Presence,
} from '../../src/core/presence.js';
import { STATUS_ROWS, customRowToStatusRow, type Rule } from '../../src/core/status-rows.js';
import { effectiveRows } from '../../src/core/rules.js';
import { parseSettings } from '../../src/core/settings.js';

const p = (availability: string, activity: string, outOfOffice = false): Presence => ({ availability, activity, outOfOffice });

describe('classify: one example per row (design table)', () => {
  it.each([
    ['Available', 'Available', false, 'available'],
    ['AvailableIdle', 'Inactive', false, 'available'],
    ['Available', 'OutOfOffice', false, 'available-oof'],
    ['Available', 'Available', true, 'available-oof'],
    ['Busy', 'Busy', false, 'busy'],
    ['BusyIdle', 'Inactive', false, 'busy'],
    ['Busy', 'InACall', false, 'busy-in-call'],
    ['Busy', 'InAConferenceCall', false, 'busy-in-conference-call'],
    ['Busy', 'InAMeeting', false, 'busy-in-meeting'],
    ['Busy', 'OutOfOffice', false, 'busy-oof'],
    ['Busy', 'Busy', true, 'busy-oof'],
    ['DoNotDisturb', 'DoNotDisturb', false, 'dnd'],
    ['DoNotDisturb', 'Presenting', false, 'dnd-presenting'],
    ['DoNotDisturb', 'UrgentInterruptionsOnly', false, 'dnd-urgent-only'],
    ['Away', 'Away', false, 'away'],
    ['Away', 'OutOfOffice', false, 'away-oof'],
    ['Away', 'Away', true, 'away-oof'],
    ['BeRightBack', 'BeRightBack', false, 'be-right-back'],
    ['Offline', 'Offline', false, 'offline'],
    ['Offline', 'OffWork', false, 'offline'],
    ['Offline', 'OutOfOffice', false, 'offline-oof'],
    ['Offline', 'Offline', true, 'offline-oof'],
    ['Offline', 'PresenceUnknown', false, 'offline-unknown'],
    ['PresenceUnknown', 'PresenceUnknown', false, 'unknown'],
  ])('%s / %s (OOF %s) → %s', (availability, activity, oof, row) => {
    expect(classify(p(availability, activity, oof))).toBe(row);
  });

  it('reaches every built-in row', () => {
    const reached = new Set<string>();
    for (const a of DOCUMENTED_AVAILABILITIES)
      for (const act of DOCUMENTED_ACTIVITIES) for (const oof of [false, true]) reached.add(classify(p(a, act, oof)));
    expect([...reached].sort()).toEqual(STATUS_ROWS.map((r) => r.id).sort());
  });
});

// Expected row for every documented combination, stated from the design table in plain terms.
function expectedRow(availability: string, activity: string, oofFlag: boolean): string {
  const oof = oofFlag || activity === 'OutOfOffice';
  switch (availability) {
    case 'Available':
    case 'AvailableIdle':
      return oof ? 'available-oof' : 'available';
    case 'Busy':
    case 'BusyIdle':
      if (activity === 'InACall') return 'busy-in-call';
      if (activity === 'InAConferenceCall') return 'busy-in-conference-call';
      if (activity === 'InAMeeting') return 'busy-in-meeting';
      return oof ? 'busy-oof' : 'busy';
    case 'DoNotDisturb':
      if (activity === 'Presenting') return 'dnd-presenting';
      if (activity === 'UrgentInterruptionsOnly') return 'dnd-urgent-only';
      return 'dnd'; // there is no "Do not disturb – out of office" row
    case 'Away':
      return oof ? 'away-oof' : 'away';
    case 'BeRightBack':
      return 'be-right-back'; // no OOF row for BRB
    case 'Offline':
      if (activity === 'PresenceUnknown') return 'offline-unknown';
      return oof ? 'offline-oof' : 'offline';
    default:
      return 'unknown';
  }
}

const ALL_COMBOS = DOCUMENTED_AVAILABILITIES.flatMap((a) =>
  [...DOCUMENTED_ACTIVITIES, 'AvailableInactive'].flatMap((act) => [false, true].map((oof) => [a, act, oof] as const)),
);

describe('classify: every documented availability × activity × OOF flag', () => {
  it('covers 9 availabilities × 16 activities × 2', () => expect(ALL_COMBOS).toHaveLength(9 * 16 * 2));

  it.each(ALL_COMBOS)('%s / %s (OOF %s)', (a, act, oof) => {
    expect(classify(p(a, act, oof))).toBe(expectedRow(a, act, oof));
  });

  it.each(ALL_COMBOS)('lowerCamel / UPPER / padded spelling of %s / %s (OOF %s) gives the same row', (a, act, oof) => {
    const lowerCamel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
    const want = expectedRow(a, act, oof);
    expect(classify(p(lowerCamel(a), lowerCamel(act), oof))).toBe(want);
    expect(classify(p(a.toUpperCase(), act.toUpperCase(), oof))).toBe(want);
    expect(classify(p(` ${a} `, `\t${act}`, oof))).toBe(want);
  });
});

describe('classify: specificity and the reason', () => {
  it('exact beats out of office: in a call while OOF is still a call', () => {
    expect(classifyWithReason(p('Busy', 'InACall', true))).toEqual({ rowId: 'busy-in-call', level: 'exact' });
    expect(classifyWithReason(p('DoNotDisturb', 'Presenting', true))).toEqual({ rowId: 'dnd-presenting', level: 'exact' });
    expect(classifyWithReason(p('Offline', 'PresenceUnknown', true))).toEqual({ rowId: 'offline-unknown', level: 'exact' });
  });

  it('out of office beats (availability, any)', () => {
    expect(classifyWithReason(p('Busy', 'Busy', true))).toEqual({ rowId: 'busy-oof', level: 'oof' });
    expect(classifyWithReason(p('Available', 'OutOfOffice', false))).toEqual({ rowId: 'available-oof', level: 'oof' });
  });

  it('an availability without an OOF row falls back to its any-row', () => {
    expect(classifyWithReason(p('DoNotDisturb', 'OutOfOffice'))).toEqual({ rowId: 'dnd', level: 'any' });
    expect(classifyWithReason(p('BeRightBack', 'BeRightBack', true))).toEqual({ rowId: 'be-right-back', level: 'any' });
  });

  it('an exact activity under another availability does not match', () => {
    // InACall is only an exact match for Busy; under Available it is just "Available".
    expect(classify(p('Available', 'InACall'))).toBe('available');
    expect(classify(p('Away', 'Presenting'))).toBe('away');
  });

  it('PresenceUnknown availability matches Unknown by its row', () => {
    expect(classifyWithReason(p('PresenceUnknown', 'Available'))).toEqual({ rowId: 'unknown', level: 'any' });
  });

  it.each([
    ['Focusing', 'Focusing'],
    ['OutOfOffice', 'OutOfOffice'],
    ['InACall', 'InACall'],
    ['', ''],
    ['Busy?', 'Busy'],
    ['Avail', 'Available'],
  ])('unknown values (%j / %j) → unknown (fallback)', (a, act) => {
    expect(classifyWithReason(p(a, act))).toEqual({ rowId: 'unknown', level: 'fallback' });
    expect(classifyWithReason(p(a, act, true))).toEqual({ rowId: 'unknown', level: 'fallback' });
  });

  it('with no rows at all, everything is unknown', () => {
    expect(classify(p('Available', 'Available'), [])).toBe('unknown');
  });
});

describe('classify: custom rows', () => {
  const rule: Rule = { dnd: 'on', chatText: 'x', showAsInCall: false };
  const settings = parseSettings({
    customRows: [
      { id: 'focusing', label: 'Focusing', availability: 'Focusing', activity: '*', rule },
      { id: 'busy-focus', label: 'Busy – focusing', availability: 'Busy', activity: 'Focusing', rule },
      { id: 'dnd-oof', label: 'DND – out of office', availability: 'DoNotDisturb', activity: 'OutOfOffice', rule },
      { id: 'brb-offwork', label: 'BRB – off work', availability: 'BeRightBack', activity: 'OffWork', rule },
    ],
  });
  const rows = effectiveRows(settings);

  it('an (availability, any) custom row catches an otherwise unknown availability', () => {
    expect(classify(p('Focusing', 'Focusing'), rows)).toBe('focusing');
    expect(classify(p('focusing', 'anything'), rows)).toBe('focusing');
    expect(classify(p('Focusing', 'Focusing'))).toBe('unknown');
  });

  it('an exact custom row beats the built-in any-row and OOF row', () => {
    expect(classify(p('Busy', 'Focusing'), rows)).toBe('busy-focus');
    expect(classify(p('BUSY', 'focusing', true), rows)).toBe('busy-focus');
    expect(classify(p('BeRightBack', 'OffWork'), rows)).toBe('brb-offwork');
  });

  it("a custom 'OutOfOffice' row is an OOF row: matched by the activity or the flag", () => {
    expect(classifyWithReason(p('DoNotDisturb', 'OutOfOffice'), rows)).toEqual({ rowId: 'dnd-oof', level: 'oof' });
    expect(classifyWithReason(p('DoNotDisturb', 'DoNotDisturb', true), rows)).toEqual({ rowId: 'dnd-oof', level: 'oof' });
    // exact built-in rows still win over it
    expect(classify(p('DoNotDisturb', 'Presenting', true), rows)).toBe('dnd-presenting');
    expect(classify(p('DoNotDisturb', 'DoNotDisturb'), rows)).toBe('dnd');
  });

  it('leaves the built-in rows alone otherwise', () => {
    for (const [a, act, oof] of ALL_COMBOS) {
      if ((a === 'Busy' && act === 'Focusing') || a === 'DoNotDisturb' || (a === 'BeRightBack' && act === 'OffWork')) continue;
      expect(classify(p(a, act, oof), rows), `${a}/${act}/${oof}`).toBe(expectedRow(a, act, oof));
    }
  });

  it('within one level, the first row in the list wins', () => {
    const twin = customRowToStatusRow({ id: 'my-call', label: 'Call', availability: 'Busy', activity: 'InACall', rule });
    expect(classify(p('Busy', 'InACall'), [twin, ...STATUS_ROWS])).toBe('my-call');
    expect(classify(p('Busy', 'InACall'), [...STATUS_ROWS, twin])).toBe('busy-in-call');
  });
});

describe('presence model', () => {
  it('compares values case- and whitespace-insensitively', () => {
    expect(sameValue('DoNotDisturb', ' doNotDisturb ')).toBe(true);
    expect(sameValue('Busy', 'BusyIdle')).toBe(false);
  });

  it('knows out of office from the flag or the activity', () => {
    expect(isOutOfOffice(p('Available', 'Available', true))).toBe(true);
    expect(isOutOfOffice(p('Available', 'outOfOffice'))).toBe(true);
    expect(isOutOfOffice(p('Available', 'Available'))).toBe(false);
  });

  it('samePresence ignores case and the sequence number, but not the OOF flag', () => {
    expect(samePresence({ ...p('Busy', 'InACall'), sequenceNumber: '1' }, { ...p('busy', 'inACall'), sequenceNumber: '2' })).toBe(true);
    expect(samePresence(p('Busy', 'InACall'), p('Busy', 'InACall', true))).toBe(false);
    expect(samePresence(p('Busy', 'InACall'), p('Busy', 'InAMeeting'))).toBe(false);
    expect(samePresence(p('Away', 'Away'), p('Busy', 'Away'))).toBe(false);
  });

  it('drops stale updates by sequence number', () => {
    const old = { ...p('Busy', 'Busy'), sequenceNumber: 'C4D2A' };
    expect(isNewerPresence({ ...p('Away', 'Away'), sequenceNumber: 'C4D2B' }, old)).toBe(true);
    expect(isNewerPresence({ ...p('Away', 'Away'), sequenceNumber: 'C4D29' }, old)).toBe(false);
    expect(isNewerPresence({ ...p('Away', 'Away'), sequenceNumber: 'C4D2A' }, old)).toBe(false);
    expect(isNewerPresence(p('Away', 'Away'), old)).toBe(true);
    expect(isNewerPresence({ ...p('Away', 'Away'), sequenceNumber: '1' }, p('Busy', 'Busy'))).toBe(true);
    expect(isNewerPresence(p('Away', 'Away'), undefined)).toBe(true);
  });

  it('normalizes a Graph presence object', () => {
    expect(
      presenceFromGraph({
        id: 'a1b2',
        availability: 'Busy',
        activity: 'InACall',
        outOfOfficeSettings: { message: null, isOutOfOffice: true },
        sequenceNumber: 'C4D2B',
        statusMessage: null,
      }),
    ).toEqual({ availability: 'Busy', activity: 'InACall', outOfOffice: true, sequenceNumber: 'C4D2B' });
    expect(presenceFromGraph({ availability: 'away', activity: 'away', outOfOfficeSettings: { isOutOfOffice: false } })).toEqual({
      availability: 'away',
      activity: 'away',
      outOfOffice: false,
    });
  });

  it.each([undefined, null, 42, 'Busy', [], {}, { availability: 3, activity: null }, { availability: '  ' }, { outOfOfficeSettings: 'yes' }])(
    'never throws on junk: %j → PresenceUnknown',
    (raw) => {
      const got = presenceFromGraph(raw);
      expect(got).toEqual({ availability: 'PresenceUnknown', activity: 'PresenceUnknown', outOfOffice: false });
      expect(classify(got)).toBe('unknown');
    },
  );

  it('takes the OOF flag only when it is exactly true', () => {
    expect(presenceFromGraph({ availability: 'Busy', activity: 'Busy', outOfOfficeSettings: { isOutOfOffice: 'true' } }).outOfOffice).toBe(false);
  });
});
