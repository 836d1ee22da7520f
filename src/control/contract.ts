// The control contract: everything the UI can ask the engine and hear from it.
// Shared by the engine (server side), both hosts (HTTP+SSE, Electron IPC) and the renderer (browser), so it
// imports nothing but zod and src/core — no Node modules here.
import { z } from 'zod';
import { CheckReportSchema, CheckTargetSchema } from '../core/check-report.js';
import type { BridgeEvent } from '../core/engine-events.js';
import { BridgeError, type ErrorCode } from '../core/errors.js';
import { AuthStatusSchema, SyncStatusSchema, UserLiveStateSchema } from '../core/engine-state.js';
import { SETTINGS_ISSUE_CODES } from '../core/messages/codes.js';
import { MessageParamsSchema, MessageSchema } from '../core/messages/schema.js';
import { LogEntrySchema, LogLevelSchema } from '../core/log-entry.js';
import { PbxCapabilitiesViewSchema } from '../core/pbx-state.js';
import { RosterSchema } from '../core/roster.js';
import { SaveEffectSchema } from '../core/save-preview.js';
import { Count, IsoTime } from '../core/schema-primitives.js';
import { SettingsSchema, issuesFromZod, toIssue, type CodedIssue, type Settings, type SettingsInput } from '../core/settings.js';

// ---------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------
/** Settings as the engine hands them out (complete, validated). */
export const ContractSettingsSchema = SettingsSchema;
export type ContractSettings = Settings;

/**
 * Settings as the UI hands them in for validate/save. Only "is an object" is checked here: the engine runs
 * the settings store's validation (older layouts upgraded) and answers { ok: false, issues } for bad fields, rather than dispatch
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
export {
  AuthStateSchema, AuthStatusSchema, RestoreReasonSchema, RestoreStatusSchema, SyncStateSchema, SyncStatusSchema, UserLiveStateSchema,
  type AuthState, type AuthStatus, type RestoreReason, type RestoreStatus, type SyncState, type SyncStatus, type UserLiveState,
} from '../core/engine-state.js';
export {
  CapabilityNameSchema, PbxCapabilitiesSchema, PbxCapabilitiesViewSchema, TelephonyStateSchema,
  type CapabilityName, type PbxCapabilities, type PbxCapabilitiesView, type TelephonyState,
} from '../core/pbx-state.js';
export {
  RosterConflictReasonSchema, RosterSchema, RosterUserSchema, type Roster, type RosterConflictReason, type RosterUser,
} from '../core/roster.js';
export { CheckReportSchema, CheckTargetSchema, type CheckReport, type CheckTarget } from '../core/check-report.js';
export { LogEntrySchema, LogLevelSchema, type LogEntry, type LogLevel } from '../core/log-entry.js';

/**
 * What is wrong with one value: its dotted path ('rules.3.dnd'; '' is the whole value), the code from the closed
 * set (SETTINGS_ISSUE_CODES) with its params, which the UI renders in its language, and the English message.
 */
export const IssueSchema = z.object({
  path: z.string(),
  code: z.enum(SETTINGS_ISSUE_CODES),
  params: MessageParamsSchema.optional(),
  message: z.string(),
});
export type Issue = z.output<typeof IssueSchema>;
// The engine builds them as core's CodedIssue: the two must stay the same shape.
const _issueShape: CodedIssue = {} as Issue;
const _issueShapeBack: Issue = {} as CodedIssue;
void _issueShape;
void _issueShapeBack;

/** Turns zod issues (invalid params, a settings draft) into contract Issues, with their codes. */
export function toIssues(error: z.ZodError): Issue[] {
  return issuesFromZod(error).map(toIssue);
}

