// The product settings as the platform parts need them: the settings file (the generic settings store with the
// product schema, its layout version, the upgrade steps and the readable messages) and the HTTP transport's
// settings (network section, and the pinned PBX certificate). Engine, setup assistant and demo all use these.
import {
  SETTINGS_VERSION, SettingsSchema, settingsMigrations, settingsVersionOf, type Settings,
} from '../core/settings.js';
import { pinKey } from './certificate-pins.js';
import type { TransportSettings } from './http-transport.js';
import { silentLogger, type Logger } from './logger.js';
import { SettingsStore } from './settings-store.js';

export function createSettingsStore(file: string, logger: Logger = silentLogger): SettingsStore<Settings> {
  return new SettingsStore<Settings>({
    file,
    schema: SettingsSchema,
    version: SETTINGS_VERSION,
    migrations: settingsMigrations,
    versionOf: settingsVersionOf,
    logger,
  });
}

/** The transport settings: network section, plus the PBX certificate pin for the PBX's host and port. */
export function transportSettingsFrom(settings: Settings): Partial<TransportSettings> {
  const net = settings.network;
  const sf = settings.starface;
  const pbx = sf.baseUrl ? new URL(sf.baseUrl) : undefined;
  return {
    extraCaPem: [...net.extraCaPem],
    ...(net.proxyUrl ? { proxyUrl: net.proxyUrl } : {}),
    connectTimeoutMs: net.connectTimeoutMs,
    readTimeoutMs: net.readTimeoutMs,
    ...(pbx && sf.certificateFingerprint ? { pinnedCertificates: { [pinKey(pbx.hostname, pbx.port)]: sf.certificateFingerprint } } : {}),
  };
}
