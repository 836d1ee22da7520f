// Property-based fuzzing of the control API's dispatch (src/control/dispatch.ts), the one entry point both hosts
// (HTTP + SSE, Electron IPC) hand every request to: whatever the request, and whatever the engine behind it
// returns or throws, the reply is a typed { ok, result } or { ok: false, error: { code, message } } that fits the
// contract, and a secret sent to a sensitive method never comes back in a message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ControlError, ControlReplySchema, METHODS, type ControlApi } from '../../src/control/contract.js';
import { dispatch } from '../../src/control/dispatch.js';
import type { ErrorCode } from '../../src/core/errors.js';
import { fakeEngineApi } from '../integration/control-fake-engine.js';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-runs.js';

const METHOD_NAMES = Object.keys(METHODS);
const CODE = /^[a-z][a-z0-9-]{0,40}$/;

function expectTypedReply(reply: unknown, method?: string): void {
  const parsed = ControlReplySchema.safeParse(reply);
  expect(parsed.success, JSON.stringify(reply)?.slice(0, 300)).toBe(true);
  const r = reply as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
  if (r.ok) {
    if (method && method in METHODS) expect((METHODS as Record<string, { result: { safeParse(v: unknown): { success: boolean } } }>)[method]!.result.safeParse(r.result).success).toBe(true);
  } else {
    expect(r.error!.code).toMatch(CODE);
    expect(typeof r.error!.message).toBe('string');
    expect(r.error!.message.length).toBeGreaterThan(0);
  }
}

/** Values that explode when looked at; built only when thrown (fast-check itself inspects generated values). */
const HOSTILE: Record<string, () => unknown> = {
  'proxy throwing on every access': () => new Proxy({}, { get: () => { throw new Error('getter exploded'); }, has: () => { throw new Error('has exploded'); }, ownKeys: () => { throw new Error('keys exploded'); } }),
  'error with a throwing code': () => Object.defineProperty(new Error('with a throwing code'), 'code', { get: () => { throw new Error('code getter'); } }),
  'error with a throwing message': () => Object.defineProperty(new Error('x'), 'message', { get: () => { throw new Error('message getter'); } }),
  'object without prototype': () => Object.create(null) as object,
  'error with a huge message': () => new Error('x'.repeat(2_000_000)),
};

/** Any value as text (String() throws for an object without a prototype). */
function printable(v: unknown): string {
  try {
    return String(v);
  } catch {
    return '[unprintable]';
  }
}

/** Things an engine might throw or return: errors with odd codes and messages, non-errors, hostile objects. */
const thrown: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  fc.record({ code: fc.anything(), message: fc.anything() }).map(({ code, message }) => Object.assign(new Error(printable(message)), { code })),
  // Any string as the code: an engine built against another version may send codes this one does not know.
  fc.tuple(fc.string(), fc.string()).map(([code, message]) => new ControlError(code as ErrorCode, message)),
  fc.constantFrom(...Object.keys(HOSTILE)).map((hostile) => ({ hostile })),
);

function materialise(v: unknown): unknown {
  const tag = (v as { hostile?: unknown } | null)?.hostile;
  return typeof tag === 'string' && HOSTILE[tag] ? HOSTILE[tag]!() : v;
}

/** An engine whose every method returns random values or throws random things. */
function chaoticApi(behaviour: { throws: boolean; value: unknown }): ControlApi {
  const base = fakeEngineApi();
  return new Proxy(base, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in METHODS) {
        return async () => {
          const value = materialise(behaviour.value);
          if (behaviour.throws) throw value;
          return value;
        };
      }
      return Reflect.get(target, prop);
    },
  });
}

describe('control dispatch under random input (fast-check)', () => {
  it('answers any request value with a typed reply, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (request) => {
        expectTypedReply(await dispatch(fakeEngineApi(), request));
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, fuzzTimeoutMs(30_000));

  it('answers random methods (known and unknown) with random params with a typed reply', async () => {
    const method = fc.oneof(fc.constantFrom(...METHOD_NAMES), fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'subscribe', 'hasOwnProperty'));
    const params = fc.oneof(fc.anything(), fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(method, params, async (m, p) => {
        const reply = await dispatch(fakeEngineApi(), { method: m, params: p });
        expectTypedReply(reply, m);
      }),
      { numRuns: fuzzRuns(500) },
    );
  }, fuzzTimeoutMs(60_000, 10));

  it('turns whatever the engine returns or throws into a typed reply that fits the contract', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHOD_NAMES), fc.boolean(), fc.oneof(thrown, fc.jsonValue()), async (m, throws, value) => {
        const reply = await dispatch(chaoticApi({ throws, value }), { method: m, params: {} });
        expectTypedReply(reply, m);
      }),
      { numRuns: fuzzRuns(500) },
    );
  }, fuzzTimeoutMs(60_000, 10));

  it('never returns a secret sent to secrets.set, whatever the engine puts into its error', async () => {
    const secret = fc.string({ minLength: 8, maxLength: 40 }).filter((s) => s.trim().length >= 8 && !/[\r\n]/.test(s));
    await fc.assert(
      fc.asyncProperty(secret, fc.string(), fc.string(), async (value, before, after) => {
        const api = chaoticApi({ throws: true, value: new Error(`${before}${value}${after}`) });
        const reply = await dispatch(api, { method: 'secrets.set', params: { name: 'starface.adminPassword', value } });
        expectTypedReply(reply, 'secrets.set');
        expect(JSON.stringify(reply)).not.toContain(JSON.stringify(value).slice(1, -1));
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, fuzzTimeoutMs(30_000));
});
