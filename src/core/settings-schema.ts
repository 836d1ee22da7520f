// The settings layout: one zod schema. Every field has a default so `{}` parses to a complete settings object.
// Settings never hold a secret: passwords, client secrets, certificate keys and the MSAL cache live in the vault
// (see src/platform/vault.ts for the names). Older layouts are upgraded by settings-v1.ts; messages and the
// issue type are in settings-issues.ts; src/core/settings.ts is the entry point for everyone else.
import { z } from 'zod';
import { MICROSOFT_CLOUD_SETTINGS, unsupportedCloudHost, unsupportedCloudOf } from './microsoft-clouds.js';
import { normalizeFingerprint } from './certificate-fingerprint.js';
import { codePointLabel, describeUnsafeCharacter, findUnsafeCharacter } from './safe-text.js';
import { coded, describedIssue, type IssueDescription } from './settings-issues.js';
import {
  BUILT_IN_ROW_IDS,
  CHAT_PRESENCES,
  DND_ACTIONS,
  MAX_CHAT_TEXT_LENGTH,
  STATUS_ROWS,
  builtInRow,
  defaultRuleFor,
  isBuiltInRowId,
  type BuiltInRowId,
  type Rule,
} from './status-rows.js';

/** Version of the layout below. Bump it and append to `settingsMigrations` (settings.ts) when the layout changes. */
export const SETTINGS_VERSION = 2;

// ---------------------------------------------------------------------------------------------------------------
// Field helpers (each refinement carries its code for the UI and the English message for logs: coded())

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

const NO_CREDENTIALS = 'must not contain a user name or password';

/** "must be an https:// URL" or "must be an https:// or http:// URL". */
function urlMessage(protocols: readonly ('http:' | 'https:')[]) {
  return protocols.length === 1 ? coded('settings-https-url', 'must be an https:// URL') : coded('settings-url', 'must be an https:// or http:// URL');
}

/**
 * An URL with one of the given protocols; trailing slashes are removed so callers can append paths. It never
 * carries credentials (they would sit in the settings file in clear); `credentialsHint` says where they belong
 * (only the PBX address has one).
 */
function urlField(protocols: readonly ('http:' | 'https:')[], defaultValue: string, allowEmpty: boolean, credentialsHint?: string) {
  return z
    .string()
    .trim()
    .refine((v) => {
      if (v === '') return allowEmpty;
      const url = parseUrl(v);
      return url !== undefined && (protocols as readonly string[]).includes(url.protocol) && url.hostname !== '';
    }, urlMessage(protocols))
    .refine((v) => {
      const url = parseUrl(v);
      return url === undefined || (url.username === '' && url.password === '');
    }, credentialsHint ? coded('settings-pbx-url-credentials', `${NO_CREDENTIALS}: ${credentialsHint}`) : coded('settings-url-credentials', NO_CREDENTIALS))
    .refine((v) => (parseUrl(v)?.search ?? '') === '', coded('settings-url-query', 'must not contain a query (?…)'))
    .transform(stripTrailingSlashes)
    .default(defaultValue);
}

/** Optional URL: '' and missing both mean "not set". */
function optionalUrlField(protocols: readonly ('http:' | 'https:')[]) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .refine((v) => {
        const url = parseUrl(v);
        return url !== undefined && (protocols as readonly string[]).includes(url.protocol) && url.hostname !== '';
      }, urlMessage(protocols))
      .transform(stripTrailingSlashes)
      .optional(),
  );
}

/** 21Vianet has no presence API (and Microsoft Cloud Deutschland is closed): refused with the reason. */
function supportedCloud(url: string, ctx: z.RefinementCtx): void {
  const host = parseUrl(url)?.hostname;
  const cloud = host === undefined ? undefined : unsupportedCloudOf(host);
  if (cloud === undefined) return;
  ctx.addIssue({ code: 'custom', ...coded(`settings-cloud-${cloud}`, unsupportedCloudHost(host!)!) });
}

function intField(min: number, max: number, defaultValue: number) {
  // `+ 0` turns -0 into 0: JSON writes -0 as 0, so a stored -0 would not read back as itself.
  return z.number().int().min(min).max(max).transform((n) => n + 0).default(defaultValue);
}

function enumField<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) {
  return z.enum(values).default(defaultValue as never);
}

