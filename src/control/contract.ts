// The control contract: everything the UI can ask the engine and hear from it.
// Shared by the engine (server side), both hosts (HTTP+SSE, Electron IPC) and the renderer (browser), so it
// imports nothing but zod and src/core — no Node modules here.
import { z } from 'zod';
import { SettingsSchema, type Settings, type SettingsInput } from '../core/settings.js';

// ---------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------
/** Settings as the engine hands them out (complete, validated). */
export const ContractSettingsSchema = SettingsSchema;
export type ContractSettings = Settings;

/**
 * Settings as the UI hands them in for validate/save. Only "is an object" is checked here: the engine runs
 * validateSettings (with migrations) and answers { ok: false, issues } for bad fields, rather than dispatch
 * rejecting the whole request, so the UI can show the issues next to the fields.
 */
export const SettingsDraftSchema = z.custom<SettingsInput>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  { error: 'settings must be an object with the settings sections (microsoft, starface, rules, …).' },
);
export type SettingsDraft = SettingsInput;

// ---------------------------------------------------------------------------------------------------------
// Shared types
// ---------------------------------------------------------------------------------------------------------
/** ISO-8601 timestamp as produced by Date#toISOString (offsets accepted too). */
const IsoTime = z.iso.datetime({ offset: true });
const Count = z.number().int().nonnegative();

export const IssueSchema = z.object({ path: z.string(), message: z.string() });
export type Issue = z.output<typeof IssueSchema>;

/** Turns zod issues into contract Issues with dotted paths ('rules.3.dnd'); '' is the whole value. */
export function toIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map((p) => String(p)).join('.'), message: i.message }));
}

export const SyncStateSchema = z.enum(['stopped', 'starting', 'running', 'paused', 'signed-out', 'degraded', 'error']);
export type SyncState = z.output<typeof SyncStateSchema>;

/**
 * Why users are not restored yet: the PBX did not answer (HTTP 5xx, connection refused, timeout), its UCI login
 * failed, a write was refused, or Teams could not be reached to clear the bridge's presence session.
 */
export const RestoreReasonSchema = z.enum(['pbx-unreachable', 'pbx-write-failed', 'teams-unreachable']);
export type RestoreReason = z.output<typeof RestoreReasonSchema>;

/**
 * The outcome of the last restore (stop with restore, a start with sync off, a change of PBX or tenant), kept
 * current while users are left: they are restored as soon as their PBX answers again, at the latest at the
 * next start.
 */
export const RestoreStatusSchema = z.object({
  /** Users with something of the bridge's to put back when the restore began. */
  total: Count,
  restored: Count,
  notRestored: Count,
  /** Login IDs of the users not restored yet (the first 100). */
  logins: z.array(z.string()),
  /** Set while users are left. */
  reason: RestoreReasonSchema.optional(),
  /** The PBX address they are left on, when it is not the one configured now (after a change of PBX). */
  pbx: z.string().optional(),
  /** The same in plain English, e.g. "2 of 3 users not restored: PBX unreachable; …". */
  message: z.string(),
  at: IsoTime,
});
export type RestoreStatus = z.output<typeof RestoreStatusSchema>;

export const SyncStatusSchema = z.object({
  state: SyncStateSchema,
  reason: z.string().optional(),
  restore: RestoreStatusSchema.optional(),
  lastSuccessfulSync: IsoTime.optional(),
  since: IsoTime,
  counters: z.object({
    cycles: Count,
    presenceRequests: Count,
    pbxWrites: Count,
    teamsWrites: Count,
    errors: Count,
    /** PBX and Teams writes that failed (each one is logged at warn with user, field and cause). */
    failedWrites: Count.optional(),
  }),
});
export type SyncStatus = z.output<typeof SyncStatusSchema>;

export const AuthStateSchema = z.enum(['signed-out', 'signing-in', 'signed-in', 'needs-sign-in', 'not-configured']);
export type AuthState = z.output<typeof AuthStateSchema>;

export const AuthStatusSchema = z.object({
  state: AuthStateSchema,
  account: z.string().optional(),
  appCredential: z.enum(['ok', 'missing', 'invalid', 'expiring']),
  message: z.string().optional(),
  /** Present while a device-code sign-in is waiting for the admin. */
  deviceCode: z.object({ userCode: z.string(), verificationUri: z.string() }).optional(),
});
export type AuthStatus = z.output<typeof AuthStatusSchema>;

