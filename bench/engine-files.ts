// The engine's files for one scenario, in the product's formats: a settings file (validated by the product's
// schema) pointing at both simulators, and a passphrase-protected secret vault with the app's client secret,
// the STARFACE admin password and every synced user's UCI password.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simulatorSettings } from '../src/commands/demo-environment.js';
import { parseSettings, SETTINGS_VERSION, type Settings, type SettingsInput } from '../src/core/settings.js';
import { setPath } from '../src/core/dotted-path.js';
import { STARFACE_ADMIN_PASSWORD_SECRET, uciPasswordSecretName } from '../src/core/uci-credentials.js';
import { openVault, setSecrets, VAULT_PASSPHRASE_ENV } from '../src/platform/vault.js';
import type { BenchSims } from './sims.js';

export interface EngineFiles {
  dir: string;
  settingsFile: string;
  vaultFile: string;
  /** Environment for the engine process (the vault passphrase). */
  env: Record<string, string>;
  /** The settings as the engine will load them (defaults filled in). */
  settings: Settings;
}

export interface EngineFileOptions {
  pollIntervalSeconds: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Settings overrides by dotted path, e.g. { 'sync.applyConcurrency': 32 } (validated by the product schema). */
  overrides?: Record<string, unknown>;
}

export async function writeEngineFiles(dir: string, sims: BenchSims, opts: EngineFileOptions): Promise<EngineFiles> {
  await mkdir(dir, { recursive: true });
  const { graph, starface } = sims;
  const base: SettingsInput = {
    version: SETTINGS_VERSION,
    ...simulatorSettings(sims),
    network: { extraCaPem: [graph.caPem, ...(starface.caPem ? [starface.caPem] : [])] },
    users: { selection: 'all' },
    sync: { pollIntervalSeconds: opts.pollIntervalSeconds },
    log: { level: opts.logLevel },
  };
  let input: SettingsInput = base;
  for (const [path, value] of Object.entries(opts.overrides ?? {})) input = setPath(input, path, value);
  // Validate with the product's schema: a harness typo must fail here, not as a silently defaulted setting.
  const settings = parseSettings(input);
  const settingsFile = join(dir, 'settings.json');
  await writeFile(settingsFile, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });

  const passphrase = randomBytes(18).toString('base64url');
  const vaultFile = join(dir, 'secrets.vault');
  const vault = await openVault({ file: vaultFile, passphrase, keySource: 'passphrase' });
  const secrets = new Map<string, string>([
    ['microsoft.clientSecret', graph.app.clientSecret!],
    [STARFACE_ADMIN_PASSWORD_SECRET, starface.admin.password],
  ]);
  for (const u of starface.users) if (!u.admin) secrets.set(uciPasswordSecretName(u.login), u.password);
  // One write for all secrets (the vault's setMany): Vault.set() re-encrypts the whole file per secret, which
  // for 2,000 users is set-up time the benchmark does not measure.
  await setSecrets(vault, secrets);

  return { dir, settingsFile, vaultFile, env: { [VAULT_PASSPHRASE_ENV]: passphrase }, settings };
}
