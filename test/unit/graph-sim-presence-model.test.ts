// The simulator's presence aggregation against the reference (§1.2, §1.3, §1.5).
import { describe, expect, it } from 'vitest';
import {
  aggregate, currentPresence, findPair, newPresenceState, PresenceSequence, parseIsoDuration, SET_PRESENCE_PAIRS,
  type UserPresenceState,
} from '../../src/simulators/graph/presence-model.js';

const NOW = 1_000_000;

function session(state: UserPresenceState, id: string, availability: string, activity: string, expiresAt = NOW + 300_000): void {
  state.sessions.set(id, { sessionId: id, availability, activity, setAt: NOW, expiresAt });
}

describe('presence aggregation', () => {
  it('is Offline without any session, even with a preferred presence', () => {
    const s = newPresenceState();
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Offline', activity: 'Offline' });
    s.preferred = { availability: 'DoNotDisturb', activity: 'DoNotDisturb', expiresAt: NOW + 1000 };
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Offline', activity: 'Offline' });
  });

  it('ranks sessions DoNotDisturb > Busy > Available > Away', () => {
    const s = newPresenceState();
    s.own = { availability: 'Away', activity: 'Away' };
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Away' });
    session(s, 'app', 'Available', 'Available');
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Available' });
    session(s, 'app', 'Busy', 'InACall');
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    s.own = { availability: 'DoNotDisturb', activity: 'Presenting' };
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'DoNotDisturb', activity: 'Presenting' });
  });

  it('an app cannot push Away over a client that is Available', () => {
    const s = newPresenceState();
    s.own = { availability: 'Available', activity: 'Available' };
    session(s, 'app', 'Away', 'Away');
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Available' });
  });

  it('the user-preferred presence wins over every session while one exists', () => {
    const s = newPresenceState();
    s.own = { availability: 'Available', activity: 'Available' };
    session(s, 'app', 'Busy', 'InACall');
    s.preferred = { availability: 'Available', activity: 'Available', expiresAt: NOW + 1000 };
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Available', activity: 'Available' });
    // …until it expires.
    expect(aggregate(s, NOW + 1000)).toMatchObject({ availability: 'Busy', activity: 'InACall' });
  });

  it('app sessions expire', () => {
    const s = newPresenceState();
    s.own = { availability: 'Available', activity: 'Available' };
    session(s, 'app', 'Busy', 'InACall', NOW + 5000);
    expect(aggregate(s, NOW + 4999)).toMatchObject({ availability: 'Busy' });
    expect(aggregate(s, NOW + 5000)).toMatchObject({ availability: 'Available' });
    expect(s.sessions.size).toBe(0);
  });

  it('marks out of office: the flag always, activity OutOfOffice for plain states', () => {
    const s = newPresenceState();
    s.own = { availability: 'Available', activity: 'Available' };
    s.outOfOffice = true;
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Available', activity: 'OutOfOffice', outOfOffice: true });
    session(s, 'app', 'Busy', 'InACall');
    expect(aggregate(s, NOW)).toMatchObject({ availability: 'Busy', activity: 'InACall', outOfOffice: true });
  });

  it('bumps the sequence number only when the visible presence changes', () => {
    const s = newPresenceState();
    const seq = new PresenceSequence();
    const a = currentPresence(s, NOW, seq);
    const b = currentPresence(s, NOW, seq);
    expect(b.sequence).toBe(a.sequence);
    s.own = { availability: 'Busy', activity: 'Busy' };
    const c = currentPresence(s, NOW, seq);
    expect(c.sequence).toBeGreaterThan(a.sequence);
    // The wire form sorts like the numbers it stands for.
    expect(seq.format(9) < seq.format(10)).toBe(true);
  });

  it('keeps the stamps per simulator: a reset (restart, other width) in one does not touch another', () => {
    const one = new PresenceSequence();
    const other = new PresenceSequence();
    one.next();
    one.restart(1, 30);
    expect(one.format(1)).toHaveLength(30);
    expect(other.format(other.next())).toMatch(/^\d{20}$/);
    expect(other.next()).toBe(2);
  });
});

describe('setPresence rules', () => {
  it('accepts exactly the documented availability/activity pairs, case-insensitively', () => {
    expect(SET_PRESENCE_PAIRS).toHaveLength(5);
    expect(findPair(SET_PRESENCE_PAIRS, 'busy', 'inacall')).toEqual({ availability: 'Busy', activity: 'InACall' });
    expect(findPair(SET_PRESENCE_PAIRS, 'DoNotDisturb', 'Presenting')).toBeDefined();
    expect(findPair(SET_PRESENCE_PAIRS, 'Busy', 'InAMeeting')).toBeUndefined();
    expect(findPair(SET_PRESENCE_PAIRS, 'Away', 'OutOfOffice')).toBeUndefined();
  });

  it('parses ISO 8601 durations', () => {
    expect(parseIsoDuration('PT5M')).toBe(300_000);
    expect(parseIsoDuration('PT4H')).toBe(14_400_000);
    expect(parseIsoDuration('PT1H30M')).toBe(5_400_000);
    expect(parseIsoDuration('P1D')).toBe(86_400_000);
    expect(parseIsoDuration('PT90S')).toBe(90_000);
    for (const bad of ['', 'P', 'PT', '5M', 'PT5X', 'PTM']) expect(parseIsoDuration(bad)).toBeUndefined();
  });
});
