// Folding UCI call events into ringing / in call / idle per user (reference §3.8).
import { describe, expect, it } from 'vitest';
import { CallTracker, callPhase, fromPbxTelephonyState } from '../../src/starface/telephony.js';

describe('callPhase', () => {
  it.each([
    ['', 'ignore'], ['  ', 'ignore'], ['INCOMING', 'pending'], ['RINGING', 'ringing'], ['ringing', 'ringing'],
    ['CONNECTED', 'in-call'], ['PROCEEDING', 'in-call'], ['RINGBACK', 'in-call'], ['PARKED', 'in-call'],
    ['CONFERENCE_ACTIVE', 'in-call'], ['HANGUP', 'ended'],
  ])('%j → %s', (state, phase) => expect(callPhase(state)).toBe(phase));
});

describe('fromPbxTelephonyState', () => {
  it('maps the TelephonyState constants', () => {
    expect(['AVAILABLE', 'RINGING', 'ACTIVE', 'UNAVAILABLE', 'QUEUE_PAUSE', 'WHATEVER'].map(fromPbxTelephonyState))
      .toEqual(['idle', 'ringing', 'in-call', 'idle', 'idle', undefined]);
  });
});

describe('CallTracker', () => {
  it('reports only changes of the aggregate state: INCOMING → RINGING → CONNECTED → HANGUP', () => {
    const t = new CallTracker();
    expect(t.apply('1001', 'a', 'INCOMING')).toBeUndefined();
    expect(t.apply('1001', 'a', 'RINGING')).toMatchObject({ state: 'ringing', previous: 'idle', callIds: ['a'] });
    expect(t.apply('1001', 'a', 'RINGING')).toBeUndefined();
    expect(t.apply('1001', 'a', 'CONNECTED')).toMatchObject({ state: 'in-call', previous: 'ringing' });
    expect(t.apply('1001', 'a', 'HANGUP')).toMatchObject({ state: 'idle', previous: 'in-call', callIds: [] });
    expect(t.stateOf('1001')).toBe('idle');
  });

  it('keeps a user in call while a second call rings, and ringing while one of two calls still rings', () => {
    const t = new CallTracker();
    t.apply('u', 'a', 'CONNECTED');
    expect(t.apply('u', 'b', 'RINGING')).toBeUndefined();
    expect(t.apply('u', 'a', 'HANGUP')).toMatchObject({ state: 'ringing' });
    t.apply('u', 'c', 'RINGING');
    expect(t.apply('u', 'b', 'HANGUP')).toBeUndefined();
    expect(t.apply('u', 'c', 'HANGUP')).toMatchObject({ state: 'idle' });
  });

  it('ignores events with an empty state and keeps users apart', () => {
    const t = new CallTracker();
    expect(t.apply('u', 'a', '')).toBeUndefined();
    t.apply('u', 'a', 'RINGING');
    expect(t.stateOf('v')).toBe('idle');
    expect(t.apply('v', 'a', 'HANGUP')).toBeUndefined();
    expect(t.stateOf('u')).toBe('ringing');
  });

  it('follows a call id change and can be cleared (lost HANGUP, PBX restart)', () => {
    const t = new CallTracker();
    t.apply('u', 'old', 'CONNECTED');
    t.renameCall('u', 'old', 'new');
    expect(t.callIdsOf('u')).toEqual(['new']);
    expect(t.apply('u', 'old', 'HANGUP')).toBeUndefined();
    expect(t.clear('u', 'reconciled')).toMatchObject({ state: 'idle', previous: 'in-call', callState: 'reconciled' });
    expect(t.clear('u')).toBeUndefined();
  });
});
