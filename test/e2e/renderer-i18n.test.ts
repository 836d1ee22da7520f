// Browser-free checks of the renderer's text and input helpers (the page-level behaviour is covered by the
// Chromium tests next to this file). Kept here with the renderer's other tests.
import { describe, expect, it } from 'vitest';
import { de } from '../../renderer/src/i18n/de.js';
import { en } from '../../renderer/src/i18n/en.js';
import { createI18n } from '../../renderer/src/i18n/core.js';
import {
  capabilityReasonText, checkLabelText, issueText, rosterReasonText, settingsProblemTexts, syncReasonText,
} from '../../renderer/src/i18n/engine-text.js';
import { checkSettings, parseLoginIds, splitPemCertificates } from '../../renderer/src/settings/checks.js';
import { mergeEdits, sameValue } from '../../renderer/src/settings/diff.js';
import { defaultSettings, missingForSync, validateSettings } from '../../src/core/settings.js';
import { deriveCapabilities } from '../../src/starface/capabilities.js';
import type { Page } from 'playwright-core';
import { ControlError, type SyncStatus } from '../../src/control/contract.js';
import { HAVE_CHROMIUM, rendererSuite } from './renderer-harness.js';

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

describe('renderer: engine messages in the page language', () => {
  const de = createI18n('de').t;
  const english = createI18n('en').t;

  it('renders the core schema\'s validation issues (taken from the real schema) from their codes', () => {
    const bad = {
      ...defaultSettings(),
      microsoft: { ...defaultSettings().microsoft, tenantId: 'not a tenant', clientId: 'nope' },
      starface: { ...defaultSettings().starface, adminLogin: 'a'.repeat(70), callbackPort: 70_000 },
      users: { selection: 'group' as const, extraLoginIds: ['a b'] },
      sync: { ...defaultSettings().sync, pollIntervalSeconds: 0 },
    };
    const v = validateSettings(bad);
    expect(v.ok).toBe(false);
    const byPath = Object.fromEntries(v.issues.map((i) => [i.path, issueText(i, de)]));
    expect(byPath['starface.adminLogin']).toEqual({ text: 'Höchstens 64 Zeichen.' });
    expect(byPath['microsoft.tenantId']?.text).toBe(de('v.tenant'));
    expect(byPath['microsoft.clientId']?.text).toBe(de('v.guid'));
    expect(byPath['starface.callbackPort']?.text).toBe('Höchstens 65535.');
    expect(byPath['users.group']?.text).toBe(de('v.group'));
    expect(byPath['users.extraLoginIds.0']?.text).toBe('Bitte genau eine Login-ID angeben (ohne Leerzeichen, Kommas oder Semikolons).');
    expect(byPath['sync.pollIntervalSeconds']?.text).toBe('Mindestens 0,25.'); // German decimal comma
    expect(issueText(v.issues.find((i) => i.path === 'sync.pollIntervalSeconds')!, english).text).toBe('At least 0.25.');
    // No issue fell back to the schema's English words.
    expect(v.issues.filter((i) => i.code === 'settings-invalid')).toEqual([]);
    // The browser's own issues are already in the page's language.
    expect(issueText({ path: 'users.group', message: 'Bitte den Gruppennamen angeben.' }, de)).toEqual({ text: 'Bitte den Gruppennamen angeben.' });
  });

  it('renders sync reasons and coded settings notes, built the way the engine builds them', () => {
    const paths = missingForSync(defaultSettings()).map((i) => i.path);
    expect(paths.length).toBeGreaterThan(0);
    const reason = syncReasonText({ reasonCode: 'sync-not-configured', reasonParams: { fields: paths.join(', ') } }, de);
    expect(reason?.text).toBe('Noch nicht eingerichtet: Mandanten-ID (Tenant ID), Anwendungs-ID (Client ID), Adresse der STARFACE, Administrator-Login-ID');
    expect(syncReasonText({ reason: 'stopped; values restored', reasonCode: 'sync-stopped-restored' }, de)?.text).toBe('Beendet; Änderungen der Bridge zurückgesetzt');
    // An error: the code's text in German, the counterpart's words only as the detail.
    expect(syncReasonText({ reason: 'Graph throttled (429)', reasonCode: 'graph-request-failed', reasonDetail: 'Graph throttled (429)' }, de))
      .toEqual({ text: 'Eine Anfrage an Microsoft Graph ist fehlgeschlagen.', detail: 'Graph throttled (429)' });
    // An engine without codes: its words as they are (no parsing of English sentences any more).
    expect(syncReasonText({ reason: 'Graph throttled (429)' }, de)).toEqual({ text: 'Graph throttled (429)' });
    // Coded notes (as settings.get sends them) are rendered from their codes; the missing fields join into one line.
    const coded = settingsProblemTexts(['settings.json was corrupt', 'a', 'b', 'c', 'd', 'Journal entry dropped'], de, {
      a: { code: 'sync-not-configured', params: { fields: 'microsoft.tenantId' } },
      b: { code: 'sync-not-configured', params: { fields: 'starface.baseUrl' } },
      c: { code: 'roster-group-missing', params: { group: 'Sales', groups: 'Vertrieb' } },
      d: { code: 'roster-extra-login-unknown', params: { login: '9999' } },
    });
    expect(coded).toEqual([
      { text: 'settings.json was corrupt' },
      { text: 'Noch nicht eingerichtet: Mandanten-ID (Tenant ID), Adresse der STARFACE', detail: 'a\nb' },
      { text: 'Die STARFACE-Gruppe „Sales“ gibt es nicht. Vorhandene Gruppen: Vertrieb' },
      { text: 'Die zusätzliche Login-ID „9999“ ist kein STARFACE-Benutzer: Nummer prüfen oder aus der Liste entfernen.' },
      { text: 'Journal entry dropped' },
    ]);
    // A note without a code is shown as it is, whatever its shape (no English sentences are parsed any more).
    expect(settingsProblemTexts(['Not configured yet — microsoft.tenantId: not set: enter the directory (tenant) ID'], de))
      .toEqual([{ text: 'Not configured yet — microsoft.tenantId: not set: enter the directory (tenant) ID' }]);
  });

  it('explains capabilities by name (reasons from the real capability derivation), check names by id, roster reasons by code', () => {
    const caps = deriveCapabilities({ dndSource: 'auto', chatPresenceSetter: 'probe' }, {
      dndWriteRejected: 'fault 42', chatPresenceSetter: false,
    });
    // Every reason comes with its code: rendered in German, the PBX's fault only as the detail.
    for (const name of ['canSetDnd', 'canSetChatPresence', 'canSetTelephonyState', 'dndReadable'] as const) {
      const r = capabilityReasonText(name, caps, de);
      expect(caps.reasonCodes?.[name]?.code, name).toBeTruthy();
      expect(r.text).toBe(de(`msg.${caps.reasonCodes![name]!.code}`));
      expect(r.text).not.toMatch(/userState|PBX|rejected/);
    }
    expect(capabilityReasonText('canSetDnd', caps, de)).toEqual({ text: 'Die STARFACE hat das Setzen von „Nicht stören“ abgelehnt.', detail: 'fault 42' });
    expect(caps.reasons.canSetDnd).toBe('The PBX rejected userState.setDoNotDisturbSetting: fault 42'); // plain English for the log
    // An engine without codes: the page's text for the capability, its words as the detail.
    expect(capabilityReasonText('canSetDnd', { reasons: { canSetDnd: 'Rejected.' } }, de)).toEqual({ text: de('cap.canSetDnd'), detail: 'Rejected.' });
    expect(capabilityReasonText('somethingNew', { reasons: {} }, de)).toEqual({ text: de('rules.notSupported') });
    expect(checkLabelText('microsoft', { id: 'presence-read', label: 'Presence read (signed-in administrator)' }, de))
      .toEqual({ text: 'Teams-Status lesen', detail: 'Presence read (signed-in administrator)' });
    expect(checkLabelText('starface', { id: 'new-check', label: 'New check' }, de)).toEqual({ text: 'New check' });
    expect(rosterReasonText('no-email', de)).toBe('Keine E-Mail-Adresse auf STARFACE hinterlegt.');
    expect(rosterReasonText('newer-reason', de)).toBe('Konflikt: newer-reason');
    expect(syncReasonText({ reasonCode: 'sessions-down', reasonParams: { down: 1, total: 2 } }, createI18n('en').t)?.text)
      .toBe('1 of 2 STARFACE sessions are not connected; they log in again on their own');
    expect(syncReasonText({ reasonCode: 'sessions-down', reasonParams: { down: 2, total: 9 }, reasonDetail: 'login refused' }, de))
      .toEqual({ text: '2 von 9 STARFACE-Sitzungen sind nicht verbunden; sie melden sich selbst wieder an', detail: 'login refused' });
  });
});

