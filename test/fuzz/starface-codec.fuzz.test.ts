// Property-based fuzzing of our XML-RPC codec (issue 13): what the writer writes reads back the same; the writer
// throws nothing but EncodingError; the reader throws nothing but XmlRpcParseError, on any input, in bounded time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMethodCall, decodeMethodResponse, DROPPED_MEMBERS, encodeMethodCall, encodeMethodResponse, EncodingError,
  XmlRpcParseError, type XmlRpcInput,
} from '../../src/starface/xmlrpc/index.js';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-runs.js';

// eslint-disable-next-line no-control-regex -- exactly the characters XML 1.0 cannot carry
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const xmlText = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(NOT_XML, ''));
const memberName = xmlText.map((s) => s.trim()).filter((s) => !DROPPED_MEMBERS.has(s));

const { value } = fc.letrec<{ value: XmlRpcInput }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    xmlText,
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
    fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(memberName, tie('value'), { maxKeys: 4 }),
  ),
}));

/** Whatever the decoder does with this body, it throws nothing but its own error and returns quickly. */
function decodesSafely(body: string | Buffer): void {
  const started = performance.now();
  for (const decode of [decodeMethodCall, decodeMethodResponse]) {
    try {
      decode(body, { maxBytes: 64 * 1024 });
    } catch (err) {
      if (!(err instanceof XmlRpcParseError)) throw err;
    }
  }
  // Generous: linear in a body of at most a few KiB; guards against a catastrophic path, not a benchmark.
  expect(performance.now() - started).toBeLessThan(2_000);
}

const XML_BITS = [
  '<?xml version="1.0"?>', '<methodCall>', '</methodCall>', '<methodResponse>', '</methodResponse>', '<methodName>', '</methodName>',
  '<params>', '</params>', '<params/>', '<param>', '</param>', '<value>', '</value>', '<struct>', '</struct>', '<member>', '</member>',
  '<name>', '</name>', '<array>', '</array>', '<data>', '</data>', '<string>', '</string>', '<int>', '</int>', '<i8>', '<boolean>', '</boolean>',
  '<double>', '<dateTime.iso8601>', '<base64>', '<nil/>', '<fault>', '</fault>', '__proto__', 'constructor', 'faultCode', 'x', '1', ' ', '\n',
  '&amp;', '&lt;', '&#1;', '&#x10FFFF;', '&lol;', '<![CDATA[', ']]>', '<!DOCTYPE a [<!ENTITY lol "lol">]>', '<!-- c -->', '<?pi x?>', '\u0001', '\uD800',
];

describe('XML-RPC codec (fuzz)', () => {
  it('reads back every value it writes, as a call and as a response', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 3 }), (params) => {
      const call = decodeMethodCall(encodeMethodCall('ucp.v30.requests.x.y', params));
      expect(call).toEqual({ method: 'ucp.v30.requests.x.y', params });
      if (params[0] !== undefined) expect(decodeMethodResponse(encodeMethodResponse(params[0]))).toEqual({ kind: 'value', value: params[0] });
    }), { numRuns: fuzzRuns(300) });
  }, fuzzTimeoutMs(30_000));

  it('the writer throws nothing but EncodingError, on any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 10 }), (text, key) => {
      try {
        const xml = encodeMethodCall('m', [text, { [key]: text }]);
        expect(decodeMethodCall(xml).params[0]).toBe(text);
      } catch (err) {
        if (!(err instanceof EncodingError)) throw err;
      }
    }), { numRuns: fuzzRuns(500) });
  }, fuzzTimeoutMs(30_000));

  it('the reader throws nothing but XmlRpcParseError on arbitrary text and bytes, in bounded time', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))), decodesSafely),
      { numRuns: fuzzRuns(500) });
  }, fuzzTimeoutMs(30_000));

  it('the reader throws nothing but XmlRpcParseError on XML-like token soup and mutated messages', () => {
    const soup = fc.array(fc.constantFrom(...XML_BITS), { maxLength: 60 }).map((parts) => parts.join(''));
    const mutated = fc.tuple(fc.array(value, { maxLength: 2 }), fc.nat(), fc.nat({ max: 20 }), fc.constantFrom(...XML_BITS))
      .map(([params, at, cut, insert]) => {
        const xml = encodeMethodCall('m', params);
        const i = at % (xml.length + 1);
        return xml.slice(0, i) + insert + xml.slice(i + cut);
      });
    fc.assert(fc.property(fc.oneof(soup, mutated), decodesSafely), { numRuns: fuzzRuns(500) });
  }, fuzzTimeoutMs(30_000));

  it('the reader stays bounded on deep nesting and large repetitive input', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('<value><array><data>', '<value><struct><member><name>a</name>', '<value>'), (n, open) => {
      decodesSafely(`<methodResponse><params><param>${open.repeat(n)}`);
    }), { numRuns: fuzzRuns(30) });
  }, fuzzTimeoutMs(30_000));
});
