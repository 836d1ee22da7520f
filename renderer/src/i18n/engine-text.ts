// The engine's messages in the page's language. Coded ones (sync reasons, capability reasons, the sign-in's notes,
// the user selection's problems, settings issues, error codes) are rendered from src/core/messages through
// t('msg.<code>'), the counterpart's own words only as the detail (tooltip). What is still uncoded keeps a stable
// shape the page recognises (check names by id, roster reason codes); anything else is shown as it is.
import { NO_TOKEN_MESSAGE, UNAUTHORIZED, UNREACHABLE } from '../control/messages.js';
import { isMessageCode, type Message } from '../../../src/core/errors.js';
import type { AuthStatus, SyncStatus } from '../../../src/core/engine-state.js';
import { secretListText } from '../../../src/core/messages/secret-list.js';
import type { PbxCapabilitiesView } from '../../../src/core/pbx-state.js';
import type { Issue } from '../api/types.js';
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

/**
 * A coded message in the page's language: settings paths as their field labels, a lost vault's secrets each in
 * the page's language, numbers in the page's notation
 * (a decimal limit such as the 0.25 s poll interval reads "0,25" in German); unknown codes (a newer engine) show
 * the detail or the code.
 */
export function codedText(msg: Message, t: Translate): EngineText {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(msg.params ?? {})) {
    params[name] = name === 'fields' && typeof value === 'string'
      ? fieldLabels(value, t)
      : name === 'secrets' && typeof value === 'string' ? secretListText(value, (m) => codedText(m, t).text)
      : typeof value === 'number' ? String(value).replace('.', t('common.decimalSeparator'))
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

/**
 * All notes in the page's language: coded ones from their codes (the not-configured fields joined into one line,
 * listed where the first was, each engine text in the tooltip); notes without a code (an older engine) as they
 * are.
 */
export function settingsProblemTexts(problems: readonly string[], t: Translate, codes: Readonly<Record<string, Message>> = {}): EngineText[] {
  const fields: string[] = [];
  const originals: string[] = [];
  const out: (EngineText | 'missing')[] = [];
  for (const p of problems) {
    const coded = codes[p];
    if (coded?.code === 'sync-not-configured') {
      if (fields.length === 0) out.push('missing');
      fields.push(fieldLabels(String(coded.params?.fields ?? ''), t));
      originals.push(p);
    } else {
      out.push(coded ? codedText(coded, t) : { text: p });
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
// Validation issues: the host's (settings.validate / settings.save, coded) and the browser's own (already in the
// page's language)

/** An issue the browser found itself (settings/checks.ts): its message is already in the page's language. */
export interface LocalIssue {
  path: string;
  message: string;
}

export function issueText(issue: Issue | LocalIssue, t: Translate): EngineText {
  return 'code' in issue ? codedText({ code: issue.code, ...(issue.params ? { params: issue.params } : {}) }, t) : { text: issue.message };
}
