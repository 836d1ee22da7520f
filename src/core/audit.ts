// The audit trail (issue 15 item 1): every change the bridge makes — a PBX write, a Teams session set or
// cleared, a settings save — is one info entry with a code and parameters: who (login, name, e-mail), what
// (old → new) and why (the Teams presence and status row, or the PBX call; for a save, which sections and from
// where). The UI renders the code in its language (renderer/src/i18n: `audit.<code>`); the English text here
// goes to the log file and the console.

export const AUDIT_CODES = [
  'audit.dnd',
  'audit.chatText',
  'audit.chatPresence',
  'audit.restored',
  'audit.teamsSessionSet',
  'audit.teamsSessionCleared',
  'audit.settingsSaved',
] as const;
export type AuditCode = (typeof AUDIT_CODES)[number];
export type AuditParams = Record<string, string | number | boolean | null>;

/** Who a change is about: the columns the Log page filters by (login, name, e-mail). */
export interface AuditWho {
  login: string;
  email?: string;
  displayName?: string;
}

/** Why a forward write happened: the Teams presence read and the status row it matched. */
export interface AuditWhy {
  teams: string | null;
  row: string | null;
}

/** Where a settings save came from. */
/** Where a save came from: the settings window, the command line, or the file changed outside the app. */
export type SaveOrigin = 'ui' | 'cli' | 'file';

/** Only what audit() needs of a logger (core does not know the platform's Logger). */
export interface AuditSink {
  info(msg: string, fields?: Record<string, unknown>): void;
}

const onOff = (v: unknown): string => (v === true ? 'on' : v === false ? 'off' : 'unknown');
const quoted = (v: unknown): string => (v === null || v === undefined ? '(unknown)' : `"${String(v)}"`);
const whoText = (p: AuditParams): string => `${p['name'] ? `${String(p['name'])} ` : ''}<${String(p['email'] ?? '')}> (login ${String(p['login'] ?? '')})`;
const becauseText = (p: AuditParams): string =>
  p['teams'] ? ` — Teams ${String(p['teams'])}, row ${String(p['row'] ?? '–')}` : p['reason'] ? ` — ${String(p['reason'])}` : '';

const SAVED_BY: Readonly<Record<SaveOrigin, string>> = {
  ui: 'from the settings window',
  cli: 'from the command line',
  file: 'in the settings file, outside the app (command line or an editor)',
};
const EN: Record<AuditCode, (p: AuditParams) => string> = {
  'audit.dnd': (p) => `DND ${onOff(p['old'])} → ${onOff(p['new'])} for ${whoText(p)}${becauseText(p)}`,
  'audit.chatText': (p) => `Chat status text ${quoted(p['old'])} → ${quoted(p['new'])} for ${whoText(p)}${becauseText(p)}`,
  'audit.chatPresence': (p) => `Chat presence ${String(p['old'] ?? 'unknown')} → ${String(p['new'])} for ${whoText(p)}${becauseText(p)}`,
  'audit.restored': (p) => `PBX values restored (${String(p['fields'])}) for ${whoText(p)}`,
  'audit.teamsSessionSet': (p) => `Teams presence set to ${String(p['availability'])}/${String(p['activity'])} for ${whoText(p)} — PBX call (${String(p['call'])})`,
  'audit.teamsSessionCleared': (p) => `Teams presence cleared for ${whoText(p)} — PBX call ended or sync stopped`,
  'audit.settingsSaved': (p) => `Settings saved (${String(p['sections']) || 'no changes'}) ${SAVED_BY[p['by'] as SaveOrigin] ?? SAVED_BY.ui}`,
};

export function auditText(code: AuditCode, params: AuditParams): string {
  return EN[code](params);
}

export function whoParams(u: AuditWho): AuditParams {
  return { login: u.login, name: u.displayName ?? null, email: u.email ?? null };
}

/** One audit entry, at info (the default level), with the user as the entry's user column. */
export function audit(log: AuditSink, code: AuditCode, params: AuditParams): void {
  const user = typeof params['login'] === 'string' ? { user: params['login'] } : {};
  log.info(auditText(code, params), { ...user, code, params });
}

/** The top-level settings sections a save changed, in the settings' own order. */
export function changedSections(prev: object, next: object): string[] {
  const a = prev as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => k !== 'version' && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** The entry for a settings save: which sections changed, and from where. */
export function auditSettingsSave(log: AuditSink, prev: object, next: object, by: SaveOrigin): void {
  audit(log, 'audit.settingsSaved', { sections: changedSections(prev, next).join(', '), by });
}
