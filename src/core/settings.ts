// The product settings: one zod schema, versioned, with migrations from older layouts. Every field has a default
// so `{}` parses to a complete settings object. Settings never hold a secret: passwords, client secrets,
// certificate keys and the MSAL cache live in the vault (see src/platform/vault.ts for the names).
import { z } from 'zod';
import { BridgeError } from './errors.js';
import {
  BUILT_IN_ROW_IDS,
  CHAT_PRESENCES,
  DND_ACTIONS,
  MAX_CHAT_TEXT_LENGTH,
  STATUS_ROWS,
  defaultRuleFor,
  isBuiltInRowId,
  type BuiltInRowId,
  type Rule,
} from './status-rows.js';

/** Version of the layout below. Bump it and append to `settingsMigrations` when the layout changes. */
export const SETTINGS_VERSION = 2;

// ---------------------------------------------------------------------------------------------------------------
// Field helpers (each carries the readable message shown to the admin)

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function stripTrailingSlashes(value: string): string {
  return value.replace(/\/+$/, '');
}

/** An URL with one of the given protocols; trailing slashes are removed so callers can append paths. */
function urlField(protocols: readonly ('http:' | 'https:')[], defaultValue: string, allowEmpty: boolean) {
  const what = protocols.length === 1 ? 'an https:// URL' : 'an https:// or http:// URL';
  return z
    .string()
    .trim()
    .refine((v) => {
      if (v === '') return allowEmpty;
      const url = parseUrl(v);
      return url !== undefined && (protocols as readonly string[]).includes(url.protocol) && url.hostname !== '';
    }, `must be ${what}`)
    .refine((v) => (parseUrl(v)?.search ?? '') === '', 'must not contain a query (?…)')
    .transform(stripTrailingSlashes)
    .default(defaultValue);
}

/** Optional URL: '' and missing both mean "not set". */
function optionalUrlField(protocols: readonly ('http:' | 'https:')[]) {
  const what = protocols.length === 1 ? 'an https:// URL' : 'an https:// or http:// URL';
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .refine((v) => {
        const url = parseUrl(v);
        return url !== undefined && (protocols as readonly string[]).includes(url.protocol) && url.hostname !== '';
      }, `must be ${what}`)
      .transform(stripTrailingSlashes)
      .optional(),
  );
}

function intField(min: number, max: number, defaultValue: number) {
  return z.number().int().min(min).max(max).default(defaultValue);
}

function enumField<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) {
  return z.enum(values).default(defaultValue as never);
}

const loginIdField = z.string().trim().min(1).max(64).refine((v) => !/[\s,;]/.test(v), 'must be one login ID (no spaces, commas or semicolons)');

// ---------------------------------------------------------------------------------------------------------------
// Rules

/** A rule whose missing fields fall back to the given row's defaults (so `{dnd:'on'}` keeps the row's chat text). */
function ruleSchema(defaults: Rule) {
  return z
    .object({
      dnd: z.enum(DND_ACTIONS as readonly ['on', 'off', 'unchanged']).default(defaults.dnd),
      chatText: z.string().trim().max(MAX_CHAT_TEXT_LENGTH).default(defaults.chatText),
      chatPresence: z.enum(CHAT_PRESENCES).optional(),
      showAsInCall: z.boolean().default(defaults.showAsInCall),
    })
    .prefault({});
}

export const RuleSchema = ruleSchema({ dnd: 'unchanged', chatText: '', showAsInCall: false });

const rulesShape = Object.fromEntries(BUILT_IN_ROW_IDS.map((id) => [id, ruleSchema(defaultRuleFor(id, 'de'))])) as Record<
  BuiltInRowId,
  ReturnType<typeof ruleSchema>
>;

/** Admin-added row for another (availability, activity) pair. activity '*' = any; 'OutOfOffice' = the OOF row. */
export const CustomRowSchema = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be 1–48 lower-case letters, digits or dashes (e.g. "focusing")'),
  label: z.string().trim().min(1).max(80),
  availability: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine((v) => v !== '*', 'must be one Teams availability value (e.g. "DoNotDisturb"), not "*"'),
  activity: z.string().trim().min(1).max(64).default('*'),
  rule: RuleSchema,
});
export type CustomRow = z.infer<typeof CustomRowSchema>;

// ---------------------------------------------------------------------------------------------------------------
// The schema

