import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ECHO_GRACE_MS,
  dndOwnership,
  isTeamsEcho,
  pbxBaseline,
  planPbxWrites,
  restorePlan,
  teamsSessionAction,
} from '../../src/core/ownership.js';
import { applyWrites, type KnownPbxState, type PbxWrite } from '../../src/core/diff.js';
import {
  forgetPbxField,
  newJournalEntry,
  recordPbxWrite,
  recordTeamsSessionCleared,
  recordTeamsSessionSet,
  type JournalEntry,
} from '../../src/core/journal.js';
import type { DesiredPbxState } from '../../src/core/desired-state.js';
import type { OwnershipMode } from '../../src/core/settings.js';

const T0 = 1_700_000_000_000;
const MODES: OwnershipMode[] = ['teams-leads', 'respect-manual'];

const IN_CALL: DesiredPbxState = { dnd: true, chatText: 'Im Anruf (MS Teams)' };
const AVAILABLE: DesiredPbxState = { dnd: false, chatText: 'Verfügbar' };
const BUSY: DesiredPbxState = { chatText: 'Beschäftigt' }; // DND unchanged

/** A user with a PBX and the bridge's journal; `cycle` runs one sync step exactly as the engine would. */
class User {
  entry: JournalEntry;
  pbx: KnownPbxState;
  now = T0;
  log: PbxWrite[][] = [];
  constructor(
    readonly mode: OwnershipMode,
    pbx: KnownPbxState = { dnd: false, chatText: '' },
  ) {
    this.entry = newJournalEntry('1001', T0);
    this.pbx = { ...pbx };
  }
  cycle(desired: DesiredPbxState): { writes: PbxWrite[]; dndLeftAlone: boolean } {
    this.now += 2_000;
    const plan = planPbxWrites({ mode: this.mode, entry: this.entry, desired, known: this.pbx, now: this.now });
    let entry = plan.entry;
    for (const w of plan.writes) {
      entry = recordPbxWrite(entry, w, this.pbx[w.field], this.now);
      this.pbx = applyWrites(this.pbx, [w]);
    }
    this.entry = entry;
    this.log.push(plan.writes);
    return { writes: plan.writes, dndLeftAlone: plan.dndLeftAlone };
  }
  /** The user presses the DND key on the phone. */
  pressDnd(on: boolean): void {
    this.pbx = { ...this.pbx, dnd: on };
  }
}

describe('both modes: the ordinary flow', () => {
  it.each(MODES)('%s: writes changes once, idle cycles write nothing', (mode) => {
    const u = new User(mode);
    expect(u.cycle(IN_CALL).writes).toEqual([
      { field: 'dnd', value: true },
      { field: 'chatText', value: 'Im Anruf (MS Teams)' },
    ]);
    for (let i = 0; i < 5; i++) expect(u.cycle(IN_CALL).writes).toEqual([]);
    expect(u.cycle(AVAILABLE).writes).toEqual([
      { field: 'dnd', value: false },
      { field: 'chatText', value: 'Verfügbar' },
    ]);
    expect(u.cycle(AVAILABLE).writes).toEqual([]);
    expect(u.entry.pbx.dnd).toEqual({ value: false, at: u.now - 2_000, replaced: false });
    expect(u.entry.pbx.chatText?.replaced).toBe('');
  });

  it.each(MODES)('%s: DND "unchanged" leaves the bridge\'s DND as it is', (mode) => {
    const u = new User(mode);
    u.cycle(IN_CALL);
    expect(u.cycle(BUSY).writes).toEqual([{ field: 'chatText', value: 'Beschäftigt' }]);
    expect(u.pbx.dnd).toBe(true);
  });

  it.each(MODES)('%s: with the PBX DND unknown, compares with what the bridge last wrote', (mode) => {
    const u = new User(mode, {});
    expect(u.cycle({ dnd: true }).writes).toEqual([{ field: 'dnd', value: true }]);
    u.pbx = {}; // PBX cannot report DND
    expect(u.cycle({ dnd: true }).writes).toEqual([]);
    expect(u.cycle({ dnd: false }).writes).toEqual([{ field: 'dnd', value: false }]);
    expect(u.entry.manualDnd).toBeUndefined();
  });

  it.each(MODES)('%s: nothing desired → nothing written, however the PBX looks', (mode) => {
    const u = new User(mode, { dnd: true, chatText: 'x', chatPresence: 'AWAY', telephonyInCall: true });
    expect(u.cycle({}).writes).toEqual([]);
  });
});

