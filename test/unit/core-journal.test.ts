import { describe, expect, it } from 'vitest';
import { planPbxWrites, restorePlan } from '../../src/core/ownership.js';
import {
  confirmPbxWrite,
  forgetPbxField,
  hasUnconfirmedWrites,
  settlePbxWrites,
  recordPbxIntent,
  withdrawPbxWrite,
  isJournalEntryEmpty,
  newJournalEntry,
  parseJournal,
  recordPbxWrite,
  recordTeamsSessionCleared,
  recordTeamsSessionSet,
  type JournalEntry,
} from '../../src/core/journal.js';

const T0 = 1_700_000_000_000;

describe('recording PBX writes', () => {
  it('records value, time and the value replaced', () => {
    const e = recordPbxWrite(newJournalEntry('1001', T0), { field: 'dnd', value: true }, false, T0 + 1);
    expect(e).toEqual({ user: '1001', pbx: { dnd: { value: true, at: T0 + 1, replaced: false } }, updatedAt: T0 + 1 });
  });

  it('keeps the original replaced value across consecutive bridge writes', () => {
    let e = newJournalEntry('1001', T0);
    e = recordPbxWrite(e, { field: 'chatText', value: 'Im Anruf (MS Teams)' }, 'Mittagspause', T0 + 1);
    e = recordPbxWrite(e, { field: 'chatText', value: 'Verfügbar' }, 'Im Anruf (MS Teams)', T0 + 2);
    e = recordPbxWrite(e, { field: 'chatText', value: 'Abwesend' }, undefined, T0 + 3); // before unknown: still ours
    expect(e.pbx.chatText).toEqual({ value: 'Abwesend', at: T0 + 3, replaced: 'Mittagspause' });
  });

  it("takes a user's change between two bridge writes as the new value to restore", () => {
    let e = newJournalEntry('1001', T0);
    e = recordPbxWrite(e, { field: 'chatText', value: 'Verfügbar' }, 'Mittagspause', T0 + 1);
    e = recordPbxWrite(e, { field: 'chatText', value: 'Abwesend' }, 'Im Urlaub', T0 + 2);
    expect(e.pbx.chatText?.replaced).toBe('Im Urlaub');
  });

  it('leaves replaced absent when the value before is unknown', () => {
    const e = recordPbxWrite(newJournalEntry('1001', T0), { field: 'telephonyInCall', value: true }, undefined, T0);
    expect(e.pbx.telephonyInCall).toEqual({ value: true, at: T0 });
    expect('replaced' in e.pbx.telephonyInCall!).toBe(false);
  });

  it('records chat presence', () => {
    const e = recordPbxWrite(newJournalEntry('1001', T0), { field: 'chatPresence', value: 'AWAY' }, 'AVAILABLE', T0);
    expect(e.pbx.chatPresence).toEqual({ value: 'AWAY', at: T0, replaced: 'AVAILABLE' });
  });

  it('a DND write ends a manual override; other writes do not', () => {
    const manual: JournalEntry = { ...newJournalEntry('1001', T0), manualDnd: { value: true, since: T0 } };
    expect(recordPbxWrite(manual, { field: 'chatText', value: 'x' }, undefined, T0 + 1).manualDnd).toEqual({ value: true, since: T0 });
    expect(recordPbxWrite(manual, { field: 'dnd', value: false }, true, T0 + 1).manualDnd).toBeUndefined();
  });

  it('never changes its input', () => {
    const e = Object.freeze({ ...newJournalEntry('1001', T0), pbx: Object.freeze({}) });
    recordPbxWrite(e, { field: 'dnd', value: true }, false, T0 + 1);
    expect(e.pbx).toEqual({});
  });

  it('forgets a field', () => {
    let e = recordPbxWrite(newJournalEntry('1001', T0), { field: 'dnd', value: true }, false, T0);
    e = recordPbxWrite(e, { field: 'chatText', value: 'x' }, 'y', T0);
    const f = forgetPbxField(e, 'dnd', T0 + 5);
    expect(f.pbx).toEqual({ chatText: { value: 'x', at: T0, replaced: 'y' } });
    expect(f.updatedAt).toBe(T0 + 5);
    expect(e.pbx.dnd).toBeDefined();
  });
});