/**
 * Refuses what a counterpart cannot receive (control characters, unpaired surrogates: see core/safe-text.ts).
 * Use it on every text that reaches the PBX or Graph; `what` names the field where the path alone does not.
 */
function counterpartText(rowLabel?: string) {
  return (v: string, ctx: z.RefinementCtx): void => {
    const issue = unsafeTextIssue(v, rowLabel);
    if (issue) ctx.addIssue({ code: 'custom', ...coded(issue.code, issue.message, issue.params) });
  };
}

/** The first character of `v` a counterpart cannot receive, as an issue; `rowLabel` names the row whose chat text it is. */
function unsafeTextIssue(v: string, rowLabel?: string): IssueDescription | undefined {
  const bad = findUnsafeCharacter(v);
  if (!bad) return undefined;
  const problem = describeUnsafeCharacter(bad);
  const params = { char: codePointLabel(bad.codePoint), position: bad.position };
  const kind = bad.kind === 'control' ? 'control-character' : bad.kind === 'surrogate' ? 'unpaired-surrogate' : 'noncharacter';
  return rowLabel === undefined
    ? describedIssue(`settings-${kind}`, problem, params)
    : describedIssue(`settings-row-${kind}`, `the chat text of the row "${rowLabel}" ${problem} (texts are sent to STARFACE as they are)`, { row: rowLabel, ...params });
}

/** Text sent to the PBX (logins, group names): trimmed, no control characters. */
const pbxText = () => z.string().trim().superRefine(counterpartText());

const loginIdField = pbxText().min(1).max(64).refine((v) => !/[\s,;]/.test(v), coded('settings-one-login-id', 'must be one login ID (no spaces, commas or semicolons)'));

// ---------------------------------------------------------------------------------------------------------------
// Rules

/**
 * A rule whose missing fields fall back to the given row's defaults (so `{dnd:'on'}` keeps the row's chat text).
 * With a row label the chat text is checked here; a custom row checks it itself (its label is a sibling field).
 */
function ruleSchema(defaults: Rule, rowLabel?: string) {
  const chatText = z.string().trim().max(MAX_CHAT_TEXT_LENGTH);
  return z
    .object({
      dnd: z.enum(DND_ACTIONS as readonly ['on', 'off', 'unchanged']).default(defaults.dnd),
      chatText: (rowLabel === undefined ? chatText : chatText.superRefine(counterpartText(rowLabel))).default(defaults.chatText),
      chatPresence: z.enum(CHAT_PRESENCES).optional(),
      showAsInCall: z.boolean().default(defaults.showAsInCall),
    })
    .prefault({});
}

export const RuleSchema = ruleSchema({ dnd: 'unchanged', chatText: '', showAsInCall: false });

const rulesShape = Object.fromEntries(BUILT_IN_ROW_IDS.map((id) => [id, ruleSchema(defaultRuleFor(id, 'de'), builtInRow(id).label.en)])) as Record<
  BuiltInRowId,
  ReturnType<typeof ruleSchema>
>;