describe("'teams-leads': overwrites the user", () => {
  it('overwrites a DND the user pressed while Teams says available', () => {
    const u = new User('teams-leads');
    u.cycle(AVAILABLE);
    u.pressDnd(true);
    expect(u.cycle(AVAILABLE)).toEqual({ writes: [{ field: 'dnd', value: false }], dndLeftAlone: false });
    expect(u.entry.manualDnd).toBeUndefined();
  });

  it('overwrites a DND the user cleared during a Teams call', () => {
    const u = new User('teams-leads');
    u.cycle(IN_CALL);
    u.pressDnd(false);
    expect(u.cycle(IN_CALL).writes).toEqual([{ field: 'dnd', value: true }]);
  });

  it('overwrites a DND that was on before the bridge started, remembering it for restore', () => {
    const u = new User('teams-leads', { dnd: true, chatText: 'Urlaub' });
    expect(u.cycle(AVAILABLE).writes).toEqual([
      { field: 'dnd', value: false },
      { field: 'chatText', value: 'Verfügbar' },
    ]);
    expect(u.entry.pbx.dnd?.replaced).toBe(true);
    expect(u.entry.pbx.chatText?.replaced).toBe('Urlaub');
  });

  it('rewrites a chat text the UCC client overwrote', () => {
    const u = new User('teams-leads');
    u.cycle(IN_CALL);
    u.pbx = { ...u.pbx, chatText: 'Mittagspause' };
    expect(u.cycle(IN_CALL).writes).toEqual([{ field: 'chatText', value: 'Im Anruf (MS Teams)' }]);
    expect(u.entry.pbx.chatText?.replaced).toBe('Mittagspause');
  });

  it('drops a manual override left over from respect-manual mode', () => {
    const entry: JournalEntry = { ...newJournalEntry('1001', T0), manualDnd: { value: true, since: T0 } };
    const r = dndOwnership('teams-leads', entry, true, false, T0 + 1);
    expect(r.leaveAlone).toBe(false);
    expect(r.entry.manualDnd).toBeUndefined();
    expect(dndOwnership('teams-leads', newJournalEntry('1001', T0), true, false, T0 + 1).entry).toEqual(newJournalEntry('1001', T0));
  });
});

describe("'respect-manual': a DND the user pressed (manual ON)", () => {
  it('is left alone until the user clears it, then the bridge resumes', () => {
    const u = new User('respect-manual');
    u.cycle(AVAILABLE);
    u.pressDnd(true);

    expect(u.cycle(AVAILABLE)).toEqual({ writes: [], dndLeftAlone: true });
    expect(u.entry.manualDnd).toEqual({ value: true, since: u.now });
    const since = u.now;

    // Teams changes: chat text follows, DND stays the user's — even when the rule wants DND off again.
    expect(u.cycle(IN_CALL)).toEqual({ writes: [{ field: 'chatText', value: 'Im Anruf (MS Teams)' }], dndLeftAlone: true });
    expect(u.cycle(AVAILABLE)).toEqual({ writes: [{ field: 'chatText', value: 'Verfügbar' }], dndLeftAlone: true });
    expect(u.pbx.dnd).toBe(true);
    expect(u.entry.manualDnd).toEqual({ value: true, since });

    // The user clears DND: the override ends; the bridge agrees with off, so nothing to write.
    u.pressDnd(false);
    expect(u.cycle(AVAILABLE)).toEqual({ writes: [], dndLeftAlone: false });
    expect(u.entry.manualDnd).toBeUndefined();

    // Resumed: the next Teams call sets DND again.
    expect(u.cycle(IN_CALL).writes).toEqual([
      { field: 'dnd', value: true },
      { field: 'chatText', value: 'Im Anruf (MS Teams)' },
    ]);
  });

  it('is detected for a DND that was on before the bridge ever wrote', () => {
    const u = new User('respect-manual', { dnd: true, chatText: '' });
    expect(u.cycle(AVAILABLE)).toEqual({ writes: [{ field: 'chatText', value: 'Verfügbar' }], dndLeftAlone: true });
    expect(u.entry.pbx.dnd).toBeUndefined();
  });

  it('is detected while the rule leaves DND unchanged too', () => {
    const u = new User('respect-manual');
    u.cycle(AVAILABLE);
    u.pressDnd(true);
    expect(u.cycle(BUSY).dndLeftAlone).toBe(true);
    expect(u.entry.manualDnd?.value).toBe(true);
  });

  it('stays while the PBX DND cannot be read, and is not invented then', () => {
    const entry: JournalEntry = { ...newJournalEntry('1001', T0), manualDnd: { value: true, since: T0 } };
    expect(dndOwnership('respect-manual', entry, undefined, false, T0 + 1)).toEqual({ entry, leaveAlone: true });
    const clean = newJournalEntry('1001', T0);
    expect(dndOwnership('respect-manual', clean, undefined, false, T0 + 1)).toEqual({ entry: clean, leaveAlone: false });
  });
});

