import { describe, expect, it } from 'vitest';
import { PBX_FIELDS, applyWrites, diffPbxState, type KnownPbxState } from '../../src/core/diff.js';
import type { DesiredPbxState } from '../../src/core/desired-state.js';

describe('diffPbxState', () => {
  it('writes nothing when equal', () => {
    const s = { dnd: true, chatText: 'Im Anruf (MS Teams)', chatPresence: 'DO_NOT_DISTURB' as const, telephonyInCall: true };
    expect(diffPbxState(s, s)).toEqual([]);
  });

  it('writes nothing for fields the desired state leaves alone', () => {
    expect(diffPbxState({}, {})).toEqual([]);
    expect(diffPbxState({}, { dnd: true, chatText: 'x' })).toEqual([]);
  });

  it('writes one entry per changed field, DND first', () => {
    expect(
      diffPbxState({ telephonyInCall: true, chatPresence: 'AWAY', chatText: 'Abwesend', dnd: false }, { dnd: true, chatText: 'Verfügbar', chatPresence: 'AVAILABLE' }),
    ).toEqual([
      { field: 'dnd', value: false },
      { field: 'chatText', value: 'Abwesend' },
      { field: 'chatPresence', value: 'AWAY' },
      { field: 'telephonyInCall', value: true },
    ]);
    expect(PBX_FIELDS).toEqual(['dnd', 'chatText', 'chatPresence', 'telephonyInCall']);
  });

  it('writes only the field that changed', () => {
    expect(diffPbxState({ dnd: true, chatText: 'a' }, { dnd: true, chatText: 'b' })).toEqual([{ field: 'chatText', value: 'a' }]);
    expect(diffPbxState({ dnd: true, chatText: 'a' }, { dnd: false, chatText: 'a' })).toEqual([{ field: 'dnd', value: true }]);
  });

  it('writes fields whose current value is unknown', () => {
    expect(diffPbxState({ dnd: false, chatText: '' }, {})).toEqual([
      { field: 'dnd', value: false },
      { field: 'chatText', value: '' },
    ]);
  });

  it('compares chat text exactly (a different case is a different text)', () => {
    expect(diffPbxState({ chatText: 'Offline' }, { chatText: 'offline' })).toEqual([{ field: 'chatText', value: 'Offline' }]);
  });

  it('takes back "in call" only when the baseline claims it', () => {
    expect(diffPbxState({ telephonyInCall: false }, {})).toEqual([]);
    expect(diffPbxState({ telephonyInCall: false }, { telephonyInCall: false })).toEqual([]);
    expect(diffPbxState({ telephonyInCall: false }, { telephonyInCall: true })).toEqual([{ field: 'telephonyInCall', value: false }]);
    expect(diffPbxState({ telephonyInCall: true }, {})).toEqual([{ field: 'telephonyInCall', value: true }]);
  });

  it('is exhaustive over boolean fields: a write exactly when defined and different', () => {
    const vals = [undefined, false, true] as const;
    for (const d of vals)
      for (const b of vals) {
        const desired: DesiredPbxState = d === undefined ? {} : { dnd: d };
        const base: KnownPbxState = b === undefined ? {} : { dnd: b };
        expect(diffPbxState(desired, base), `${d}/${b}`).toEqual(d !== undefined && d !== b ? [{ field: 'dnd', value: d }] : []);
      }
  });
});

describe('applyWrites', () => {
  it('returns the state after the writes without changing the input', () => {
    const known = Object.freeze({ dnd: false, chatText: 'a' });
    const next = applyWrites(known, [
      { field: 'dnd', value: true },
      { field: 'chatText', value: 'b' },
      { field: 'chatPresence', value: 'AWAY' },
      { field: 'telephonyInCall', value: true },
    ]);
    expect(next).toEqual({ dnd: true, chatText: 'b', chatPresence: 'AWAY', telephonyInCall: true });
    expect(known).toEqual({ dnd: false, chatText: 'a' });
  });

  it('after applying a diff, the diff is empty', () => {
    const desired: DesiredPbxState = { dnd: true, chatText: 'x', chatPresence: 'DO_NOT_DISTURB', telephonyInCall: true };
    const base: KnownPbxState = { dnd: false };
    expect(diffPbxState(desired, applyWrites(base, diffPbxState(desired, base)))).toEqual([]);
  });
});
