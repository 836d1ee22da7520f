// The setup assistant as one object: the steps with their checks, and the few actions around them (store a
// value, trust a certificate, import UCI passwords, enter the secret's expiry). The terminal assistant and the
// engine's control service both drive this, so both behave the same.
import { X509Certificate } from 'node:crypto';
import { BridgeError } from '../core/errors.js';
import { MAX_LOGIN_LENGTH, parseStarfaceCsv, STARFACE_ADMIN_PASSWORD_SECRET } from '../core/uci-credentials.js';
import { findUnsafeCharacter } from '../core/safe-text.js';
import { errorText } from '../platform/error-text.js';
import { SettingsStoreError } from '../platform/settings-store.js';
import { VaultError } from '../platform/vault.js';
import { CLIENT_SECRET_NAME } from '../teams/index.js';
import type { SetupEnvironment } from './environment.js';
import {
  CREDENTIAL_EXPIRY_SECRET, expiryWarnings, parseExpiryDate, readExpiryInputs, type ExpiryInputs, type ExpiryWarning,
} from './expiry.js';
import { checkFinalTest } from './final-test.js';
import { checkMicrosoftApp, checkMicrosoftConsent, signInWithDeviceCode } from './microsoft.js';
import { checkStarfaceAdmin, checkStarfaceConnection, starfaceDirectory } from './starface.js';
import { SETUP_STEPS, localizeStep, setPath, stepDefinition } from './steps.js';
import { checkUciCredentials, checkUsers, loadDirectories, rosterFrom, storeUciPasswords } from './users.js';
import { transportFor } from './environment.js';
import type { RosterUser } from '../core/roster.js';
import {
  checkResult, tr, type CheckOptions, type CheckResult, type Lang, type LocalizedStep, type SetupField, type SetupStepDefinition, type SetupStepId,
} from './types.js';
import { coded } from '../core/messages/log-line.js';

/** A value the admin entered cannot be used; the message says why and what is expected. */
export class SetupInputError extends BridgeError {
  override readonly name = 'SetupInputError';
  readonly code = 'invalid-input';
}

export interface SetupStep extends SetupStepDefinition {
  check(lang: Lang, options?: CheckOptions): Promise<CheckResult>;
}

type CheckFn = (env: SetupEnvironment, lang: Lang, options: CheckOptions) => Promise<CheckResult>;

const CHECKS: Record<SetupStepId, CheckFn> = {
  'microsoft-app': (env, lang) => checkMicrosoftApp(env, lang),
  'microsoft-consent': (env, lang) => checkMicrosoftConsent(env, lang),
  'starface-connection': (env, lang) => checkStarfaceConnection(env, lang),
  'starface-admin': (env, lang) => checkStarfaceAdmin(env, lang),
  users: (env, lang) => checkUsers(env, lang),
  'uci-credentials': (env, lang) => checkUciCredentials(env, lang),
  'final-test': (env, lang, o) => checkFinalTest(env, lang, o),
};

