// The engine's messages in the page's language. Coded ones (sync reasons, capability reasons, the sign-in's notes,
// the user selection's problems, error codes) are rendered from src/core/messages through t('msg.<code>'), the
// counterpart's own words only as the detail (tooltip). What is still uncoded keeps a stable shape the page
// recognises (check names by id, validation messages of the core schema, roster reason codes, notes of engines
// without codes); anything else is shown as it is.
import { NO_TOKEN_MESSAGE, UNAUTHORIZED, UNREACHABLE } from '../control/messages.js';
import { isMessageCode, type Message } from '../../../src/core/errors.js';
import type { AuthStatus, SyncStatus } from '../../../src/core/engine-state.js';
import type { PbxCapabilitiesView } from '../../../src/core/pbx-state.js';
import type { MessageKey, Translate } from './core.js';

export interface EngineText {
  /** What to show, in the page's language where the message was recognised. */
  text: string;
  /** The engine's original words when `text` is a translation (undefined: `text` is the original). */
  detail?: string;
}

function translated(text: string, original: string): EngineText {
  return text === original ? { text } : { text, detail: original };
}

// ---------------------------------------------------------------------------------------------------------------
// Settings fields the engine names by path (used in "not configured yet" notes)

const FIELD_LABEL: Readonly<Record<string, MessageKey>> = {
  'microsoft.tenantId': 'conn.ms.tenantId',
  'microsoft.clientId': 'conn.ms.clientId',
  'starface.baseUrl': 'conn.sf.baseUrl',
  'starface.adminLogin': 'conn.sf.adminLogin',
};