export const TelephonyStateSchema = z.enum(['idle', 'ringing', 'in-call']);
export type TelephonyState = z.output<typeof TelephonyStateSchema>;

export const UserLiveStateSchema = z.object({
  login: z.string(),
  email: z.string().optional(),
  displayName: z.string().optional(),
  microsoftId: z.string().optional(),
  /** Last Teams presence read; availability/activity are Graph's open strings. */
  teams: z.object({ availability: z.string(), activity: z.string(), outOfOffice: z.boolean() }).nullable(),
  /** Id of the status row the presence was classified into. */
  row: z.string().nullable(),
  pbx: z.object({
    dnd: z.boolean().nullable(),
    chatText: z.string().nullable(),
    telephony: TelephonyStateSchema,
  }),
  /** What the bridge itself set in Teams (reverse direction), if anything. */
  teamsSession: z.object({ availability: z.string(), activity: z.string() }).nullable(),
  manualOverride: z.boolean(),
  lastChange: IsoTime.nullable(),
  error: z.string().nullable(),
  /** Writes for this user (PBX and Teams) that failed since the sync started; each one is in the log. */
  failedWrites: Count.optional(),
});
export type UserLiveState = z.output<typeof UserLiveStateSchema>;

export const RosterConflictReasonSchema = z.enum(['duplicate-email', 'no-microsoft-account', 'no-email', 'no-uci-password']);
export type RosterConflictReason = z.output<typeof RosterConflictReasonSchema>;

export const RosterUserSchema = z.object({
  login: z.string(),
  email: z.string(),
  displayName: z.string().optional(),
  microsoftId: z.string().optional(),
  status: z.enum(['matched', 'conflict']),
  reason: RosterConflictReasonSchema.optional(),
  detail: z.string().optional(),
});
export type RosterUser = z.output<typeof RosterUserSchema>;

export const RosterSchema = z.object({
  users: z.array(RosterUserSchema),
  counts: z.object({ matched: Count, conflicts: Count }),
});
export type Roster = z.output<typeof RosterSchema>;

export const CheckTargetSchema = z.enum(['microsoft', 'starface']);
export type CheckTarget = z.output<typeof CheckTargetSchema>;

export const CheckReportSchema = z.object({
  target: CheckTargetSchema,
  ok: z.boolean(),
  checks: z.array(z.object({
    id: z.string(),
    label: z.string(),
    ok: z.boolean(),
    message: z.string(),
    fix: z.string().optional(),
  })),
});
export type CheckReport = z.output<typeof CheckReportSchema>;

export const PbxCapabilitiesViewSchema = z.object({
  canSetDnd: z.boolean(),
  canSetChatPresenceMessage: z.boolean(),
  canSetChatPresence: z.boolean(),
  canSetTelephonyState: z.boolean(),
  /** capability name (e.g. 'canSetTelephonyState') → why it is unavailable. */
  reasons: z.record(z.string(), z.string()),
});
export type PbxCapabilitiesView = z.output<typeof PbxCapabilitiesViewSchema>;

/** Mirrors LogEntry of src/platform/logger.ts. */
export const LogLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.output<typeof LogLevelSchema>;