function pemFingerprint(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

export class SetupAssistant {
  constructor(readonly env: SetupEnvironment) {}

  get steps(): SetupStep[] {
    return SETUP_STEPS.map((def) => ({ ...def, check: (lang: Lang, options?: CheckOptions) => this.check(def.id, lang, options) }));
  }

  describe(lang: Lang): LocalizedStep[] {
    return SETUP_STEPS.map((s) => localizeStep(s, lang));
  }

  /** Runs one step's check; never throws (an unexpected failure is a failed result that says what happened). */
  async check(id: SetupStepId, lang: Lang, options: CheckOptions = {}): Promise<CheckResult> {
    try {
      return await CHECKS[id](this.env, lang, options);
    } catch (err) {
      this.env.logger.warn('Setup check failed unexpectedly', coded('log-setup-check-failed', { step: id, error: errorText(err) }));
      const vault = err instanceof VaultError;
      return checkResult({
        step: id,
        status: 'fail',
        message: vault
          ? tr(lang, 'Der Geheimnisspeicher (Tresor) ist nicht lesbar.', 'The secret vault cannot be read.')
          : tr(lang, 'Die Prüfung ist unerwartet fehlgeschlagen.', 'The check failed unexpectedly.'),
        fix: vault
          ? tr(lang, 'Siehe Meldung unten (Schlüsselbund entsperren oder PRESENCE_BRIDGE_VAULT_PASSPHRASE setzen).', 'See the message below (unlock the keychain or set PRESENCE_BRIDGE_VAULT_PASSPHRASE).')
          : tr(lang, 'Siehe Meldung unten; prüfen Sie die Angaben und versuchen Sie es erneut.', 'See the message below; check the values and try again.'),
        details: [errorText(err)],
      }, this.env.now());
    }
  }

  /** Stores one field's value as the admin typed it (settings are validated; secrets go to the vault). */
  async applyValue(stepId: SetupStepId, fieldId: string, raw: string): Promise<void> {
    const field = stepDefinition(stepId).fields.find((f) => f.id === fieldId);
    if (!field) throw new SetupInputError(`Unknown field "${fieldId}" in step "${stepId}".`);
    await this.applyFieldValue(field, raw);
  }

  async applyFieldValue(field: SetupField, raw: string): Promise<void> {
    const t = field.target;
    switch (t.kind) {
      case 'setting':
        await this.saveSetting(t.path, this.parseSettingValue(field, raw));
        return;
      case 'secret': {
        const value = field.input === 'pem' ? raw.trim() : raw;
        if (!value.trim()) throw new SetupInputError(`${field.label.en}: the value is empty.`);
        if (field.input === 'pem' && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) {
          throw new SetupInputError(`${field.label.en}: this is not a PEM private key (-----BEGIN PRIVATE KEY----- …).`);
        }
        // A new client secret has its own expiry: drop the old date so it is not taken for the new secret.
        if (t.name === CLIENT_SECRET_NAME && (await this.env.secrets.get(t.name)) !== value) await this.env.secrets.delete(CREDENTIAL_EXPIRY_SECRET);
        await this.env.secrets.set(t.name, value);
        return;
      }
      case 'credential-expiry':
        await this.setCredentialExpiry(raw.trim() === '' ? null : raw);
        return;
      case 'uci-passwords':
      case 'check-option':
        throw new SetupInputError(`${field.label.en} is not stored as a single value.`);
    }
  }

  private parseSettingValue(field: SetupField, raw: string): unknown {
    const v = raw.trim();
    switch (field.input) {
      case 'number': {
        if (v === '') return 0;
        const n = Number(v);
        if (!Number.isInteger(n)) throw new SetupInputError(`${field.label.en}: "${v}" is not a whole number.`);
        return n;
      }
      case 'list':
        return v.split(/[,;\s]+/).filter(Boolean);
      case 'choice': {
        const allowed = field.choices?.map((c) => c.value) ?? [];
        if (!allowed.includes(v)) throw new SetupInputError(`${field.label.en}: choose one of ${allowed.join(', ')}.`);
        return v;
      }
      default:
        return v;
    }
  }

  private async saveSetting(path: string, value: unknown): Promise<void> {
    const current = await this.env.loadSettings();
    try {
      await this.env.saveSettings(setPath(current, path, value));
    } catch (err) {
      if (err instanceof SettingsStoreError && err.issues.length) {
        throw new SetupInputError(err.issues.map((i) => i.text).join('; '));
      }
      throw err;
    }
  }

  /**
   * Adds a certificate (PEM) to the extra trusted CAs, unless the same certificate is there already; with `pin`,
   * pins the PBX to exactly this certificate instead (starface.certificateFingerprint, see TrustOffer).
   */
  async trustCertificate(pem: string, opts: { pin?: boolean } = {}): Promise<{ added: boolean }> {
    const fp = pemFingerprint(pem);
    if (!fp) throw new SetupInputError('This is not a PEM certificate (-----BEGIN CERTIFICATE----- …).');
    const current = await this.env.loadSettings();
    if (opts.pin) {
      if (current.starface.certificateFingerprint === fp) return { added: false };
      await this.saveSetting('starface.certificateFingerprint', fp);
      return { added: true };
    }
    const have = current.network.extraCaPem.some((p) => (p.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).some((b) => pemFingerprint(b) === fp));
    if (have) return { added: false };
    await this.saveSetting('network.extraCaPem', [...current.network.extraCaPem, pem.trim()]);
    return { added: true };
  }

  /** The client secret's expiry date (YYYY-MM-DD or ISO); null removes it. */
  async setCredentialExpiry(text: string | null): Promise<void> {
    if (text === null) {
      await this.env.secrets.delete(CREDENTIAL_EXPIRY_SECRET);
      return;
    }
    const d = parseExpiryDate(text);
    if (!d) throw new SetupInputError(`"${text.trim()}" is not a date: use YYYY-MM-DD, e.g. 2027-06-30.`);
    await this.env.secrets.set(CREDENTIAL_EXPIRY_SECRET, d.toISOString());
  }

  async credentialExpiry(): Promise<string | undefined> {
    return this.env.secrets.get(CREDENTIAL_EXPIRY_SECRET);
  }

  /** CSV `login;password` lines into the vault; bad lines are reported with their number (never their content). */
  async importUciCsv(text: string): Promise<{ imported: number; errors: { line: number; message: string }[] }> {
    const knownLogins = await this.directoryLogins();
    const parsed = parseStarfaceCsv(text, knownLogins ? { knownLogins } : {});
    const imported = await storeUciPasswords(this.env, parsed.entries);
    return { imported, errors: parsed.errors };
  }

  /** The login IDs of the STARFACE directory, when it is configured and reachable (non-numeric logins need it). */
  private async directoryLogins(): Promise<Set<string> | undefined> {
    const settings = await this.env.loadSettings();
    if (!settings.starface.baseUrl || !settings.starface.adminLogin) return undefined;
    const transport = transportFor(settings);
    const dir = starfaceDirectory(settings, transport, this.env);
    try {
      return new Set((await dir.listUsers()).map((u) => u.login));
    } catch {
      return undefined;
    } finally {
      await dir.logout().catch(() => undefined);
      transport.close();
    }
  }

  /** One user's UCI password (the login comes from the roster); the message never repeats what was typed. */
  async setUciPassword(login: string, password: string): Promise<void> {
    const l = login.trim();
    if (!l || l.length > MAX_LOGIN_LENGTH || /[\s:*]/.test(l) || findUnsafeCharacter(l)) throw new SetupInputError('This is not a STARFACE login ID: enter the login ID (e.g. 1001), not the password.');
    if (!password) throw new SetupInputError(`The password of ${l} is empty.`);
    await storeUciPasswords(this.env, [{ login: l, password }]);
  }

  /** Expiry and sign-in warnings for the current settings. */
  async expiryWarnings(lang: Lang, signIn?: { state: ExpiryInputs['signInState']; detail?: string }): Promise<ExpiryWarning[]> {
    const settings = await this.env.loadSettings();
    return expiryWarnings(await readExpiryInputs(this.env.secrets, settings, signIn), this.env.now(), lang);
  }

  /**
   * The users the current selection includes (with their match status), for choosing a test user or asking for
   * missing UCI passwords. Throws when the STARFACE directory cannot be read (the checks explain why).
   */
  async selectedUsers(lang: Lang): Promise<RosterUser[]> {
    const settings = await this.env.loadSettings();
    const transport = transportFor(settings);
    try {
      return rosterFrom(settings, await loadDirectories(this.env, settings, transport, lang)).roster.users;
    } finally {
      transport.close();
    }
  }

  signInWithDeviceCode(onCode: (info: { userCode: string; verificationUri: string; message: string }) => void, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<{ username: string }> {
    return signInWithDeviceCode(this.env, onCode, opts);
  }
}

/** What is still missing before sync can start, in the admin's language (empty = setup complete). */
export function missingForSetup(settings: import('../core/settings.js').Settings, secretNames: readonly string[], lang: Lang): string[] {
  const names = new Set(secretNames);
  const out: string[] = [];
  const m = settings.microsoft;
  if (!m.tenantId) out.push(tr(lang, 'Microsoft: Mandanten-ID', 'Microsoft: tenant ID'));
  if (!m.clientId) out.push(tr(lang, 'Microsoft: Client-ID', 'Microsoft: client ID'));
  if (m.credential === 'secret' && !names.has(CLIENT_SECRET_NAME)) out.push(tr(lang, 'Microsoft: geheimer Clientschlüssel', 'Microsoft: client secret'));
  if (m.credential === 'certificate' && (!names.has('microsoft.certificateKey') || !m.certificateThumbprint)) {
    out.push(tr(lang, 'Microsoft: Zertifikatsschlüssel und Fingerabdruck', 'Microsoft: certificate key and thumbprint'));
  }
  const sf = settings.starface;
  if (!sf.baseUrl) out.push(tr(lang, 'STARFACE: Adresse', 'STARFACE: address'));
  if (!sf.adminLogin || !names.has(STARFACE_ADMIN_PASSWORD_SECRET)) out.push(tr(lang, 'STARFACE: Administrator-Login und Passwort', 'STARFACE: administrator login and password'));
  if (![...names].some((n) => /^starface\.user\..+\.password$/.test(n))) out.push(tr(lang, 'STARFACE: UCI-Passwörter der Benutzer', 'STARFACE: users\' UCI passwords'));
  return out;
}
