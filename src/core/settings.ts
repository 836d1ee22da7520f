// The product settings, for everyone outside core: the schema (settings-schema.ts), the readable issues
// (settings-issues.ts), validation, readiness and what the settings store needs to upgrade older layouts
// (settings-v1.ts). Migrations run in one place only: the settings store's runner (src/platform/settings-store.ts),
// when a file is loaded or a draft is validated or saved; validateSettings here checks the current layout.
import { SETTINGS_VERSION, SettingsSchema, type Settings } from './settings-schema.js';
import { SettingsValidationError, issuesFromZod, settingsIssue, type SettingsIssue, type SettingsMigration } from './settings-issues.js';
import { V1_KEYS, isRecord, migrateV1 } from './settings-v1.js';
import type { SettingsIssueCode } from './messages/codes.js';

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
export function secretsReferencedBy(s: Settings): string[] {
  const out: string[] = [];
  if (s.microsoft.tenantId && s.microsoft.clientId) {
    out.push(s.microsoft.credential === 'certificate'
      ? "the Microsoft app's certificate key (Connections → Microsoft)"
      : "the Microsoft app's client secret (Connections → Microsoft)");
  }
  if (s.starface.adminLogin) out.push(`the password of the STARFACE administrator ${s.starface.adminLogin} (Connections → STARFACE)`);
  if (s.starface.baseUrl) out.push("the users' UCI passwords (Users → import the password list)");
  return out;
}

/**
 * What to tell the admin when the vault had to be created although a vault existed (its key was still in the
 * keychain) or the settings rely on stored secrets: the secrets are lost, and which ones to enter again.
 * Undefined when nothing was lost (first start).
 */
export function lostVaultMessage(vault: { file: string; created: boolean; previousKeyFound: boolean }, s: Settings): string | undefined {
  const what = secretsReferencedBy(s);
  if (!vault.created || (!vault.previousKeyFound && what.length === 0)) return undefined;
  const reenter = what.length ? `enter them again: ${what.join('; ')}.` : 'enter the secrets again.';
  const backup = 'put the file back from a backup (stop Presence Bridge first), or';
  return vault.previousKeyFound
    ? `The secret vault ${vault.file} was deleted or moved (its key is still in the OS keychain): the secrets stored in it are lost, and a new, empty vault is in use. To recover, ${backup} ${reenter}`
    : `The secret vault ${vault.file} did not exist, although the settings rely on stored secrets: if it was deleted or moved, the secrets are lost. A new, empty vault is in use. To recover, ${backup} ${reenter}`;
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
