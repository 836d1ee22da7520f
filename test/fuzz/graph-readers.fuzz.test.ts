// The readers of Microsoft's JSON answers (presence batch, users page, token endpoint answers, Graph error
// bodies) on arbitrary JSON and text: they return a well-formed result or throw their own typed error, never
// a TypeError or a SyntaxError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presenceFromGraph } from '../../src/core/presence.js';
import { readUsersPage } from '../../src/teams/directory.js';
import { GraphAnswerError, GraphRequestError } from '../../src/teams/errors.js';
import { errorFromAnswer, readJsonAnswer, writeOutcome } from '../../src/teams/graph-answer.js';
import { readTokenAnswer, TokenEndpointBusyError } from '../../src/teams/msal-network.js';
import { readPresenceBatch } from '../../src/teams/presence-reader.js';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-runs.js';

const ids = ['a', 'B', 'c'];
/** JSON that looks like Graph's answers sometimes (known keys, ids we asked for), arbitrary otherwise. */
const presenceLike = fc.record({
  id: fc.oneof(fc.constantFrom(...ids, 'A', 'zz'), fc.jsonValue()),
  availability: fc.oneof(fc.constantFrom('Available', 'Busy', 'PresenceUnknown', ''), fc.jsonValue()),
  activity: fc.oneof(fc.constantFrom('InACall', 'Away'), fc.jsonValue()),
  outOfOfficeSettings: fc.oneof(fc.record({ isOutOfOffice: fc.jsonValue(), message: fc.jsonValue() }), fc.jsonValue()),
  sequenceNumber: fc.oneof(fc.string(), fc.jsonValue()),
}, { requiredKeys: [] });
const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.record({ value: fc.oneof(fc.array(fc.oneof(presenceLike, fc.jsonValue())), fc.jsonValue()), '@odata.nextLink': fc.jsonValue() }, { requiredKeys: [] }),
  fc.array(presenceLike),
  presenceLike,
);
const anyText = fc.oneof(fc.string(), fc.json(), anyJson.map((v) => JSON.stringify(v)), fc.constantFrom('', ' ', 'null', '<html>proxy</html>', '{"error":'));
const opts = { numRuns: fuzzRuns(400) };

function only<T>(run: () => T, ...allowed: (abstract new (...args: never[]) => Error)[]): T | undefined {
  try {
    return run();
  } catch (e) {
    if (allowed.some((c) => e instanceof c)) return undefined;
    throw e;
  }
}

describe('Graph JSON readers on arbitrary input', () => {
  it('presence batch: well-formed presences of requested ids only, or GraphAnswerError', () => {
    fc.assert(fc.property(anyJson, (body) => {
      const r = only(() => readPresenceBatch(body, ids), GraphAnswerError);
      if (!r) return;
      for (const [id, p] of r) {
        expect(ids).toContain(id);
        expect(typeof p.availability).toBe('string');
        expect(typeof p.activity).toBe('string');
        expect(typeof p.outOfOffice).toBe('boolean');
        if (p.sequenceNumber !== undefined) expect(typeof p.sequenceNumber).toBe('string');
      }
      expect(() => presenceFromGraph(body)).not.toThrow();
    }), opts);
  }, fuzzTimeoutMs(30_000));

  it('users page: users with string ids and string-or-null fields, or GraphAnswerError', () => {
    fc.assert(fc.property(anyJson, (body) => {
      const r = only(() => readUsersPage(body), GraphAnswerError);
      if (!r) return;
      for (const u of r.users) {
        expect(typeof u.id).toBe('string');
        for (const f of [u.mail, u.userPrincipalName, u.displayName]) expect(f === null || typeof f === 'string').toBe(true);
        expect(u.proxyAddresses.every((p) => typeof p === 'string')).toBe(true);
      }
      expect(r.nextLink === undefined || typeof r.nextLink === 'string').toBe(true);
    }), opts);
  }, fuzzTimeoutMs(30_000));

  it('token endpoint answers: always a JSON object for MSAL, and a readable busy error for 5xx', () => {
    fc.assert(fc.property(anyText, fc.integer({ min: 100, max: 599 }), fc.option(fc.string()), (text, status, retryAfter) => {
      const body = readTokenAnswer(status, text, 'application/json', 'login.example');
      expect(typeof body === 'object' && body !== null && !Array.isArray(body)).toBe(true);
      const headers: Record<string, string> = retryAfter === null ? {} : { 'retry-after': retryAfter };
      const res = { status, headers, body: Buffer.from(text), text: () => text, json: () => JSON.parse(text) as never };
      const err = TokenEndpointBusyError.from(res, 'login.example');
      expect(err).toBeInstanceOf(TokenEndpointBusyError);
      expect(typeof err.errorCode).toBe('string');
      expect(err.retryAfterMs === undefined || Number.isFinite(err.retryAfterMs)).toBe(true);
    }), opts);
  }, fuzzTimeoutMs(30_000));

  it('Graph answers: reads give JSON or GraphAnswerError, writes give an outcome, errors a GraphRequestError', () => {
    fc.assert(fc.property(anyText, fc.integer({ min: 100, max: 599 }), (text, status) => {
      const answer = { status, text, contentType: 'application/json', requestId: undefined };
      only(() => readJsonAnswer(answer, 'users'), GraphAnswerError);
      expect(['done', 'unreadable']).toContain(writeOutcome(answer));
      const e = errorFromAnswer(answer, 'setPresence', undefined);
      expect(e).toBeInstanceOf(GraphRequestError);
      expect(typeof e.graphCode).toBe('string');
      expect(e.graphMessage.length).toBeLessThanOrEqual(500);
    }), opts);
  }, fuzzTimeoutMs(30_000));
});