describe("'respect-manual': a DND the user cleared (manual OFF)", () => {
  it('is left off while the Teams call lasts; after the call the bridge resumes without a write', () => {
    const u = new User('respect-manual');
    u.cycle(IN_CALL);
    u.pressDnd(false); // the user wants to be reachable during the Teams call

    expect(u.cycle(IN_CALL)).toEqual({ writes: [], dndLeftAlone: true });
    expect(u.cycle(IN_CALL)).toEqual({ writes: [], dndLeftAlone: true });
    expect(u.pbx.dnd).toBe(false);
    expect(u.entry.manualDnd?.value).toBe(false);

    // The call ends: the rule wants off too, so the override ends; the bridge no longer claims that DND.
    expect(u.cycle(AVAILABLE)).toEqual({ writes: [{ field: 'chatText', value: 'Verfügbar' }], dndLeftAlone: false });
    expect(u.entry.manualDnd).toBeUndefined();
    expect(u.entry.pbx.dnd).toBeUndefined();

    // The next Teams call sets DND again (resumed, not a new override).
    expect(u.cycle(IN_CALL).writes).toEqual([
      { field: 'dnd', value: true },
      { field: 'chatText', value: 'Im Anruf (MS Teams)' },
    ]);
    expect(u.entry.pbx.dnd?.replaced).toBe(false);
  });

  it('ends when the user turns DND back on (back to what the bridge wrote)', () => {
    const u = new User('respect-manual');
    u.cycle(IN_CALL);
    u.pressDnd(false);
    u.cycle(IN_CALL);
    u.pressDnd(true);
    expect(u.cycle(IN_CALL)).toEqual({ writes: [], dndLeftAlone: false });
    expect(u.entry.manualDnd).toBeUndefined();
    expect(u.cycle(AVAILABLE).writes).toEqual([
      { field: 'dnd', value: false },
      { field: 'chatText', value: 'Verfügbar' },
    ]);
  });

  it('is no conflict at all when the user clears DND exactly as the rule stops wanting it', () => {
    const u = new User('respect-manual');
    u.cycle(IN_CALL);
    u.pressDnd(false);
    expect(u.cycle(AVAILABLE)).toEqual({ writes: [{ field: 'chatText', value: 'Verfügbar' }], dndLeftAlone: false });
    expect(u.entry.manualDnd).toBeUndefined();
    expect(u.entry.pbx.dnd).toBeUndefined();
  });

  it('holds while the rule leaves DND unchanged (the user cleared it; the rule does not insist)', () => {
    const u = new User('respect-manual');
    u.cycle(IN_CALL);
    u.pressDnd(false);
    expect(u.cycle(BUSY).dndLeftAlone).toBe(true);
  });
});

