// Our side of Graph throttling: the presence budget, Retry-After gates and backoff.
import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter, RequestBudget, RetryGates } from '../../src/teams/throttle.js';
import { endpointGroup } from '../../src/teams/graph-client.js';

function clock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

describe('RequestBudget (sliding window)', () => {
  it('allows the limit within a window and no more', async () => {
    const c = clock();
    const b = new RequestBudget({ limit: 3, windowSeconds: 30 }, c.now);
    for (let i = 0; i < 3; i++) await b.take();
    expect(b.available).toBe(0);
    expect(b.waitMs()).toBe(30_000);
    c.advance(10_000);
    expect(b.waitMs()).toBe(20_000);
  });

  it('never lets more than the limit into any window, even after a pause (no double burst)', async () => {
    const c = clock();
    const b = new RequestBudget({ limit: 1500, windowSeconds: 30 }, c.now);
    const sent: number[] = [];
    // A greedy caller: take whenever allowed, for 2 minutes of simulated time.
    while (c.now() < 120_000) {
      const w = b.waitMs();
      if (w > 0) { c.advance(w); continue; }
      await b.take();
      sent.push(c.now());
      c.advance(5);
    }
    for (let i = 0; i + 1500 < sent.length; i++) expect(sent[i + 1500]! - sent[i]!).toBeGreaterThan(30_000 - 1);
    expect(sent.length).toBeGreaterThanOrEqual(1500 * 4);
  });

  it('follows a new configuration', async () => {
    const c = clock();
    const b = new RequestBudget({ limit: 10, windowSeconds: 1 }, c.now);
    for (let i = 0; i < 5; i++) await b.take();
    b.reconfigure({ limit: 5, windowSeconds: 1 });
    expect(b.waitMs()).toBe(1000);
  });

  it('waits for real and can be aborted', async () => {
    const b = new RequestBudget({ limit: 1, windowSeconds: 0.05 });
    await b.take();
    const t0 = Date.now();
    await b.take();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    const ac = new AbortController();
    const p = b.take(ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});

describe('RetryGates', () => {
  it('blocks a group until the Retry-After time, keeping the later of two', () => {
    const c = clock(1000);
    const g = new RetryGates(c.now);
    g.block('presence-read', 2000);
    g.block('presence-read', 500);
    expect(g.remainingMs('presence-read')).toBe(2000);
    expect(g.remainingMs('users')).toBe(0);
    c.advance(2000);
    expect(g.remainingMs('presence-read')).toBe(0);
  });
});

describe('Retry-After and backoff', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(new Date(1_000).toUTCString(), 4_000)).toBe(0);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('grows exponentially with jitter inside [ceiling/2, ceiling], capped', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    const spread = new Set(Array.from({ length: 20 }, () => backoffMs(4)));
    expect(spread.size).toBeGreaterThan(1);
  });
});

describe('endpoint groups', () => {
  it('puts presence reads and writes into their own gates and into the presence budget', () => {
    expect(endpointGroup('https://graph.microsoft.com/v1.0/communications/getPresencesByUserId')).toEqual({ group: 'presence-read', presence: true, name: 'getPresencesByUserId' });
    expect(endpointGroup('https://h/v1.0/users/abc/presence')).toMatchObject({ group: 'presence-read', presence: true });
    expect(endpointGroup('https://h/v1.0/users/abc/presence/setPresence')).toEqual({ group: 'presence-write', presence: true, name: 'setPresence' });
    expect(endpointGroup('https://h/v1.0/users/abc/presence/clearPresence')).toMatchObject({ group: 'presence-write' });
    expect(endpointGroup('https://h/v1.0/users?$top=999')).toEqual({ group: 'users', presence: false, name: 'users' });
  });
});
