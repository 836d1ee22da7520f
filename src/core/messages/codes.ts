// The closed set of message codes besides the error codes (src/core/errors.ts), each with the names of the
// params its text uses. The tables (en.ts, de.ts) give every code a text in both UI languages; a unit test fails
// when one is missing or its placeholders differ from the params declared here. No imports: errors.ts builds
// MESSAGE_CODES from this file.

/** Why the sync is in its state (SyncStatus.reasonCode); detail, where set, is the counterpart's own words. */
export const STATUS_REASON_PARAMS = {
  'sync-stopped': [],
  'sync-stopped-restored': [],
  'sync-stopped-not-restored': ['left', 'total'],
  'sync-not-configured': ['fields'],
  'sessions-down': ['down', 'total'],
  'roster-load-failed': [],
  'roster-load-failed-stale': [],
} as const satisfies Record<string, readonly string[]>;

export type StatusReasonCode = keyof typeof STATUS_REASON_PARAMS;
export const STATUS_REASON_CODES = Object.keys(STATUS_REASON_PARAMS) as StatusReasonCode[];

/** Why the PBX cannot do something (PbxCapabilities.reasonCodes); detail: the PBX's fault, where it sent one. */
export const CAPABILITY_REASON_PARAMS = {
  'cap-no-user-state': [],
  'cap-dnd-write-rejected': [],
  'cap-chat-message-write-rejected': [],
  'cap-chat-presence-off': [],
  'cap-chat-presence-assumed-missing': [],
  'cap-chat-presence-missing': [],
  'cap-chat-presence-unknown': [],
  'cap-dnd-source-written': [],
  'cap-dnd-no-get-user-state': [],
  'cap-dnd-unknown': [],
  'cap-dnd-not-in-user-state': [],
  'cap-telephony-derived': [],
} as const satisfies Record<string, readonly string[]>;

export type CapabilityReasonCode = keyof typeof CAPABILITY_REASON_PARAMS;
export const CAPABILITY_REASON_CODES = Object.keys(CAPABILITY_REASON_PARAMS) as CapabilityReasonCode[];

/** The Microsoft sign-in and the app credential (AuthStatus.messageCodes); detail: Microsoft's own words. */
export const AUTH_MESSAGE_PARAMS = {
  'auth-not-configured': [],
  'auth-no-sign-in-needed': [],
  'auth-credential-missing': [],
  'secret-expiring': ['date', 'days'],
  'secret-expiring-1': ['date'],
  'secret-expired': ['date'],
  'certificate-expiring': ['date', 'days'],
  'certificate-expiring-1': ['date'],
  'certificate-expired': ['date'],
} as const satisfies Record<string, readonly string[]>;

export type AuthMessageCode = keyof typeof AUTH_MESSAGE_PARAMS;
export const AUTH_MESSAGE_CODES = Object.keys(AUTH_MESSAGE_PARAMS) as AuthMessageCode[];

/** Problems with the user selection (settings.get problemCodes, RosterResult.problemCodes). */
export const SELECTION_PROBLEM_PARAMS = {
  'roster-no-group': [],
  'roster-group-missing': ['group', 'groups'],
  'roster-extra-login-unknown': ['login'],
} as const satisfies Record<string, readonly string[]>;

export type SelectionProblemCode = keyof typeof SELECTION_PROBLEM_PARAMS;
export const SELECTION_PROBLEM_CODES = Object.keys(SELECTION_PROBLEM_PARAMS) as SelectionProblemCode[];

/**
 * Notes about loading the app's files (settings.get problemCodes; logged with the same code): a settings file,
 * vault or journal that could not be used. `detail`, `issues` and `reason` are the parser's or the schema's words;
 * `secrets` is a list of the secret-* codes below (secret-list.ts), rendered in the page's language.
 */
export const LOAD_NOTE_PARAMS = {
  'settings-file-moved-empty': ['file', 'backup'],
  'settings-file-moved-not-json': ['file', 'detail', 'backup'],
  'settings-file-moved-invalid': ['file', 'issues', 'backup'],
  'vault-lost': ['file', 'secrets'],
  'vault-lost-unlisted': ['file'],
  'vault-missing': ['file', 'secrets'],
  'secret-microsoft-client-secret': [],
  'secret-microsoft-certificate-key': [],
  'secret-starface-admin-password': ['login'],
  'secret-uci-passwords': [],
  'journal-moved-aside': ['file', 'backup'],
  'journal-entry-dropped': ['key', 'reason'],
} as const satisfies Record<string, readonly string[]>;

export type LoadNoteCode = keyof typeof LOAD_NOTE_PARAMS;
export const LOAD_NOTE_CODES = Object.keys(LOAD_NOTE_PARAMS) as LoadNoteCode[];