describe('write intents (recorded before the write is sent)', () => {
  const text = (e: JournalEntry) => e.pbx.chatText;
  // The bridge wrote "Im Gespräch" over the user's "Mittagspause"; now it is about to write "Verfügbar".
  const earlier = recordPbxWrite(newJournalEntry('1001', T0), { field: 'chatText', value: 'Im Gespräch' }, 'Mittagspause', T0);
  const intent = recordPbxIntent(earlier, { field: 'chatText', value: 'Verfügbar' }, 'Im Gespräch', T0 + 1);

  it('keeps the value from before the bridge and the record it supersedes', () => {
    expect(text(intent)).toEqual({
      value: 'Verfügbar', at: T0 + 1, replaced: 'Mittagspause', unconfirmed: true,
      previous: { value: 'Im Gespräch', at: T0, replaced: 'Mittagspause' },
    });
    expect(hasUnconfirmedWrites(intent)).toBe(true);
  });

  it('is confirmed by the PBX answer or by a read that shows it', () => {
    expect(text(confirmPbxWrite(intent, 'chatText', T0 + 2))).toEqual({ value: 'Verfügbar', at: T0 + 1, replaced: 'Mittagspause' });
    expect(settlePbxWrites(intent, { chatText: 'Verfügbar' }, T0 + 2)).toEqual(confirmPbxWrite(intent, 'chatText', T0 + 2));
  });

  it('is taken back exactly when it was never sent, or a read shows it did not take effect', () => {
    expect(text(withdrawPbxWrite(intent, 'chatText', T0 + 2))).toEqual(text(earlier));
    expect(text(settlePbxWrites(intent, { chatText: 'Im Gespräch' }, T0 + 2))).toEqual(text(earlier));
    // The first write of a field: nothing to go back to.
    const first = recordPbxIntent(newJournalEntry('1001', T0), { field: 'dnd', value: true }, false, T0);
    expect(withdrawPbxWrite(first, 'dnd', T0).pbx.dnd).toBeUndefined();
  });

  it('over a write whose outcome is unknown, falls back to that one (it may have taken effect), never to nothing', () => {
    // A crash left "DND on" unconfirmed; after the restart the next cycle plans "DND off".
    const crashed = recordPbxIntent(newJournalEntry('1001', T0), { field: 'dnd', value: true }, false, T0);
    const next = recordPbxIntent(crashed, { field: 'dnd', value: false }, undefined, T0 + 1);
    expect(next.pbx.dnd).toEqual({ value: false, at: T0 + 1, replaced: false, unconfirmed: true, previous: { value: true, at: T0, replaced: false, unconfirmed: true } });
    const back = withdrawPbxWrite(next, 'dnd', T0 + 2);
    expect(back.pbx.dnd).toEqual({ value: true, at: T0, replaced: false, unconfirmed: true });
    // The PBX shows the DND on: it is the bridge's (not the user's), and it is switched off.
    const plan = planPbxWrites({ mode: 'respect-manual', entry: back, desired: { dnd: false }, known: { dnd: true }, now: T0 + 2 });
    expect(plan.dndLeftAlone).toBe(false);
    expect(plan.writes).toEqual([{ field: 'dnd', value: false }]);
  });

  it('stays unconfirmed while the PBX does not report the field (e.g. DND not readable)', () => {
    const dnd = recordPbxIntent(newJournalEntry('1001', T0), { field: 'dnd', value: true }, false, T0);
    expect(settlePbxWrites(dnd, { chatText: 'x' }, T0 + 1)).toBe(dnd);
  });

  it('after a crash counts as "may have taken effect": restore puts the value from before back, planning writes again', () => {
    // Nothing read yet (unknown): restore writes the user's own text back.
    expect(restorePlan(intent, {}).pbxWrites).toEqual([{ field: 'chatText', value: 'Mittagspause' }]);
    // The PBX shows the intent: taken effect, restored the same way.
    expect(restorePlan(intent, { chatText: 'Verfügbar' }).pbxWrites).toEqual([{ field: 'chatText', value: 'Mittagspause' }]);
    // The PBX still shows the earlier write: this one never happened, the earlier one is restored.
    expect(restorePlan(intent, { chatText: 'Im Gespräch' }).pbxWrites).toEqual([{ field: 'chatText', value: 'Mittagspause' }]);
    // An unconfirmed value is no baseline: with the PBX value unknown the desired text is written again.
    const plan = planPbxWrites({ mode: 'respect-manual', entry: intent, desired: { chatText: 'Verfügbar' }, known: {}, now: T0 + 2 });
    expect(plan.writes).toEqual([{ field: 'chatText', value: 'Verfügbar' }]);
  });

  it('an unconfirmed DND is never taken for the user\'s own change', () => {
    const dnd = recordPbxIntent(newJournalEntry('1001', T0), { field: 'dnd', value: true }, false, T0);
    const plan = planPbxWrites({ mode: 'respect-manual', entry: dnd, desired: { dnd: true }, known: { dnd: false }, now: T0 + 1 });
    expect(plan.entry.manualDnd).toBeUndefined();
    expect(plan.writes).toEqual([{ field: 'dnd', value: true }]);
  });
});