describe("'respect-manual': chat text follows Teams changes, not PBX drift", () => {
  it('does not fight a text the UCC client or the user set, but writes on the next Teams change', () => {
    const u = new User('respect-manual');
    u.cycle(IN_CALL);
    u.pbx = { ...u.pbx, chatText: 'Mittagspause' };
    expect(u.cycle(IN_CALL).writes).toEqual([]);
    expect(u.cycle(AVAILABLE).writes).toEqual([
      { field: 'dnd', value: false },
      { field: 'chatText', value: 'Verfügbar' },
    ]);
    expect(u.entry.pbx.chatText?.replaced).toBe('Mittagspause');
  });

  it('compares with the PBX before the bridge ever wrote (no needless first write)', () => {
    const u = new User('respect-manual', { dnd: false, chatText: 'Verfügbar' });
    expect(u.cycle(AVAILABLE).writes).toEqual([]);
  });
});

describe('pbxBaseline', () => {
  const entry = recordPbxWrite(
    recordPbxWrite(recordPbxWrite(newJournalEntry('u', T0), { field: 'chatText', value: 'ours' }, 'x', T0), { field: 'telephonyInCall', value: true }, false, T0),
    { field: 'chatPresence', value: 'AWAY' },
    undefined,
    T0,
  );
  const known: KnownPbxState = { dnd: true, chatText: 'theirs', chatPresence: 'AVAILABLE', telephonyInCall: false };

  it('teams-leads: the PBX as read', () => {
    expect(pbxBaseline('teams-leads', entry, known)).toEqual({ dnd: true, chatText: 'theirs', chatPresence: 'AVAILABLE', telephonyInCall: true });
  });

  it('respect-manual: what the bridge wrote for chat fields', () => {
    expect(pbxBaseline('respect-manual', entry, known)).toEqual({ dnd: true, chatText: 'ours', chatPresence: 'AWAY', telephonyInCall: true });
  });

  it('the telephony state is always the bridge\'s own claim (a real call is not ours)', () => {
    for (const mode of MODES) expect(pbxBaseline(mode, newJournalEntry('u', T0), { telephonyInCall: true })).toEqual({});
  });
});

describe('show as in call', () => {
  it.each(MODES)('%s: set with the call row, taken back after; never overrules a real call', (mode) => {
    const u = new User(mode, { dnd: false, telephonyInCall: true }); // a real STARFACE call
    expect(u.cycle({ telephonyInCall: false }).writes).toEqual([]);
    expect(u.cycle({ telephonyInCall: true }).writes).toEqual([{ field: 'telephonyInCall', value: true }]);
    expect(u.cycle({ telephonyInCall: true }).writes).toEqual([]);
    expect(u.cycle({ telephonyInCall: false }).writes).toEqual([{ field: 'telephonyInCall', value: false }]);
    expect(u.cycle({ telephonyInCall: false }).writes).toEqual([]);
  });
});

