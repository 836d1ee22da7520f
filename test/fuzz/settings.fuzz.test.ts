// Property-based fuzzing of the settings schema (src/core/settings*.ts) and the settings store's upgrade runner:
// any JSON gives valid settings or a list of issues, each with its path, its code and a readable message — never a throw —
// and what is accepted is safe to send: no control character or unpaired surrogate in a text that reaches the
// PBX, no credentials in an address.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getPath, setPath } from '../../src/core/dotted-path.js';
import { findUnsafeCharacter } from '../../src/core/safe-text.js';
import { BUILT_IN_ROW_IDS, MAX_CHAT_TEXT_LENGTH } from '../../src/core/status-rows.js';
import { MESSAGE_PARAMS } from '../../src/core/messages/codes.js';
import { defaultSettings, isSettingsIssueCode, validateSettings, type Settings } from '../../src/core/settings.js';
import { createSettingsStore } from '../../src/platform/product-settings.js';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-runs.js';

/** Any UTF-16 code unit, so lone surrogates and every control character turn up. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(fc.string(), fc.string({ unit: anyUnit }), fc.string({ unit: 'binary' }));
const anyJson = fc.oneof(fc.jsonValue(), hostileString, fc.array(hostileString), fc.dictionary(hostileString, fc.jsonValue()));

/** Every path of the default settings (sections and their fields), for changes that reach the field validators. */
function pathsOf(v: unknown, prefix = ''): string[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  return Object.entries(v).flatMap(([k, child]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...pathsOf(child, p)];
  });
}
const PATHS = [...pathsOf(defaultSettings()), 'network.proxyUrl', 'users.group', 'microsoft.certificateThumbprint', 'microsoft.redirectPort', 'customRows.0', 'rules.busy.chatPresence'];

function expectIssueListOrSettings(raw: unknown): Settings | undefined {
  const v = validateSettings(raw);
  if (!v.ok) {
    expect(v.issues.length).toBeGreaterThan(0);
    for (const i of v.issues) {
      expect(typeof i.path).toBe('string');
      expect(i.message.length).toBeGreaterThan(0);
      expect(i.text).toBe(i.path ? `${i.path}: ${i.message}` : i.message);
      // A code of its own from the closed set (never the catch-all), with exactly the params its text uses.
      expect(isSettingsIssueCode(i.code) && i.code !== 'settings-invalid', `${i.code}: ${i.text}`).toBe(true);
      expect(Object.keys(i.params ?? {}).sort(), i.text).toEqual([...(MESSAGE_PARAMS[i.code] ?? [])].sort());
    }
    return undefined;
  }
  // Accepted settings survive the trip through the settings file unchanged.
  expect(validateSettings(JSON.parse(JSON.stringify(v.settings)))).toEqual({ ok: true, settings: v.settings, issues: [] });
  return v.settings;
}

/** Every text of accepted settings that reaches the PBX is sendable. */
function expectSendable(s: Settings): void {
  const texts = [
    ...Object.values(s.rules).map((r) => r.chatText),
    ...s.customRows.flatMap((r) => [r.label, r.availability, r.activity, r.rule.chatText]),
    s.starface.adminLogin, s.users.group ?? '', ...s.users.extraLoginIds,
  ];
  for (const t of texts) expect(findUnsafeCharacter(t), JSON.stringify(t)).toBeUndefined();
  for (const u of [s.starface.baseUrl, s.microsoft.authorityHost, s.microsoft.graphBaseUrl]) {
    if (u) expect(new URL(u).username + new URL(u).password).toBe('');
  }
}

describe('settings schema under random input (fast-check)', () => {
  it('answers any JSON with valid settings or an issue list, never a throw', () => {
    fc.assert(
      fc.property(anyJson, (raw) => {
        const s = expectIssueListOrSettings(raw);
        if (s) expectSendable(s);
      }),
      { numRuns: fuzzRuns(500) },
    );
  }, fuzzTimeoutMs(30_000));

  it('answers any value at any settings path the same way', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.oneof(anyJson, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)), (path, value) => {
        const s = expectIssueListOrSettings(setPath(defaultSettings(), path, value));
        if (s) expectSendable(s);
      }),
      { numRuns: fuzzRuns(1000) },
    );
  }, fuzzTimeoutMs(60_000));

  it('accepts a chat text exactly when it is sendable and short enough, and keeps it as typed (trimmed)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BUILT_IN_ROW_IDS), hostileString, (row, text) => {
        const v = validateSettings({ rules: { [row]: { chatText: text } } });
        const trimmed = text.trim();
        const sendable = findUnsafeCharacter(trimmed) === undefined && trimmed.length <= MAX_CHAT_TEXT_LENGTH;
        expect(v.ok, JSON.stringify(text)).toBe(sendable);
        if (v.ok) expect(getPath(v.settings, `rules.${row}.chatText`)).toBe(trimmed);
        else expect(v.issues.map((i) => i.path)).toEqual([`rules.${row}.chatText`]);
      }),
      { numRuns: fuzzRuns(1000) },
    );
  }, fuzzTimeoutMs(30_000));

  it('never accepts a PBX address with credentials in it', () => {
    const url = fc.webUrl({ withQueryParameters: false, withFragments: false, authoritySettings: { withUserInfo: true, withPort: true } });
    fc.assert(
      fc.property(url, (u) => {
        const s = expectIssueListOrSettings({ starface: { baseUrl: u } });
        if (s) expectSendable(s);
      }),
      { numRuns: fuzzRuns(500) },
    );
  }, fuzzTimeoutMs(30_000));

  it('runs the settings store upgrade on any JSON with any version without a throw', () => {
    const store = createSettingsStore('/nonexistent/settings.json');
    const version = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.double(), fc.constant(undefined), hostileString);
    fc.assert(
      fc.property(anyJson, version, fc.boolean(), (raw, v, v1Keys) => {
        const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : { value: raw };
        const withVersion = { ...(v1Keys ? { dndOnBusy: true, starfaceUrl: raw } : {}), ...obj, ...(v === undefined ? {} : { version: v }) };
        const r = store.validate(withVersion);
        if (!r.ok) for (const i of r.issues) expect(i.message.length).toBeGreaterThan(0);
        else expectSendable(r.settings);
      }),
      { numRuns: fuzzRuns(500) },
    );
  }, fuzzTimeoutMs(30_000));
});