/** Admin-added row for another (availability, activity) pair. activity '*' = any; 'OutOfOffice' = the OOF row. */
export const CustomRowSchema = z
  .object({
    id: z
      .string()
      .trim()
      .refine((v) => /^[a-z0-9][a-z0-9-]{0,47}$/.test(v), coded('settings-row-id', 'must be 1–48 lower-case letters, digits or dashes (e.g. "focusing")')),
    label: pbxText().min(1).max(80),
    availability: pbxText()
      .min(1)
      .max(64)
      .refine((v) => v !== '*', coded('settings-availability-any', 'must be one Teams availability value (e.g. "DoNotDisturb"), not "*"')),
    activity: pbxText().min(1).max(64).default('*'),
    rule: RuleSchema,
  })
  .superRefine((row, ctx) => {
    // Named by its label (or id while the label is still empty), like the built-in rows.
    const issue = unsafeTextIssue(row.rule.chatText, row.label || row.id);
    if (issue) ctx.addIssue({ code: 'custom', path: ['rule', 'chatText'], ...coded(issue.code, issue.message, issue.params) });
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
      .refine((v) => v === '' || GUID.test(v) || DOMAIN.test(v), coded('settings-tenant', 'must be the directory (tenant) ID (a GUID) or a verified domain like contoso.onmicrosoft.com'))
      .default(''),
    /** Application (client) ID of the app registration in the customer's tenant; '' = not configured yet. */
    clientId: z
      .string()
      .trim()
      .refine((v) => v === '' || GUID.test(v), coded('settings-client-id', 'must be the application (client) ID, a GUID like 00000000-0000-0000-0000-000000000000'))
      .default(''),
    authorityHost: urlField(['https:'], 'https://login.microsoftonline.com', false).superRefine(supportedCloud),
    graphBaseUrl: urlField(['https:'], 'https://graph.microsoft.com', false).superRefine(supportedCloud),
    /** Which Microsoft cloud: 'auto' derives it from the Graph address (needed only when that is a stand-in). */
    cloud: enumField(MICROSOFT_CLOUD_SETTINGS, 'auto'),
    /** Reading presence: app-only (no signed-in admin needed) or delegated (admin signs in, MFA in the browser). */
    presenceRead: enumField(['delegated', 'application'], 'application'),
    /** Credential of the confidential client used for writing presence and reading the directory. */
    credential: enumField(['secret', 'certificate'], 'secret'),
    /** SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint of the certificate; its private key lives in the vault. */
    certificateThumbprint: z.preprocess(
      (v) => (typeof v === 'string' ? (v.replace(/[\s:]/g, '').toUpperCase() || undefined) : v),
      z
        .string()
        .refine((v) => /^([0-9A-F]{40}|[0-9A-F]{64})$/.test(v), coded('settings-thumbprint', 'must be the certificate thumbprint: 40 (SHA-1) or 64 (SHA-256) hex digits'))
        .optional(),
    ),
    /** Loopback port for the interactive (delegated) sign-in redirect; unset = any free port. */
    redirectPort: z.number().int().min(1).max(65535).optional(),
  })
  .prefault({});

export const StarfaceSettingsSchema = z
  .object({
    /** PBX address, e.g. https://pbx.example.com; clients append /rest and /xml-rpc. '' = not configured yet. */
    baseUrl: urlField(['https:', 'http:'], '', true,
      "enter only the PBX address (e.g. https://pbx.example.com); the administrator's login ID belongs in starface.adminLogin and the password in the secret vault (Connections → STARFACE → administrator password)",
    ).refine(
      (v) => !/\/(rest|xml-rpc)$/i.test(v),
      coded('settings-pbx-address', 'must be the PBX address without /rest or /xml-rpc (e.g. https://pbx.example.com)'),
    ),
    /**
     * SHA-256 fingerprint of the PBX certificate to accept exactly that certificate, whatever its name or issuer
     * (a self-signed certificate issued for another name); unset = the usual verification. Stored as AB:CD:….
     */
    certificateFingerprint: z.preprocess(
      (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : (normalizeFingerprint(v) ?? v)) : v),
      z
        .string()
        .refine((v) => /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(v), coded('settings-fingerprint', 'must be the SHA-256 fingerprint of the PBX certificate: 64 hex digits (as the setup assistant and the STARFACE administration show it, e.g. AB:CD:…)'))
        .optional(),
    ),
    /** Login ID of the STARFACE administrator used for the REST directory; the password lives in the vault. */
    adminLogin: pbxText().max(64).default(''),
    /** UCI protocol generation: method prefix ucp.v30.* (STARFACE 6.4+) or ucp.v22.*. */
    uciApi: enumField(['v30', 'v22'], 'v30'),
    /** Address the PBX uses to reach the bridge's callback server; '' = the local address facing the PBX. */
    callbackHost: z
      .string()
      .trim()
      .refine(
        (v) => v === '' || (/^[A-Za-z0-9.\-:[\]]+$/.test(v) && (v.match(/:/g) ?? []).length !== 1),
        coded('settings-callback-host', 'must be a host name or IP address the PBX can reach (no http://, no path, no port — the port is callbackPort)'),
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
    /** How UCI sessions prove who they are: the classic token, or OAuth (STARFACE 10+ with an external identity provider). */
    uciCredential: enumField(['token', 'oauth'], 'token'),
    /** Classic token: sha512 (6.4.2.19+), md5 (≤ 6.4.2.12), ad-base64 (Active Directory users: Base64(login*password)). */
    uciAuthAlgorithm: enumField(['sha512', 'md5', 'ad-base64'], 'sha512'),
    /** OAuth client for uciCredential "oauth"; its secret (if the PBX requires one) lives in the vault. */
    oauthClientId: z.string().trim().max(200).default('rest-client-headless'),
    oauthScope: z.string().trim().max(200).default('login'),
    /** Serve call events over HTTPS with a certificate the bridge generates and keeps (private key in the vault). */
    callbackTls: z.boolean().default(false),
    /** Check the de.vertico.starface.auth value the PBX appends to callback URLs: when present, required, off. */
    callbackAuth: enumField(['when-present', 'required', 'off'], 'when-present'),
  })
  .prefault({});