describe('restorePlan', () => {
  function wrote(writes: [PbxWrite, unknown][]): JournalEntry {
    let e = newJournalEntry('1001', T0);
    for (const [w, before] of writes) e = recordPbxWrite(e, w, before as PbxWrite['value'] | undefined, T0);
    return e;
  }

  it('puts back DND and chat text the bridge replaced, and clears its Teams session', () => {
    let e = wrote([
      [{ field: 'dnd', value: true }, false],
      [{ field: 'chatText', value: 'Im Anruf (MS Teams)' }, 'Mittagspause'],
    ]);
    e = recordTeamsSessionSet(e, { availability: 'Busy', activity: 'InACall' }, T0);
    expect(restorePlan(e, { dnd: true, chatText: 'Im Anruf (MS Teams)' })).toEqual({
      pbxWrites: [
        { field: 'dnd', value: false },
        { field: 'chatText', value: 'Mittagspause' },
      ],
      clearTeamsSession: true,
      leftAsIs: [],
    });
  });

  it('leaves fields the user changed after the bridge', () => {
    const e = wrote([
      [{ field: 'dnd', value: true }, false],
      [{ field: 'chatText', value: 'Im Anruf (MS Teams)' }, 'Mittagspause'],
    ]);
    expect(restorePlan(e, { dnd: false, chatText: 'Bin im Urlaub' })).toEqual({ pbxWrites: [], clearTeamsSession: false, leftAsIs: ['dnd', 'chatText'] });
  });

  it('never leaves a DND stuck: unknown PBX state restores, unknown previous DND means off', () => {
    const e = wrote([[{ field: 'dnd', value: true }, undefined]]);
    expect(restorePlan(e, {}).pbxWrites).toEqual([{ field: 'dnd', value: false }]);
  });

  it('restores a DND that was on before the bridge cleared it', () => {
    const e = wrote([[{ field: 'dnd', value: false }, true]]);
    expect(restorePlan(e, { dnd: false }).pbxWrites).toEqual([{ field: 'dnd', value: true }]);
  });

  it('writes nothing when the value before equals what the bridge wrote', () => {
    const e = wrote([
      [{ field: 'dnd', value: false }, false],
      [{ field: 'chatText', value: 'Verfügbar' }, 'Verfügbar'],
    ]);
    expect(restorePlan(e, { dnd: false, chatText: 'Verfügbar' })).toEqual({ pbxWrites: [], clearTeamsSession: false, leftAsIs: ['dnd', 'chatText'] });
  });

  it('leaves a chat text whose previous value is unknown', () => {
    const e = wrote([[{ field: 'chatText', value: 'Verfügbar' }, undefined]]);
    expect(restorePlan(e, { chatText: 'Verfügbar' })).toEqual({ pbxWrites: [], clearTeamsSession: false, leftAsIs: ['chatText'] });
  });

  it('restores an empty previous chat text (clears the text)', () => {
    const e = wrote([[{ field: 'chatText', value: 'Verfügbar' }, '']]);
    expect(restorePlan(e, {}).pbxWrites).toEqual([{ field: 'chatText', value: '' }]);
  });

  it('takes back "in call" and restores chat presence', () => {
    const e = wrote([
      [{ field: 'chatPresence', value: 'DO_NOT_DISTURB' }, 'AVAILABLE'],
      [{ field: 'telephonyInCall', value: true }, undefined],
    ]);
    expect(restorePlan(e, { chatPresence: 'DO_NOT_DISTURB', telephonyInCall: true }).pbxWrites).toEqual([
      { field: 'chatPresence', value: 'AVAILABLE' },
      { field: 'telephonyInCall', value: false },
    ]);
  });

  it('does not touch a DND under manual override, even when the PBX cannot be read', () => {
    // The bridge had cleared a DND that was on before (replaced: true); then the user took DND over by hand.
    // Writing "true" back while the PBX cannot be read could re-enable a DND the user has cleared since.
    const e: JournalEntry = { ...wrote([[{ field: 'dnd', value: false }, true]]), manualDnd: { value: true, since: T0 } };
    expect(restorePlan(e, {}).pbxWrites).toEqual([]);
    expect(restorePlan(e, {}).leftAsIs).toEqual(['dnd']);
  });

  it('restores only the requested fields (a switch turned off)', () => {
    const e = wrote([
      [{ field: 'dnd', value: true }, false],
      [{ field: 'chatText', value: 'x' }, 'y'],
    ]);
    expect(restorePlan(e, {}, ['chatText']).pbxWrites).toEqual([{ field: 'chatText', value: 'y' }]);
    expect(restorePlan(e, {}, ['dnd']).pbxWrites).toEqual([{ field: 'dnd', value: false }]);
  });

  it('an empty journal restores nothing', () => {
    expect(restorePlan(newJournalEntry('1001', T0), { dnd: true })).toEqual({ pbxWrites: [], clearTeamsSession: false, leftAsIs: [] });
  });

  it.each(MODES)('%s: after a whole session of changes, restore returns the PBX to where it started', (mode) => {
    const u = new User(mode, { dnd: false, chatText: 'Mittagspause' });
    u.cycle(AVAILABLE);
    u.cycle(IN_CALL);
    u.cycle(BUSY);
    u.cycle(IN_CALL);
    const plan = restorePlan(u.entry, u.pbx);
    expect(plan.pbxWrites).toEqual([
      { field: 'dnd', value: false },
      { field: 'chatText', value: 'Mittagspause' },
    ]);
    let entry = u.entry;
    for (const w of plan.pbxWrites) entry = forgetPbxField(entry, w.field, u.now);
    expect(applyWrites(u.pbx, plan.pbxWrites)).toEqual({ dnd: false, chatText: 'Mittagspause' });
    expect(entry.pbx).toEqual({});
  });
});