/** Secret names the UI may write. Per-user UCI passwords are `starface.user.<login>.password`. */
export const FIXED_SECRET_NAMES = ['microsoft.clientSecret', 'microsoft.certificateKey', 'starface.adminPassword', 'starface.oauthClientSecret'] as const;
export const SecretNameSchema = z.union([
  z.enum(FIXED_SECRET_NAMES),
  z.templateLiteral(['starface.user.', z.string().regex(/^[^\s]+$/), '.password']),
], { error: 'Unknown secret name: use microsoft.clientSecret, microsoft.certificateKey, starface.adminPassword, starface.oauthClientSecret or starface.user.<login>.password.' });
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
    /** 'pin': trust it by pinning its fingerprint (setup.trustCertificate with pin: true); default 'ca'. */
    kind: z.enum(['ca', 'pin']).optional(),
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
    /** problemCodes: one entry per problem, its code (rendered in the page's language) or null (plain text). */
    result: z.object({ settings: ContractSettingsSchema, problems: z.array(z.string()), problemCodes: z.array(MessageSchema.nullable()).optional() }),
  },
  'settings.validate': { params: z.strictObject({ settings: SettingsDraftSchema }), result: ValidationResult },
  /**
   * Replaces all settings with the complete object given (as settings.get returns it, with changes). Invalid
   * settings, or an object leaving out a value that currently differs from its default → { ok: false, issues },
   * nothing written.
   */
  'settings.save': { params: z.strictObject({ settings: SettingsDraftSchema }), result: ValidationResult },
  'settings.reset': { params: z.strictObject({ section: z.enum(['rules']) }), result: SettingsOnly },
  /**
   * What saving these settings would do, without saving (issue 15 item 2): validation issues, and the effects the
   * admin confirms first — the sync stops, or the number of synced users changes (0: the selection finds nobody).
   */
  'settings.preview': {
    params: z.strictObject({ settings: SettingsDraftSchema }),
    result: ValidationResult.extend({
      effects: z.array(SaveEffectSchema),
      usersNow: Count,
      usersAfter: Count.nullable(),
    }),
  },

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
  /** Cancels a waiting browser or device-code sign-in; answers once it has ended. */
  'auth.cancelSignIn': { params: NoParams, result: AuthStatusSchema },
  'auth.signOut': { params: NoParams, result: AuthStatusSchema },
  'auth.consentUrl': { params: NoParams, result: z.object({ url: z.string() }) },

  /** lang: the texts' language (the page's); default the settings' UI language. Codes and params are the same. */
  'connections.test': { params: z.strictObject({ target: CheckTargetSchema, lang: z.enum(['de', 'en']).optional() }), result: CheckReportSchema },

  'roster.get': { params: NoParams, result: RosterSchema },
  /** The PBX's group names, for the Users page's group picker (not-configured without a STARFACE connection). */
  'roster.groups': { params: NoParams, result: z.object({ groups: z.array(z.string().max(500)).max(100_000) }) },

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
  /** Adds a certificate (PEM) to network.extraCaPem unless it is there already; pin: pins the PBX to it instead. */
  'setup.trustCertificate': {
    params: z.strictObject({ pem: z.string().min(1).max(100_000), pin: z.boolean().optional() }),
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
export {
  EVENTS, EVENT_TYPES, BridgeEventSchema as ControlEventSchema,
  type Events, type EventType, type EventDataOf, type BridgeEvent as ControlEvent,
} from '../core/engine-events.js';

// ---------------------------------------------------------------------------------------------------------
// Envelopes (transport-independent)
// ---------------------------------------------------------------------------------------------------------
export const ControlRequestSchema = z.object({ method: z.string(), params: z.unknown() });
export interface ControlRequest { method: string; params?: unknown }

/** Error codes produced by dispatch itself; the engine's are the rest of ERROR_CODE_LIST (src/core/errors.ts). */
export const ERROR_CODES = {
  invalidRequest: 'invalid-request',
  unknownMethod: 'unknown-method',
  invalidParams: 'invalid-params',
  invalidResult: 'invalid-result',
  notImplemented: 'not-implemented',
  internal: 'internal',
} as const satisfies Record<string, ErrorCode>;
export {
  ERROR_CODES as ERROR_CODE_LIST, MESSAGE_CODES, isErrorCode, type ErrorCode, type Message, type MessageCode, type MessageParams,
} from '../core/errors.js';

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
export class ControlError extends BridgeError {
  override readonly name = 'ControlError';
  readonly code: ErrorCode;
  readonly issues?: Issue[];
  constructor(code: ErrorCode, message: string, issues?: Issue[]) {
    super(message);
    this.code = code;
    if (issues) this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Server side
// ---------------------------------------------------------------------------------------------------------
/** Every method, required: the engine and the UI ship together, so there is no older engine to allow for. */
export type ControlMethods = { [M in MethodName]: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

/** Implemented by the engine adapter (src/control/service.ts); hosted by dispatch over HTTP or IPC. */
export interface ControlApi extends ControlMethods {
  subscribe(listener: (event: BridgeEvent) => void): () => void;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP host paths (headless mode). The page is opened as http://127.0.0.1:PORT/#token=<token>.
// ---------------------------------------------------------------------------------------------------------
export const HTTP_API_PREFIX = '/api/';
export const HTTP_EVENTS_PATH = '/api/events';
export const TOKEN_HASH_PARAM = 'token';
