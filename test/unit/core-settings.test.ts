import { describe, expect, it } from 'vitest';
import {
  SETTINGS_VERSION,
  SettingsSchema,
  SettingsValidationError,
  defaultSettings,
  missingForSync,
  parseSettings,
  settingsMigrations,
  settingsVersionOf,
  validateSettings,
  type SettingsIssue,
} from '../../src/core/settings.js';
import { BUILT_IN_ROW_IDS, defaultRuleFor } from '../../src/core/status-rows.js';
import { createSettingsStore } from '../../src/platform/product-settings.js';
import { MESSAGE_PARAMS, SETTINGS_ISSUE_CODES } from '../../src/core/messages/codes.js';

// Migrations run in the settings store's runner only; its validate() upgrades and checks without any file I/O.
const store = createSettingsStore('/nonexistent/settings.json');
function migrateSettings(raw: unknown) {
  const v = store.validate(raw);
  if (!v.ok) throw new SettingsValidationError(v.issues);
  return v.settings;
}
function upgradeTexts(raw: unknown): string[] {
  const v = store.validate(raw);
  return v.ok ? [] : v.issues.map((i) => i.text);
}

function issuesOf(raw: unknown): SettingsIssue[] {
  const v = validateSettings(raw);
  if (v.ok) throw new Error('expected invalid settings');
  return v.issues;
}

function texts(raw: unknown): string[] {
  return issuesOf(raw).map((i) => i.text);
}

describe('defaults', () => {
  it('parses {} to a complete settings object', () => {
    const s = SettingsSchema.parse({});
    expect(s.version).toBe(SETTINGS_VERSION);
    expect(SETTINGS_VERSION).toBe(2);
    expect(s.microsoft).toEqual({
      tenantId: '',
      clientId: '',
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com',
      cloud: 'auto',
      presenceRead: 'application',
      credential: 'secret',
    });
    expect(s.starface).toEqual({
      baseUrl: '',
      adminLogin: '',
      uciApi: 'v30',
      callbackHost: '',
      callbackPort: 0,
      keepAliveSeconds: 60,
      maxConcurrentLogins: 16,
      requestTimeoutMs: 10_000,
      uciCredential: 'token',
      uciAuthAlgorithm: 'sha512',
      oauthClientId: 'rest-client-headless',
      oauthScope: 'login',
      callbackTls: false,
      callbackAuth: 'when-present',
    });
    expect(s.network).toEqual({ extraCaPem: [], connectTimeoutMs: 10_000, readTimeoutMs: 30_000 });
    expect(s.users).toEqual({ selection: 'all', extraLoginIds: [] });
    expect(s.customRows).toEqual([]);
    expect(s.switches).toEqual({
      setDnd: true,
      setChatStatus: true,
      setTelephonyState: true,
      reverse: { enabled: true, teamsState: 'busy-inacall', ringingCounts: false },
    });
    expect(s.sync).toEqual({
      enabled: true,
      pollIntervalSeconds: 2,
      ownershipMode: 'respect-manual',
      restoreOnStop: true,
      applyConcurrency: 32,
      rosterRefreshMinutes: 10,
      teamsSessionRefreshSeconds: 180,
      presenceRequestsPer30Seconds: 1_500,
      presenceBudgetSharePercent: 25,
      debounceCycles: 0,
    });
    expect(s.ui).toEqual({ language: 'de' });
    expect(s.log).toEqual({ level: 'info' });
  });

  it('has a default rule for every built-in row, equal to the table', () => {
    const s = defaultSettings();
    expect(Object.keys(s.rules).sort()).toEqual([...BUILT_IN_ROW_IDS].sort());
    for (const id of BUILT_IN_ROW_IDS) expect(s.rules[id], id).toEqual(defaultRuleFor(id, 'de'));
  });

  it('returns a fresh object each call', () => {
    const a = defaultSettings();
    a.rules.busy.dnd = 'on';
    a.users.extraLoginIds.push('x');
    const b = defaultSettings();
    expect(b.rules.busy.dnd).toBe('unchanged');
    expect(b.users.extraLoginIds).toEqual([]);
  });

  it('stores a negative zero as 0, so the value is the same after the trip through the settings file', () => {
    const v = validateSettings({ sync: { debounceCycles: -0 } });
    expect(v.ok).toBe(true);
    if (v.ok) expect(Object.is(v.settings.sync.debounceCycles, 0)).toBe(true);
  });

  it('round-trips: parsing the parsed settings changes nothing', () => {
    const s = parseSettings({ starface: { baseUrl: 'https://pbx.example.com/' }, rules: { busy: { dnd: 'on' } } });
    expect(parseSettings(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('holds no secret-looking field anywhere', () => {
    const keys: string[] = [];
    const walk = (v: unknown, prefix: string): void => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k, child] of Object.entries(v)) {
          keys.push(`${prefix}${k}`);
          walk(child, `${prefix}${k}.`);
        }
      }
    };
    walk(defaultSettings(), '');
    expect(keys.filter((k) => /password|secret|token|privatekey|certificatekey/i.test(k))).toEqual([]);
  });

  it('drops unknown keys, including stray secrets', () => {
    const s = parseSettings({ starface: { adminPassword: 'hunter2' }, microsoft: { clientSecret: 's3cr3t' }, strayKey: 1 });
    expect(JSON.stringify(s)).not.toMatch(/hunter2|s3cr3t|strayKey|Password|Secret/);
  });
});