describe('renderer: settings comparison and merge', () => {
  it('compares by value regardless of key order, with NaN equal to NaN', () => {
    expect(sameValue({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue({ n: Number.NaN }, { n: Number.NaN })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
  });

  it('keeps the values edited here and takes everything else from what was stored elsewhere', () => {
    const base = defaultSettings();
    const mine = { ...base, sync: { ...base.sync, pollIntervalSeconds: 10 } };
    const theirs = { ...base, sync: { ...base.sync, enabled: !base.sync.enabled }, users: { ...base.users, extraLoginIds: ['1001'] } };
    const merged = mergeEdits(base, mine, theirs);
    expect(merged.sync).toEqual({ ...base.sync, pollIntervalSeconds: 10, enabled: !base.sync.enabled });
    expect(merged.users.extraLoginIds).toEqual(['1001']);
    expect(mergeEdits(base, base, theirs)).toBe(theirs);
  });
});

// A German session end to end: the engine stand-in sends what the real engine sends — coded sync reasons with
// English details, coded capability reasons, a failing call with an English message, a connection test — and
// no English sentence may reach the page's visible text (details stay in tooltips).
// ("was" is German too, so it is not on the list.)
const ENGLISH = /\b(the|is|are|not|could|cannot|failed|rejected|refused|sessions|users|please|enter|again|own)\b/i;

describe.skipIf(!HAVE_CHROMIUM)('renderer: a German session shows no English (Chromium, real headless host, engine stand-in)', () => {
  const suite = rendererSuite();

  async function visibleEnglish(page: Page): Promise<string[]> {
    const text = await page.locator('body').innerText();
    return text.split('\n').filter((line) => ENGLISH.test(line));
  }

  async function goTo(page: Page, nav: string): Promise<void> {
    await page.getByRole('navigation').getByRole('button', { name: nav }).click();
    await page.getByRole('heading', { level: 1, name: nav }).waitFor();
  }

  it('coded reasons, capability reasons, a failed call and a connection test are all German', async () => {
    const page = await suite.start();
    await page.locator('.sync-badge', { hasText: 'Läuft' }).waitFor();
    const engine = suite.engine();
    const status = (data: Partial<SyncStatus> & Pick<SyncStatus, 'state'>): void => engine.emit({
      type: 'state.sync',
      data: { since: new Date().toISOString(), counters: { cycles: 1, presenceRequests: 1, pbxWrites: 0, teamsWrites: 0, errors: 1 }, ...data },
    });
    // A degraded sync, as the status reporter codes it: the PBX's English words only as the detail.
    status({
      state: 'degraded', reason: '3 of 40 STARFACE sessions are not connected; they log in again on their own (UCI login failed: wrong password)',
      reasonCode: 'sessions-down', reasonParams: { down: 3, total: 40 }, reasonDetail: 'UCI login failed: wrong password',
    });
    await page.locator('.banners').getByText('3 von 40 STARFACE-Sitzungen sind nicht verbunden').waitFor();
    expect(await visibleEnglish(page)).toEqual([]);
    // A temporary Microsoft sign-in failure: a raw MSAL error (timestamp, trace id) is only the detail.
    const msal = 'Microsoft sign-in temporarily failing: endpoints_resolution_error (AADSTS90002 Trace ID: 0f6c… Timestamp: 2025-03-14 09:00:01Z)';
    status({ state: 'degraded', reason: msal, reasonCode: 'microsoft-sign-in-unavailable', reasonDetail: msal });
    await page.locator('.banners').getByText('Die Microsoft-Anmeldung schlägt gerade fehl').waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/Timestamp|Trace ID|AADSTS/);
    expect(await visibleEnglish(page)).toEqual([]);

    // Capability reasons on the rules page (the stand-in codes them as the engine does).
    await goTo(page, 'Statusregeln');
    await page.getByText('Die STARFACE leitet den Telefoniestatus').first().waitFor();
    expect(await visibleEnglish(page)).toEqual([]);

    // The app credential refused by Entra ID: the code's German text; MSAL's words (trace id, timestamp) only
    // as the tooltip, in the banner and on the Connections page alike.
    const refused = 'AADSTS7000215: Invalid client secret provided. Trace ID: 5a1c Correlation ID: 77e0 Timestamp: 2025-03-14 09:00:01Z';
    engine.emit({
      type: 'auth.changed',
      data: { state: 'signed-out', appCredential: 'invalid', message: refused, messageCodes: [{ code: 'microsoft-token-refused', detail: refused }] },
    });
    await page.locator('.banners').getByText('Microsoft hat die Anmeldung der Anwendung abgelehnt').waitFor();
    await goTo(page, 'Verbindungen');
    const hint = page.locator('.field-hint', { hasText: 'Microsoft hat die Anmeldung der Anwendung abgelehnt' });
    await hint.waitFor();
    expect(await hint.getAttribute('title')).toBe(refused);
    expect(await page.locator('body').innerText()).not.toMatch(/Timestamp|Trace ID|Correlation ID/);
    expect(await visibleEnglish(page)).toEqual([]);

    // A connection test: asked in German, answered in German, the fix after "So beheben:" too.
    await page.getByRole('button', { name: 'STARFACE-Verbindung testen' }).click();
    await page.getByText(/^So beheben: /).waitFor();
    expect(await visibleEnglish(page)).toEqual([]);

    // A call that fails with the engine's English message: the code's German text, the message as the tooltip.
    status({ state: 'stopped', reason: 'stopped; values restored', reasonCode: 'sync-stopped-restored' });
    await page.locator('.sync-badge', { hasText: 'Gestoppt' }).waitFor();
    engine['sync.start'] = async () => {
      throw new ControlError('not-configured', 'STARFACE URL is missing: enter it on the Connections page.');
    };
    await page.getByRole('switch', { name: 'Synchronisierung' }).click();
    const failure = page.locator('.sync-failure');
    await failure.waitFor();
    expect(await failure.innerText()).toContain('Noch nicht eingerichtet.');
    expect(await failure.getAttribute('title')).toBe('STARFACE URL is missing: enter it on the Connections page.');
    expect(await visibleEnglish(page)).toEqual([]);
  });
});
