import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/platform/clock.js';

describe('systemClock', () => {
  it('tells the real time and runs real timers that can be cancelled', async () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(50);
    let fired = 0;
    const cancelled = systemClock.setTimeout(() => { fired += 10; }, 5);
    systemClock.clearTimeout(cancelled);
    await new Promise<void>((resolve) => systemClock.setTimeout(() => { fired += 1; resolve(); }, 5));
    expect(fired).toBe(1);
  });
});

describe('ManualClock', () => {
  it('fires timers in due order as time advances, including timers set by timers', () => {
    const c = new ManualClock(1_000);
    const log: string[] = [];
    c.setTimeout(() => log.push(`b@${c.now()}`), 200);
    c.setTimeout(() => {
      log.push(`a@${c.now()}`);
      c.setTimeout(() => log.push(`c@${c.now()}`), 50);
    }, 100);
    const x = c.setTimeout(() => log.push('never'), 120);
    c.clearTimeout(x);
    c.advance(149);
    expect(log).toEqual(['a@1100']);
    c.advance(100);
    expect(log).toEqual(['a@1100', 'c@1150', 'b@1200']);
    expect(c.now()).toBe(1_249);
    expect(c.pending).toBe(0);
  });
});