export const NetworkSettingsSchema = z
  .object({
    /** Extra trusted CA certificates (PEM text), e.g. the PBX's self-signed CA or a TLS-inspection proxy's CA. */
    extraCaPem: z
      .array(z.string().trim().refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), coded('settings-pem', 'must be a PEM certificate (-----BEGIN CERTIFICATE----- …)')))
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
    group: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), pbxText().max(128).optional()),
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
    /**
     * Presence poll interval (0.25 s to 300 s); the scheduler widens it when the presence budget share below
     * or a 429 from Microsoft requires it, and says why in the sync status.
     */
    pollIntervalSeconds: z.number().min(0.25).max(300).default(2),
    /**
     * The tenant's presence budget: requests per 30 s per app per tenant. The presence API pages say 1,500,
     * Microsoft's current service-limits page lists a higher figure; which one Graph enforces is not confirmed,
     * so the documented 1,500 is the default (issue 17; reference: graph-msal-electron.md §2.1).
     */
    presenceRequestsPer30Seconds: intField(100, 100_000, 1_500),
    /**
     * Ceiling for the bridge's share of that budget in percent — its reads, presence writes and session
     * refreshes together — so the tenant's other apps keep the rest. The poll interval widens to stay below it.
     */
    presenceBudgetSharePercent: z.number().min(1).max(100).default(25),
    /**
     * Cycles a changed Teams status must hold before the PBX follows it; 0 = off. With 1, a status that
     * flickers back within one cycle causes no PBX write, at the cost of one poll interval of latency.
     */
    debounceCycles: intField(0, 10, 0),
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
    ctx.addIssue({ code: 'custom', path: ['users', 'group'], ...coded('settings-group-required', "required when users.selection is 'group': pick the STARFACE group to sync") });
  }
  if (s.starface.certificateFingerprint && !s.starface.baseUrl.startsWith('https:')) {
    ctx.addIssue({ code: 'custom', path: ['starface', 'certificateFingerprint'], ...coded('settings-pin-needs-https', 'a pinned certificate needs an https:// PBX address') });
  }
  if (s.microsoft.credential === 'certificate' && !s.microsoft.certificateThumbprint) {
    ctx.addIssue({
      code: 'custom',
      path: ['microsoft', 'certificateThumbprint'],
      ...coded('settings-thumbprint-required', "required when microsoft.credential is 'certificate': enter the thumbprint shown in the app registration"),
    });
  }
  const seen = new Map<string, number>();
  s.customRows.forEach((row, i) => {
    if (isBuiltInRowId(row.id)) {
      ctx.addIssue({ code: 'custom', path: ['customRows', i, 'id'], ...coded('settings-row-id-built-in', `"${row.id}" is a built-in row; choose another id`, { id: row.id }) });
    }
    const first = seen.get(row.id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['customRows', i, 'id'],
        ...coded('settings-row-id-taken', `"${row.id}" is already used by customRows.${first}`, { id: row.id, other: `customRows.${first}` }),
      });
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
        ...coded('settings-row-pair-taken', `${row.availability} / ${row.activity} is already matched by customRows.${first}; edit that row instead`, {
          availability: row.availability, activity: row.activity, other: `customRows.${first}`,
        }),
      });
    } else {
      pairs.set(key, i);
    }
    const builtIn = builtInRowCovering(row.availability, row.activity);
    if (builtIn) {
      ctx.addIssue({
        code: 'custom',
        path: ['customRows', i, 'activity'],
        ...coded('settings-row-pair-built-in', `${row.availability} / ${row.activity} is already the built-in row "${builtIn}"; edit that row's rule instead`, {
          availability: row.availability, activity: row.activity, row: builtIn,
        }),
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