describe('partial rules keep the row defaults of missing fields', () => {
  it('keeps the chat text when only dnd is given', () => {
    const s = parseSettings({ rules: { 'busy-in-call': { dnd: 'off' } } });
    expect(s.rules['busy-in-call']).toEqual({ dnd: 'off', chatText: 'Im Anruf (MS Teams)', showAsInCall: true });
  });

  it('accepts an empty chat text (= leave alone) and a chat presence', () => {
    const s = parseSettings({ rules: { away: { chatText: '', chatPresence: 'AWAY' } } });
    expect(s.rules.away).toEqual({ dnd: 'off', chatText: '', chatPresence: 'AWAY', showAsInCall: false });
  });

  it('rejects a bad dnd action, chat presence and an over-long text', () => {
    expect(texts({ rules: { busy: { dnd: 'maybe', chatPresence: 'SLEEPING', chatText: 'x'.repeat(201) } } })).toEqual([
      'rules.busy.dnd: must be one of "on", "off", "unchanged"',
      'rules.busy.chatText: must be at most 200 characters',
      'rules.busy.chatPresence: must be one of "AVAILABLE", "AWAY", "DO_NOT_DISTURB", "EXTENDED_AWAY", "FREE_FOR_CHAT", "UNAVAILABLE"',
    ]);
  });

  it('drops rules of rows that do not exist', () => {
    const s = parseSettings({ rules: { 'no-such-row': { dnd: 'on' } } });
    expect('no-such-row' in s.rules).toBe(false);
  });
});