/**
 * What is wrong with a settings value (SettingsIssue.code: settings.validate/save/preview, the settings file, the
 * control contract's invalid params). The English `message` of an issue stays for logs, the CLI and files.
 */
export const SETTINGS_ISSUE_PARAMS = {
  // Types and limits, for any field (from the schema's zod issues)
  'settings-int': [],
  'settings-number': [],
  'settings-text': [],
  'settings-boolean': [],
  'settings-list': [],
  'settings-object': [],
  'settings-type': ['expected'],
  'settings-value': ['value'],
  'settings-one-of': ['values'],
  'settings-not-empty': [],
  'settings-min-chars': ['n'],
  'settings-max-chars': ['n'],
  'settings-min-entries': ['n'],
  'settings-max-entries': ['n'],
  'settings-min': ['n'],
  'settings-max': ['n'],
  'settings-greater': ['n'],
  'settings-less': ['n'],
  'settings-unknown-keys': ['keys'],
  /** A check without a code of its own (none in the product schema): zod's words as `reason`. */
  'settings-invalid': ['reason'],
  // Field formats (the schema's refinements)
  'settings-https-url': [],
  'settings-url': [],
  'settings-url-credentials': [],
  'settings-pbx-url-credentials': [],
  'settings-url-query': [],
  'settings-cloud-21vianet': [],
  'settings-cloud-germany': [],
  'settings-tenant': [],
  'settings-client-id': [],
  'settings-thumbprint': [],
  'settings-pbx-address': [],
  'settings-fingerprint': [],
  'settings-callback-host': [],
  'settings-pem': [],
  'settings-one-login-id': [],
  'settings-row-id': [],
  'settings-availability-any': [],
  'settings-control-character': ['char', 'position'],
  'settings-noncharacter': ['char', 'position'],
  'settings-unpaired-surrogate': ['char', 'position'],
  'settings-row-control-character': ['row', 'char', 'position'],
  'settings-row-noncharacter': ['row', 'char', 'position'],
  'settings-row-unpaired-surrogate': ['row', 'char', 'position'],
  // Across fields
  'settings-group-required': [],
  'settings-pin-needs-https': [],
  'settings-thumbprint-required': [],
  'settings-row-id-built-in': ['id'],
  'settings-row-id-taken': ['id', 'other'],
  'settings-row-pair-taken': ['availability', 'activity', 'other'],
  'settings-row-pair-built-in': ['availability', 'activity', 'row'],
  // What sync needs before it can start (missingForSync)
  'settings-tenant-not-set': [],
  'settings-client-id-not-set': [],
  'settings-pbx-not-set': [],
  'settings-admin-not-set': [],
  // The settings file and saving (the settings store)
  'settings-version-invalid': ['max'],
  'settings-version-newer': ['version', 'max'],
  'settings-version-no-migration': ['version', 'from'],
  'settings-migration-failed': ['version', 'reason'],
  'settings-left-out': [],
  'settings-secret-field': [],
} as const satisfies Record<string, readonly string[]>;

export type SettingsIssueCode = keyof typeof SETTINGS_ISSUE_PARAMS;
export const SETTINGS_ISSUE_CODES = Object.keys(SETTINGS_ISSUE_PARAMS) as [SettingsIssueCode, ...SettingsIssueCode[]];

/**
 * The engine's log lines at info, warn and error (issue 15 item 4): the Log page renders them in its language;
 * the entry's `msg` keeps the English sentence for the log file and the console. `error` and `reason` params are
 * the counterpart's own words (an exception text, an HTTP status) and are shown as they are.
 */
