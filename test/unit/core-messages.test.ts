// The message tables: every code of the closed set has a German and an English text, and each text uses exactly
// the params declared for its code (a missing text or a stray placeholder fails here, not in front of an admin).
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, MESSAGE_CODES } from '../../src/core/errors.js';
import { MESSAGE_PARAMS, MESSAGE_TABLES, messageText, placeholdersOf, renderMessage, STATUS_REASON_CODES } from '../../src/core/messages/index.js';
import { MESSAGE_CODES as CONTRACT_MESSAGE_CODES } from '../../src/control/contract.js';
import { SETTINGS_ISSUE_CODES } from '../../src/core/messages/codes.js';

describe('message tables', () => {
  it('the contract exports the one closed set: the error codes, the status reasons and the settings issues', () => {
    expect(CONTRACT_MESSAGE_CODES).toBe(MESSAGE_CODES);
    for (const code of [...ERROR_CODES, ...STATUS_REASON_CODES, ...SETTINGS_ISSUE_CODES]) expect(MESSAGE_CODES).toContain(code);
    expect(new Set(MESSAGE_CODES).size).toBe(MESSAGE_CODES.length);
  });

  for (const lang of ['de', 'en'] as const) {
    it(`every code has a ${lang} text whose placeholders are exactly the code's params`, () => {
      const table = MESSAGE_TABLES[lang] as Readonly<Record<string, string | undefined>>;
      for (const code of MESSAGE_CODES) {
        const text = table[code];
        expect(text?.trim(), `${lang} text of ${code}`).toBeTruthy();
        expect(placeholdersOf(text!).sort(), `placeholders of ${lang} ${code}`).toEqual([...(MESSAGE_PARAMS[code] ?? [])].sort());
      }
      // No text for a code outside the set (a renamed code would leave its old text behind).
      expect(Object.keys(table).sort()).toEqual([...MESSAGE_CODES].sort());
    });
  }

  it('the German texts are not the English ones (a copied table would pass the checks above)', () => {
    const same = MESSAGE_CODES.filter((c) => MESSAGE_TABLES.de[c] === MESSAGE_TABLES.en[c]);
    expect(same).toEqual([]);
  });

  it('renders params in either language and keeps the detail out of the text (plain English puts it in brackets)', () => {
    const msg = { code: 'sessions-down' as const, params: { down: 2, total: 9 }, detail: 'login refused' };
    expect(renderMessage('de', msg)).toBe('2 von 9 STARFACE-Sitzungen sind nicht verbunden; sie melden sich selbst wieder an');
    expect(messageText(msg)).toBe('2 of 9 STARFACE sessions are not connected; they log in again on their own (login refused)');
    expect(renderMessage('de', { code: 'sync-stopped-not-restored', params: { left: 1 } })).toBe('Gestoppt; 1 von – Benutzern nicht wiederhergestellt');
    // A code from a newer engine: its detail, or the code itself.
    expect(renderMessage('de', { code: 'brand-new' as never, detail: 'as sent' })).toBe('as sent');
  });
});