export const LogEntrySchema = z.object({
  seq: Count,
  time: z.string(),
  level: LogLevelSchema,
  msg: z.string(),
  component: z.string().optional(),
  user: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type LogEntry = z.output<typeof LogEntrySchema>;

/** Secret names the UI may write. Per-user UCI passwords are `starface.user.<login>.password`. */
export const FIXED_SECRET_NAMES = ['microsoft.clientSecret', 'microsoft.certificateKey', 'starface.adminPassword'] as const;
export const SecretNameSchema = z.union([
  z.enum(FIXED_SECRET_NAMES),
  z.templateLiteral(['starface.user.', z.string().regex(/^[^\s]+$/), '.password']),
], { error: 'Unknown secret name: use microsoft.clientSecret, microsoft.certificateKey, starface.adminPassword or starface.user.<login>.password.' });
export type SecretName = z.output<typeof SecretNameSchema>;

// ---------------------------------------------------------------------------------------------------------
// Setup assistant (issue 9): steps as data, each with a check (src/setup/ implements them engine-side)
// ---------------------------------------------------------------------------------------------------------
/** Step ids in assistant order; the same list as SETUP_STEP_IDS in src/setup/types.ts (a test keeps them equal). */
export const SETUP_STEP_IDS = [
  'microsoft-app', 'microsoft-consent', 'starface-connection', 'starface-admin', 'users', 'uci-credentials', 'final-test',
] as const;
export const SetupStepIdSchema = z.enum(SETUP_STEP_IDS);
export type SetupStepId = z.output<typeof SetupStepIdSchema>;
const SetupLanguageSchema = z.enum(['de', 'en']);

export const SetupFieldSchema = z.object({
  id: z.string(),
  /** Where the value goes: a settings path (settings.save), a vault entry (secrets.set), the client secret's
   * expiry (setup.credentialExpiry), the UCI passwords (secrets.set / secrets.importStarfaceCsv), or a check option. */
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('setting'), path: z.string() }),
    z.object({ kind: z.literal('secret'), name: z.string() }),
    z.object({ kind: z.literal('credential-expiry') }),
    z.object({ kind: z.literal('uci-passwords') }),
    z.object({ kind: z.literal('check-option'), name: z.literal('testUser') }),
  ]),
  input: z.enum(['text', 'secret', 'choice', 'date', 'list', 'pem', 'number', 'passwords', 'user']),
  label: z.string(),
  help: z.string().optional(),
  required: z.boolean(),
  choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  /** Only relevant when the setting at `path` has one of these values. */
  showIf: z.object({ path: z.string(), equals: z.array(z.string()) }).optional(),
  advanced: z.boolean().optional(),
  placeholder: z.string().optional(),
});
export type SetupFieldView = z.output<typeof SetupFieldSchema>;

export const SetupStepViewSchema = z.object({
  id: SetupStepIdSchema,
  title: z.string(),
  summary: z.string(),
  instructions: z.array(z.string()),
  fields: z.array(SetupFieldSchema),
});
export type SetupStepView = z.output<typeof SetupStepViewSchema>;

export const ExpiryWarningSchema = z.object({
  kind: z.enum(['client-secret', 'certificate', 'sign-in']),
  severity: z.enum(['info', 'warning', 'error']),
  expiresAt: IsoTime.optional(),
  daysLeft: z.number().int().optional(),
  threshold: z.number().int().optional(),
  message: z.string(),
  fix: z.string().optional(),
});
export type ExpiryWarningView = z.output<typeof ExpiryWarningSchema>;

export const SetupCheckResultSchema = z.object({
  step: SetupStepIdSchema,
  ok: z.boolean(),
  status: z.enum(['ok', 'warn', 'fail']),
  message: z.string(),
  fix: z.string().optional(),
  details: z.array(z.string()),
  /** e.g. the admin-consent link. */
  link: z.object({ label: z.string(), url: z.string() }).optional(),
  /** An untrusted server certificate that, once trusted (setup.trustCertificate), makes the connection verify. */
  trustOffer: z.object({
    host: z.string(),
    certificate: z.object({
      subject: z.string(), issuer: z.string(), validFrom: IsoTime, validTo: IsoTime, fingerprint256: z.string(), selfSigned: z.boolean(), isCa: z.boolean(),
    }),
    pem: z.string(),
  }).optional(),
  /** Delegated reading: an admin sign-in is what is missing (auth.signInInteractive / auth.deviceCode). */
  needsSignIn: z.boolean().optional(),
  roster: RosterSchema.optional(),
  groups: z.array(z.string()).optional(),
  warnings: z.array(z.string()).optional(),
  checkedAt: IsoTime,
});
export type SetupCheckResult = z.output<typeof SetupCheckResultSchema>;

// ---------------------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------------------
const NoParams = z.strictObject({});
const NoResult = z.object({});
const SettingsOnly = z.object({ settings: ContractSettingsSchema });
const ValidationResult = z.object({ ok: z.boolean(), issues: z.array(IssueSchema) });

interface MethodSpec {
  params: z.ZodType;
  result: z.ZodType;
  /** Params carry secrets: never log them, never echo them, keep them out of error messages. */
  sensitive?: boolean;
}

