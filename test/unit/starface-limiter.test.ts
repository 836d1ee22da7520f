// The client's counting semaphore (src/starface/limiter.ts), which bounds concurrent UCI logins and logouts.
import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/starface/limiter.js';

describe('Semaphore', () => {
  it('never runs more than its limit at once', async () => {
    const s = new Semaphore(3);
    let active = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 20 }, () => s.run(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
    })));
    expect(peak).toBe(3);
    expect(() => new Semaphore(0)).toThrow();
  });
});