export const MicrosoftSettingsSchema = z
  .object({
    /** Directory (tenant) ID or verified domain; '' = not configured yet. */
    tenantId: z
      .string()
      .trim()
      .refine((v) => v === '' || GUID.test(v) || DOMAIN.test(v), 'must be the directory (tenant) ID (a GUID) or a verified domain like contoso.onmicrosoft.com')
      .default(''),
    /** Application (client) ID of the app registration in the customer's tenant; '' = not configured yet. */
    clientId: z
      .string()
      .trim()
      .refine((v) => v === '' || GUID.test(v), 'must be the application (client) ID, a GUID like 00000000-0000-0000-0000-000000000000')
      .default(''),
    authorityHost: urlField(['https:'], 'https://login.microsoftonline.com', false),
    graphBaseUrl: urlField(['https:'], 'https://graph.microsoft.com', false),
    /** Reading presence: app-only (no signed-in admin needed) or delegated (admin signs in, MFA in the browser). */
    presenceRead: enumField(['delegated', 'application'], 'application'),
    /** Credential of the confidential client used for writing presence and reading the directory. */
    credential: enumField(['secret', 'certificate'], 'secret'),
    /** SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint of the certificate; its private key lives in the vault. */
    certificateThumbprint: z.preprocess(
      (v) => (typeof v === 'string' ? (v.replace(/[\s:]/g, '').toUpperCase() || undefined) : v),
      z
        .string()
        .regex(/^([0-9A-F]{40}|[0-9A-F]{64})$/, 'must be the certificate thumbprint: 40 (SHA-1) or 64 (SHA-256) hex digits')
        .optional(),
    ),
    /** Loopback port for the interactive (delegated) sign-in redirect; unset = any free port. */
    redirectPort: z.number().int().min(1).max(65535).optional(),
  })
  .prefault({});

export const StarfaceSettingsSchema = z
  .object({
    /** PBX address, e.g. https://pbx.example.com; clients append /rest and /xml-rpc. '' = not configured yet. */
    baseUrl: urlField(['https:', 'http:'], '', true).refine(
      (v) => !/\/(rest|xml-rpc)$/i.test(v),
      'must be the PBX address without /rest or /xml-rpc (e.g. https://pbx.example.com)',
    ),
    /** Login ID of the STARFACE administrator used for the REST directory; the password lives in the vault. */
    adminLogin: z.string().trim().max(64).default(''),
    /** UCI protocol generation: method prefix ucp.v30.* (STARFACE 6.4+) or ucp.v22.*. */
    uciApi: enumField(['v30', 'v22'], 'v30'),
    /** Address the PBX uses to reach the bridge's callback server; '' = the local address facing the PBX. */
    callbackHost: z
      .string()
      .trim()
      .refine(
        (v) => v === '' || (/^[A-Za-z0-9.\-:[\]]+$/.test(v) && (v.match(/:/g) ?? []).length !== 1),
        'must be a host name or IP address the PBX can reach (no http://, no path, no port — the port is callbackPort)',
      )
      .default(''),
    /** Port of the callback server; 0 = pick a free one. */
    callbackPort: intField(0, 65535, 0),
    /** Seconds between UCI keepAlive calls per session (fractions allowed for tests). */
    keepAliveSeconds: z.number().positive().max(3600).default(60),
    /** How many UCI logins may run at once (start-up of many users must not flood the PBX). */
    maxConcurrentLogins: intField(1, 256, 16),
    /** Timeout of one REST or UCI request. */
    requestTimeoutMs: intField(100, 120_000, 10_000),
  })
  .prefault({});

export const NetworkSettingsSchema = z
  .object({
    /** Extra trusted CA certificates (PEM text), e.g. the PBX's self-signed CA or a TLS-inspection proxy's CA. */
    extraCaPem: z
      .array(z.string().trim().refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), 'must be a PEM certificate (-----BEGIN CERTIFICATE----- …)'))
      .default([]),
    proxyUrl: optionalUrlField(['http:', 'https:']),
    connectTimeoutMs: intField(100, 120_000, 10_000),
    readTimeoutMs: intField(100, 600_000, 30_000),
  })
  .prefault({});

export const UsersSettingsSchema = z
  .object({
    /** All STARFACE users, or the members of one group. */
    selection: enumField(['all', 'group'], 'all'),
    /** STARFACE group id or name (matched by id first, then by name); required when selection is 'group'. */
    group: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(128).optional()),
    /** Login IDs synced in addition to the selection (duplicates removed). */
    extraLoginIds: z
      .array(loginIdField)
      .default([])
      .transform((ids) => [...new Set(ids)]),
  })
  .prefault({});