describe('field validation gives readable issues', () => {
  it.each([
    [{ starface: { baseUrl: 'pbx.example.com' } }, 'starface.baseUrl: must be an https:// or http:// URL'],
    [{ starface: { baseUrl: 'ftp://pbx' } }, 'starface.baseUrl: must be an https:// or http:// URL'],
    [{ starface: { baseUrl: 'https://pbx/rest' } }, 'starface.baseUrl: must be the PBX address without /rest or /xml-rpc (e.g. https://pbx.example.com)'],
    [{ starface: { baseUrl: 'https://pbx/?a=1' } }, 'starface.baseUrl: must not contain a query (?…)'],
    [{ microsoft: { graphBaseUrl: 'http://graph.microsoft.com' } }, 'microsoft.graphBaseUrl: must be an https:// URL'],
    [{ microsoft: { authorityHost: '' } }, 'microsoft.authorityHost: must be an https:// URL'],
    [{ microsoft: { tenantId: 'not a tenant' } }, 'microsoft.tenantId: must be the directory (tenant) ID (a GUID) or a verified domain like contoso.onmicrosoft.com'],
    [{ microsoft: { clientId: '1234' } }, 'microsoft.clientId: must be the application (client) ID, a GUID like 00000000-0000-0000-0000-000000000000'],
    [{ microsoft: { presenceRead: 'both' } }, 'microsoft.presenceRead: must be one of "delegated", "application"'],
    [{ microsoft: { redirectPort: 70000 } }, 'microsoft.redirectPort: must be at most 65535'],
    [{ microsoft: { certificateThumbprint: 'xyz' } }, 'microsoft.certificateThumbprint: must be the certificate thumbprint: 40 (SHA-1) or 64 (SHA-256) hex digits'],
    [{ starface: { uciApi: 'v20' } }, 'starface.uciApi: must be one of "v30", "v22"'],
    [{ starface: { callbackHost: 'http://10.0.0.5' } }, 'starface.callbackHost: must be a host name or IP address the PBX can reach (no http://, no path, no port — the port is callbackPort)'],
    [{ starface: { callbackHost: '10.0.0.5:8080' } }, 'starface.callbackHost: must be a host name or IP address the PBX can reach (no http://, no path, no port — the port is callbackPort)'],
    [{ starface: { callbackPort: -1 } }, 'starface.callbackPort: must be at least 0'],
    [{ starface: { callbackPort: '8080' } }, 'starface.callbackPort: must be a number'],
    [{ starface: { keepAliveSeconds: 0 } }, 'starface.keepAliveSeconds: must be greater than 0'],
    [{ starface: { maxConcurrentLogins: 0 } }, 'starface.maxConcurrentLogins: must be at least 1'],
    [{ network: { extraCaPem: ['hello'] } }, 'network.extraCaPem.0: must be a PEM certificate (-----BEGIN CERTIFICATE----- …)'],
    [{ network: { proxyUrl: 'socks5://proxy:1080' } }, 'network.proxyUrl: must be an https:// or http:// URL'],
    [{ network: { readTimeoutMs: 1.5 } }, 'network.readTimeoutMs: must be a whole number'],
    [{ users: { selection: 'some' } }, 'users.selection: must be one of "all", "group"'],
    [{ users: { extraLoginIds: ['a b'] } }, 'users.extraLoginIds.0: must be one login ID (no spaces, commas or semicolons)'],
    [{ users: { extraLoginIds: [''] } }, 'users.extraLoginIds.0: must not be empty'],
    [{ switches: { setDnd: 'yes' } }, 'switches.setDnd: must be true or false'],
    [{ switches: { reverse: { teamsState: 'away' } } }, 'switches.reverse.teamsState: must be one of "busy-inacall", "dnd-presenting"'],
    [{ sync: { pollIntervalSeconds: 0.2 } }, 'sync.pollIntervalSeconds: must be at least 0.25'],
    [{ sync: { presenceBudgetSharePercent: 0 } }, 'sync.presenceBudgetSharePercent: must be at least 1'],
    [{ sync: { presenceRequestsPer30Seconds: 1500.5 } }, 'sync.presenceRequestsPer30Seconds: must be a whole number'],
    [{ sync: { debounceCycles: 11 } }, 'sync.debounceCycles: must be at most 10'],
    [{ sync: { ownershipMode: 'mine' } }, 'sync.ownershipMode: must be one of "teams-leads", "respect-manual"'],
    [{ sync: { teamsSessionRefreshSeconds: 300 } }, 'sync.teamsSessionRefreshSeconds: must be at most 240'],
    [{ sync: { applyConcurrency: 0 } }, 'sync.applyConcurrency: must be at least 1'],
    [{ ui: { language: 'fr' } }, 'ui.language: must be one of "de", "en"'],
    [{ log: { level: 'trace' } }, 'log.level: must be one of "debug", "info", "warn", "error"'],
    [{ starface: 'x' }, 'starface: must be an object'],
    [{ version: 2, customRows: {} }, 'customRows: must be a list'],
  ])('%j → %s', (raw, expected) => {
    expect(texts(raw)).toEqual([expected]);
  });

  it('reports several issues at once, each with path and message', () => {
    const issues = issuesOf({ starface: { baseUrl: 'nope', callbackPort: 99999 }, sync: { ownershipMode: 'x' } });
    expect(issues.map((i) => i.path)).toEqual(['starface.baseUrl', 'starface.callbackPort', 'sync.ownershipMode']);
    expect(issues[1]).toEqual({
      path: 'starface.callbackPort', code: 'settings-max', params: { n: 65535 }, message: 'must be at most 65535', text: 'starface.callbackPort: must be at most 65535',
    });
  });

  it('rejects a non-object', () => {
    expect(texts('hello')).toEqual(['must be an object']);
    expect(texts(null)).toEqual(['must be an object']);
  });

  it('normalises values', () => {
    const s = parseSettings({
      microsoft: { tenantId: ' contoso.onmicrosoft.com ', certificateThumbprint: 'ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01' },
      starface: { baseUrl: 'https://pbx.example.com:8443/', callbackHost: '[::1]' },
      network: { proxyUrl: '', extraCaPem: ['-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n'] },
      users: { selection: 'all', group: '  ', extraLoginIds: ['1001', '1002', '1001'] },
    });
    expect(s.microsoft.tenantId).toBe('contoso.onmicrosoft.com');
    expect(s.microsoft.certificateThumbprint).toBe('ABCDEF0123456789ABCDEF0123456789ABCDEF01');
    expect(s.starface.baseUrl).toBe('https://pbx.example.com:8443');
    expect(s.starface.callbackHost).toBe('[::1]');
    expect(s.network.proxyUrl).toBeUndefined();
    expect(s.users.group).toBeUndefined();
    expect(s.users.extraLoginIds).toEqual(['1001', '1002']);
  });

  it('accepts fractional keep-alive seconds (short keep-alives in tests)', () => {
    expect(parseSettings({ starface: { keepAliveSeconds: 0.2 } }).starface.keepAliveSeconds).toBe(0.2);
  });

  it('accepts poll intervals down to a quarter of a second (issue 17)', () => {
    expect(parseSettings({ sync: { pollIntervalSeconds: 0.25 } }).sync.pollIntervalSeconds).toBe(0.25);
    expect(parseSettings({ sync: { pollIntervalSeconds: 0.5 } }).sync.pollIntervalSeconds).toBe(0.5);
  });
});