export const METHODS = {
  'settings.get': {
    params: NoParams,
    result: z.object({ settings: ContractSettingsSchema, problems: z.array(z.string()) }),
  },
  'settings.validate': { params: z.strictObject({ settings: SettingsDraftSchema }), result: ValidationResult },
  /** Invalid settings → { ok: false, issues }, nothing written. */
  'settings.save': { params: z.strictObject({ settings: SettingsDraftSchema }), result: ValidationResult },
  'settings.reset': { params: z.strictObject({ section: z.enum(['rules']) }), result: SettingsOnly },

  'secrets.status': {
    params: NoParams,
    result: z.object({
      microsoftClientSecret: z.boolean(),
      microsoftCertificateKey: z.boolean(),
      starfaceAdminPassword: z.boolean(),
      starfaceUserPasswords: z.array(z.string()),
    }),
  },
  'secrets.set': {
    params: z.strictObject({
      name: SecretNameSchema,
      value: z.string()
        .min(1, { error: 'The secret is empty: enter a value, or use "delete" to remove it.' })
        .max(65_536, { error: 'The secret is longer than 64 KiB: check that you pasted the right value.' }),
    }),
    result: NoResult,
    sensitive: true,
  },
  'secrets.delete': { params: z.strictObject({ name: SecretNameSchema }), result: NoResult },
  'secrets.importStarfaceCsv': {
    params: z.strictObject({
      csv: z.string().max(5_000_000, { error: 'The CSV file is larger than 5 MB: split it into smaller files.' }),
    }),
    result: z.object({
      imported: Count,
      errors: z.array(z.object({ line: z.number().int().positive(), message: z.string() })),
    }),
    sensitive: true,
  },

  'sync.start': { params: NoParams, result: SyncStatusSchema },
  'sync.stop': { params: z.strictObject({ restore: z.boolean() }), result: SyncStatusSchema },

  'auth.status': { params: NoParams, result: AuthStatusSchema },
  'auth.signInInteractive': { params: NoParams, result: AuthStatusSchema },
  'auth.deviceCode': {
    params: NoParams,
    result: z.object({ userCode: z.string(), verificationUri: z.string(), expiresAt: IsoTime }),
  },
  'auth.signOut': { params: NoParams, result: AuthStatusSchema },
  'auth.consentUrl': { params: NoParams, result: z.object({ url: z.string() }) },

  'connections.test': { params: z.strictObject({ target: CheckTargetSchema }), result: CheckReportSchema },

  'roster.get': { params: NoParams, result: RosterSchema },

  'state.snapshot': {
    params: NoParams,
    result: z.object({
      sync: SyncStatusSchema,
      auth: AuthStatusSchema,
      users: z.array(UserLiveStateSchema),
      capabilities: PbxCapabilitiesViewSchema,
    }),
  },

  'log.entries': {
    params: z.strictObject({
      level: LogLevelSchema.optional(),
      user: z.string().optional(),
      sinceSeq: Count.optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    }),
    result: z.object({ entries: z.array(LogEntrySchema) }),
  },
  'log.export': { params: NoParams, result: z.object({ text: z.string() }) },

  /** The assistant's steps in one language, what is still missing for sync, and expiry/sign-in warnings. */
  'setup.steps': {
    params: z.strictObject({ language: SetupLanguageSchema.optional() }),
    result: z.object({
      steps: z.array(SetupStepViewSchema),
      /** Readable items still missing before sync can start (empty = setup complete). */
      missing: z.array(z.string()),
      expiry: z.array(ExpiryWarningSchema),
      /** The client secret's expiry date as entered (ISO), if any. */
      credentialExpiresAt: z.string().optional(),
    }),
  },
  /** Runs one step's check (it may take seconds: it talks to Entra, Graph and the PBX). */
  'setup.check': {
    params: z.strictObject({ step: SetupStepIdSchema, language: SetupLanguageSchema.optional(), testUser: z.string().max(64).optional() }),
    result: SetupCheckResultSchema,
  },
  /** Adds a certificate (PEM) to network.extraCaPem unless it is there already. */
  'setup.trustCertificate': {
    params: z.strictObject({ pem: z.string().min(1).max(100_000) }),
    result: z.object({ added: z.boolean() }),
  },
  /** The client secret's expiry date (YYYY-MM-DD); null removes it. */
  'setup.credentialExpiry': {
    params: z.strictObject({ expiresAt: z.string().max(40).nullable() }),
    result: z.object({ expiresAt: z.string().optional() }),
  },
} as const satisfies Record<string, MethodSpec>;

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
/** Params as the engine receives them (after validation and defaults). */
export type ParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
/** Params as a client may send them. */
export type ParamsInputOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
}