describe('recording Teams sessions', () => {
  it('set, refresh (keeps setAt), change state (new setAt), clear (kept for the echo guard)', () => {
    let e = newJournalEntry('1001', T0);
    e = recordTeamsSessionSet(e, { availability: 'Busy', activity: 'InACall' }, T0 + 1);
    expect(e.teamsSession).toEqual({ availability: 'Busy', activity: 'InACall', setAt: T0 + 1, refreshedAt: T0 + 1 });
    e = recordTeamsSessionSet(e, { availability: 'busy', activity: 'inACall' }, T0 + 180_000);
    expect(e.teamsSession).toEqual({ availability: 'busy', activity: 'inACall', setAt: T0 + 1, refreshedAt: T0 + 180_000 });
    e = recordTeamsSessionSet(e, { availability: 'DoNotDisturb', activity: 'Presenting' }, T0 + 200_000);
    expect(e.teamsSession?.setAt).toBe(T0 + 200_000);
    e = recordTeamsSessionCleared(e, T0 + 300_000);
    expect(e.teamsSession).toBeUndefined();
    expect(e.teamsCleared).toEqual({ availability: 'DoNotDisturb', activity: 'Presenting', at: T0 + 300_000 });
    e = recordTeamsSessionSet(e, { availability: 'Busy', activity: 'InACall' }, T0 + 400_000);
    expect(e.teamsCleared).toBeUndefined();
  });

  it('clearing without a session records no echo', () => {
    const e = recordTeamsSessionCleared(newJournalEntry('1001', T0), T0 + 1);
    expect(e.teamsCleared).toBeUndefined();
  });
});

describe('emptiness', () => {
  it('is empty with nothing to restore', () => {
    const e = newJournalEntry('1001', T0);
    expect(isJournalEntryEmpty(e)).toBe(true);
    expect(isJournalEntryEmpty(recordPbxWrite(e, { field: 'dnd', value: true }, false, T0))).toBe(false);
    expect(isJournalEntryEmpty(recordTeamsSessionSet(e, { availability: 'Busy', activity: 'InACall' }, T0))).toBe(false);
    expect(isJournalEntryEmpty({ ...e, manualDnd: { value: true, since: T0 } })).toBe(false);
    expect(isJournalEntryEmpty(recordTeamsSessionCleared(recordTeamsSessionSet(e, { availability: 'Busy', activity: 'InACall' }, T0), T0))).toBe(true);
  });
});

describe('parseJournal', () => {
  const full = (() => {
    let e = newJournalEntry('1001', T0);
    e = recordPbxWrite(e, { field: 'dnd', value: true }, false, T0);
    e = recordPbxWrite(e, { field: 'chatText', value: 'x' }, undefined, T0);
    e = recordPbxWrite(e, { field: 'chatPresence', value: 'AWAY' }, 'AVAILABLE', T0);
    e = recordPbxWrite(e, { field: 'telephonyInCall', value: true }, false, T0);
    e = recordTeamsSessionSet(e, { availability: 'Busy', activity: 'InACall' }, T0);
    return { ...e, manualDnd: { value: false, since: T0 } };
  })();

  it('round-trips through JSON', () => {
    const raw = JSON.parse(JSON.stringify({ '1001': full, '1002': newJournalEntry('1002', T0) }));
    expect(parseJournal(raw)).toEqual({ journal: { '1001': full, '1002': newJournalEntry('1002', T0) }, invalid: [] });
  });

  it('keeps good entries and reports bad ones', () => {
    const { journal, invalid } = parseJournal({
      '1001': full,
      '1002': { user: '1002', pbx: { dnd: { value: 'yes', at: T0 } }, updatedAt: T0 },
      '1003': { user: '9999', pbx: {}, updatedAt: T0 },
      '1004': 'garbage',
    });
    expect(Object.keys(journal)).toEqual(['1001']);
    expect(invalid.map((i) => i.key)).toEqual(['1002', '1003', '1004']);
    expect(invalid[0]!.reason).toMatch(/pbx\.dnd\.value/);
    expect(invalid[1]!.reason).toBe('entry is for user "9999", not "1003"');
  });

  it('never throws', () => {
    expect(parseJournal(undefined)).toEqual({ journal: {}, invalid: [] });
    expect(parseJournal(null).invalid).toHaveLength(1);
    expect(parseJournal([1, 2]).invalid).toHaveLength(1);
    expect(parseJournal({}).journal).toEqual({});
  });
});

describe('defensive recording', () => {
  it('treats a before value of the wrong type as unknown', () => {
    const e = recordPbxWrite(newJournalEntry('1001', T0), { field: 'dnd', value: true }, 'on', T0);
    expect(e.pbx.dnd).toEqual({ value: true, at: T0 });
  });
});
