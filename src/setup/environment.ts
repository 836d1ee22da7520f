// What the setup checks work with: the settings (through the settings store), the secret vault, a logger and
// a clock. The terminal assistant opens them from files; the engine hands in its own stores, so both see the
// same values.
import path from 'node:path';
import { auditSettingsSave, type AuditSink } from '../core/audit.js';
import { lostVaultMessage, type Settings, type SettingsInput } from '../core/settings.js';
import { HttpTransport } from '../platform/http-transport.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { createSettingsStore, transportSettingsFrom } from '../platform/product-settings.js';
import type { SettingsProblem, SettingsStore } from '../platform/settings-store.js';
import { openVault, type KeychainBackend, type SecretStore } from '../platform/vault.js';
import type { MicrosoftAuth } from '../teams/auth.js';

export interface SetupEnvironment {
  loadSettings(): Promise<Settings>;
  /** Validates and saves; throws SettingsStoreError (with issues) for invalid values. */
  saveSettings(next: SettingsInput | Settings): Promise<Settings>;
  secrets: SecretStore;
  logger: Logger;
  now(): Date;
  /**
   * The engine's Microsoft sign-in, when the checks run inside the engine (so the consent check sees the admin's
   * delegated sign-in state as the engine does). Without it, each check makes its own, sharing the token cache
   * through the vault.
   */
  microsoftAuth?(settings: Settings, transport: HttpTransport): MicrosoftAuth | undefined;
}

/** The settings store every part uses for the settings file (same schema, migrations and messages). */
export { createSettingsStore };

/**
 * Files next to the settings file in headless mode: the same vault the engine service opens
 * (src/app/service.ts: `<folder of the settings file>/vault.json`); `--vault` overrides it.
 */
export function setupPaths(settingsFile: string, vaultFile?: string): { settingsFile: string; vaultFile: string } {
  const abs = path.resolve(settingsFile);
  return { settingsFile: abs, vaultFile: path.resolve(vaultFile ?? path.join(path.dirname(abs), 'vault.json')) };
}

export { transportSettingsFrom };

/** A transport for one check, built from the current network settings (the caller closes it). */
export function transportFor(settings: Settings): HttpTransport {
  return new HttpTransport(transportSettingsFrom(settings));
}

export interface FileSetupEnvironment extends SetupEnvironment {
  paths: { settingsFile: string; vaultFile: string };
  store: SettingsStore<Settings>;
  /** A problem found when loading the settings file (e.g. it was corrupt and moved aside). */
  problem?: SettingsProblem;
  /** The vault file was missing although secrets were stored (core/settings.ts lostVaultMessage). */
  vaultProblem?: string;
}

export interface OpenFileEnvironmentOptions {
  settingsFile: string;
  vaultFile?: string;
  /** Vault passphrase where no keychain exists (default: env PRESENCE_BRIDGE_VAULT_PASSPHRASE). */
  passphrase?: string;
  keychain?: KeychainBackend;
  logger?: Logger;
  now?: () => Date;
  /** Where a save is logged as an audit entry "from the command line" (the engine's log file). */
  audit?: AuditSink;
}

export async function openFileEnvironment(o: OpenFileEnvironmentOptions): Promise<FileSetupEnvironment> {
  const paths = setupPaths(o.settingsFile, o.vaultFile);
  const logger = o.logger ?? silentLogger;
  const store = createSettingsStore(paths.settingsFile, logger);
  const loaded = await store.load();
  const secrets = await openVault({ file: paths.vaultFile, ...(o.passphrase ? { passphrase: o.passphrase } : {}), ...(o.keychain ? { keychain: o.keychain } : {}) });
  const vaultProblem = lostVaultMessage(secrets, loaded.settings);
  let current = loaded.settings;
  return {
    paths,
    store,
    ...(loaded.problem ? { problem: loaded.problem } : {}),
    ...(vaultProblem ? { vaultProblem } : {}),
    secrets,
    logger,
    now: o.now ?? (() => new Date()),
    loadSettings: async () => current,
    saveSettings: async (next) => {
      const prev = current;
      current = await store.save(next);
      if (o.audit) auditSettingsSave(o.audit, prev, current, 'cli');
      return current;
    },
  };
}
