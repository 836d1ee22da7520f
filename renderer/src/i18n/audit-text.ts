// Log entries in the page's language: audit entries (src/core/audit.ts) and the engine's coded log lines
// (src/core/messages: a message code and its params); entries without a code keep the engine's text.
import type { LogEntry } from '../api/types.js';
import { AUDIT_CODES, type AuditCode } from '../../../src/core/audit.js';
import { isMessageCode } from '../../../src/core/errors.js';
import { presenceName } from '../../../src/core/teams-names.js';
import type { MessageKey, Translate } from './core.js';
import { codedText } from './engine-text.js';

type Params = NonNullable<LogEntry['params']>;

function isAuditCode(code: string | undefined): code is AuditCode {
  return code !== undefined && (AUDIT_CODES as readonly string[]).includes(code);
}

function onOff(v: Params[string] | undefined, t: Translate): string {
  return v === true ? t('audit.on') : v === false ? t('audit.off') : t('audit.unknown');
}

const str = (v: Params[string] | undefined): string => (v === null || v === undefined ? '' : String(v));

/**
 * The entry's text in the page's language, or null for an entry without a (known) code. `rowName` gives a status
 * row's label in that language (app/rows.ts rowLabel).
 */
export function auditEntryText(e: LogEntry, t: Translate, rowName: (rowId: string) => string | null, lang?: 'de' | 'en'): string | null {
  if (!isAuditCode(e.code) || !e.params) return null;
  const p = { ...e.params };
  // Teams values in the words Teams shows in the page's language ("Bitte nicht stören", "Im Anruf").
  if (lang && typeof p['teams'] === 'string' && p['teams'].includes('/')) {
    const [availability = '', activity = ''] = p['teams'].split('/');
    p['teams'] = presenceName(availability, activity, lang);
  }
  if (typeof p['availability'] === 'string' && typeof p['activity'] === 'string') {
    p['presence'] = lang ? presenceName(p['availability'], p['activity'], lang) : `${p['availability']}/${p['activity']}`;
  }
  const who = t('audit.who', { name: str(p['name']) || str(p['login']), email: str(p['email']), login: str(p['login']) });
  const why = p['teams'] ? t('audit.why', { teams: str(p['teams']), row: (p['row'] ? rowName(str(p['row'])) : null) ?? '–' }) : '';
  const vars: Record<string, string> = { who, why };
  for (const [k, v] of Object.entries(p)) if (!(k in vars)) vars[k] = str(v);
  switch (e.code) {
    case 'audit.dnd':
      vars['old'] = onOff(p['old'], t);
      vars['new'] = onOff(p['new'], t);
      break;
    case 'audit.chatText':
    case 'audit.chatPresence':
      if (p['old'] === null || p['old'] === undefined) vars['old'] = t('audit.unknown');
      break;
    case 'audit.teamsSessionSet':
      if (p['call'] === 'idle' || p['call'] === 'ringing' || p['call'] === 'in-call') vars['call'] = t(`board.tel.${p['call']}`);
      break;
    case 'audit.settingsSaved':
      vars['sections'] = str(p['sections']) || t('audit.noSections');
      vars['by'] = t(p['by'] === 'cli' ? 'audit.by.cli' : p['by'] === 'file' ? 'audit.by.file' : 'audit.by.ui');
      break;
    default:
      break;
  }
  return t(e.code satisfies MessageKey, vars);
}

/** Whether the entry is an audit entry (its params say everything; it has no fields of its own). */
export function isAuditEntry(e: LogEntry): boolean {
  return isAuditCode(e.code);
}

/**
 * The entry's text in the page's language: an audit entry's, a coded engine line's (params as they are: the
 * counterpart's words stay in its language), or the engine's English text for an entry without a known code.
 */
export function logEntryText(e: LogEntry, t: Translate, rowName: (rowId: string) => string | null, lang?: 'de' | 'en'): string {
  const text = auditEntryText(e, t, rowName, lang) ?? (isMessageCode(e.code) ? codedLineText(e.code, e.params, t) : null);
  if (text === null) return e.msg;
  // A summary of repeated lines (platform/log-repeats.ts) keeps the code; its count is a field.
  const repeated = e.fields?.['repeated'];
  return typeof repeated === 'number' ? `${text}${t('log.repeated', { count: repeated })}` : text;
}

function codedLineText(code: Parameters<typeof codedText>[0]['code'], params: LogEntry['params'], t: Translate): string {
  const p: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params ?? {})) if (v !== null) p[k] = v;
  return codedText({ code, params: p }, t).text;
}

/** Text to search a log entry by: the user column plus who an audit entry names (e-mail, name, login). */
export function entryWho(e: LogEntry): string {
  const p = e.params ?? {};
  const f = e.fields ?? {};
  return [e.user, p['login'], p['email'], p['name'], f['email'], f['displayName']]
    .filter((v) => typeof v === 'string' && v !== '').join(' ').toLowerCase();
}