export function isSensitiveMethod(name: string): boolean {
  if (!isMethodName(name)) return false;
  const spec: MethodSpec = METHODS[name];
  return spec.sensitive === true;
}

// ---------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------
export const EVENTS = {
  'state.user': UserLiveStateSchema,
  'state.sync': SyncStatusSchema,
  'auth.changed': AuthStatusSchema,
  'roster.changed': RosterSchema,
  'log.entry': LogEntrySchema,
  'settings.changed': SettingsOnly,
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof EVENTS;
export type EventType = keyof Events;
export type EventDataOf<T extends EventType> = z.output<Events[T]>;
/** Discriminated union of every event: `{ type: 'state.user', data: UserLiveState } | …`. */
export type ControlEvent = { [T in EventType]: { type: T; data: EventDataOf<T> } }[EventType];

export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

export const ControlEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state.user'), data: EVENTS['state.user'] }),
  z.object({ type: z.literal('state.sync'), data: EVENTS['state.sync'] }),
  z.object({ type: z.literal('auth.changed'), data: EVENTS['auth.changed'] }),
  z.object({ type: z.literal('roster.changed'), data: EVENTS['roster.changed'] }),
  z.object({ type: z.literal('log.entry'), data: EVENTS['log.entry'] }),
  z.object({ type: z.literal('settings.changed'), data: EVENTS['settings.changed'] }),
]);

// ---------------------------------------------------------------------------------------------------------
// Envelopes (transport-independent)
// ---------------------------------------------------------------------------------------------------------
export const ControlRequestSchema = z.object({ method: z.string(), params: z.unknown() });
export interface ControlRequest { method: string; params?: unknown }

/** Error codes produced by dispatch itself; the engine may use its own (see ControlError). */
export const ERROR_CODES = {
  invalidRequest: 'invalid-request',
  unknownMethod: 'unknown-method',
  invalidParams: 'invalid-params',
  invalidResult: 'invalid-result',
  notImplemented: 'not-implemented',
  internal: 'internal',
} as const;

export const ControlErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(IssueSchema).optional(),
});
export type ControlErrorBody = z.output<typeof ControlErrorBodySchema>;

export const ControlReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ControlErrorBodySchema }),
]);
export type ControlReply<R = unknown> = { ok: true; result: R } | { ok: false; error: ControlErrorBody };

/**
 * Throw this from a ControlApi method to give the UI a specific code and a readable message that says what
 * to do (e.g. code 'not-configured'). Messages must never contain a secret; dispatch scrubs them anyway.
 */
export class ControlError extends Error {
  readonly code: string;
  readonly issues?: Issue[];
  constructor(code: string, message: string, issues?: Issue[]) {
    super(message);
    this.name = 'ControlError';
    this.code = code;
    if (issues) this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Server side
// ---------------------------------------------------------------------------------------------------------
/**
 * Methods added after the first contract: an engine may leave them out (dispatch then answers with an error),
 * so older engines and test stand-ins keep compiling.
 */
export const OPTIONAL_METHODS = ['setup.steps', 'setup.check', 'setup.trustCertificate', 'setup.credentialExpiry'] as const;
export type OptionalMethodName = (typeof OPTIONAL_METHODS)[number];
export type ControlMethods =
  & { [M in Exclude<MethodName, OptionalMethodName>]: (params: ParamsOf<M>) => Promise<ResultOf<M>> }
  & { [M in OptionalMethodName]?: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

/** Implemented by the engine adapter (src/control/service.ts); hosted by dispatch over HTTP or IPC. */
export interface ControlApi extends ControlMethods {
  subscribe(listener: (event: ControlEvent) => void): () => void;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP host paths (headless mode). The page is opened as http://127.0.0.1:PORT/#token=<token>.
// ---------------------------------------------------------------------------------------------------------
export const HTTP_API_PREFIX = '/api/';
export const HTTP_EVENTS_PATH = '/api/events';
export const TOKEN_HASH_PARAM = 'token';