/** "microsoft.tenantId: not set: …; starface.baseUrl: not set: …" → the fields' labels, or null if unrecognised. */
function notSetFields(list: string, t: Translate): string | null {
  const items = list.split(/;\s*(?=[a-zA-Z]+\.[a-zA-Z]+: not set)/);
  const labels: string[] = [];
  for (const item of items) {
    const m = /^([a-zA-Z]+\.[a-zA-Z]+): not set\b/.exec(item.trim());
    const key = m ? FIELD_LABEL[m[1]!] : undefined;
    if (!key) return null;
    labels.push(t(key));
  }
  return labels.length > 0 ? labels.join(', ') : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Why the host is unreachable (the control client's own messages, written in English for logs and tests)

const HOST_ERRORS: Readonly<Record<string, MessageKey>> = {
  [UNREACHABLE]: 'host.error.unreachable',
  [UNAUTHORIZED]: 'host.error.unauthorized',
  [NO_TOKEN_MESSAGE]: 'host.error.noToken',
};

export function hostErrorText(message: string, t: Translate): EngineText {
  const key = HOST_ERRORS[message];
  return key ? translated(t(key), message) : { text: message };
}

// ---------------------------------------------------------------------------------------------------------------
// Coded messages (src/core/messages): rendered from the code in the page's language, the counterpart's own words
// (a PBX or Microsoft error) as the detail.

/** "microsoft.tenantId, starface.baseUrl" → the fields' labels. */
function fieldLabels(paths: string, t: Translate): string {
  return paths.split(/,\s*/).map((path) => (FIELD_LABEL[path] ? t(FIELD_LABEL[path]) : path)).join(', ');
}

/** A coded message in the page's language: settings paths as their field labels; unknown codes (a newer engine)
 * show the detail or the code. */
export function codedText(msg: Message, t: Translate): EngineText {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(msg.params ?? {})) {
    params[name] = name === 'fields' && typeof value === 'string'
      ? fieldLabels(value, t)
      : typeof value === 'boolean' ? String(value) : value;
  }
  const known = isMessageCode(msg.code);
  const text = known ? t(`msg.${msg.code}`, params) : (msg.detail ?? msg.code);
  return msg.detail && known ? { text, detail: msg.detail } : { text };
}

/**
 * A failed call in the page's language: the text of its code (the closed set), the engine's own message as the
 * detail. A code outside the set (an older engine) shows the message as it is.
 */
export function callErrorText(err: { code: string; message: string }, t: Translate): EngineText {
  if (!isMessageCode(err.code)) return { text: err.message };
  return { text: t(`msg.${err.code}`), detail: err.message };
}

/** The Microsoft sign-in's notes in the page's language (Microsoft's words only as the detail); an engine
 * without codes: its message as it is. */
export function authMessageText(auth: Pick<AuthStatus, 'message' | 'messageCodes'>, t: Translate): EngineText | null {
  if (auth.messageCodes?.length) {
    const parts = auth.messageCodes.map((m) => codedText(m, t));
    const details = parts.flatMap((p) => (p.detail ? [p.detail] : []));
    return { text: parts.map((p) => p.text).join(' '), ...(details.length ? { detail: details.join('\n') } : {}) };
  }
  return auth.message ? { text: auth.message } : null;
}

/** Why the sync is in its state: from the code; an engine without codes sends plain text, shown as it is. */
export function syncReasonText(sync: Pick<SyncStatus, 'reason' | 'reasonCode' | 'reasonParams' | 'reasonDetail'>, t: Translate): EngineText | null {
  if (sync.reasonCode) {
    return codedText({
      code: sync.reasonCode,
      ...(sync.reasonParams ? { params: sync.reasonParams } : {}),
      ...(sync.reasonDetail ? { detail: sync.reasonDetail } : {}),
    }, t);
  }
  return sync.reason ? { text: sync.reason } : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Notes from settings.get (problems): not-configured fields and the roster's selection problems

const NOT_CONFIGURED_NOTE = /^Not configured yet\s*[—:-]\s*(.+)$/s;

export function settingsProblemText(problem: string, t: Translate): EngineText {
  const missing = NOT_CONFIGURED_NOTE.exec(problem);
  const fields = missing ? notSetFields(missing[1]!, t) : null;
  if (fields) return translated(t('sync.reason.notConfigured', { items: fields }), problem);
  if (problem.startsWith('No STARFACE group is chosen for the user selection')) return translated(t('problem.noGroup'), problem);
  const group = /^The STARFACE group "(.*)" does not exist: choose one of the PBX's groups(?: \((.*)\))?\.$/s.exec(problem);
  if (group) return translated(t('problem.groupMissing', { group: group[1]!, groups: group[2] ?? '–' }), problem);
  const login = /^The extra login ID "(.*)" is not a STARFACE user\b/s.exec(problem);
  if (login) return translated(t('problem.extraLoginUnknown', { login: login[1]! }), problem);
  return { text: problem };
}

/**
 * All notes in the page's language: coded ones from their codes (the not-configured fields joined into one line,
 * listed where the first was); notes without a code (an older engine) by their known shapes, else as they are.
 */
export function settingsProblemTexts(problems: readonly string[], t: Translate, codes: Readonly<Record<string, Message>> = {}): EngineText[] {
  const fields: string[] = [];
  const originals: string[] = [];
  const out: (EngineText | 'missing')[] = [];
  for (const p of problems) {
    const coded = codes[p];
    const m = coded ? null : NOT_CONFIGURED_NOTE.exec(p);
    const f = coded?.code === 'sync-not-configured' ? fieldLabels(String(coded.params?.fields ?? ''), t) : m ? notSetFields(m[1]!, t) : null;
    if (f) {
      if (fields.length === 0) out.push('missing');
      fields.push(f);
      originals.push(p);
    } else {
      out.push(coded ? codedText(coded, t) : settingsProblemText(p, t));
    }
  }
  return out.map((e) => (e === 'missing' ? { text: t('sync.reason.notConfigured', { items: fields.join(', ') }), detail: originals.join('\n') } : e));
}

// ---------------------------------------------------------------------------------------------------------------
// PBX capabilities (PbxCapabilitiesView.reasons, by capability name)

const CAPABILITY_TEXT: Readonly<Record<string, MessageKey>> = {
  canSetDnd: 'cap.canSetDnd',
  canSetChatPresenceMessage: 'cap.canSetChatPresenceMessage',
  canSetChatPresence: 'cap.canSetChatPresence',
  canSetTelephonyState: 'cap.canSetTelephonyState',
};

/** Why the PBX cannot do something: from the engine's code; an engine without codes gets the page's text for the
 * capability, its words as the detail. */
export function capabilityReasonText(name: string, caps: Pick<PbxCapabilitiesView, 'reasons' | 'reasonCodes'>, t: Translate): EngineText {
  const coded = caps.reasonCodes?.[name as keyof PbxCapabilitiesView['reasons']];
  if (coded) return codedText(coded, t);
  const reason = caps.reasons[name as keyof PbxCapabilitiesView['reasons']];
  const key = CAPABILITY_TEXT[name];
  if (!key) return { text: reason || t('rules.notSupported') };
  return reason ? translated(t(key), reason) : { text: t(key) };
}

// ---------------------------------------------------------------------------------------------------------------
// Connection tests (CheckReport: labels by target and check id)

const CHECK_LABEL: Readonly<Record<string, Readonly<Record<string, MessageKey>>>> = {
  microsoft: {
    config: 'check.ms.config',
    credential: 'check.ms.credential',
    'app-token': 'check.ms.app-token',
    consent: 'check.ms.consent',
    directory: 'check.ms.directory',
    'presence-read': 'check.ms.presence-read',
  },
  starface: {
    config: 'check.sf.config',
    'admin-password': 'check.sf.admin-password',
    'rest-login': 'check.sf.rest-login',
    users: 'check.sf.users',
    group: 'check.sf.group',
    uci: 'check.sf.uci',
    callback: 'check.sf.callback',
  },
};

export function checkLabelText(target: string, check: { id: string; label: string }, t: Translate): EngineText {
  const key = CHECK_LABEL[target]?.[check.id];
  return key ? translated(t(key), check.label) : { text: check.label };
}

// ---------------------------------------------------------------------------------------------------------------
// Roster conflicts (RosterUser.reason codes)

const ROSTER_REASON: Readonly<Record<string, MessageKey>> = {
  'duplicate-email': 'users.reason.duplicate-email',
  'no-microsoft-account': 'users.reason.no-microsoft-account',
  'no-email': 'users.reason.no-email',
  'no-uci-password': 'users.reason.no-uci-password',
};

export function rosterReasonText(reason: string | undefined, t: Translate): string {
  const key = reason ? ROSTER_REASON[reason] : undefined;
  return key ? t(key) : t('users.reason.other', { reason: reason ?? '?' });
}

// ---------------------------------------------------------------------------------------------------------------
// Validation issues (settings.validate / settings.save): the core schema's fixed messages and templates

const FIXED_ISSUES: Readonly<Record<string, MessageKey>> = {
  'must not be empty': 'vs.notEmpty',
  'must be a whole number': 'vs.int',
  'must be a number': 'vs.number',
  'must be text': 'vs.text',
  'must be true or false': 'vs.boolean',
  'must be a list': 'vs.list',
  'must be an https:// URL': 'v.httpsUrl',
  'must be an https:// or http:// URL': 'v.url',
  'must not contain a query (?…)': 'vs.noQuery',
  'must be one login ID (no spaces, commas or semicolons)': 'vs.oneLoginId',
  'must be the directory (tenant) ID (a GUID) or a verified domain like contoso.onmicrosoft.com': 'v.tenant',
  'must be the application (client) ID, a GUID like 00000000-0000-0000-0000-000000000000': 'v.guid',
  'must be the certificate thumbprint: 40 (SHA-1) or 64 (SHA-256) hex digits': 'v.thumbprint',
  'must be the PBX address without /rest or /xml-rpc (e.g. https://pbx.example.com)': 'vs.pbxAddress',
  'must be a host name or IP address the PBX can reach (no http://, no path, no port — the port is callbackPort)': 'v.host',
  'must be a PEM certificate (-----BEGIN CERTIFICATE----- …)': 'v.pem',
  "required when users.selection is 'group': pick the STARFACE group to sync": 'v.group',
  "required when microsoft.credential is 'certificate': enter the thumbprint shown in the app registration": 'v.required',
};

const ISSUE_TEMPLATES: readonly [RegExp, MessageKey][] = [
  [/^must be at least (\d+) characters$/, 'vs.minChars'],
  [/^must be at most (\d+) characters$/, 'vs.maxChars'],
  [/^must have at least (\d+) entries$/, 'vs.minEntries'],
  [/^must have at most (\d+) entries$/, 'vs.maxEntries'],
  [/^must be at least (-?[\d.]+)$/, 'vs.min'],
  [/^must be at most (-?[\d.]+)$/, 'vs.max'],
  [/^must be greater than (-?[\d.]+)$/, 'vs.greater'],
  [/^must be less than (-?[\d.]+)$/, 'vs.less'],
];

export function issueText(message: string, t: Translate): EngineText {
  const fixed = FIXED_ISSUES[message];
  if (fixed) return translated(t(fixed), message);
  for (const [re, key] of ISSUE_TEMPLATES) {
    const m = re.exec(message);
    // A decimal limit (e.g. the 0.25 s poll interval) in the page's notation: "0,25" in German.
    if (m) return translated(t(key, { n: m[1]!.replace('.', t('vs.decimalSeparator')) }), message);
  }
  const oneOf = /^must be one of (.+)$/s.exec(message);
  if (oneOf) return translated(t('vs.oneOf', { values: oneOf[1]! }), message);
  return { text: message };
}
