// PresenceReader logic: chunking, tolerant parsing, sequence numbers. Graph is replaced by a scripted source
// of answers (the real HTTP path is covered in test/integration/teams-presence.test.ts).
import { describe, expect, it } from 'vitest';
import type { GraphClient } from '../../src/teams/graph-client.js';
import { isOlder, PresenceReader, PresenceReadError, presenceItems, sequenceVerdict } from '../../src/teams/presence-reader.js';
import { GraphRequestError } from '../../src/teams/errors.js';

type Answer = (ids: string[]) => unknown;

function scripted(answer: Answer): { graph: GraphClient; calls: string[][] } {
  const calls: string[][] = [];
  const graph = {
    post: async (path: string, body: { ids: string[] }) => {
      expect(path).toBe('/communications/getPresencesByUserId');
      calls.push(body.ids);
      return answer(body.ids);
    },
  } as unknown as GraphClient;
  return { graph, calls };
}

const presence = (id: string, availability: string, activity: string, sequenceNumber?: string, oof = false): Record<string, unknown> =>
  ({ id, availability, activity, outOfOfficeSettings: { isOutOfOffice: oof, message: null }, ...(sequenceNumber ? { sequenceNumber } : {}) });

describe('PresenceReader', () => {
  it('asks for at most 650 ids per request: ceil(N/650) requests', async () => {
    const { graph, calls } = scripted((ids) => ({ value: ids.map((id) => presence(id, 'Available', 'Available')) }));
    const reader = new PresenceReader({ graph });
    const ids = Array.from({ length: 1301 }, (_, i) => `id-${i}`);
    const r = await reader.read(ids);
    expect(calls.map((c) => c.length)).toEqual([650, 650, 1]);
    expect(r.requests).toBe(3);
    expect(r.presences.size).toBe(1301);
  });

  it('asks for each id once, even when listed twice', async () => {
    const { graph, calls } = scripted((ids) => ({ value: ids.map((id) => presence(id, 'Busy', 'Busy')) }));
    await new PresenceReader({ graph }).read(['A', 'a', 'b']);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('parses tolerantly: open strings, any case, missing values, both response shapes', async () => {
    const { graph } = scripted(() => ({
      value: [
        { id: 'AA', availability: 'focusing', activity: 'doNotDisturb' },
        { id: 'bb', availability: 42, outOfOfficeSettings: { isOutOfOffice: true } },
        { id: 'zz', availability: 'Available', activity: 'Available' }, // not asked for: ignored
        'garbage',
      ],
    }));
    const r = await new PresenceReader({ graph }).read(['aa', 'bb', 'cc']);
    expect(r.presences.get('aa')).toMatchObject({ availability: 'focusing', activity: 'doNotDisturb', outOfOffice: false });
    expect(r.presences.get('bb')).toMatchObject({ availability: 'PresenceUnknown', activity: 'PresenceUnknown', outOfOffice: true });
    expect(r.presences.has('zz')).toBe(false);
    expect(r.missing).toEqual(['cc']);
    expect(presenceItems(presence('x', 'Away', 'Away'))).toHaveLength(1);
    expect(presenceItems([presence('x', 'Away', 'Away')])).toHaveLength(1);
    expect(presenceItems({ value: [] })).toEqual([]);
    expect(presenceItems(null)).toEqual([]);
  });

  it('drops answers older than what it already has (sequenceNumber), keeps equal and newer', async () => {
    let answer: Record<string, unknown>[] = [presence('u', 'Busy', 'InACall', '00000000000000000010')];
    const { graph } = scripted(() => ({ value: answer }));
    const reader = new PresenceReader({ graph });
    await reader.read(['u']);
    answer = [presence('u', 'Available', 'Available', '00000000000000000009')];
    const stale = await reader.read(['u']);
    expect(stale.stale).toEqual(['u']);
    expect(stale.presences.get('u')).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    answer = [presence('u', 'Away', 'Away', '00000000000000000011')];
    const fresh = await reader.read(['u']);
    expect(fresh.stale).toEqual([]);
    expect(fresh.presences.get('u')).toMatchObject({ availability: 'Away' });
    expect(reader.lastKnown('U')).toMatchObject({ availability: 'Away' });
  });

  it('compares sequence numbers as strings and accepts data without one', () => {
    const p = (s?: string) => ({ availability: 'a', activity: 'a', outOfOffice: false, ...(s ? { sequenceNumber: s } : {}) });
    expect(isOlder(p('B'), p('C'))).toBe(true);
    expect(isOlder(p('C'), p('C'))).toBe(false);
    expect(isOlder(p(), p('C'))).toBe(false);
    expect(isOlder(p('A'), undefined)).toBe(false);
  });

  it('drops one late lower stamp but not a lower one that persists (a reset), and resets the count on a newer one', async () => {
    let answer = [presence('u', 'Busy', 'Busy', '0500')];
    const { graph } = scripted(() => ({ value: answer }));
    const reader = new PresenceReader({ graph, resetAfterReads: 2 });
    await reader.read(['u']);
    answer = [presence('u', 'Away', 'Away', '0400')];
    expect((await reader.read(['u'])).stale).toEqual(['u']);
    answer = [presence('u', 'Busy', 'InACall', '0501')];
    expect((await reader.read(['u'])).stale).toEqual([]);
    answer = [presence('u', 'Away', 'Away', '0001')];
    expect((await reader.read(['u'])).stale).toEqual(['u']);
    const r = await reader.read(['u']);
    expect(r.stale).toEqual([]);
    expect(r.presences.get('u')).toMatchObject({ availability: 'Away' });
  });

  it('judges stamps: newer, stale, a width change, a persisting regression', () => {
    expect(sequenceVerdict('0002', '0001', 0)).toBe('newer');
    expect(sequenceVerdict('0001', '0001', 0)).toBe('newer');
    expect(sequenceVerdict(undefined, '0001', 0)).toBe('newer');
    expect(sequenceVerdict('0001', '0002', 0)).toBe('stale');
    expect(sequenceVerdict('0001', '0002', 1)).toBe('stale');
    expect(sequenceVerdict('0001', '0002', 2)).toBe('reset-persisted');
    expect(sequenceVerdict('99', '0002', 0)).toBe('newer'); // "99" > "0002" as strings: accepted anyway
    expect(sequenceVerdict('00000001', '0002', 0)).toBe('reset-width');
  });

  it('returns what it could read and the retry time when a chunk fails', async () => {
    const { graph } = scripted((ids) => {
      if (ids[0] === 'id-650') throw new GraphRequestError(429, 'TooManyRequests', 'Too many requests', 'getPresencesByUserId', undefined, 7000);
      return { value: ids.map((id) => presence(id, 'Available', 'Available')) };
    });
    const ids = Array.from({ length: 700 }, (_, i) => `id-${i}`);
    const e = await new PresenceReader({ graph, concurrency: 1 }).read(ids).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PresenceReadError);
    const err = e as PresenceReadError;
    expect(err.retryAfterMs).toBe(7000);
    expect(err.partial.presences.size).toBe(650);
    expect(err.failedIds).toHaveLength(50);
    expect(err.message).toMatch(/50 of 700 users.*HTTP 429 TooManyRequests.*wait 7 s/);
  });
});
