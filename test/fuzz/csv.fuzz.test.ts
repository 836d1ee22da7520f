// Property-based fuzzing of the UCI password list parser (src/core/uci-credentials.ts): any text is parsed
// without a throw into entries whose logins look like STARFACE logins, and errors that carry a line number and
// never a field's content (any field of a bad line may be a password); well-formed lists round-trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsafeCharacter } from '../../src/core/safe-text.js';
import { looksLikeStarfaceLogin, parseStarfaceCsv } from '../../src/core/uci-credentials.js';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-runs.js';

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const field = fc.oneof(fc.string(), fc.string({ unit: anyUnit }), fc.stringMatching(/^[0-9]{1,6}$/), fc.constantFrom('', ' ', '"', '""', ';', ','));
const separator = fc.constantFrom(';', ',');
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
const knownLogins = fc.array(fc.stringMatching(/^[a-z][a-z.]{0,11}$/), { maxLength: 5 }).map((l) => new Set(l));

describe('UCI password list parser under random input (fast-check)', () => {
  it('parses any text without a throw; entries are logins with passwords, errors carry a valid line number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: anyUnit }), fc.string({ unit: 'binary' })), knownLogins, (text, known) => {
        const r = parseStarfaceCsv(text, { knownLogins: known });
        const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).length;
        for (const e of r.entries) {
          expect(looksLikeStarfaceLogin(e.login, known)).toBe(true);
          expect(e.password.length).toBeGreaterThan(0);
          expect(findUnsafeCharacter(e.password)).toBeUndefined();
        }
        for (const e of [...r.entries, ...r.errors]) {
          expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines).toBe(true);
        }
        expect(new Set(r.entries.map((e) => e.login)).size).toBe(r.entries.length);
      }),
      { numRuns: fuzzRuns(1000) },
    );
  }, fuzzTimeoutMs(30_000));

  it('never repeats a field of a bad line in its error message', () => {
    // Distinctive fields (6+ characters that appear nowhere in the fixed message texts).
    const marker = fc.stringMatching(/^[A-Za-z0-9!#$%&*+=?@^_~-]{6,24}$/).filter((s) => !/^\d+$/.test(s));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(marker, field), separator, fc.oneof(marker, field)), { minLength: 1, maxLength: 8 }), lineEnd, (rows, eol) => {
        const text = rows.map(([a, sep, b]) => `${a}${sep}${b}`).join(eol);
        const r = parseStarfaceCsv(text);
        const messages = r.errors.map((e) => e.message).join('\n');
        for (const [a, , b] of rows) {
          for (const f of [a, b]) if (f.trim().length >= 6 && !/^\d+$/.test(f.trim())) expect(messages).not.toContain(f.trim());
        }
      }),
      { numRuns: fuzzRuns(1000) },
    );
  }, fuzzTimeoutMs(30_000));

  it('reads back every well-formed list it was given (quoted where needed), in any separator and line ending', () => {
    const login = fc.stringMatching(/^[0-9]{1,8}$/);
    const password = fc.string({ minLength: 1, maxLength: 40 }).filter((p) => findUnsafeCharacter(p) === undefined && p.trim() !== '');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(login, password), { selector: ([l]) => l, minLength: 1, maxLength: 20 }), separator, lineEnd, fc.boolean(), (entries, sep, eol, header) => {
        const quote = (p: string): string => `"${p.replace(/"/g, '""')}"`;
        const lines = entries.map(([l, p]) => `${l}${sep}${quote(p)}`);
        const r = parseStarfaceCsv([...(header ? [`login${sep}password`] : []), ...lines].join(eol));
        expect(r.errors).toEqual([]);
        expect(r.entries.map((e) => [e.login, e.password])).toEqual(entries);
      }),
      { numRuns: fuzzRuns(500) },
    );
  }, fuzzTimeoutMs(30_000));
});