describe('cross-field validation', () => {
  it("selection 'group' requires a group", () => {
    expect(texts({ users: { selection: 'group' } })).toEqual([
      "users.group: required when users.selection is 'group': pick the STARFACE group to sync",
    ]);
    expect(parseSettings({ users: { selection: 'group', group: 'Sales' } }).users).toEqual({ selection: 'group', group: 'Sales', extraLoginIds: [] });
  });

  it("credential 'certificate' requires a thumbprint", () => {
    expect(texts({ microsoft: { credential: 'certificate' } })).toEqual([
      "microsoft.certificateThumbprint: required when microsoft.credential is 'certificate': enter the thumbprint shown in the app registration",
    ]);
    const thumb = 'A'.repeat(64);
    expect(parseSettings({ microsoft: { credential: 'certificate', certificateThumbprint: thumb } }).microsoft.certificateThumbprint).toBe(thumb);
  });

  it('accepts custom rows with defaults', () => {
    const s = parseSettings({ customRows: [{ id: 'focusing', label: 'Focusing', availability: 'Focusing', rule: { dnd: 'on' } }] });
    expect(s.customRows).toEqual([
      { id: 'focusing', label: 'Focusing', availability: 'Focusing', activity: '*', rule: { dnd: 'on', chatText: '', showAsInCall: false } },
    ]);
  });

  it('rejects custom rows that clash with built-in ids, each other or built-in pairs', () => {
    expect(
      texts({
        customRows: [
          { id: 'busy', label: 'A', availability: 'Focusing' },
          { id: 'x', label: 'B', availability: 'Focusing', activity: 'Deep' },
          { id: 'x', label: 'C', availability: 'focusing', activity: 'deep' },
          { id: 'y', label: 'D', availability: 'busy', activity: 'INACALL' },
          { id: 'z', label: 'E', availability: 'Away', activity: 'OutOfOffice' },
          { id: 'w', label: 'F', availability: 'DoNotDisturb' },
        ],
      }),
    ).toEqual([
      'customRows.0.id: "busy" is a built-in row; choose another id',
      'customRows.2.id: "x" is already used by customRows.1',
      'customRows.2.activity: focusing / deep is already matched by customRows.1; edit that row instead',
      'customRows.3.activity: busy / INACALL is already the built-in row "busy-in-call"; edit that row\'s rule instead',
      'customRows.4.activity: Away / OutOfOffice is already the built-in row "away-oof"; edit that row\'s rule instead',
      'customRows.5.activity: DoNotDisturb / * is already the built-in row "dnd"; edit that row\'s rule instead',
    ]);
  });

  it('rejects bad custom row fields', () => {
    expect(texts({ customRows: [{ id: 'Bad Id', label: '', availability: '*' }] })).toEqual([
      'customRows.0.id: must be 1–48 lower-case letters, digits or dashes (e.g. "focusing")',
      'customRows.0.label: must not be empty',
      'customRows.0.availability: must be one Teams availability value (e.g. "DoNotDisturb"), not "*"',
    ]);
  });
});

describe('readiness', () => {
  it('lists what sync still needs on a fresh install', () => {
    expect(missingForSync(defaultSettings()).map((i) => i.path)).toEqual([
      'microsoft.tenantId',
      'microsoft.clientId',
      'starface.baseUrl',
      'starface.adminLogin',
    ]);
  });

  it('is empty once everything is set', () => {
    const s = parseSettings({
      microsoft: { tenantId: '11111111-2222-3333-4444-555555555555', clientId: '66666666-7777-8888-9999-000000000000' },
      starface: { baseUrl: 'https://pbx', adminLogin: '0001' },
    });
    expect(missingForSync(s)).toEqual([]);
  });
});

