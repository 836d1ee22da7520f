// Re-login pacing with an injected clock: a user whose session is lost right after every login is logged in at
// most a few times a minute, then once per ceiling; a session that stayed up re-logs in at once; the shared
// budget bounds the re-logins of all users of a PBX.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { LoginBackoff, LoginBudget } from '../../src/starface/login-pacing.js';
import { DEFAULT_UCI_SESSION_SETTINGS } from '../../src/starface/options.js';

const defaults = { initialMs: DEFAULT_UCI_SESSION_SETTINGS.backoffInitialMs, maxMs: DEFAULT_UCI_SESSION_SETTINGS.backoffMaxMs, stableMs: DEFAULT_UCI_SESSION_SETTINGS.stableSessionMs };

/** Logs in whenever allowed for `minutes`; each session is lost 100 ms after its login. Returns login times. */
function hammer(backoff: LoginBackoff, clock: ManualClock, minutes: number): number[] {
  const times: number[] = [];
  const end = clock.now() + minutes * 60_000;
  while (clock.now() < end) {
    clock.advance(backoff.waitMs());
    backoff.loginStarted();
    times.push(clock.now());
    backoff.connected();
    clock.advance(100);
    backoff.lost();
  }
  return times;
}

describe('LoginBackoff', () => {
  it('never lets a failing user log in more than 4 times in any minute, and once per ceiling after repeated failures', () => {
    for (const random of [() => 0, () => 0.999, Math.random]) {
      const clock = new ManualClock();
      const times = hammer(new LoginBackoff(defaults, clock, random), clock, 10);
      for (const t of times) expect(times.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(4);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(gaps.slice(5).every((g) => g >= defaults.maxMs)).toBe(true);
      expect(times.length).toBeLessThanOrEqual(24);
    }
  });

  it('re-logs in at once after a session that stayed up (a PBX restart), and backs off again if that fails', () => {
    const clock = new ManualClock();
    const b = new LoginBackoff(defaults, clock, () => 0);
    hammer(b, clock, 3);
    expect(b.failures).toBeGreaterThan(3);
    clock.advance(b.waitMs());
    b.loginStarted();
    b.connected();
    clock.advance(defaults.stableMs);
    b.lost();
    expect(b.waitMs()).toBe(0);
    b.loginStarted();
    b.lost();
    expect(b.waitMs()).toBe(defaults.initialMs);
  });
});

describe('LoginBudget', () => {
  it('gives a burst, then tokens at the rate, and says how long to wait', () => {
    const clock = new ManualClock();
    const budget = new LoginBudget(2, 3, clock);
    expect([budget.take(), budget.take(), budget.take()]).toEqual([0, 0, 0]);
    expect(budget.take()).toBe(500);
    clock.advance(500);
    expect(budget.take()).toBe(0);
    expect(budget.take()).toBeGreaterThan(0);
    expect(() => new LoginBudget(0, 1)).toThrow();
  });
});
