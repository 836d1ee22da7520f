// The presence-budget planner (issue 17): the poll interval the bridge keeps so its share of the tenant's Graph
// presence budget (reads + writes + refreshes) stays under the ceiling, its widening after a 429, and the reason
// it gives. Time is an injected number, so nothing sleeps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PresenceBudgetPlanner, requestsPerCycle } from '../../src/sync/presence-budget.js';

const none = { writes: 0, refreshes: 0 };

function planner(settings: Partial<{ limit: number; windowMs: number; sharePercent: number }> = {}): { p: PresenceBudgetPlanner; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  return { p: new PresenceBudgetPlanner(settings, () => clock.t), clock };
}

describe('presence budget planner', () => {
  it('costs ceil(N/650) read requests per cycle', () => {
    expect([0, 1, 650, 651, 2_000, 5_000].map(requestsPerCycle)).toEqual([0, 1, 1, 2, 4, 8]);
  });

  it('keeps 0.5 s for 2,000 users: 4 reads per cycle use 16 % of 1,500 per 30 s, under the 25 % ceiling', () => {
    const { p } = planner();
    const d = p.decide({ configuredMs: 500, users: 2_000, other: none });
    expect(d.intervalMs).toBe(500);
    expect(d.reasonCode).toBe('poll-configured');
    expect(d.params).toMatchObject({ configuredMs: 500, plannedSharePercent: 16, ceilingPercent: 25 });
  });

  it('widens 0.25 s for 2,000 users to stay under 25 %, and says so with the figures', () => {
    const { p } = planner();
    const d = p.decide({ configuredMs: 250, users: 2_000, other: none });
    // 4 reads per cycle; 375 per 30 s allowed, 10 % of that kept for presence writes → 337.5 for reads.
    expect(d.intervalMs).toBe(Math.ceil((30_000 * 4) / 337.5));
    expect(d.reasonCode).toBe('poll-budget-share');
    expect(d.params).toMatchObject({ configuredMs: 250, ceilingPercent: 25, limit: 1_500, readsPerCycle: 4 });
    expect(d.params['readsPerWindow']!).toBeLessThanOrEqual(0.25 * 1_500);
  });

  it('counts presence writes and session refreshes against the same share', () => {
    const { p } = planner();
    const quiet = p.decide({ configuredMs: 250, users: 2_000, other: none }).intervalMs;
    const busy = p.decide({ configuredMs: 250, users: 2_000, other: { writes: 120, refreshes: 60 } });
    expect(busy.intervalMs).toBeGreaterThan(quiet);
    expect(busy.params).toMatchObject({ writes: 120, refreshes: 60 });
    // Reads + writes + refreshes per 30 s stay within the ceiling.
    expect((4 * 30_000) / busy.intervalMs + 180).toBeLessThanOrEqual(375);
  });

  it('a larger ceiling or tenant limit lets the configured 0.25 s stand', () => {
    expect(planner({ sharePercent: 50 }).p.decide({ configuredMs: 250, users: 2_000, other: none }).reasonCode).toBe('poll-configured');
    expect(planner({ limit: 10_000 }).p.decide({ configuredMs: 250, users: 2_000, other: none }).intervalMs).toBe(250);
  });

  it('reads keep a quarter of the share however many writes, so Teams → STARFACE never stops', () => {
    const { p } = planner();
    const d = p.decide({ configuredMs: 500, users: 2_000, other: { writes: 5_000, refreshes: 0 } });
    expect(d.intervalMs).toBe(Math.ceil((30_000 * 4) / (375 * 0.25)));
  });

  it('after a 429: no cycle before Retry-After, the interval doubles, and a quiet window brings it back', () => {
    const { p, clock } = planner();
    p.throttled(3_000);
    let d = p.decide({ configuredMs: 500, users: 2_000, other: none });
    expect(d).toMatchObject({ reasonCode: 'poll-throttled', intervalMs: 1_000, pausedUntil: clock.t + 3_000 });
    expect(d.params).toMatchObject({ retryAfterMs: 3_000, factor: 2 });
    expect(p.roomDelayMs(4, none)).toBe(3_000);

    clock.t += 3_000;
    p.throttled(1_000); // throttled again: widens further
    expect(p.decide({ configuredMs: 500, users: 2_000, other: none }).intervalMs).toBe(2_000);

    clock.t += 30_000; // one quiet window halves the widening
    d = p.decide({ configuredMs: 500, users: 2_000, other: none });
    expect(d).toMatchObject({ reasonCode: 'poll-throttled', intervalMs: 1_000 });
    expect(d.pausedUntil).toBeUndefined();
    clock.t += 30_000;
    expect(p.decide({ configuredMs: 500, users: 2_000, other: none })).toMatchObject({ reasonCode: 'poll-configured', intervalMs: 500 });
  });

  it('names a cycle slower than the interval as the pace', () => {
    const { p } = planner();
    expect(p.decide({ configuredMs: 250, users: 100, other: none, lastCycleMs: 900 })).toMatchObject({
      reasonCode: 'poll-slow-cycle', intervalMs: 250, params: { cycleMs: 900, intervalMs: 250 },
    });
  });

  it('reports the share used in the last window: reads noted plus writes and refreshes', () => {
    const { p, clock } = planner();
    for (let i = 0; i < 60; i++) p.noteReads(4, clock.t - i * 500);
    expect(p.readsInWindow()).toBe(240);
    expect(p.decide({ configuredMs: 500, users: 2_000, other: { writes: 30, refreshes: 30 } }).sharePercent).toBe(20);
    clock.t += 30_000;
    expect(p.readsInWindow()).toBe(0);
  });

  it('the hard guard waits until the window has room for the next reads', () => {
    const { p, clock } = planner({ limit: 100, sharePercent: 10 }); // 10 per window; 1 kept for writes → 9 for reads
    for (let i = 0; i < 8; i++) p.noteReads(1, clock.t - 1_000 * (8 - i)); // oldest 8 s ago
    expect(p.roomDelayMs(1, none)).toBe(0);
    expect(p.roomDelayMs(2, none)).toBe(30_000 - 8_000 + 1); // the oldest read must leave first
  });

  it('property: at the decided interval, reads plus other requests stay within the ceiling (or reads keep their floor)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 250, max: 300_000 }), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 500 }),
      fc.integer({ min: 100, max: 100_000 }), fc.double({ min: 1, max: 100, noNaN: true }),
      (users, configuredMs, writes, refreshes, limit, sharePercent) => {
        const p = new PresenceBudgetPlanner({ limit, sharePercent }, () => 0);
        const d = p.decide({ configuredMs, users, other: { writes, refreshes } });
        const ceiling = (limit * sharePercent) / 100;
        const readsPerWindow = (requestsPerCycle(users) * 30_000) / d.intervalMs;
        expect(d.intervalMs).toBeGreaterThanOrEqual(configuredMs);
        expect(readsPerWindow).toBeLessThanOrEqual(Math.max(ceiling - Math.max(writes + refreshes, ceiling * 0.1), ceiling * 0.25) + 1e-9);
      },
    ));
  });
});