describe('migrations', () => {
  const v1 = {
    version: 1,
    tenantId: 'contoso.onmicrosoft.com',
    clientId: '66666666-7777-8888-9999-000000000000',
    useCertificate: true,
    certificateThumbprint: 'ab'.repeat(20),
    starfaceUrl: 'https://pbx.example.com/',
    starfaceAdmin: '0001',
    callbackHost: '10.0.0.9',
    callbackPort: 9000,
    pollInterval: 5000,
    dndOnBusy: true,
    dndOnDoNotDisturb: false,
    chatStatus: false,
    callSetsTeamsBusy: true,
    group: 'Sales',
    extraLogins: '1001, 1002;1003',
    language: 'en',
    logLevel: 'Verbose',
    proxy: 'http://proxy:3128',
  };

  it('offers exactly one step, from 1', () => {
    expect(settingsMigrations.map((m) => m.from)).toEqual([1]);
  });

  it('migrates every v1 field to its v2 place', () => {
    const s = migrateSettings(v1);
    expect(s.version).toBe(2);
    expect(s.microsoft).toMatchObject({ tenantId: 'contoso.onmicrosoft.com', clientId: v1.clientId, credential: 'certificate', certificateThumbprint: 'AB'.repeat(20) });
    expect(s.starface).toMatchObject({ baseUrl: 'https://pbx.example.com', adminLogin: '0001', callbackHost: '10.0.0.9', callbackPort: 9000 });
    expect(s.network.proxyUrl).toBe('http://proxy:3128');
    expect(s.users).toEqual({ selection: 'group', group: 'Sales', extraLoginIds: ['1001', '1002', '1003'] });
    expect(s.sync.pollIntervalSeconds).toBe(5);
    expect(s.switches).toEqual({
      setDnd: true,
      setChatStatus: false,
      setTelephonyState: false,
      reverse: { enabled: true, teamsState: 'busy-inacall', ringingCounts: false },
    });
    expect(s.ui.language).toBe('en');
    expect(s.log.level).toBe('debug');
  });

  it("keeps v1's overwrite behaviour: ownership 'teams-leads'", () => {
    expect(migrateSettings(v1).sync.ownershipMode).toBe('teams-leads');
    expect(defaultSettings().sync.ownershipMode).toBe('respect-manual');
  });

  it('turns the two DND booleans into per-row rules, keeping chat texts', () => {
    const s = migrateSettings(v1);
    for (const id of ['busy', 'busy-in-call', 'busy-in-conference-call', 'busy-in-meeting', 'busy-oof'] as const) expect(s.rules[id].dnd, id).toBe('on');
    for (const id of ['dnd', 'dnd-presenting', 'dnd-urgent-only'] as const) expect(s.rules[id].dnd, id).toBe('off');
    for (const id of ['available', 'available-oof', 'away', 'away-oof', 'be-right-back', 'offline', 'offline-oof'] as const) expect(s.rules[id].dnd, id).toBe('off');
    // v2 keeps the safe default for PresenceUnknown (Graph hiccups), instead of clearing DND.
    expect(s.rules['unknown'].dnd).toBe('unchanged');
    expect(s.rules['offline-unknown'].dnd).toBe('unchanged');
    expect(s.rules['busy-in-call'].chatText).toBe('Im Anruf (MS Teams)');
    expect(s.rules['busy-in-call'].showAsInCall).toBe(true);
  });

  it('migrates a minimal v1 file with v1 defaults', () => {
    const s = migrateSettings({ version: 1 });
    expect(s.users).toEqual({ selection: 'all', extraLoginIds: [] });
    expect(s.rules.busy.dnd).toBe('off');
    expect(s.rules.dnd.dnd).toBe('on');
    expect(s.switches.reverse.enabled).toBe(false);
    expect(s.sync.pollIntervalSeconds).toBe(2);
    expect(s.microsoft.credential).toBe('secret');
  });

  it('clamps a v1 poll interval below one second', () => {
    expect(migrateSettings({ version: 1, pollInterval: 250 }).sync.pollIntervalSeconds).toBe(1);
    expect(migrateSettings({ version: 1, pollInterval: 1500 }).sync.pollIntervalSeconds).toBe(1.5);
  });

  it('detects a version-less v1 file by its flat keys, and treats other version-less objects as current', () => {
    expect(settingsVersionOf({ dndOnBusy: true })).toBe(1);
    expect(settingsVersionOf({ starfaceUrl: 'https://pbx' })).toBe(1);
    expect(settingsVersionOf({})).toBe(SETTINGS_VERSION);
    expect(settingsVersionOf({ starface: {} })).toBe(SETTINGS_VERSION);
    expect(settingsVersionOf({ version: 1 })).toBe(1);
    expect(migrateSettings({ dndOnBusy: true }).rules.busy.dnd).toBe('on');
  });

  it('leaves current-version raw settings untouched', () => {
    const raw = { version: 2, sync: { ownershipMode: 'teams-leads' } };
    expect(store.upgrade(raw)).toEqual({ ok: true, value: raw, from: 2 });
    expect((store.upgrade(raw) as { value: unknown }).value).toBe(raw);
  });

  it('the step is usable on its own (generic SettingsStore)', () => {
    const out = settingsMigrations[0]!.migrate({ pollInterval: 3000 }) as { version: number };
    expect(out.version).toBe(2);
    expect(SettingsSchema.parse(out).sync.pollIntervalSeconds).toBe(3);
  });

  it('refuses settings from a newer version with a readable message', () => {
    expect(upgradeTexts({ version: 3 })).toEqual([
      'version: is 3: written by a newer version of the app (this one reads up to 2); update the app',
    ]);
    expect(() => migrateSettings({ version: 3 })).toThrow(SettingsValidationError);
    expect(() => migrateSettings({ version: 3 })).toThrow(/newer version of the app/);
    // The schema alone (drafts in the current layout) names the one version it takes.
    expect(texts({ version: 3 })).toEqual(['version: must be 2']);
  });

  it('refuses a nonsense version', () => {
    expect(upgradeTexts({ version: 0 })).toEqual(['version: must be a whole number from 1 to 2']);
    expect(upgradeTexts({ version: 1.5 })).toEqual(['version: must be a whole number from 1 to 2']);
  });

  it('reports invalid v1 values at their v2 path', () => {
    expect(upgradeTexts({ version: 1, starfaceUrl: 'pbx.local' })).toEqual(['starface.baseUrl: must be an https:// or http:// URL']);
  });

  it('the schema alone rejects an unmigrated v1 version', () => {
    expect(SettingsSchema.safeParse({ version: 1 }).success).toBe(false);
  });
});