describe('Teams session: echo guard and actions', () => {
  const session = { availability: 'Busy', activity: 'InACall' };
  const held = recordTeamsSessionSet(newJournalEntry('1001', T0), session, T0);
  const p = (availability: string, activity: string) => ({ availability, activity, outOfOffice: false });

  it('recognises its own session in a presence read (case-insensitive)', () => {
    expect(isTeamsEcho(held, p('Busy', 'InACall'), T0 + 5_000)).toBe(true);
    expect(isTeamsEcho(held, p('busy', 'inACall'), T0 + 5_000)).toBe(true);
    expect(isTeamsEcho(held, p('Busy', 'InAMeeting'), T0 + 5_000)).toBe(false);
    expect(isTeamsEcho(held, p('DoNotDisturb', 'Presenting'), T0 + 5_000)).toBe(false);
    expect(isTeamsEcho(newJournalEntry('1001', T0), p('Busy', 'InACall'), T0)).toBe(false);
  });

  it('still recognises it for a grace period after clearing', () => {
    const cleared = recordTeamsSessionCleared(held, T0 + 60_000);
    expect(isTeamsEcho(cleared, p('Busy', 'InACall'), T0 + 60_000 + DEFAULT_ECHO_GRACE_MS)).toBe(true);
    expect(isTeamsEcho(cleared, p('Busy', 'InACall'), T0 + 60_000 + DEFAULT_ECHO_GRACE_MS + 1)).toBe(false);
    expect(isTeamsEcho(cleared, p('Busy', 'InACall'), T0 + 60_000 + 5_000, 1_000)).toBe(false);
    expect(isTeamsEcho(cleared, p('Available', 'Available'), T0 + 60_001)).toBe(false);
  });

  it('sets, refreshes, switches and clears', () => {
    const refresh = 180_000;
    const none = newJournalEntry('1001', T0);
    expect(teamsSessionAction(none, null, T0, refresh)).toEqual({ kind: 'none' });
    expect(teamsSessionAction(none, session, T0, refresh)).toEqual({ kind: 'set', session });
    expect(teamsSessionAction(held, session, T0 + refresh - 1, refresh)).toEqual({ kind: 'none' });
    expect(teamsSessionAction(held, { availability: 'BUSY', activity: 'INACALL' }, T0 + 1, refresh)).toEqual({ kind: 'none' });
    expect(teamsSessionAction(held, session, T0 + refresh, refresh)).toEqual({ kind: 'refresh', session });
    expect(teamsSessionAction(held, { availability: 'DoNotDisturb', activity: 'Presenting' }, T0 + 1, refresh)).toEqual({
      kind: 'set',
      session: { availability: 'DoNotDisturb', activity: 'Presenting' },
    });
    expect(teamsSessionAction(held, null, T0 + 1, refresh)).toEqual({ kind: 'clear' });
  });

  it('a full call: set, keep alive, clear; the read-back is an echo throughout', () => {
    const refresh = 180_000;
    let e = newJournalEntry('1001', T0);
    const actions: string[] = [];
    const step = (desired: typeof session | null, t: number): void => {
      const a = teamsSessionAction(e, desired, t, refresh);
      actions.push(a.kind);
      if (a.kind === 'set' || a.kind === 'refresh') e = recordTeamsSessionSet(e, a.session, t);
      if (a.kind === 'clear') e = recordTeamsSessionCleared(e, t);
    };
    step(session, T0);
    step(session, T0 + 60_000);
    expect(isTeamsEcho(e, p('Busy', 'InACall'), T0 + 60_000)).toBe(true);
    step(session, T0 + 180_000);
    step(session, T0 + 200_000);
    step(null, T0 + 300_000);
    step(null, T0 + 302_000);
    expect(actions).toEqual(['set', 'none', 'refresh', 'none', 'clear', 'none']);
    expect(isTeamsEcho(e, p('Busy', 'InACall'), T0 + 302_000)).toBe(true);
  });
});
