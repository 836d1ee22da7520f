import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollScheduler, requestsPerCycle } from '../../src/sync/scheduler.js';
import { GraphRequestError } from '../../src/teams/errors.js';

// The scheduler runs on fake timers: time moves only when a test advances it, so intervals, Retry-After pauses
// and budget windows are exact and cost no real waiting.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** A budget so large that it never widens the short intervals these tests use. */
const ROOMY = { limit: 1_000_000 };

let sched: PollScheduler | undefined;
beforeEach(() => { vi.useFakeTimers(); });
afterEach(async () => {
  const stopping = sched?.stop();
  await vi.runOnlyPendingTimersAsync();
  await stopping;
  sched = undefined;
  vi.useRealTimers();
});

describe('budget arithmetic', () => {
  it('costs ceil(N/650) requests per cycle', () => {
    expect(requestsPerCycle(0)).toBe(0);
    expect(requestsPerCycle(1)).toBe(1);
    expect(requestsPerCycle(650)).toBe(1);
    expect(requestsPerCycle(651)).toBe(2);
    expect(requestsPerCycle(2_000)).toBe(4);
  });
});

describe('PollScheduler', () => {
  it('runs cycles at the configured interval and never overlaps a slow cycle', async () => {
    let active = 0;
    let peak = 0;
    const starts: number[] = [];
    sched = new PollScheduler({
      intervalMs: 20,
      users: () => 10,
      budget: ROOMY, // the loop's mechanics, not the budget (at 1,500 per 30 s a 20 ms interval would be widened)
      runCycle: async () => {
        active++;
        peak = Math.max(peak, active);
        starts.push(Date.now());
        await sleep(starts.length === 2 ? 80 : 2); // the second cycle is slower than the interval
        active--;
      },
    });
    sched.start();
    await advance(300);
    await sched.stop();
    expect(starts.length).toBeGreaterThanOrEqual(5);
    expect(peak).toBe(1);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(78); // waited for the slow cycle
    expect(starts[3]! - starts[2]!).toBeGreaterThanOrEqual(15);
  });

  it('pauses for Retry-After after a 429 and then resumes', async () => {
    const starts: number[] = [];
    sched = new PollScheduler({
      intervalMs: 10,
      users: () => 10,
      budget: ROOMY,
      runCycle: async () => {
        starts.push(Date.now());
        if (starts.length === 2) throw new GraphRequestError(429, 'TooManyRequests', 'Too many requests', 'getPresencesByUserId', undefined, 250);
      },
    });
    sched.start();
    await advance(500);
    expect(starts.length).toBeGreaterThanOrEqual(4);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(245);
    expect(starts[3]! - starts[2]!).toBeLessThan(200);
    expect(sched.stats().failedCycles).toBe(1);
  });

  it('never exceeds the request budget in any window, even with a zero interval', async () => {
    const windowMs = 400;
    const limit = 10;
    const cycles: { at: number; count: number }[] = [];
    sched = new PollScheduler({
      intervalMs: 0,
      users: () => 650 * 3, // 3 requests per cycle
      budget: { limit, windowMs, sharePercent: 100 },
      runCycle: async () => { cycles.push({ at: Date.now(), count: 3 }); },
    });
    sched.start();
    await advance(1_300);
    await sched.stop();
    expect(cycles.length).toBeGreaterThanOrEqual(6);
    for (const c of cycles) {
      const inWindow = cycles.filter((o) => o.at >= c.at && o.at < c.at + windowMs).reduce((s, o) => s + o.count, 0);
      expect(inWindow).toBeLessThanOrEqual(limit);
    }
    expect(sched.effectiveIntervalMs()).toBeGreaterThan(0);
  });

  it('leaves room for presence writes that share the budget', async () => {
    const windowMs = 300;
    let cycles = 0;
    sched = new PollScheduler({
      intervalMs: 0,
      users: () => 650, // 1 request per cycle
      otherRequests: () => ({ writes: 8, refreshes: 0 }),
      budget: { limit: 10, windowMs, sharePercent: 100 },
      runCycle: async () => { cycles++; },
    });
    sched.start();
    await advance(windowMs * 2 + 50);
    await sched.stop();
    // 10 − 8 writes leaves 2 reads per window → at most ~6 cycles in 2+ windows.
    expect(cycles).toBeGreaterThanOrEqual(2);
    expect(cycles).toBeLessThanOrEqual(6);
  });

  it('triggerSoon runs the next cycle at once instead of waiting for the interval', async () => {
    let cycles = 0;
    sched = new PollScheduler({ intervalMs: 60_000, users: () => 1, runCycle: async () => { cycles++; } });
    sched.start();
    await advance(0);
    expect(cycles).toBe(1);
    sched.triggerSoon();
    await advance(1_000); // far less than the 60 s interval
    expect(cycles).toBe(2);
  });

  it('stop() waits for the cycle in progress and no cycle starts afterwards', async () => {
    let finished = false;
    let cycles = 0;
    sched = new PollScheduler({
      intervalMs: 1,
      users: () => 1,
      runCycle: async () => { cycles++; await sleep(50); finished = true; },
    });
    sched.start();
    await advance(0);
    expect(cycles).toBe(1);
    let stopped = false;
    const stopping = sched.stop().then(() => { stopped = true; });
    await advance(10);
    expect(stopped).toBe(false); // the cycle is still running
    await advance(40);
    await stopping;
    expect(finished).toBe(true);
    await advance(1_000);
    expect(cycles).toBe(1);
  });
});