export const ReverseSettingsSchema = z
  .object({
    /** Set the Teams presence while a STARFACE call is active. */
    enabled: z.boolean().default(true),
    /** Teams state during a call: Busy/InACall, or DoNotDisturb/Presenting. */
    teamsState: enumField(['busy-inacall', 'dnd-presenting'], 'busy-inacall'),
    /** Whether a ringing phone already counts as a call. Off: unanswered calls must not flash "busy" in Teams. */
    ringingCounts: z.boolean().default(false),
  })
  .prefault({});

export const SwitchesSchema = z
  .object({
    /** Set DND on STARFACE per the rules. */
    setDnd: z.boolean().default(true),
    /** Set the chat status (text and, where possible, presence) on STARFACE per the rules. */
    setChatStatus: z.boolean().default(true),
    /** Set the telephony state ("show as in call") on STARFACE where the PBX allows it. */
    setTelephonyState: z.boolean().default(true),
    reverse: ReverseSettingsSchema,
  })
  .prefault({});

export const OWNERSHIP_MODES = ['teams-leads', 'respect-manual'] as const;
export type OwnershipMode = (typeof OWNERSHIP_MODES)[number];

export const SyncSettingsSchema = z
  .object({
    /** Sync running (false = paused by the admin; the bridge restores what it changed when restoreOnStop). */
    enabled: z.boolean().default(true),
    /** Presence poll interval; the scheduler stretches it when the user count or a 429 requires it. */
    pollIntervalSeconds: z.number().min(1).max(300).default(2),
    /**
     * 'respect-manual' (default for new installs): a DND the user set on the phone is left alone until the user
     * clears it — the product's rule "never fight the user". 'teams-leads' overwrites it, like the established
     * module; installs migrated from version 1 keep that behaviour because they had it.
     */
    ownershipMode: enumField(OWNERSHIP_MODES, 'respect-manual'),
    /** On stop, deselect or quit: put back the DND and chat text the bridge replaced and clear its Teams sessions. */
    restoreOnStop: z.boolean().default(true),
    /**
     * PBX writes in flight at once (per-user order is kept regardless). Each write is one round trip on its own
     * user's session; with 8 the first apply for 2,000 users trailed the last login by ~5 s, with 32 by ~0.1 s
     * (npm run bench, 20 ms latency).
     */
    applyConcurrency: intField(1, 64, 32),
    /** Minutes between roster re-evaluations (users, groups, e-mail matching). */
    rosterRefreshMinutes: z.number().min(1).max(1440).default(10),
    /** Seconds between refreshes of the bridge's Teams presence session (expires after 5 min; refresh before). */
    teamsSessionRefreshSeconds: z.number().min(1).max(240).default(180),
  })
  .prefault({});

export const UiSettingsSchema = z.object({ language: enumField(['de', 'en'], 'de') }).prefault({});

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LogSettingsSchema = z.object({ level: enumField(LOG_LEVELS, 'info') }).prefault({});

const SettingsObject = z.object({
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  microsoft: MicrosoftSettingsSchema,
  starface: StarfaceSettingsSchema,
  network: NetworkSettingsSchema,
  users: UsersSettingsSchema,
  /** Rule per built-in status row; a missing row or field takes the row's default. */
  rules: z.object(rulesShape).prefault({}),
  /** Admin-added rows, matched before built-in rows of the same specificity. */
  customRows: z.array(CustomRowSchema).default([]),
  switches: SwitchesSchema,
  sync: SyncSettingsSchema,
  ui: UiSettingsSchema,
  log: LogSettingsSchema,
});

/** Same lower-cased comparison classify uses. */
const norm = (v: string): string => v.trim().toLowerCase();

export const SettingsSchema = SettingsObject.superRefine((s, ctx) => {
  if (s.users.selection === 'group' && !s.users.group) {
    ctx.addIssue({ code: 'custom', path: ['users', 'group'], message: "required when users.selection is 'group': pick the STARFACE group to sync" });
  }
  if (s.microsoft.credential === 'certificate' && !s.microsoft.certificateThumbprint) {
    ctx.addIssue({
      code: 'custom',
      path: ['microsoft', 'certificateThumbprint'],
      message: "required when microsoft.credential is 'certificate': enter the thumbprint shown in the app registration",
    });
  }
  const seen = new Map<string, number>();
  s.customRows.forEach((row, i) => {
    if (isBuiltInRowId(row.id)) {
      ctx.addIssue({ code: 'custom', path: ['customRows', i, 'id'], message: `"${row.id}" is a built-in row; choose another id` });
    }
    const first = seen.get(row.id);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['customRows', i, 'id'], message: `"${row.id}" is already used by customRows.${first}` });
    } else {
      seen.set(row.id, i);
    }
  });
  const pairs = new Map<string, number>();
  s.customRows.forEach((row, i) => {
    const key = `${norm(row.availability)}/${norm(row.activity)}`;
    const first = pairs.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['customRows', i, 'activity'],
        message: `${row.availability} / ${row.activity} is already matched by customRows.${first}; edit that row instead`,
      });
    } else {
      pairs.set(key, i);
    }
    const builtIn = builtInRowCovering(row.availability, row.activity);
    if (builtIn) {
      ctx.addIssue({
        code: 'custom',
        path: ['customRows', i, 'activity'],
        message: `${row.availability} / ${row.activity} is already the built-in row "${builtIn}"; edit that row's rule instead`,
      });
    }
  });
});

