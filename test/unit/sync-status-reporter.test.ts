import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/control/contract.js';
import { ManualClock } from '../../src/platform/clock.js';
import { SyncStatusReporter } from '../../src/sync/status-reporter.js';
import { NeedsSignInError, TokenRequestError } from '../../src/teams/errors.js';

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
    const down = (n: number) => ({ code: 'sessions-down' as const, params: { down: n, total: 10 } });
    r.set('degraded', down(3));
    for (const n of [2, 1]) {
      clock.advance(100);
      r.set('degraded', down(n), { throttleReason: true });
    }
    expect(seen.map((s) => s.reasonParams?.down)).toEqual([3]);
    clock.advance(799);
    expect(seen).toHaveLength(1);
    clock.advance(1);
    expect(seen.map((s) => s.reasonParams?.down)).toEqual([3, 1]);
  });

  it('counts the sessions that are down and says how many of how many', () => {
    const { r } = reporter();
    r.set('running');
    r.sessionDown('a');
    r.sessionDown('b');
    r.sessionUp('a');
    r.refreshFromSessions(10, (login) => `session ${login} lost`);
    // Code and params for the UI (its language), the PBX's own words as the detail, plain English for the log.
    expect(r.status()).toMatchObject({
      state: 'degraded', reasonCode: 'sessions-down', reasonParams: { down: 1, total: 10 }, reasonDetail: 'session b lost',
      reason: '1 of 10 STARFACE sessions are not connected; they log in again on their own (session b lost)',
    });
    r.recountSessions(['a', 'b'], () => true);
    r.refreshFromSessions(10, () => undefined);
    expect(r.status().state).toBe('running');
  });

  it('classifies a failed cycle: sign-in needed, sign-in service failing for a moment, Graph asked to wait, or degraded', () => {
    const { r } = reporter();
    r.cycleFailed(new Error('read failed', { cause: new NeedsSignInError() }));
    expect(r.status()).toMatchObject({ state: 'signed-out', reasonCode: 'needs-sign-in' });
    r.cycleFailed(new Error('read failed', { cause: new TokenRequestError('Microsoft sign-in temporarily failing', undefined, { temporary: true }) }));
    expect(r.status()).toMatchObject({ state: 'degraded', reason: 'Microsoft sign-in temporarily failing', reasonCode: 'microsoft-sign-in-unavailable' });
    r.cycleFailed(Object.assign(new Error('429'), { retryAfterMs: 3_000 }));
    expect(r.state).toBe('paused');
    r.cycleFailed(new Error('boom'));
    expect(r.status()).toMatchObject({ state: 'degraded', reason: 'boom', reasonCode: 'failed', reasonDetail: 'boom', counters: { errors: 4 } });
  });
});
