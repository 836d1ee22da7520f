// In-test stand-in for the ENGINE behind the control contract, for the renderer's end-to-end tests. The code
// under test is the renderer (served by the real headless host); the engine is not, so this answers every
// method from plain data and records the calls. Settings are validated with the real core schema.
import { capabilityReasons } from '../../src/starface/capabilities.js';
import {
  ControlError, type AuthStatus, type CheckReport, type ControlApi, type ControlEvent, type LogEntry, type Message, type PbxCapabilitiesView,
  type Roster, type SettingsDraft, type SyncStatus, type UserLiveState,
} from '../../src/control/contract.js';
import { defaultSettings, toIssue, validateSettings, type Settings } from '../../src/core/settings.js';
import { previewSave } from '../../src/core/save-preview.js';

export const T0 = '2025-03-14T09:00:00.000Z';

export interface FakeEngineOptions {
  users?: number;
  capabilities?: Partial<PbxCapabilitiesView>;
  /** Notes settings.get reports (like the engine's "corrupt file moved aside"); the real engine keeps them. */
  problems?: string[];
  /** One per note: its code (as the engine sends "not configured" and roster notes), or null (plain text). */
  problemCodes?: (Message | null)[];
  /** roster.groups: the PBX's group names, or 'unreachable' (default: three German group names). */
  pbxGroups?: string[] | 'unreachable';
  /** The users selection stored before the page loads (so the first settings.get already has it). */
  usersSelection?: Settings['users'];
}

export interface FakeEngine extends ControlApi {
  /** Every call in order (secret values replaced by '***' so a test can never print them). */
  calls: { method: string; params: unknown }[];
  callsOf(method: string): unknown[];
  emit(event: ControlEvent): void;
  settings(): Settings;
  users: UserLiveState[];
  secretNames: Set<string>;
  log(level: LogEntry['level'], msg: string, extra?: Partial<LogEntry>): LogEntry;
}

const AVAILABILITY: readonly [string, string, string | null][] = [
  ['Available', 'Available', 'available'],
  ['Busy', 'InACall', 'busy-in-call'],
  ['Busy', 'InAMeeting', 'busy-in-meeting'],
  ['DoNotDisturb', 'Presenting', 'dnd-presenting'],
  ['Away', 'Away', 'away'],
  ['BeRightBack', 'BeRightBack', 'be-right-back'],
  ['Offline', 'OffWork', 'offline'],
  ['PresenceUnknown', 'PresenceUnknown', 'unknown'],
];

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Katrin', 'Lukas'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schulz'];

export function makeUser(i: number): UserLiveState {
  const [availability, activity, row] = AVAILABILITY[i % AVAILABILITY.length]!;
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const login = String(1000 + i);
  const dnd = row === 'busy-in-call' || row === 'busy-in-meeting' || row === 'dnd-presenting';
  return {
    login,
    email: `${first}.${last}${i}@contoso.example`.toLowerCase().replace('ü', 'ue'),
    displayName: `${first} ${last} ${i}`,
    microsoftId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    teams: { availability, activity, outOfOffice: i % 23 === 5 },
    row,
    pbx: { dnd, chatText: dnd ? 'Im Anruf (MS Teams)' : 'Verfügbar', telephony: i % 17 === 3 ? 'in-call' : 'idle' },
    teamsSession: i % 17 === 3 ? { availability: 'Busy', activity: 'InACall' } : null,
    manualOverride: i % 29 === 7,
    lastChange: new Date(Date.parse(T0) + i * 1000).toISOString(),
    error: i % 31 === 11 ? 'UCI login failed: wrong password for this user (import it again under Connections).' : null,
  };
}