describe('texts that reach the PBX refuse control characters and unpaired surrogates (issue 13 item 1)', () => {
  it('refuses a chat text with a control character, naming the row and the character', () => {
    expect(texts({ rules: { 'busy-in-call': { chatText: 'Im\u0001 Gespräch' } } })).toEqual([
      'rules.busy-in-call.chatText: the chat text of the row "Busy – in a call" contains a control character (U+0001) at position 3; remove it (texts are sent to STARFACE as they are)',
    ]);
    expect(texts({ rules: { away: { chatText: 'a\u0000b' } } })[0]).toMatch(/^rules\.away\.chatText: the chat text of the row "Away" contains a control character \(U\+0000\) at position 2/);
  });

  it('refuses line breaks, tabs, DEL, C1 controls and XML non-characters inside a chat text', () => {
    for (const bad of ['a\nb', 'a\tb', 'a\u007fb', 'a\u0085b', 'a\uFFFEb', 'a\uFFFFb']) {
      expect(texts({ rules: { busy: { chatText: bad } } }), JSON.stringify(bad)).toHaveLength(1);
    }
  });

  it('refuses an unpaired surrogate but accepts emoji (a valid pair) and umlauts', () => {
    expect(texts({ rules: { busy: { chatText: 'x\uD83D' } } })).toEqual([
      'rules.busy.chatText: the chat text of the row "Busy" contains an unpaired surrogate (U+D83D) at position 2 — the text is damaged; type it again (texts are sent to STARFACE as they are)',
    ]);
    expect(texts({ rules: { busy: { chatText: '\uDC00x' } } })).toHaveLength(1);
    expect(parseSettings({ rules: { busy: { chatText: 'Beschäftigt 📞 – Grüße' } } }).rules.busy.chatText).toBe('Beschäftigt 📞 – Grüße');
  });

  it('names a custom row by its label', () => {
    const row = { id: 'focusing', label: 'Fokuszeit', availability: 'Focusing', rule: { dnd: 'on', chatText: 'Fokus\u0007' } };
    expect(texts({ customRows: [row] })).toEqual([
      'customRows.0.rule.chatText: the chat text of the row "Fokuszeit" contains a control character (U+0007) at position 6; remove it (texts are sent to STARFACE as they are)',
    ]);
    expect(texts({ customRows: [{ ...row, rule: { chatText: 'ok' }, label: 'Fo\u0001kus' }] })).toEqual([
      'customRows.0.label: contains a control character (U+0001) at position 3; remove it',
    ]);
  });

  it('refuses control characters in the logins and the group name sent to the PBX', () => {
    expect(texts({ starface: { adminLogin: '0001\u0000' } })).toEqual([
      'starface.adminLogin: contains a control character (U+0000) at position 5; remove it',
    ]);
    expect(texts({ users: { extraLoginIds: ['10\u000101'] } })).toEqual([
      'users.extraLoginIds.0: contains a control character (U+0001) at position 3; remove it',
    ]);
    expect(texts({ users: { selection: 'group', group: 'Sales\u001b' } })).toEqual([
      'users.group: contains a control character (U+001B) at position 6; remove it',
    ]);
    expect(texts({ customRows: [{ id: 'x', label: 'X', availability: 'Busy\u0002', activity: 'Foo' }] })).toEqual([
      'customRows.0.availability: contains a control character (U+0002) at position 5; remove it',
    ]);
  });
});

