// Browser-free checks of the renderer's text and input helpers (the page-level behaviour is covered by the
// Chromium tests next to this file). Kept here with the renderer's other tests.
import { describe, expect, it } from 'vitest';
import { de } from '../../renderer/src/i18n/de.js';
import { en } from '../../renderer/src/i18n/en.js';
import { createI18n } from '../../renderer/src/i18n/core.js';
import { checkSettings, parseLoginIds, splitPemCertificates } from '../../renderer/src/settings/checks.js';
import { defaultSettings } from '../../src/core/settings.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('renderer i18n dictionaries', () => {
  it('German and English have the same keys, no empty text, and the same placeholders per key', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(de).sort());
    for (const key of Object.keys(de) as (keyof typeof de)[]) {
      expect(de[key].trim(), `de ${key}`).not.toBe('');
      expect(en[key].trim(), `en ${key}`).not.toBe('');
      expect(placeholders(en[key]), `placeholders of ${key}`).toEqual(placeholders(de[key]));
    }
  });

  it('fills placeholders and formats dates in the chosen language', () => {
    expect(createI18n('de').t('board.showing', { shown: 3, total: 40 })).toBe('3 von 40 Benutzern');
    expect(createI18n('en').t('board.showing', { shown: 3, total: 40 })).toBe('3 of 40 users');
    expect(createI18n('de').dateTime('2025-03-14T09:05:00.000Z')).toMatch(/^14\.03\.25/);
    expect(createI18n('en').date('2025-03-14T09:05:00.000Z')).toBe('14/03/2025');
    expect(createI18n('de').dateTime(null)).toBe('–');
  });
});

describe('renderer input checks', () => {
  const { t } = createI18n('en');

  it('splits login ID lists by line and comma, dropping blanks and duplicates', () => {
    expect(parseLoginIds('0001, 123\n\n456,0001 ,\r\n 789 ')).toEqual(['0001', '123', '456', '789']);
  });

  it('accepts one or several PEM certificates and refuses anything else', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----';
    expect(splitPemCertificates(cert)).toEqual([cert]);
    expect(splitPemCertificates(`${cert}\n${cert}\n`)).toEqual([cert, cert]);
    expect(splitPemCertificates('hello')).toBeNull();
    expect(splitPemCertificates(`${cert}\ntrailing junk`)).toBeNull();
    expect(splitPemCertificates('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toBeNull();
  });

  it('finds the obvious mistakes with their paths, and none in the defaults', () => {
    expect(checkSettings(defaultSettings(), t)).toEqual([]);
    const s = defaultSettings();
    s.starface.baseUrl = 'pbx.example.com';
    s.starface.callbackHost = 'http://host:8080';
    s.starface.callbackPort = 70_000;
    s.microsoft.clientId = 'nope';
    s.network.extraCaPem = ['garbage'];
    s.users.extraLoginIds = ['1001', 'a b'];
    s.users.selection = 'group';
    s.sync.pollIntervalSeconds = Number.NaN;
    s.rules.busy.chatText = 'x'.repeat(300);
    const paths = checkSettings(s, t).map((i) => i.path).sort();
    expect(paths).toEqual([
      'microsoft.clientId', 'network.extraCaPem.0', 'rules.busy.chatText', 'starface.baseUrl', 'starface.callbackHost',
      'starface.callbackPort', 'sync.pollIntervalSeconds', 'users.extraLoginIds', 'users.group',
    ]);
    expect(checkSettings(s, t).find((i) => i.path === 'users.extraLoginIds')?.message).toContain('"a b"');
  });
});
