// German text of every message code ({name} is a param).
import type { MessageCode } from '../errors.js';

export const de: Readonly<Record<MessageCode, string>> = {
  // Control dispatch and the settings page's connection
  'invalid-request': 'Die Anfrage konnte nicht gelesen werden.',
  'unknown-method': 'Diese Version von Presence Bridge kennt die angefragte Aktion nicht.',
  'invalid-params': 'Die Anfrage enthält ungültige Werte.',
  'invalid-result': 'Presence Bridge hat eine Antwort gegeben, die sich nicht lesen lässt.',
  'not-implemented': 'Diese Aktion gibt es in dieser Version nicht.',
  internal: 'Ein interner Fehler ist aufgetreten; Einzelheiten stehen im Protokoll.',
  forbidden: 'Zugriff verweigert.',
  'forbidden-host': 'Zugriff verweigert: Die Seite wurde unter einer Adresse geöffnet, die Presence Bridge nicht bedient.',
  'forbidden-origin': 'Zugriff verweigert: Die Anfrage kam von einer anderen Website.',
  unreachable: 'Presence Bridge ist nicht erreichbar. Prüfen Sie, ob der Dienst noch läuft, und laden Sie diese Seite dann neu.',
  'bad-response': 'Presence Bridge hat eine Antwort gegeben, die sich nicht lesen lässt.',
  'no-token': 'Diese Seite wurde ohne ihren Zugangsschlüssel geöffnet. Öffnen Sie die Einstellungsseite über den Link, den Presence Bridge beim Start anzeigt.',
  // Transport
  timeout: 'Die Gegenstelle hat nicht rechtzeitig geantwortet.',
  connect: 'Es konnte keine Verbindung aufgebaut werden.',
  tls: 'Die sichere Verbindung ist fehlgeschlagen (Zertifikat oder TLS).',
  proxy: 'Der Proxy hat die Verbindung abgelehnt oder ist gescheitert.',
  aborted: 'Die Anfrage wurde abgebrochen.',
  'too-large': 'Die Antwort war zu groß.',
  network: 'Ein Netzwerkfehler ist aufgetreten.',
  // Vault
  'no-keychain': 'Kein nutzbarer Schlüsselbund und keine Passphrase: Die Geheimnisse können nicht gespeichert werden.',
  'passphrase-required': 'Der Geheimnisspeicher ist mit einer Passphrase geschützt; bitte eingeben.',
  'key-missing': 'Der Schlüsselbund enthält keinen Schlüssel für den Geheimnisspeicher.',
  'wrong-key': 'Der Schlüssel öffnet den Geheimnisspeicher nicht.',
  tampered: 'Der Geheimnisspeicher ist beschädigt oder wurde verändert.',
  unsupported: 'Diese Datei wurde von einer neueren Version von Presence Bridge geschrieben.',
  'invalid-name': 'Kein gültiger Name für ein Geheimnis.',
  lost: 'Der Geheimnisspeicher wurde während der Nutzung gelöscht.',
  io: 'Eine Datei konnte nicht gelesen oder geschrieben werden.',
  // Settings
  invalid: 'Einige Werte sind ungültig.',
  incomplete: 'Beim Speichern fehlen Werte, die die gespeicherten Einstellungen enthalten.',
  'secret-field': 'Ein Geheimnis darf nicht in der Einstellungsdatei stehen.',
  // Application
  'not-configured': 'Noch nicht eingerichtet.',
  'not-ready': 'Presence Bridge verbindet sich noch; bitte gleich noch einmal versuchen.',
  'invalid-input': 'Ein Wert kann nicht verwendet werden.',
  failed: 'Die Aktion ist fehlgeschlagen.',
  // Microsoft
  'needs-sign-in': 'Bitte erneut bei Microsoft anmelden (Verbindungen).',
  'sign-in-aborted': 'Die Microsoft-Anmeldung wurde abgebrochen.',
  'microsoft-sign-in-unavailable': 'Die Microsoft-Anmeldung schlägt gerade fehl; die Bridge versucht es selbst erneut.',
  'microsoft-token-refused': 'Microsoft hat die Anmeldung der Anwendung abgelehnt: App-Registrierung und Anmeldeinformation prüfen.',
  'graph-request-failed': 'Eine Anfrage an Microsoft Graph ist fehlgeschlagen.',
  'presence-read-failed': 'Das Lesen des Teams-Status ist fehlgeschlagen.',
  'graph-write-ambiguous': 'Das Setzen eines Teams-Status bekam keine eindeutige Antwort; es kann trotzdem gewirkt haben.',
  'no-teams-presence': 'Der Benutzer hat keinen Teams-Status (keine Lizenz oder ein Gast).',
  'graph-unreadable-answer': 'Microsoft Graph hat eine Antwort gegeben, die sich nicht lesen lässt.',
  // STARFACE
  'uci-request-failed': 'Eine UCI-Anfrage an die STARFACE ist fehlgeschlagen.',
  'uci-not-connected': 'Die UCI-Sitzung der STARFACE ist nicht verbunden.',
  'uci-unsupported': 'Die STARFACE unterstützt diese UCI-Funktion nicht.',
  'starface-rest-failed': 'Eine REST-Anfrage an die STARFACE ist fehlgeschlagen.',
  'starface-auth-failed': 'Die STARFACE hat die Anmeldung abgelehnt.',
  // Sync status reasons
  'sync-stopped': 'Beendet',
  'sync-stopped-restored': 'Beendet; Änderungen der Bridge zurückgesetzt',
  'sync-stopped-not-restored': 'Gestoppt; {left} von {total} Benutzern nicht wiederhergestellt',
  'sync-not-configured': 'Noch nicht eingerichtet: {fields}',
  'sessions-down': '{down} von {total} STARFACE-Sitzungen sind nicht verbunden; sie melden sich selbst wieder an',
  'roster-load-failed': 'Das Laden der Benutzerverzeichnisse ist fehlgeschlagen',
  'roster-load-failed-stale': 'Das Laden der Benutzerverzeichnisse ist fehlgeschlagen (die zuletzt bekannten Benutzer werden verwendet)',
};
