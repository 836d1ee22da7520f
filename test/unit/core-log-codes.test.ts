// Issue 15 item 4: every info, warn and error line the engine logs carries a code from the closed message set, so
// the Log page shows it in the admin's language. The code and its params are typed (coded() in
// src/core/messages/log-line.ts takes a LogMessageCode and exactly its params); this test finds the call sites
// that pass none. Debug lines may stay English.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGE_CODES } from '../../src/core/errors.js';
import { LOG_MESSAGE_CODES } from '../../src/core/messages/codes.js';
import { MESSAGE_TABLES } from '../../src/core/messages/index.js';
import { coded, codedMessage } from '../../src/core/messages/log-line.js';
import { createLogger, isSecretKey } from '../../src/platform/logger.js';
import { logEntryText } from '../../renderer/src/i18n/audit-text.js';
import { createI18n } from '../../renderer/src/i18n/core.js';
import { LOG_MESSAGE_PARAMS } from '../../src/core/messages/codes.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'simulators' ? [] : sources(p);
    return d.name.endsWith('.ts') ? [p] : [];
  });
}

/** The text of a call's arguments, from the opening parenthesis to its match (strings and templates skipped over). */
function argsAt(text: string, open: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

describe('engine log lines', () => {
  const calls = sources(SRC).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/\b(?:log|logger)\??\.(info|warn|error)\(/g)].map((m) => ({
      where: `${path.relative(SRC, file)}:${text.slice(0, m.index).split('\n').length}`,
      args: argsAt(text, m.index + m[0].length - 1),
    }));
  });

  it('are found (the scan is not empty)', () => {
    expect(calls.length).toBeGreaterThan(60);
  });

  it('at info, warn and error carry a message code (coded(), codedMessage() or an audit code)', () => {
    const uncoded = calls.filter((c) => !/\bcoded(?:Message)?\(|\bcode, params\b/.test(c.args));
    expect(uncoded.map((c) => `${c.where} ${c.args.slice(0, 80)}`)).toEqual([]);
  });

  it('use codes of the closed set, each with a German and an English text', () => {
    const used = calls.flatMap((c) => [...c.args.matchAll(/'(log-[a-z0-9-]+)'/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(50);
    for (const code of used) {
      expect(MESSAGE_CODES, code).toContain(code);
      expect(MESSAGE_TABLES.de[code as (typeof LOG_MESSAGE_CODES)[number]], code).toMatch(/\S/);
    }
    // Every log code is used somewhere (a renamed call site would leave its code behind).
    expect(LOG_MESSAGE_CODES.filter((code) => !used.includes(code))).toEqual([]);
  });

  it('keep the English sentence as msg and put the code and params in their own columns', () => {
    const log = createLogger();
    log.child({ component: 'starface' }).warn('UCI login failed', { nextLoginInMs: 5000, ...coded('log-uci-login-failed', { error: 'HTTP 503' }) });
    log.warn('The STARFACE group "Sales" does not exist', codedMessage({ code: 'roster-group-missing', params: { group: 'Sales', groups: 'Support' } }));
    const [a, b] = log.ring.entries();
    expect(a).toMatchObject({ msg: 'UCI login failed', code: 'log-uci-login-failed', params: { error: 'HTTP 503' }, fields: { nextLoginInMs: 5000 } });
    expect(b).toMatchObject({ code: 'roster-group-missing', params: { group: 'Sales', groups: 'Support' } });
  });

  it('have no param the logger would mask as a secret (its name decides: error, entry, url are fine; secret is not)', () => {
    const names = new Set(Object.values(LOG_MESSAGE_PARAMS).flat());
    expect([...names].filter((n) => isSecretKey(n))).toEqual([]);
  });
});

describe('the Log page text of an entry', () => {
  const log = createLogger();
  log.warn('UCI login failed', { nextLoginInMs: 5000, ...coded('log-uci-login-failed', { error: 'connect ECONNREFUSED 10.0.0.5:443' }) });
  log.info('Poll interval', { intervalMs: 2500, ...coded('log-poll-interval', { seconds: 2.5 }) });
  log.info('sync cycle finished', { users: 40 });
  const [uci, poll, plain] = log.ring.entries();
  const de = createI18n('de');
  const en = createI18n('en');
  const noRow = () => null;

  it("is German on a German page, with the counterpart's words as they are and numbers in German notation", () => {
    expect(logEntryText(uci!, de.t, noRow, 'de')).toBe('UCI-Anmeldung fehlgeschlagen: connect ECONNREFUSED 10.0.0.5:443');
    expect(logEntryText(poll!, de.t, noRow, 'de')).toBe('Abfrageintervall: Teams wird alle 2,5 s gelesen');
  });

  it('is the English text on an English page; an entry without a code keeps its message', () => {
    expect(logEntryText(uci!, en.t, noRow, 'en')).toBe('UCI login failed: connect ECONNREFUSED 10.0.0.5:443');
    expect(logEntryText(plain!, de.t, noRow, 'de')).toBe('sync cycle finished');
    // A code from a newer engine: the message as it is.
    expect(logEntryText({ ...uci!, code: 'log-brand-new' }, de.t, noRow, 'de')).toBe('UCI login failed');
  });

  it("says how often a summarised line repeated, in the page's language", () => {
    expect(logEntryText({ ...uci!, fields: { repeated: 12 } }, de.t, noRow, 'de')).toBe('UCI-Anmeldung fehlgeschlagen: connect ECONNREFUSED 10.0.0.5:443 — noch 12-mal wiederholt');
  });
});