export function fakeEngineApi(opts: FakeEngineOptions = {}): FakeEngine {
  const listeners = new Set<(e: ControlEvent) => void>();
  let settings: Settings = defaultSettings();
  if (opts.usersSelection) settings = { ...settings, users: opts.usersSelection };
  const secretNames = new Set<string>(['starface.adminPassword']);
  const calls: { method: string; params: unknown }[] = [];
  const users = Array.from({ length: opts.users ?? 40 }, (_, i) => makeUser(i));
  const logs: LogEntry[] = [];
  let seq = 0;
  let sync: SyncStatus = {
    state: 'running', since: T0, lastSuccessfulSync: T0,
    counters: { cycles: 12, presenceRequests: 12, pbxWrites: 40, teamsWrites: 2, errors: 0 },
  };
  let auth: AuthStatus = { state: 'signed-in', account: 'admin@contoso.example', appCredential: 'ok' };
  const capabilities: PbxCapabilitiesView = {
    canSetDnd: true, canSetChatPresenceMessage: true, canSetChatPresence: false, canSetTelephonyState: false,
    // Coded as the engine codes them (src/starface/capabilities.ts), with the plain English beside.
    ...capabilityReasons({ canSetChatPresence: { code: 'cap-chat-presence-missing' }, canSetTelephonyState: { code: 'cap-telephony-derived' } }),
    ...opts.capabilities,
  };
  const roster = (): Roster => {
    const list: Roster['users'] = users.map((u) => ({
      login: u.login, email: u.email ?? '', ...(u.displayName ? { displayName: u.displayName } : {}), status: 'matched' as const,
    }));
    list.push(
      { login: '0001', email: 'info@contoso.example', displayName: 'Zentrale', status: 'conflict', reason: 'duplicate-email', detail: 'Also used by 0002' },
      { login: '0002', email: 'info@contoso.example', displayName: 'Empfang', status: 'conflict', reason: 'duplicate-email', detail: 'Also used by 0001' },
      { login: '0003', email: '', displayName: 'Lager', status: 'conflict', reason: 'no-email' },
      { login: '0004', email: 'azubi@contoso.example', status: 'conflict', reason: 'no-microsoft-account' },
    );
    return { users: list, counts: { matched: users.length, conflicts: 4 } };
  };

  const record = (method: string, params: unknown) => {
    const safe = method === 'secrets.set' ? { ...(params as object), value: '***' } : method === 'secrets.importStarfaceCsv' ? { csv: '***' } : params;
    calls.push({ method, params: safe });
  };

  // Not recorded: the calls list shows what the stand-in answered.
  const notOffered = (method: string): never => {
    throw new ControlError('not-implemented', `This stand-in does not offer ${method}.`);
  };

  const api: FakeEngine = {
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.params),
    users,
    secretNames,
    settings: () => settings,
    emit(event) {
      for (const fn of [...listeners]) fn(event);
    },
    log(level, msg, extra = {}) {
      const entry: LogEntry = { seq: ++seq, time: new Date(Date.parse(T0) + seq * 1000).toISOString(), level, msg, ...extra };
      logs.push(entry);
      api.emit({ type: 'log.entry', data: entry });
      return entry;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    async 'settings.get'(p) {
      record('settings.get', p);
      return { settings, problems: [...(opts.problems ?? [])], ...(opts.problemCodes ? { problemCodes: [...opts.problemCodes] } : {}) };
    },
    async 'settings.validate'(p) {
      record('settings.validate', p);
      const v = validateSettings(p.settings as SettingsDraft);
      return { ok: v.ok, issues: v.issues.map(toIssue) };
    },
    async 'settings.preview'(p) {
      record('settings.preview', p);
      const v = validateSettings(p.settings as SettingsDraft);
      if (!v.ok) return { ok: false, issues: v.issues.map(toIssue), effects: [], usersNow: users.length, usersAfter: null };
      // The stand-in's PBX has the groups "Vertrieb" (half the users) and "Support" (none).
      const count = async (next: Settings) => (next.users.selection === 'all' ? users.length : next.users.group === 'Vertrieb' ? Math.ceil(users.length / 2) : 0);
      return { ok: true, issues: [], ...(await previewSave({ prev: settings, next: v.settings, syncState: sync.state, usersNow: users.length, countUsers: count })) };
    },
    async 'settings.save'(p) {
      record('settings.save', p);
      const v = validateSettings(p.settings as SettingsDraft);
      if (!v.ok) return { ok: false, issues: v.issues.map(toIssue) };
      settings = v.settings;
      api.emit({ type: 'settings.changed', data: { settings } });
      return { ok: true, issues: [] };
    },
    async 'settings.reset'(p) {
      record('settings.reset', p);
      const d = defaultSettings();
      return { settings: { ...settings, rules: d.rules, customRows: d.customRows } };
    },
    async 'secrets.status'(p) {
      record('secrets.status', p);
      return {
        microsoftClientSecret: secretNames.has('microsoft.clientSecret'),
        microsoftCertificateKey: secretNames.has('microsoft.certificateKey'),
        starfaceAdminPassword: secretNames.has('starface.adminPassword'),
        starfaceUserPasswords: [...secretNames].filter((n) => n.startsWith('starface.user.')).map((n) => n.slice('starface.user.'.length, -'.password'.length)),
      };
    },
    async 'secrets.set'(p) {
      record('secrets.set', p);
      secretNames.add(p.name);
      return {};
    },
    async 'secrets.delete'(p) {
      record('secrets.delete', p);
      secretNames.delete(p.name);
      return {};
    },
    async 'secrets.importStarfaceCsv'(p) {
      record('secrets.importStarfaceCsv', p);
      let imported = 0;
      const errors: { line: number; message: string }[] = [];
      p.csv.split(/\r?\n/).forEach((line, i) => {
        if (line.trim() === '' || /^login[;,]/i.test(line)) return;
        const m = /^([^;,\s]+)[;,](.+)$/.exec(line.trim());
        if (!m) {
          errors.push({ line: i + 1, message: 'expected login;password' });
          return;
        }
        secretNames.add(`starface.user.${m[1]}.password`);
        imported++;
      });
      return { imported, errors };
    },
    async 'sync.start'(p) {
      record('sync.start', p);
      sync = { ...sync, state: 'running', since: new Date().toISOString() };
      api.emit({ type: 'state.sync', data: sync });
      return sync;
    },
    async 'sync.stop'(p) {
      record('sync.stop', p);
      sync = { ...sync, state: 'stopped', since: new Date().toISOString() };
      api.emit({ type: 'state.sync', data: sync });
      return sync;
    },
    async 'auth.status'(p) {
      record('auth.status', p);
      return auth;
    },
    async 'auth.signInInteractive'(p) {
      record('auth.signInInteractive', p);
      auth = { state: 'signed-in', account: 'admin@contoso.example', appCredential: 'ok' };
      return auth;
    },
    async 'auth.deviceCode'(p) {
      record('auth.deviceCode', p);
      return { userCode: 'KQ7M-XR2P', verificationUri: 'https://microsoft.com/devicelogin', expiresAt: '2025-03-14T09:15:00.000Z' };
    },
    async 'auth.cancelSignIn'(p) {
      record('auth.cancelSignIn', p);
      auth = { state: 'signed-out', appCredential: 'ok' };
      api.emit({ type: 'auth.changed', data: auth });
      return auth;
    },
    async 'auth.signOut'(p) {
      record('auth.signOut', p);
      auth = { state: 'signed-out', appCredential: 'ok' };
      api.emit({ type: 'auth.changed', data: auth });
      return auth;
    },
    async 'auth.consentUrl'(p) {
      record('auth.consentUrl', p);
      return { url: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=11111111-2222-3333-4444-555555555555' };
    },
    async 'connections.test'(p) {
      record('connections.test', p);
      // As the engine: the texts in the language asked for (the page's), codes and params the same.
      const de = p.lang === 'de';
      const report: CheckReport = p.target === 'starface'
        ? {
          target: 'starface', ok: false,
          checks: [
            // Ids as the engine's checks (src/sync/checks.ts) send them; 'tls-pinning' is one the page does not know.
            { id: 'config', code: 'ok', params: {}, label: de ? 'STARFACE-Adresse und Administrator' : 'PBX address and administrator', ok: true,
              message: de ? 'https://pbx.contoso.example, Administrator 0001.' : 'https://pbx.contoso.example, administrator 0001.' },
            { id: 'tls-pinning', code: 'ok', params: {}, label: de ? 'Zertifikat vertraut' : 'Certificate trusted', ok: true,
              message: de ? 'Vertraut über das zusätzliche CA-Zertifikat.' : 'Trusted through the extra CA certificate.' },
            { id: 'rest-login', code: 'error', params: {}, label: de ? 'REST-Anmeldung' : 'REST login', ok: false,
              message: de ? 'Die STARFACE hat die Anmeldung für 0001 abgelehnt.' : 'The PBX refused the login for 0001.',
              fix: de ? 'Speichern Sie das Administrator-Passwort unter STARFACE erneut.' : 'Store the administrator password again under STARFACE.' },
          ],
        }
        : {
          target: 'microsoft', ok: true,
          checks: [
            { id: 'app-token', code: 'ok', params: {}, label: de ? 'Anmeldung der App' : 'Application sign-in', ok: true,
              message: de ? 'Microsoft Entra ID hat ein Anwendungstoken ausgestellt.' : 'Microsoft Entra ID issued an application token.' },
            { id: 'consent', code: 'ok', params: {}, label: de ? 'Administratorzustimmung' : 'Admin consent', ok: true,
              message: de ? 'Presence.ReadWrite.All und User.Read.All sind erteilt.' : 'Presence.ReadWrite.All and User.Read.All are granted.' },
            // Passed with a warning: the page must not show a ✓ next to it.
            { id: 'secret-expiry', code: 'ok', params: {}, label: de ? 'Ablauf des geheimen Clientschlüssels' : 'Client secret expiry', ok: true, warning: true,
              message: de ? 'Der geheime Clientschlüssel läuft in 5 Tagen ab.' : 'The client secret expires in 5 days.',
              fix: de ? 'Neuen geheimen Clientschlüssel in Entra ID anlegen und hier hinterlegen.' : 'Create a new client secret in Entra ID and store it here.' },
          ],
        };
      return report;
    },
    async 'roster.groups'(p) {
      record('roster.groups', p);
      if (opts.pbxGroups === 'unreachable') throw new ControlError('unreachable', 'The PBX did not answer within 10 s.');
      return { groups: opts.pbxGroups ?? ['Entwicklung', 'Support', 'Vertrieb'] };
    },
    async 'roster.get'(p) {
      record('roster.get', p);
      return roster();
    },
    async 'state.snapshot'(p) {
      record('state.snapshot', p);
      return { sync, auth, users: [...users], capabilities };
    },
    async 'log.entries'(p) {
      record('log.entries', p);
      let list = logs.filter((e) => (p.sinceSeq === undefined || e.seq > p.sinceSeq) && (p.user === undefined || e.user === p.user));
      if (p.limit !== undefined) list = list.slice(-p.limit);
      return { entries: list };
    },
    async 'log.export'(p) {
      record('log.export', p);
      return { text: logs.map((e) => JSON.stringify(e)).join('\n') + '\n' };
    },
    // The setup assistant runs against the real engine (setup-assistant.test.ts); this stand-in declines it.
    'setup.steps': async () => notOffered('setup.steps'),
    'setup.check': async () => notOffered('setup.check'),
    'setup.trustCertificate': async () => notOffered('setup.trustCertificate'),
    async 'setup.credentialExpiry'(p) {
      record('setup.credentialExpiry', p);
      return p.expiresAt ? { expiresAt: p.expiresAt } : {};
    },
  };
  return api;
}