export const LOG_MESSAGE_PARAMS = {
  // The sync engine
  'log-sync-starting': ['ownershipMode', 'pollIntervalSeconds'],
  'log-sync-stopped': [],
  'log-sync-cycle-failed': ['error'],
  'log-poll-interval': ['seconds'],
  'log-journal-save-failed': ['error'],
  'log-roster-load-failed': ['error'],
  'log-roster-evaluated': ['matched', 'conflicts', 'added', 'removed'],
  'log-pbx-state-write-failed': ['error'],
  'log-pbx-state-restore-failed': ['error'],
  'log-event-listener-failed': ['error'],
  'log-sync-settings-incomplete': [],
  // Writing to the PBX and restoring it
  'log-pbx-write-failed': ['field', 'error'],
  'log-pbx-write-replanned': ['field'],
  'log-restore-starting': ['users'],
  'log-restore-timed-out': ['users', 'of'],
  'log-restore-incomplete': ['users', 'of'],
  'log-restore-done': ['users'],
  'log-restore-done-later': ['users'],
  'log-restore-write-failed': ['field', 'error'],
  'log-switch-teams-sessions-left': ['users'],
  'log-switch-pbx-changed': ['pbx', 'users'],
  'log-switch-pbx-back': ['users'],
  // Teams presence sessions
  'log-teams-set-failed': ['error'],
  'log-teams-clear-failed': ['error'],
  'log-teams-gave-up': ['error'],
  'log-teams-cleared-again': [],
  'log-teams-sessions-not-cleared': ['failures', 'sessionMinutes'],
  'log-teams-keep-alive-failed': ['error'],
  'log-presence-read-incomplete': ['failedUsers', 'error'],
  'log-presence-stamp-reset': [],
  // Microsoft sign-in
  'log-ms-saved-sign-in-unreadable': ['error'],
  'log-ms-signed-in': [],
  'log-ms-signed-out': [],
  'log-ms-renew-failed': ['error'],
  'log-ms-sign-in-retry': ['error'],
  'log-msal-error': ['error'],
  'log-auth-listener-failed': ['error'],
  // STARFACE
  'log-uci-login-failed': ['error'],
  'log-uci-relogin-failed': ['error'],
  'log-uci-logged-in': [],
  'log-uci-reestablished': [],
  'log-uci-session-lost': ['reason'],
  'log-uci-request-unwritable': ['method', 'error'],
  'log-uci-get-user-state-failed': ['error'],
  'log-uci-services': [],
  'log-uci-method-missing': ['method', 'error'],
  'log-uci-reset-by-pbx': [],
  'log-callback-listening': ['url'],
  'log-callback-server-error': ['error'],
  'log-callback-rejected': ['reason'],
  'log-call-reconciled': [],
  'log-rest-login': ['admin'],
  'log-rest-token-expired': [],
  'log-oauth-refresh-refused': [],
  // Settings, secrets and the service
  'log-settings-migrated': ['from', 'to'],
  'log-settings-unusable': [],
  'log-settings-incomplete': [],
  'log-connections-changed': [],
  'log-settings-file-unreadable': ['file', 'detail'],
  'log-settings-file-not-json': ['file', 'detail'],
  'log-settings-file-invalid': ['file', 'detail'],
  'log-settings-file-read-failed': ['error'],
  'log-connection-switch-restoring': [],
  'log-sync-off-restoring': [],
  'log-sign-in-url': ['url'],
  'log-sign-in-cancelled': [],
  'log-device-code-failed': ['error'],
  'log-secret-stored': ['entry'],
  'log-secret-deleted': ['entry'],
  'log-passwords-imported': ['imported', 'errors'],
  'log-passwords-hidden': ['count'],
  'log-directory-unreadable': ['error'],
  'log-graph-retry-network': [],
  'log-graph-retry-throttled': ['status'],
  'log-control-request-failed': ['error'],
  'log-control-server-error': ['error'],
  'log-control-listening': ['url'],
  'log-control-not-implemented': ['method'],
  'log-control-call-failed': ['method', 'error'],
  'log-control-result-unreadable': ['method'],
  'log-control-result-invalid': ['method'],
  'log-events-client-slow': [],
  'log-events-invalid-event': ['type'],
  'log-setup-check-failed': ['step', 'error'],
  'log-sync-start-failed': ['error'],
  'log-callback-certificate-created': ['fingerprint'],
  'log-callback-host-not-found': ['error'],
  'log-connection-close-failed': ['error'],
  'log-leftover-restoring': ['pbx', 'users'],
  'log-leftover-journal-unreadable': ['file', 'error'],
} as const satisfies Record<string, readonly string[]>;

export type LogMessageCode = keyof typeof LOG_MESSAGE_PARAMS;
export const LOG_MESSAGE_CODES = Object.keys(LOG_MESSAGE_PARAMS) as LogMessageCode[];
/** The params a log code's text uses, each required (null where the value is not known). */
export type LogMessageParams<C extends LogMessageCode> = { [K in (typeof LOG_MESSAGE_PARAMS)[C][number]]: string | number | boolean | null };

/** Params of every non-error code (error codes have none: their details go to `detail`). */
export const MESSAGE_PARAMS: Readonly<Record<string, readonly string[]>> = {
  ...STATUS_REASON_PARAMS,
  ...CAPABILITY_REASON_PARAMS,
  ...AUTH_MESSAGE_PARAMS,
  ...SELECTION_PROBLEM_PARAMS,
  ...SETTINGS_ISSUE_PARAMS,
  ...LOAD_NOTE_PARAMS,
  ...LOG_MESSAGE_PARAMS,
};