describe('addresses never carry credentials (issue 13 item 7)', () => {
  it('refuses a PBX address with user:password, says where the password belongs and never echoes it', () => {
    const issues = texts({ starface: { baseUrl: 'https://admin:Geheim-123@pbx.example.com' } });
    expect(issues).toEqual([
      'starface.baseUrl: must not contain a user name or password: enter only the PBX address (e.g. https://pbx.example.com); the administrator\'s login ID belongs in starface.adminLogin and the password in the secret vault (Connections → STARFACE → administrator password)',
    ]);
    expect(JSON.stringify(issuesOf({ starface: { baseUrl: 'https://admin:Geheim-123@pbx.example.com' } }))).not.toMatch(/Geheim|admin:/);
    expect(texts({ starface: { baseUrl: 'https://admin@pbx.example.com' } })[0]).toMatch(/^starface\.baseUrl: must not contain a user name or password/);
  });

  it('refuses credentials in the Microsoft addresses too', () => {
    expect(texts({ microsoft: { graphBaseUrl: 'https://u:p@graph.microsoft.com' } })).toEqual(['microsoft.graphBaseUrl: must not contain a user name or password']);
    expect(texts({ microsoft: { authorityHost: 'https://u:p@login.microsoftonline.com' } })).toEqual(['microsoft.authorityHost: must not contain a user name or password']);
  });
});

