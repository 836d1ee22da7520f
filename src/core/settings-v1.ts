// The version 1 settings layout and its upgrade to version 2. Run by the settings store's migration runner
// (src/platform/settings-store.ts) through `settingsMigrations` and `settingsVersionOf` in settings.ts.
import { BUILT_IN_ROW_IDS, type BuiltInRowId } from './status-rows.js';

/**
 * Version 1 layout (Presence Bridge 0.x): flat keys, poll interval in milliseconds, and two booleans instead of
 * a per-row table. v1 behaviour was "DND on while Busy (any Busy activity) if dndOnBusy, on while DoNotDisturb if
 * dndOnDoNotDisturb, otherwise off", always overwriting the phone (what v2 calls 'teams-leads').
 * No secrets were ever part of it.
 */
export interface SettingsV1 {
  version?: 1;
  tenantId?: string;
  clientId?: string;
  useCertificate?: boolean;
  certificateThumbprint?: string;
  starfaceUrl?: string;
  starfaceAdmin?: string;
  callbackHost?: string;
  callbackPort?: number;
  /** Milliseconds. */
  pollInterval?: number;
  dndOnBusy?: boolean;
  dndOnDoNotDisturb?: boolean;
  /** Write the (fixed German) chat texts. */
  chatStatus?: boolean;
  /** Reverse direction: a STARFACE call sets Teams to Busy/InACall. */
  callSetsTeamsBusy?: boolean;
  /** STARFACE group to sync; empty = all users. */
  group?: string;
  /** Comma- or semicolon-separated login IDs. */
  extraLogins?: string;
  language?: string;
  logLevel?: string;
  proxy?: string;
}

/** Every v1 key; none of them is a top-level key of v2, so their presence identifies a version-less v1 file. */
export const V1_KEYS: readonly (keyof SettingsV1)[] = [
  'tenantId', 'clientId', 'useCertificate', 'certificateThumbprint', 'starfaceUrl', 'starfaceAdmin', 'callbackHost',
  'callbackPort', 'pollInterval', 'dndOnBusy', 'dndOnDoNotDisturb', 'chatStatus', 'callSetsTeamsBusy', 'group',
  'extraLogins', 'language', 'logLevel', 'proxy',
];

const BUSY_FAMILY: readonly BuiltInRowId[] = ['busy', 'busy-in-call', 'busy-in-conference-call', 'busy-in-meeting', 'busy-oof'];
const DND_FAMILY: readonly BuiltInRowId[] = ['dnd', 'dnd-presenting', 'dnd-urgent-only'];
/** v1 cleared DND for PresenceUnknown too; Graph reports that during hiccups, so v2 keeps the safe default there. */
const KEEP_V2_DEFAULT: readonly BuiltInRowId[] = ['offline-unknown', 'unknown'];

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

export function migrateV1(raw: unknown): unknown {
  const v1 = (isRecord(raw) ? raw : {}) as Record<string, unknown>;
  const dndOnBusy = bool(v1['dndOnBusy']) ?? false;
  const dndOnDnd = bool(v1['dndOnDoNotDisturb']) ?? true;
  const rules: Record<string, { dnd: string }> = {};
  for (const id of BUILT_IN_ROW_IDS) {
    if (KEEP_V2_DEFAULT.includes(id)) continue;
    const on = BUSY_FAMILY.includes(id) ? dndOnBusy : DND_FAMILY.includes(id) ? dndOnDnd : false;
    rules[id] = { dnd: on ? 'on' : 'off' };
  }
  const pollMs = v1['pollInterval'];
  const group = str(v1['group'])?.trim();
  const levels: Record<string, string> = { trace: 'debug', verbose: 'debug', debug: 'debug', info: 'info', warning: 'warn', warn: 'warn', error: 'error' };
  const level = str(v1['logLevel']);
  const language = str(v1['language']);
  return {
    version: 2,
    microsoft: {
      tenantId: v1['tenantId'],
      clientId: v1['clientId'],
      credential: bool(v1['useCertificate']) ? 'certificate' : 'secret',
      certificateThumbprint: v1['certificateThumbprint'],
    },
    starface: {
      baseUrl: v1['starfaceUrl'],
      adminLogin: v1['starfaceAdmin'],
      callbackHost: v1['callbackHost'],
      callbackPort: v1['callbackPort'],
    },
    network: { proxyUrl: v1['proxy'] },
    users: group
      ? { selection: 'group', group, extraLoginIds: splitLogins(v1['extraLogins']) }
      : { selection: 'all', extraLoginIds: splitLogins(v1['extraLogins']) },
    rules,
    switches: {
      setDnd: true,
      setChatStatus: bool(v1['chatStatus']) ?? true,
      // v1 could not set the telephony state; keep it off so nothing new happens on upgrade.
      setTelephonyState: false,
      reverse: { enabled: bool(v1['callSetsTeamsBusy']) ?? false, teamsState: 'busy-inacall', ringingCounts: false },
    },
    sync: {
      pollIntervalSeconds: typeof pollMs === 'number' && Number.isFinite(pollMs) ? Math.min(300, Math.max(1, pollMs / 1000)) : undefined,
      ownershipMode: 'teams-leads',
    },
    ui: language === 'de' || language === 'en' ? { language } : {},
    log: level && levels[level.toLowerCase()] ? { level: levels[level.toLowerCase()] } : {},
  };
}

function splitLogins(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  return v
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
