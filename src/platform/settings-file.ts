// The product's settings file: the generic settings store with the product schema, its layout version, the
// upgrade steps and the readable messages. Engine, setup assistant and demo all open the file through this.
import {
  SETTINGS_VERSION, SettingsSchema, describeSettingsIssue, settingsMigrations, settingsVersionOf, type Settings,
} from '../core/settings.js';
import { silentLogger, type Logger } from './logger.js';
import { SettingsStore } from './settings-store.js';

export function createSettingsStore(file: string, logger: Logger = silentLogger): SettingsStore<Settings> {
  return new SettingsStore<Settings>({
    file,
    schema: SettingsSchema,
    version: SETTINGS_VERSION,
    migrations: settingsMigrations,
    versionOf: settingsVersionOf,
    describeIssue: describeSettingsIssue,
    logger,
  });
}
