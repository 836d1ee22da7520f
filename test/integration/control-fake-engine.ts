// Test double for the ENGINE side of the control contract: fixed data, no I/O. The code under test is the
// control layer (dispatch, hosts, clients), which must not care what stands behind ControlApi.
import {
  ControlError, type AuthStatus, type ControlApi, type ControlEvent, type ContractSettings, type SettingsDraft, type SyncStatus,
} from '../../src/control/contract.js';
import { defaultSettings, validateSettings } from '../../src/core/settings.js';
import { loginsWithPassword } from '../../src/core/uci-credentials.js';

export const FIXED_TIME = '2025-01-02T03:04:05.000Z';

export interface FakeEngine extends ControlApi {
  emit(event: ControlEvent): void;
  /** Emits without type checks, to prove hosts drop events that break the contract. */
  emitRaw(event: unknown): void;
  listenerCount(): number;
  secretNames: string[];
  /** Makes the next call of a method throw this error. */
  failNext(method: string, error: unknown): void;
  /** Makes the next call of a method return this (possibly contract-breaking) value. */
  returnNext(method: string, value: unknown): void;
  calls: { method: string; params: unknown }[];
}

export function fakeEngineApi(): FakeEngine {
  const listeners = new Set<(e: ControlEvent) => void>();
  let settings: ContractSettings = defaultSettings();
  const secretNames: string[] = [];
  const failures = new Map<string, unknown>();
  const overrides = new Map<string, unknown>();
  const calls: { method: string; params: unknown }[] = [];
  let sync: SyncStatus = {
    state: 'stopped', since: FIXED_TIME,
    counters: { cycles: 0, presenceRequests: 0, pbxWrites: 0, teamsWrites: 0, errors: 0 },
  };
  const auth: AuthStatus = { state: 'signed-in', account: 'admin@contoso.example', appCredential: 'ok' };

  // Every method goes through this, so tests can inject failures and contract-breaking results.
  const wrap = <P, R>(method: string, fn: (p: P) => R | Promise<R>) => async (p: P): Promise<R> => {
    calls.push({ method, params: p });
    if (failures.has(method)) {
      const err = failures.get(method);
      failures.delete(method);
      throw err;
    }
    if (overrides.has(method)) {
      const v = overrides.get(method);
      overrides.delete(method);
      return v as R;
    }
    return fn(p);
  };

  const api: FakeEngine = {
    'settings.get': wrap('settings.get', () => ({ settings, problems: [] })),
    'settings.validate': wrap('settings.validate', ({ settings: s }: { settings: SettingsDraft }) => {
      const v = validateSettings(s);
      return { ok: v.ok, issues: v.issues };
    }),
    'settings.preview': wrap('settings.preview', ({ settings: s }: { settings: SettingsDraft }) => {
      const v = validateSettings(s);
      return { ok: v.ok, issues: v.ok ? [] : v.issues, effects: [], usersNow: 0, usersAfter: null };
    }),
    'settings.save': wrap('settings.save', ({ settings: s }: { settings: SettingsDraft }) => {
      const v = validateSettings(s);
      if (!v.ok) return { ok: false, issues: v.issues };
      settings = v.settings;
      api.emit({ type: 'settings.changed', data: { settings } });
      return { ok: true, issues: [] };
    }),
    'settings.reset': wrap('settings.reset', () => ({ settings: { ...settings, rules: defaultSettings().rules } })),
    'secrets.status': wrap('secrets.status', () => ({
      microsoftClientSecret: secretNames.includes('microsoft.clientSecret'),
      microsoftCertificateKey: false,
      starfaceAdminPassword: secretNames.includes('starface.adminPassword'),
      starfaceUserPasswords: [...loginsWithPassword(secretNames)],
    })),
    'secrets.set': wrap('secrets.set', ({ name }: { name: string; value: string }) => {
      if (!secretNames.includes(name)) secretNames.push(name);
      return {};
    }),
    'secrets.delete': wrap('secrets.delete', ({ name }: { name: string }) => {
      const i = secretNames.indexOf(name);
      if (i >= 0) secretNames.splice(i, 1);
      return {};
    }),
    'secrets.importStarfaceCsv': wrap('secrets.importStarfaceCsv', ({ csv }: { csv: string }) => {
      const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
      return { imported: lines.length, errors: [] };
    }),
    'sync.start': wrap('sync.start', () => {
      sync = { ...sync, state: 'running', since: FIXED_TIME };
      api.emit({ type: 'state.sync', data: sync });
      return sync;
    }),
    'sync.stop': wrap('sync.stop', () => {
      sync = { ...sync, state: 'stopped', since: FIXED_TIME };
      return sync;
    }),
    'auth.status': wrap('auth.status', () => auth),
    'auth.signInInteractive': wrap('auth.signInInteractive', () => auth),
    'auth.deviceCode': wrap('auth.deviceCode', () => ({
      userCode: 'ABCD-EFGH', verificationUri: 'https://microsoft.com/devicelogin', expiresAt: FIXED_TIME,
    })),
    'auth.cancelSignIn': wrap('auth.cancelSignIn', () => auth),
    'auth.signOut': wrap('auth.signOut', () => ({ ...auth, state: 'signed-out' as const, account: undefined })),
    'auth.consentUrl': wrap('auth.consentUrl', () => ({ url: 'https://login.microsoftonline.com/common/adminconsent' })),
    'connections.test': wrap('connections.test', ({ target }: { target: 'microsoft' | 'starface' }) => {
      if (target === 'starface') throw new ControlError('not-configured', 'STARFACE URL is missing: enter it on the Connections page.');
      return { target, ok: true, checks: [{ id: 'token', code: 'ok', params: {}, label: 'Token', ok: true, message: 'Token acquired' }] };
    }),
    'roster.groups': wrap('roster.groups', () => ({ groups: ['Sales', 'Support'] })),
    'roster.get': wrap('roster.get', () => ({
      users: [
        { login: '0001', email: 'anna@contoso.example', status: 'matched' as const },
        { login: '0002', email: 'info@contoso.example', status: 'conflict' as const, reason: 'duplicate-email' as const },
      ],
      counts: { matched: 1, conflicts: 1 },
    })),
    'state.snapshot': wrap('state.snapshot', () => ({
      sync, auth,
      users: [{
        login: '0001', email: 'anna@contoso.example', teams: { availability: 'Busy', activity: 'InACall', outOfOffice: false },
        row: 'busy-in-a-call', pbx: { dnd: true, chatText: 'Im Anruf (MS Teams)', telephony: 'idle' as const },
        teamsSession: null, manualOverride: false, lastChange: FIXED_TIME, error: null,
      }],
      capabilities: {
        canSetDnd: true, canSetChatPresenceMessage: true, canSetChatPresence: false, canSetTelephonyState: false,
        reasons: { canSetChatPresence: 'Not available on this PBX version' },
      },
    })),
    'log.entries': wrap('log.entries', ({ limit }: { limit?: number }) => ({
      entries: [{ seq: 1, time: FIXED_TIME, level: 'info' as const, msg: 'started' }].slice(0, limit ?? 100),
    })),
    'log.export': wrap('log.export', () => ({ text: '{"seq":1}\n' })),
    // The setup assistant is tested against the real engine (setup-control.test.ts); this stand-in declines it.
    'setup.steps': wrap('setup.steps', () => notOffered('setup.steps')),
    'setup.check': wrap('setup.check', () => notOffered('setup.check')),
    'setup.trustCertificate': wrap('setup.trustCertificate', () => notOffered('setup.trustCertificate')),
    'setup.credentialExpiry': wrap('setup.credentialExpiry', () => notOffered('setup.credentialExpiry')),

    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    emit(event) { for (const l of [...listeners]) l(event); },
    emitRaw(event) { for (const l of [...listeners]) l(event as ControlEvent); },
    listenerCount: () => listeners.size,
    secretNames,
    failNext(method, error) { failures.set(method, error); },
    returnNext(method, value) { overrides.set(method, value); },
    calls,
  };
  return api;
}

function notOffered(method: string): never {
  throw new ControlError('not-implemented', `This stand-in does not offer ${method}.`);
}
