// The adaptive poll loop (issue 17) on a manual clock: the interval it really keeps at 2,000 users, its widening
// for the presence-budget share and after a 429, and the reason it reports. No real waiting.
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import type { PollDecision } from '../../src/sync/presence-budget.js';
import { PollScheduler, type SchedulerOptions } from '../../src/sync/scheduler.js';

let sched: PollScheduler | undefined;
afterEach(async () => {
  await sched?.stop();
  sched = undefined;
});

/** A scheduler on a manual clock whose cycles take no time; returns the cycle start times. */
function loop(o: Partial<Omit<SchedulerOptions, 'users'>> & { users: number }): { clock: ManualClock; starts: number[]; s: PollScheduler } {
  const clock = new ManualClock();
  const starts: number[] = [];
  const { users, ...rest } = o;
  sched = new PollScheduler({
    intervalMs: 500,
    users: () => users,
    runCycle: async () => {
      starts.push(clock.now());
    },
    clock,
    ...rest,
  });
  return { clock, starts, s: sched };
}

/** Moves the clock in small steps, letting each cycle's promise settle in between. */
async function run(clock: ManualClock, ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await tick();
  }
}

const gaps = (starts: number[]): number[] => starts.slice(1).map((t, i) => t - starts[i]!);

describe('adaptive poll scheduler', () => {
  it('keeps 0.5 s at 2,000 users and says it runs as configured', async () => {
    const { clock, starts, s } = loop({ users: 2_000 });
    s.start();
    await run(clock, 5_000);
    expect(new Set(gaps(starts))).toEqual(new Set([500]));
    expect(s.pollStatus()).toMatchObject({ intervalMs: 500, configuredMs: 500, reasonCode: 'poll-configured', ceilingPercent: 25 });
  });

  it('widens 0.25 s at 2,000 users so no 30 s window holds more than its 25 % share, and says why', async () => {
    const { clock, starts, s } = loop({ users: 2_000, intervalMs: 250 });
    s.start();
    await run(clock, 65_000);
    const g = gaps(starts);
    expect(Math.min(...g)).toBeGreaterThanOrEqual(350);
    // Reads (4 per cycle) in every 30 s window, after the first: at most the share minus the write reserve.
    for (const t of starts.filter((x) => x >= starts[0]! + 30_000)) {
      const reads = 4 * starts.filter((x) => x > t - 30_000 && x <= t).length;
      expect(reads).toBeLessThanOrEqual(0.25 * 1_500 * 0.9);
    }
    const st = s.pollStatus();
    expect(st).toMatchObject({ configuredMs: 250, reasonCode: 'poll-budget-share' });
    expect(st.intervalMs).toBeGreaterThan(250);
    expect(st.sharePercent).toBeLessThanOrEqual(25);
  });

  it('counts presence writes and refreshes: heavy call traffic widens the interval', async () => {
    let writes = 0;
    const { clock, starts, s } = loop({ users: 2_000, otherRequests: () => ({ writes, refreshes: 20 }) });
    s.start();
    await run(clock, 2_000);
    expect(s.pollStatus().reasonCode).toBe('poll-configured');
    writes = 200;
    const before = starts.length;
    await run(clock, 10_000);
    expect(s.pollStatus()).toMatchObject({ reasonCode: 'poll-budget-share', params: { writes: 200, refreshes: 20 } });
    expect(Math.min(...gaps(starts.slice(before)))).toBeGreaterThan(500);
  });

  it('after a 429 waits for Retry-After, doubles the interval, and returns to 0.5 s once Graph is quiet', async () => {
    const decisions: PollDecision[] = [];
    const { clock, starts, s } = loop({ users: 2_000, onDecision: (d) => decisions.push(d) });
    s.start();
    await run(clock, 1_000);
    const at = clock.now();
    s.throttled(3_000);
    expect(s.pollStatus()).toMatchObject({ reasonCode: 'poll-throttled', intervalMs: 1_000, pausedUntil: new Date(at + 3_000).toISOString() });
    await run(clock, 10_000);
    const after = starts.filter((t) => t > at);
    expect(after[0]!).toBeGreaterThanOrEqual(at + 3_000);
    expect(new Set(gaps(after))).toEqual(new Set([1_000]));
    await run(clock, 30_000);
    expect(s.pollStatus()).toMatchObject({ reasonCode: 'poll-configured', intervalMs: 500 });
    expect(decisions.map((d) => d.reasonCode)).toEqual(['poll-configured', 'poll-throttled', 'poll-throttled', 'poll-configured']);
  });

  it('a cycle failing with Retry-After (e.g. 503) pauses the loop without widening it', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    sched = new PollScheduler({
      intervalMs: 500, users: () => 100, clock,
      runCycle: async () => {
        starts.push(clock.now());
        if (starts.length === 2) throw Object.assign(new Error('HTTP 503'), { retryAfterMs: 2_000 });
      },
    });
    sched.start();
    await run(clock, 5_000);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(2_000);
    expect(starts[3]! - starts[2]!).toBe(500);
    expect(sched.stats().failedCycles).toBe(1);
  });

  it('names a cycle slower than the interval as the pace, and never overlaps it', async () => {
    const clock = new ManualClock();
    let active = 0;
    let peak = 0;
    sched = new PollScheduler({
      intervalMs: 250, users: () => 100, clock,
      runCycle: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 700));
        active--;
      },
    });
    sched.start();
    await run(clock, 3_000);
    expect(peak).toBe(1);
    expect(sched.pollStatus()).toMatchObject({ reasonCode: 'poll-slow-cycle', params: { cycleMs: 700, intervalMs: 250 } });
    // stop() waits for the cycle in progress, which ends when its time has passed.
    const stopping = sched.stop();
    clock.advance(700);
    await stopping;
  });

  it('follows a changed share ceiling at once', async () => {
    const { clock, s } = loop({ users: 2_000, intervalMs: 250 });
    s.start();
    await run(clock, 1_000);
    expect(s.pollStatus().reasonCode).toBe('poll-budget-share');
    s.configureBudget({ sharePercent: 50 });
    expect(s.pollStatus()).toMatchObject({ reasonCode: 'poll-configured', intervalMs: 250, ceilingPercent: 50 });
  });
});