export type Settings = z.output<typeof SettingsSchema>;
/** What a settings file or the UI may hand in (every field optional). */
export type SettingsInput = z.input<typeof SettingsSchema>;
export type Rules = Settings['rules'];
export type SwitchSettings = Settings['switches'];
export type SyncSettings = Settings['sync'];

// The status-rows Rule type and the stored rule must stay the same shape.
const _ruleShapeCheck: Rule = {} as Settings['rules']['available'];
const _ruleShapeCheckBack: Settings['rules']['available'] = {} as Rule;
void _ruleShapeCheck;
void _ruleShapeCheckBack;

/** "availability/activity" (lower case; activity '*' = any, 'outofoffice' = OOF row) → built-in row id. */
const BUILT_IN_PAIRS: ReadonlyMap<string, string> = new Map(
  STATUS_ROWS.flatMap((row) => {
    const acts = row.match.kind === 'exact' ? row.match.activity : row.match.kind === 'oof' ? ['OutOfOffice'] : ['*'];
    return row.match.availability.flatMap((a) => acts.map((act) => [`${norm(a)}/${norm(act)}`, row.id] as const));
  }),
);

/** The built-in row a custom (availability, activity) pair would duplicate, if any. */
function builtInRowCovering(availability: string, activity: string): string | undefined {
  return BUILT_IN_PAIRS.get(`${norm(availability)}/${norm(activity)}`);
}

/** A complete settings object with every default (a fresh object each call). */
export function defaultSettings(): Settings {
  return SettingsSchema.parse({});
}

// ---------------------------------------------------------------------------------------------------------------
// Readable validation

export interface SettingsIssue {
  /** Dotted path of the field, e.g. "starface.baseUrl" ('' for the whole object). */
  path: string;
  /** What is wrong and what is expected, e.g. "must be an https:// or http:// URL". */
  message: string;
  /** `${path}: ${message}` — ready to show. */
  text: string;
}

export type SettingsValidation = { ok: true; settings: Settings; issues: [] } | { ok: false; issues: SettingsIssue[] };

function describeType(expected: string): string {
  switch (expected) {
    case 'int':
      return 'must be a whole number';
    case 'number':
      return 'must be a number';
    case 'string':
      return 'must be text';
    case 'boolean':
      return 'must be true or false';
    case 'array':
      return 'must be a list';
    case 'object':
      return 'must be an object';
    default:
      return `must be ${expected}`;
  }
}

/** Readable message (without the path) for one zod issue; also usable as SettingsStore's `describeIssue`. */
export function describeSettingsIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return describeType(issue.expected);
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} entries`;
      return issue.inclusive === false ? `must be greater than ${issue.minimum}` : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} entries`;
      return issue.inclusive === false ? `must be less than ${issue.maximum}` : `must be at most ${issue.maximum}`;
    case 'invalid_format':
      return issue.message;
    default:
      return issue.message;
  }
}

function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function toIssues(error: z.ZodError): SettingsIssue[] {
  return error.issues.map((i) => {
    const path = dottedPath(i.path);
    const message = describeSettingsIssue(i);
    return { path, message, text: path ? `${path}: ${message}` : message };
  });
}

/** Thrown by `parseSettings` / `migrateSettings` when settings are invalid; `issues` says what to fix. */
export class SettingsValidationError extends BridgeError {
  override readonly name = 'SettingsValidationError';
  readonly code = 'invalid';
  readonly issues: SettingsIssue[];
  constructor(issues: SettingsIssue[]) {
    super(`Invalid settings — fix these fields: ${issues.map((i) => i.text).join('; ')}`);
    this.issues = issues;
  }
}

/**
 * Validates raw settings (from a file or the UI) after migrating older layouts; never throws.
 * Unknown keys are dropped (settings from a newer minor layout or stray secrets are not kept).
 */
