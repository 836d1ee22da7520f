// The simulator's XML-RPC codec: anything it encodes it reads back unchanged, and arbitrary input never
// escapes as anything but WireParseError (the simulator answers that with a fault, never a crash).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCall, encodeCall, WireParseError, type WireValue } from '../../src/simulators/starface/xmlrpc.js';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-runs.js';

// XML 1.0 cannot carry most control characters; the codec is not asked to.
const xmlChar = (c: string): boolean => {
  const code = c.codePointAt(0)!;
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff);
};
const xmlString = fc.string({ unit: 'grapheme' }).map((s) => [...s].filter(xmlChar).join(''));
const value: fc.Arbitrary<WireValue> = fc.letrec<{ v: WireValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    xmlString,
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(xmlString, tie('v'), { maxKeys: 4 }).map((d) => ({ ...d })),
  ),
})).v;

describe('simulator XML-RPC codec fuzzing', () => {
  it('round-trips every encodable value', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 3 }), (params) => {
      expect(decodeCall(encodeCall('ucp.v30.requests.x.y', params))).toEqual({ method: 'ucp.v30.requests.x.y', params });
    }), { numRuns: fuzzRuns(300) });
  }, fuzzTimeoutMs(30_000));

  it('throws only WireParseError on arbitrary and mutated input', () => {
    const seed = encodeCall('m', [{ a: [1, 'x', true] }]);
    const input = fc.oneof(fc.string(), fc.tuple(fc.nat(seed.length), fc.nat(seed.length), fc.string({ maxLength: 8 }))
      .map(([i, j, ins]) => seed.slice(0, Math.min(i, j)) + ins + seed.slice(Math.max(i, j))));
    fc.assert(fc.property(input, (xml) => {
      try {
        decodeCall(xml);
      } catch (err) {
        expect(err).toBeInstanceOf(WireParseError);
      }
    }), { numRuns: fuzzRuns(500) });
  }, fuzzTimeoutMs(30_000));
});
