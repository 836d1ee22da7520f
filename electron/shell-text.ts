// The few words the shell itself shows (tray menu, tooltip, notifications), in the two UI languages.
// The settings window has its own translations in renderer/src/i18n.

import type { RestoreReason } from '../src/control/contract.js';

export type ShellLanguage = 'de' | 'en';

export interface ShellText {
  appName: string;
  state: { syncing: string; starting: string; paused: string; signIn: string; notConfigured: string; degraded: string; error: string; credential: string };
  /** A restore that could not put everyone back (tray status line and tooltip). */
  notRestored: (left: number, total: number) => string;
  restoreReason: Record<RestoreReason, string>;
  lastSync: (when: string) => string;
  lastSyncNever: string;
  syncOn: string;
  openSettings: string;
  signIn: string;
  signingIn: string;
  signOut: (account: string | undefined) => string;
  startAtLogin: string;
  restoreAndQuit: string;
  quit: string;
  notify: {
    signInTitle: string;
    signInBody: string;
    errorTitle: string;
    errorBody: (reason: string | undefined) => string;
    credentialTitle: string;
    credentialBody: (kind: 'invalid' | 'expiring' | 'missing') => string;
  };
}

const en: ShellText = {
  appName: 'Presence Bridge',
  state: {
    syncing: 'syncing',
    starting: 'starting',
    paused: 'sync is off',
    signIn: 'sign-in needed',
    notConfigured: 'not set up yet',
    degraded: 'syncing with problems',
    error: 'stopped by an error',
    credential: 'app credential needs attention',
  },
  notRestored: (left, total) => `${left} of ${total} users not restored`,
  restoreReason: {
    'pbx-unreachable': 'PBX unreachable; restored when it answers again',
    'pbx-write-failed': 'the PBX refused the change; tried again',
    'teams-unreachable': 'Microsoft Teams unreachable; tried again',
  },
  lastSync: (when) => `Last successful sync: ${when}`,
  lastSyncNever: 'Last successful sync: never',
  syncOn: 'Sync on',
  openSettings: 'Open settings…',
  signIn: 'Sign in to Microsoft…',
  signingIn: 'Signing in… (see your browser)',
  signOut: (account) => (account ? `Sign out (${account})` : 'Sign out'),
  startAtLogin: 'Start at login',
  restoreAndQuit: 'Restore and quit',
  quit: 'Quit',
  notify: {
    signInTitle: 'Presence Bridge: sign-in needed',
    signInBody: 'The Microsoft sign-in has expired. Choose "Sign in to Microsoft…" in the tray menu to resume syncing.',
    errorTitle: 'Presence Bridge stopped syncing',
    errorBody: (reason) => `${reason ?? 'An error stopped the sync.'} Open the settings to see the log and fix it.`,
    credentialTitle: 'Presence Bridge: app credential',
    credentialBody: (kind) => ({
      invalid: 'Microsoft rejects the app credential (client secret or certificate). Enter a valid one under Connections.',
      expiring: 'The app credential (client secret or certificate) expires soon. Enter a new one under Connections.',
      missing: 'No app credential (client secret or certificate) is stored. Enter one under Connections.',
    })[kind],
  },
};

const de: ShellText = {
  appName: 'Presence Bridge',
  state: {
    syncing: 'synchronisiert',
    starting: 'startet',
    paused: 'Synchronisation aus',
    signIn: 'Anmeldung nötig',
    notConfigured: 'noch nicht eingerichtet',
    degraded: 'synchronisiert mit Problemen',
    error: 'wegen eines Fehlers gestoppt',
    credential: 'App-Anmeldedaten prüfen',
  },
  notRestored: (left, total) => `${left} von ${total} Benutzern nicht wiederhergestellt`,
  restoreReason: {
    'pbx-unreachable': 'Telefonanlage nicht erreichbar; wird nachgeholt',
    'pbx-write-failed': 'die Telefonanlage hat die Änderung abgelehnt; wird erneut versucht',
    'teams-unreachable': 'Microsoft Teams nicht erreichbar; wird erneut versucht',
  },
  lastSync: (when) => `Letzte erfolgreiche Synchronisation: ${when}`,
  lastSyncNever: 'Letzte erfolgreiche Synchronisation: noch keine',
  syncOn: 'Synchronisation an',
  openSettings: 'Einstellungen öffnen…',
  signIn: 'Bei Microsoft anmelden…',
  signingIn: 'Anmeldung läuft… (siehe Browser)',
  signOut: (account) => (account ? `Abmelden (${account})` : 'Abmelden'),
  startAtLogin: 'Bei der Anmeldung starten',
  restoreAndQuit: 'Wiederherstellen und beenden',
  quit: 'Beenden',
  notify: {
    signInTitle: 'Presence Bridge: Anmeldung nötig',
    signInBody: 'Die Microsoft-Anmeldung ist abgelaufen. Wählen Sie „Bei Microsoft anmelden…“ im Tray-Menü, um weiter zu synchronisieren.',
    errorTitle: 'Presence Bridge synchronisiert nicht mehr',
    errorBody: (reason) => `${reason ?? 'Ein Fehler hat die Synchronisation gestoppt.'} Öffnen Sie die Einstellungen, um das Protokoll zu sehen.`,
    credentialTitle: 'Presence Bridge: App-Anmeldedaten',
    credentialBody: (kind) => ({
      invalid: 'Microsoft lehnt die App-Anmeldedaten (Geheimnis oder Zertifikat) ab. Tragen Sie unter Verbindungen gültige ein.',
      expiring: 'Die App-Anmeldedaten (Geheimnis oder Zertifikat) laufen bald ab. Tragen Sie unter Verbindungen neue ein.',
      missing: 'Es sind keine App-Anmeldedaten (Geheimnis oder Zertifikat) gespeichert. Tragen Sie sie unter Verbindungen ein.',
    })[kind],
  },
};

export function shellText(language: ShellLanguage): ShellText {
  return language === 'de' ? de : en;
}

/** The UI language from the settings (ui.language), else from the OS locale. */
export function pickLanguage(settings: unknown, osLocale: string): ShellLanguage {
  const configured = (settings as { ui?: { language?: unknown } } | undefined)?.ui?.language;
  if (configured === 'de' || configured === 'en') return configured;
  return osLocale.toLowerCase().startsWith('de') ? 'de' : 'en';
}