export function validateSettings(raw: unknown): SettingsValidation {
  let current: unknown;
  try {
    current = migrateRawSettings(raw);
  } catch (err) {
    if (err instanceof SettingsValidationError) return { ok: false, issues: err.issues };
    throw err;
  }
  const result = SettingsSchema.safeParse(current);
  if (result.success) return { ok: true, settings: result.data, issues: [] };
  return { ok: false, issues: toIssues(result.error) };
}

/** Like validateSettings, but returns the settings or throws a SettingsValidationError. */
export function parseSettings(raw: unknown): Settings {
  const v = validateSettings(raw);
  if (!v.ok) throw new SettingsValidationError(v.issues);
  return v.settings;
}

// ---------------------------------------------------------------------------------------------------------------
// Readiness: valid settings can still be incomplete (first run). These are what sync needs before it can start.

export function missingForSync(s: Settings): SettingsIssue[] {
  const out: SettingsIssue[] = [];
  const need = (path: string, ok: boolean, message: string): void => {
    if (!ok) out.push({ path, message, text: `${path}: ${message}` });
  };
  need('microsoft.tenantId', s.microsoft.tenantId !== '', 'not set: enter the directory (tenant) ID of your Microsoft 365 tenant');
  need('microsoft.clientId', s.microsoft.clientId !== '', 'not set: enter the application (client) ID of your app registration');
  need('starface.baseUrl', s.starface.baseUrl !== '', 'not set: enter the PBX address, e.g. https://pbx.example.com');
  need('starface.adminLogin', s.starface.adminLogin !== '', 'not set: enter the login ID of a STARFACE administrator');
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Migrations

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
const V1_KEYS: readonly (keyof SettingsV1)[] = [
  'tenantId', 'clientId', 'useCertificate', 'certificateThumbprint', 'starfaceUrl', 'starfaceAdmin', 'callbackHost',
  'callbackPort', 'pollInterval', 'dndOnBusy', 'dndOnDoNotDisturb', 'chatStatus', 'callSetsTeamsBusy', 'group',
  'extraLogins', 'language', 'logLevel', 'proxy',
];

const BUSY_FAMILY: readonly BuiltInRowId[] = ['busy', 'busy-in-call', 'busy-in-conference-call', 'busy-in-meeting', 'busy-oof'];
const DND_FAMILY: readonly BuiltInRowId[] = ['dnd', 'dnd-presenting', 'dnd-urgent-only'];
/** v1 cleared DND for PresenceUnknown too; Graph reports that during hiccups, so v2 keeps the safe default there. */
const KEEP_V2_DEFAULT: readonly BuiltInRowId[] = ['offline-unknown', 'unknown'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function migrateV1(raw: unknown): unknown {
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

export interface SettingsMigration {
  /** Version this step migrates from; it produces version from + 1. */
  from: number;
  migrate(raw: unknown): unknown;
}

/** Ordered migration steps, usable by the generic SettingsStore. */
export const settingsMigrations: readonly SettingsMigration[] = [{ from: 1, migrate: migrateV1 }];

/**
 * Version of a raw settings object: its `version` field; a version-less object with v1's flat keys is v1; any
 * other version-less object (e.g. `{}` or a hand-written minimal file) is the current layout.
 */
export function settingsVersionOf(raw: unknown): number {
  if (!isRecord(raw)) return SETTINGS_VERSION;
  const v = raw['version'];
  if (typeof v === 'number') return v;
  if (V1_KEYS.some((k) => k in raw)) return 1;
  return SETTINGS_VERSION;
}

/** Applies every migration from the raw object's version to SETTINGS_VERSION; returns the (unvalidated) raw object. */
export function migrateRawSettings(raw: unknown): unknown {
  let version = settingsVersionOf(raw);
  if (!Number.isInteger(version) || version < 1) {
    throw new SettingsValidationError([{ path: 'version', message: `must be a whole number from 1 to ${SETTINGS_VERSION}`, text: `version: must be a whole number from 1 to ${SETTINGS_VERSION}` }]);
  }
  if (version > SETTINGS_VERSION) {
    const message = `is ${version}: these settings were written by a newer Presence Bridge (this one reads up to ${SETTINGS_VERSION}); update the app`;
    throw new SettingsValidationError([{ path: 'version', message, text: `version: ${message}` }]);
  }
  let current = raw;
  while (version < SETTINGS_VERSION) {
    const step = settingsMigrations.find((m) => m.from === version);
    if (!step) throw new Error(`No settings migration from version ${version}; settingsMigrations is incomplete.`);
    current = step.migrate(current);
    version += 1;
  }
  return current;
}

/** Migrates raw settings of any known version and validates them; throws SettingsValidationError with readable issues. */
export function migrateSettings(raw: unknown): Settings {
  return parseSettings(raw);
}
