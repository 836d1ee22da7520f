// The product settings, for everyone outside core: the schema (settings-schema.ts), the readable issues
// (settings-issues.ts), validation, readiness and what the settings store needs to upgrade older layouts
// (settings-v1.ts). Migrations run in one place only: the settings store's runner (src/platform/settings-store.ts),
// when a file is loaded or a draft is validated or saved; validateSettings here checks the current layout.
import { SETTINGS_VERSION, SettingsSchema, type Settings } from './settings-schema.js';
import { SettingsValidationError, issuesFromZod, settingsIssue, type SettingsIssue, type SettingsMigration } from './settings-issues.js';
import { V1_KEYS, isRecord, migrateV1 } from './settings-v1.js';
import type { SettingsIssueCode } from './messages/codes.js';
import type { Message } from './errors.js';
import { renderMessage } from './messages/index.js';
import { secretListParam, type LostSecret } from './messages/secret-list.js';

export * from './settings-schema.js';
export * from './settings-issues.js';
export type { SettingsV1 } from './settings-v1.js';

export type SettingsValidation = { ok: true; settings: Settings; issues: [] } | { ok: false; issues: SettingsIssue[] };

/**
 * Validates settings in the current layout (from the UI or a test); never throws. Unknown keys are dropped
 * (settings from a newer minor layout or stray secrets are not kept).
 */
export function validateSettings(raw: unknown): SettingsValidation {
  const result = SettingsSchema.safeParse(raw);
  if (result.success) return { ok: true, settings: result.data, issues: [] };
  return { ok: false, issues: issuesFromZod(result.error) };
}

/** Like validateSettings, but returns the settings or throws a SettingsValidationError. */
export function parseSettings(raw: unknown): Settings {
  const v = validateSettings(raw);
  if (!v.ok) throw new SettingsValidationError(v.issues);
  return v.settings;
}

/** Readiness: valid settings can still be incomplete (first run). These are what sync needs before it can start. */
export function missingForSync(s: Settings): SettingsIssue[] {
  const out: SettingsIssue[] = [];
  const need = (path: string, ok: boolean, code: SettingsIssueCode, message: string): void => {
    if (!ok) out.push(settingsIssue(path, { code, message }));
  };
  need('microsoft.tenantId', s.microsoft.tenantId !== '', 'settings-tenant-not-set', 'not set: enter the directory (tenant) ID of your Microsoft 365 tenant');
  need('microsoft.clientId', s.microsoft.clientId !== '', 'settings-client-id-not-set', 'not set: enter the application (client) ID of your app registration');
  need('starface.baseUrl', s.starface.baseUrl !== '', 'settings-pbx-not-set', 'not set: enter the PBX address, e.g. https://pbx.example.com');
  need('starface.adminLogin', s.starface.adminLogin !== '', 'settings-admin-not-set', 'not set: enter the login ID of a STARFACE administrator');
  return out;
}

/** The secrets these settings rely on, as the admin re-enters them (where, in the settings window). */
/** The secrets the settings rely on (to enter again when the vault is lost), as secret-* codes. */
export function lostSecretsOf(s: Settings): LostSecret[] {
  const out: LostSecret[] = [];
  if (s.microsoft.tenantId && s.microsoft.clientId) {
    out.push({ code: s.microsoft.credential === 'certificate' ? 'secret-microsoft-certificate-key' : 'secret-microsoft-client-secret' });
  }
  if (s.starface.adminLogin) out.push({ code: 'secret-starface-admin-password', login: s.starface.adminLogin });
  if (s.starface.baseUrl) out.push({ code: 'secret-uci-passwords' });
  return out;
}

/** The same in plain English. */
export function secretsReferencedBy(s: Settings): string[] {
  return lostSecretsOf(s).map((x) => renderMessage('en', { code: x.code, ...(x.login !== undefined ? { params: { login: x.login } } : {}) }));
}

/**
 * What to tell the admin when the vault had to be created although a vault existed (its key was still in the
 * keychain) or the settings rely on stored secrets: the secrets are lost, and which ones to enter again.
 * Undefined when nothing was lost (first start).
 */
export function lostVaultNote(vault: { file: string; created: boolean; previousKeyFound: boolean }, s: Settings): Message | undefined {
  const what = lostSecretsOf(s);
  if (!vault.created || (!vault.previousKeyFound && what.length === 0)) return undefined;
  if (what.length === 0) return { code: 'vault-lost-unlisted', params: { file: vault.file } };
  return { code: vault.previousKeyFound ? 'vault-lost' : 'vault-missing', params: { file: vault.file, secrets: secretListParam(what) } };
}

/** lostVaultNote in plain English (logs, the CLI). */
export function lostVaultMessage(vault: { file: string; created: boolean; previousKeyFound: boolean }, s: Settings): string | undefined {
  const note = lostVaultNote(vault, s);
  return note && renderMessage('en', note);
}

/** Ordered upgrade steps for the settings store's migration runner. */
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
