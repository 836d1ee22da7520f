import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/control/contract.js';
import { ManualClock } from '../../src/platform/clock.js';
import { SyncStatusReporter } from '../../src/sync/status-reporter.js';

function reporter() {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const seen: SyncStatus[] = [];
  const r = new SyncStatusReporter({ clock, emit: (s) => seen.push(s) });
  return { clock, seen, r };
}

describe('sync status reporter', () => {
  it('sends a change of state at once and stamps it with the injected clock', () => {
    const { clock, seen, r } = reporter();
    clock.advance(5_000);
    r.set('starting');
    r.set('running');
    expect(seen.map((s) => s.state)).toEqual(['starting', 'running']);
    expect(seen[1]!.since).toBe(new Date(Date.UTC(2025, 0, 1) + 5_000).toISOString());
  });

  it('sends a change of the reason alone at most once a second, ending on the newest reason', () => {
    const { clock, seen, r } = reporter();
    r.set('degraded', '3 down');
    for (const n of [2, 1]) {
      clock.advance(100);
      r.set('degraded', `${n} down`, { throttleReason: true });
    }
    expect(seen.map((s) => s.reason)).toEqual(['3 down']);
    clock.advance(799);
    expect(seen).toHaveLength(1);
    clock.advance(1);
    expect(seen.map((s) => s.reason)).toEqual(['3 down', '1 down']);
  });

  it('counts the sessions that are down and says how many of how many', () => {
    const { r } = reporter();
    r.set('running');
    r.sessionDown('a');
    r.sessionDown('b');
    r.sessionUp('a');
    r.refreshFromSessions(10, (login) => `session ${login} lost`);
    expect(r.status()).toMatchObject({ state: 'degraded', reason: '1 of 10 STARFACE sessions are not connected (session b lost); they log in again on their own.' });
    r.recountSessions(['a', 'b'], () => true);
    r.refreshFromSessions(10, () => undefined);
    expect(r.status().state).toBe('running');
  });

  it('classifies a failed cycle: sign-in needed, Graph asked to wait, or degraded', () => {
    const { r } = reporter();
    const signIn = Object.assign(new Error('read failed'), { cause: Object.assign(new Error('sign in'), { name: 'NeedsSignInError' }) });
    r.cycleFailed(signIn);
    expect(r.state).toBe('signed-out');
    r.cycleFailed(Object.assign(new Error('429'), { retryAfterMs: 3_000 }));
    expect(r.state).toBe('paused');
    r.cycleFailed(new Error('boom'));
    expect(r.status()).toMatchObject({ state: 'degraded', reason: 'boom', counters: { errors: 3 } });
  });
});
