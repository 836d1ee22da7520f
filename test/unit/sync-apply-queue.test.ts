import { describe, expect, it } from 'vitest';
import { ApplyQueue, type ApplyOutcome } from '../../src/sync/apply-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

describe('ApplyQueue', () => {
  it('never runs more tasks at once than the concurrency limit', async () => {
    let running = 0;
    let peak = 0;
    const q = new ApplyQueue<number>({
      concurrency: 3,
      worker: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
    });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => q.enqueue(`u${i}`, i)));
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    expect(peak).toBe(3);
    expect(q.stats()).toMatchObject({ done: 20, peakRunning: 3, pending: 0, running: 0 });
  });

  it('runs one task per key at a time, in order, and coalesces queued items', async () => {
    const gate = deferred();
    const seen: string[] = [];
    const q = new ApplyQueue<string>({
      concurrency: 4,
      worker: async (key, item) => {
        seen.push(`${key}:${item}`);
        if (item === 'a1') await gate.promise;
      },
    });
    const p1 = q.enqueue('a', 'a1');
    const p2 = q.enqueue('a', 'a2'); // queued behind a1
    const p3 = q.enqueue('a', 'a3'); // replaces a2
    const pb = q.enqueue('b', 'b1'); // another key is not blocked by a
    await pb;
    expect(seen).toEqual(['a:a1', 'b:b1']);
    gate.resolve();
    expect(await p1).toEqual({ status: 'done', attempts: 1 });
    expect(await p2).toEqual({ status: 'superseded' });
    expect(await p3).toEqual({ status: 'done', attempts: 1 });
    expect(seen).toEqual(['a:a1', 'b:b1', 'a:a3']);
    expect(q.stats().coalesced).toBe(1);
  });

  it('merges queued items when a merge function is given', async () => {
    const gate = deferred();
    const written: Record<string, number>[] = [];
    const q = new ApplyQueue<Record<string, number>>({
      worker: async (_k, item) => { written.push(item); if (item.first) await gate.promise; },
      merge: (older, newer) => ({ ...older, ...newer }),
    });
    const p0 = q.enqueue('u', { first: 1 });
    const p1 = q.enqueue('u', { dnd: 1 });
    const p2 = q.enqueue('u', { text: 2 });
    gate.resolve();
    await Promise.all([p0, p1, p2]);
    expect(written).toEqual([{ first: 1 }, { dnd: 1, text: 2 }]);
    expect((await p1).status).toBe('done');
  });

  it('retries with backoff and reports the attempts', async () => {
    let calls = 0;
    const times: number[] = [];
    const q = new ApplyQueue<number>({
      baseDelayMs: 20,
      worker: async () => {
        times.push(Date.now());
        if (++calls < 3) throw new Error('PBX busy');
      },
    });
    expect(await q.enqueue('u', 1)).toEqual({ status: 'done', attempts: 3 });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(14); // 20 ms −25 % jitter, minus timer slack
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(29); // 40 ms −25 %
    expect(q.stats().retries).toBe(2);
  });

  it('gives up after maxAttempts or on a non-retryable error', async () => {
    const q = new ApplyQueue<number>({
      baseDelayMs: 1,
      maxAttempts: 2,
      isRetryable: (e) => (e as Error).message !== 'fatal',
      worker: async (_k, item) => { throw new Error(item === 1 ? 'transient' : 'fatal'); },
    });
    const a = await q.enqueue('a', 1);
    const b = await q.enqueue('b', 2);
    expect(a).toMatchObject({ status: 'failed', attempts: 2 });
    expect(b).toMatchObject({ status: 'failed', attempts: 1 });
    expect(((a as Extract<ApplyOutcome, { status: 'failed' }>).error as Error).message).toBe('transient');
    expect(q.stats().failed).toBe(2);
  });

  it('a newer item replaces one that waits for a retry, and runs without waiting for the backoff', async () => {
    const seen: number[] = [];
    const q = new ApplyQueue<number>({
      baseDelayMs: 5_000,
      worker: async (_k, item) => { seen.push(item); if (item === 1) throw new Error('fail'); },
    });
    const p1 = q.enqueue('u', 1);
    await new Promise((r) => setTimeout(r, 10)); // first attempt failed, now in backoff
    const t0 = Date.now();
    const p2 = q.enqueue('u', 2);
    expect(await p1).toEqual({ status: 'superseded' });
    expect(await p2).toEqual({ status: 'done', attempts: 1 });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(seen).toEqual([1, 2]);
  });

  it('an attempt that waits for a wake runs as soon as wake(key) comes, not after its backoff', async () => {
    class NotLoggedIn extends Error {}
    let connected = false;
    const q = new ApplyQueue<number>({
      baseDelayMs: 5_000,
      maxDelayMs: 60_000,
      waitsForWake: (e) => e instanceof NotLoggedIn,
      worker: async (key) => { if (key === 'u' && !connected) throw new NotLoggedIn('session still logging in'); if (key === 'x') throw new Error('PBX busy'); },
    });
    const p = q.enqueue('u', 1);
    const px = q.enqueue('x', 1);
    await new Promise((r) => setTimeout(r, 10)); // both failed once and wait
    expect(q.stats()).toMatchObject({ pending: 2, retries: 2, woken: 0 });
    q.wake('x'); // an ordinary backoff is not cut short by a wake
    q.wake('nobody');
    connected = true;
    const t0 = Date.now();
    q.wake('u');
    expect(await p).toEqual({ status: 'done', attempts: 2 });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(q.stats()).toMatchObject({ woken: 1, pending: 1 });
    q.cancel('x');
    expect(await px).toEqual({ status: 'cancelled' });
  });

  it('without a wake, a waiting attempt is retried after maxDelayMs and still counts against maxAttempts', async () => {
    const q = new ApplyQueue<number>({
      baseDelayMs: 1,
      maxDelayMs: 30,
      maxAttempts: 2,
      waitsForWake: () => true,
      worker: async () => { throw new Error('session still logging in'); },
    });
    const t0 = Date.now();
    expect(await q.enqueue('u', 1)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25); // the fallback (30 ms), not the 1 ms backoff
  });

  it('cancel drops queued work, idle() waits for running work, close() refuses new items', async () => {
    const gate = deferred();
    const q = new ApplyQueue<number>({ worker: async (_k, item) => { if (item === 1) await gate.promise; } });
    const p1 = q.enqueue('u', 1);
    const p2 = q.enqueue('u', 2);
    q.cancel('u');
    expect(await p2).toEqual({ status: 'cancelled' });
    expect(q.has('u')).toBe(true); // item 1 still runs
    let idle = false;
    const idleP = q.idle().then(() => { idle = true; });
    await new Promise((r) => setTimeout(r, 5));
    expect(idle).toBe(false);
    gate.resolve();
    await idleP;
    expect((await p1).status).toBe('done');
    await q.close();
    expect(await q.enqueue('u', 3)).toEqual({ status: 'cancelled' });
  });

  it('keeps per-user order under load with many users and interleaved updates', async () => {
    const perUser = new Map<string, number[]>();
    const q = new ApplyQueue<number>({
      concurrency: 8,
      worker: async (key, item) => {
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        const list = perUser.get(key) ?? [];
        list.push(item);
        perUser.set(key, list);
      },
    });
    const all: Promise<ApplyOutcome>[] = [];
    for (let round = 0; round < 5; round++) {
      for (let u = 0; u < 50; u++) all.push(q.enqueue(`u${u}`, round));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(all);
    for (const [, items] of perUser) {
      expect([...items].sort((a, b) => a - b)).toEqual(items); // strictly increasing order, skipped = coalesced
      expect(items.at(-1)).toBe(4); // the last desired state always lands
    }
    expect(perUser.size).toBe(50);
  });
});