describe('every settings issue carries a code from the closed set, with exactly the params its text uses (issue 16 item 3)', () => {
  // One bad draft per refinement and per kind of zod issue the schema can raise.
  const cases: [unknown, string, Record<string, unknown> | undefined][] = [
    [{ starface: { baseUrl: 'ftp://pbx' } }, 'settings-url', undefined],
    [{ microsoft: { graphBaseUrl: 'http://graph.microsoft.com' } }, 'settings-https-url', undefined],
    [{ network: { proxyUrl: 'socks5://proxy:1080' } }, 'settings-url', undefined],
    [{ microsoft: { authorityHost: 'https://u:p@login.microsoftonline.com' } }, 'settings-url-credentials', undefined],
    [{ starface: { baseUrl: 'https://admin:x@pbx.example.com' } }, 'settings-pbx-url-credentials', undefined],
    [{ starface: { baseUrl: 'https://pbx/?a=1' } }, 'settings-url-query', undefined],
    [{ microsoft: { graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn' } }, 'settings-cloud-21vianet', undefined],
    [{ microsoft: { authorityHost: 'https://login.microsoftonline.de' } }, 'settings-cloud-germany', undefined],
    [{ microsoft: { tenantId: 'not a tenant' } }, 'settings-tenant', undefined],
    [{ microsoft: { clientId: '1234' } }, 'settings-client-id', undefined],
    [{ microsoft: { certificateThumbprint: 'xyz' } }, 'settings-thumbprint', undefined],
    [{ microsoft: { credential: 'certificate' } }, 'settings-thumbprint-required', undefined],
    [{ starface: { baseUrl: 'https://pbx/rest' } }, 'settings-pbx-address', undefined],
    [{ starface: { baseUrl: 'https://pbx', certificateFingerprint: 'AB:CD' } }, 'settings-fingerprint', undefined],
    [{ starface: { baseUrl: 'http://pbx', certificateFingerprint: Array.from({ length: 32 }, () => 'AB').join(':') } }, 'settings-pin-needs-https', undefined],
    [{ starface: { callbackHost: 'http://10.0.0.5' } }, 'settings-callback-host', undefined],
    [{ network: { extraCaPem: ['hello'] } }, 'settings-pem', undefined],
    [{ users: { extraLoginIds: ['a b'] } }, 'settings-one-login-id', undefined],
    [{ users: { selection: 'group' } }, 'settings-group-required', undefined],
    [{ starface: { adminLogin: '0001\u0000' } }, 'settings-control-character', { char: 'U+0000', position: 5 }],
    [{ starface: { adminLogin: 'a\uFFFF' } }, 'settings-noncharacter', { char: 'U+FFFF', position: 2 }],
    [{ starface: { adminLogin: 'x\uD83D' } }, 'settings-unpaired-surrogate', { char: 'U+D83D', position: 2 }],
    [{ rules: { away: { chatText: 'a\u0000b' } } }, 'settings-row-control-character', { row: 'Away', char: 'U+0000', position: 2 }],
    [{ rules: { away: { chatText: 'a\uFFFE' } } }, 'settings-row-noncharacter', { row: 'Away', char: 'U+FFFE', position: 2 }],
    [{ customRows: [{ id: 'f', label: 'Fokus', availability: 'Focusing', rule: { chatText: '\uDC00' } }] }, 'settings-row-unpaired-surrogate', { row: 'Fokus', char: 'U+DC00', position: 1 }],
    [{ customRows: [{ id: 'Bad Id', label: 'A', availability: 'Focusing' }] }, 'settings-row-id', undefined],
    [{ customRows: [{ id: 'a', label: 'A', availability: '*' }] }, 'settings-availability-any', undefined],
    [{ customRows: [{ id: 'busy', label: 'A', availability: 'Focusing' }] }, 'settings-row-id-built-in', { id: 'busy' }],
    [{ customRows: [{ id: 'x', label: 'A', availability: 'A' }, { id: 'x', label: 'B', availability: 'B' }] }, 'settings-row-id-taken', { id: 'x', other: 'customRows.0' }],
    [{ customRows: [{ id: 'x', label: 'A', availability: 'A' }, { id: 'y', label: 'B', availability: 'a' }] }, 'settings-row-pair-taken', { availability: 'a', activity: '*', other: 'customRows.0' }],
    [{ customRows: [{ id: 'w', label: 'F', availability: 'DoNotDisturb' }] }, 'settings-row-pair-built-in', { availability: 'DoNotDisturb', activity: '*', row: 'dnd' }],
    [{ starface: { callbackPort: '8080' } }, 'settings-number', undefined],
    [{ network: { readTimeoutMs: 1.5 } }, 'settings-int', undefined],
    [{ switches: { setDnd: 'yes' } }, 'settings-boolean', undefined],
    [{ users: { group: 5, selection: 'group' } }, 'settings-text', undefined],
    [{ customRows: {} }, 'settings-list', undefined],
    [{ starface: 'x' }, 'settings-object', undefined],
    [{ version: 3 }, 'settings-value', { value: '2' }],
    [{ ui: { language: 'fr' } }, 'settings-one-of', { values: '"de", "en"' }],
    [{ users: { extraLoginIds: [''] } }, 'settings-not-empty', undefined],
    [{ customRows: [{ id: 'a', label: 'x'.repeat(81), availability: 'A' }] }, 'settings-max-chars', { n: 80 }],
    [{ sync: { pollIntervalSeconds: 0.2 } }, 'settings-min', { n: 0.25 }],
    [{ sync: { debounceCycles: 11 } }, 'settings-max', { n: 10 }],
    [{ starface: { keepAliveSeconds: 0 } }, 'settings-greater', { n: 0 }],
  ];

  it.each(cases)('%j → %s %j', (raw, code, params) => {
    const issues = issuesOf(raw);
    expect(issues.map((i) => i.code)).toEqual([code]);
    expect(issues[0]!.params).toEqual(params);
  });

  it('the cases cover every schema code, and each issue\'s params are exactly those its code declares', () => {
    const seen = new Set<string>();
    for (const [raw] of cases) {
      for (const i of issuesOf(raw)) {
        seen.add(i.code);
        expect(Object.keys(i.params ?? {}).sort(), i.text).toEqual([...(MESSAGE_PARAMS[i.code] ?? [])].sort());
      }
    }
    for (const i of missingForSync(defaultSettings())) seen.add(i.code);
    // Raised by the settings store (file, upgrade, save) or only for other values (a request's params in the
    // contract, generic limits this schema has no field for).
    const elsewhere = [
      'settings-version-invalid', 'settings-version-newer', 'settings-version-no-migration', 'settings-migration-failed',
      'settings-left-out', 'settings-secret-field', 'settings-unknown-keys', 'settings-invalid', 'settings-type',
      'settings-min-chars', 'settings-min-entries', 'settings-max-entries', 'settings-less',
    ];
    expect(SETTINGS_ISSUE_CODES.filter((c) => !seen.has(c) && !elsewhere.includes(c))).toEqual([]);
  });

  it('what sync still needs is coded per field', () => {
    expect(missingForSync(defaultSettings()).map((i) => [i.path, i.code])).toEqual([
      ['microsoft.tenantId', 'settings-tenant-not-set'],
      ['microsoft.clientId', 'settings-client-id-not-set'],
      ['starface.baseUrl', 'settings-pbx-not-set'],
      ['starface.adminLogin', 'settings-admin-not-set'],
    ]);
  });

  it('the settings store codes version problems', () => {
    expect(store.validate({ version: 0 })).toMatchObject({ ok: false, issues: [{ path: 'version', code: 'settings-version-invalid', params: { max: SETTINGS_VERSION } }] });
    expect(store.validate({ version: 7 })).toMatchObject({ ok: false, issues: [{ path: 'version', code: 'settings-version-newer', params: { version: 7, max: SETTINGS_VERSION } }] });
  });
});
