// The assistant's steps as data: what each step is for, what to do outside Presence Bridge, and which values
// it asks for. The terminal and the settings window render the same definitions.
import { STARFACE_OAUTH_CLIENT_SECRET } from '../core/uci-credentials.js';
import type { LocalizedField, LocalizedStep, Lang, SetupField, SetupStepDefinition, SetupStepId } from './types.js';

const setting = (path: string) => ({ kind: 'setting' as const, path });
const secret = (name: string) => ({ kind: 'secret' as const, name });

const MICROSOFT_APP: SetupStepDefinition = {
  id: 'microsoft-app',
  title: { de: 'Microsoft-Mandant und App', en: 'Microsoft tenant and app' },
  summary: {
    de: 'Presence Bridge nutzt eine eigene App-Registrierung in Ihrem Microsoft-Entra-Mandanten.',
    en: 'Presence Bridge uses its own app registration in your Microsoft Entra tenant.',
  },
  instructions: [
    { de: 'Entra Admin Center → Identität → Anwendungen → App-Registrierungen → Neue Registrierung. Name z. B. „Presence Bridge", Kontotyp „Nur Konten in diesem Organisationsverzeichnis (einzelner Mandant)".',
      en: 'Entra admin center → Identity → Applications → App registrations → New registration. Name e.g. "Presence Bridge", account type "Accounts in this organizational directory only (single tenant)".' },
    { de: 'Umleitungs-URI: Plattform „Öffentlicher Client/nativ (mobil und Desktop)", Wert http://localhost. Unter „Authentifizierung" „Öffentliche Clientflows zulassen" auf „Ja" stellen (für die Anmeldung per Gerätecode).',
      en: 'Redirect URI: platform "Public client/native (mobile & desktop)", value http://localhost. Under "Authentication" set "Allow public client flows" to "Yes" (for device-code sign-in).' },
    { de: 'API-Berechtigungen → Microsoft Graph → Anwendungsberechtigungen: User.Read.All und Presence.ReadWrite.All (optional Presence.Read.All). Nur bei delegiertem Lesen zusätzlich delegiert: Presence.Read.All, openid, offline_access.',
      en: 'API permissions → Microsoft Graph → Application permissions: User.Read.All and Presence.ReadWrite.All (optionally Presence.Read.All). Only for delegated reading also delegated: Presence.Read.All, openid, offline_access.' },
    { de: 'Zertifikate & Geheimnisse → Neuer geheimer Clientschlüssel: den „Wert" kopieren (nicht die „Geheimnis-ID") und das Ablaufdatum notieren. Alternativ ein Zertifikat hochladen.',
      en: 'Certificates & secrets → New client secret: copy the "Value" (not the "Secret ID") and note the expiry date. Alternatively upload a certificate.' },
    { de: 'Anwendungs-ID (Client-ID) und Verzeichnis-ID (Mandanten-ID) von der Übersichtsseite übernehmen.',
      en: 'Copy the application (client) ID and directory (tenant) ID from the overview page.' },
  ],
  fields: [
    { id: 'tenantId', target: setting('microsoft.tenantId'), input: 'text', required: true, placeholder: '00000000-0000-0000-0000-000000000000',
      label: { de: 'Mandanten-ID (Verzeichnis-ID)', en: 'Tenant (directory) ID' },
      help: { de: 'GUID oder verifizierte Domäne, z. B. contoso.onmicrosoft.com', en: 'GUID or verified domain, e.g. contoso.onmicrosoft.com' } },
    { id: 'clientId', target: setting('microsoft.clientId'), input: 'text', required: true, placeholder: '00000000-0000-0000-0000-000000000000',
      label: { de: 'Client-ID (Anwendungs-ID)', en: 'Client (application) ID' } },
    { id: 'credential', target: setting('microsoft.credential'), input: 'choice', required: true,
      label: { de: 'Anmeldeinformation der App', en: 'App credential' },
      choices: [
        { value: 'secret', label: { de: 'geheimer Clientschlüssel', en: 'client secret' } },
        { value: 'certificate', label: { de: 'Zertifikat', en: 'certificate' } },
      ] },
    { id: 'clientSecret', target: secret('microsoft.clientSecret'), input: 'secret', required: true, showIf: { path: 'microsoft.credential', equals: ['secret'] },
      label: { de: 'Geheimer Clientschlüssel (Wert)', en: 'Client secret (value)' },
      help: { de: 'Die Spalte „Wert", nicht die „Geheimnis-ID".', en: 'The "Value" column, not the "Secret ID".' } },
    { id: 'credentialExpiry', target: { kind: 'credential-expiry' }, input: 'date', required: false, showIf: { path: 'microsoft.credential', equals: ['secret'] },
      placeholder: 'YYYY-MM-DD',
      label: { de: 'Ablaufdatum des geheimen Schlüssels', en: 'Client secret expiry date' },
      help: { de: 'Wie unter „Zertifikate & Geheimnisse" angezeigt; Presence Bridge warnt 30 und 7 Tage vorher.', en: 'As shown under "Certificates & secrets"; Presence Bridge warns 30 and 7 days ahead.' } },
    { id: 'certificateThumbprint', target: setting('microsoft.certificateThumbprint'), input: 'text', required: true, showIf: { path: 'microsoft.credential', equals: ['certificate'] },
      label: { de: 'Fingerabdruck des Zertifikats', en: 'Certificate thumbprint' },
      help: { de: 'SHA-1 (40) oder SHA-256 (64 Hex-Zeichen), wie in der App-Registrierung angezeigt.', en: 'SHA-1 (40) or SHA-256 (64 hex digits), as shown in the app registration.' } },
    { id: 'certificateKey', target: secret('microsoft.certificateKey'), input: 'pem', required: true, showIf: { path: 'microsoft.credential', equals: ['certificate'] },
      label: { de: 'Privater Schlüssel (PEM), am besten mit Zertifikat', en: 'Private key (PEM), ideally with the certificate' } },
    { id: 'presenceRead', target: setting('microsoft.presenceRead'), input: 'choice', required: true,
      label: { de: 'Status lesen mit', en: 'Read presence with' },
      choices: [
        { value: 'application', label: { de: 'Anwendungsberechtigung (ohne angemeldeten Benutzer)', en: 'application permission (no signed-in user)' } },
        { value: 'delegated', label: { de: 'delegierter Berechtigung (ein Administrator meldet sich an)', en: 'delegated permission (an administrator signs in)' } },
      ] },
    { id: 'authorityHost', target: setting('microsoft.authorityHost'), input: 'text', required: false, advanced: true,
      label: { de: 'Anmeldedienst (Authority)', en: 'Sign-in service (authority host)' } },
    { id: 'graphBaseUrl', target: setting('microsoft.graphBaseUrl'), input: 'text', required: false, advanced: true,
      label: { de: 'Microsoft-Graph-Adresse', en: 'Microsoft Graph address' },
      help: { de: 'https://graph.microsoft.us (GCC High) oder https://dod-graph.microsoft.us (DoD) für die US-Regierungsclouds; 21Vianet (China) hat keine Präsenz-Schnittstelle.',
        en: 'https://graph.microsoft.us (GCC High) or https://dod-graph.microsoft.us (DoD) for the US Government clouds; 21Vianet (China) has no presence API.' } },
    { id: 'cloud', target: setting('microsoft.cloud'), input: 'choice', required: false, advanced: true,
      label: { de: 'Microsoft-Cloud', en: 'Microsoft cloud' },
      help: { de: '„automatisch" folgt der Graph-Adresse; nur für einen Stellvertreter (Simulator, Gateway) angeben.',
        en: '"automatic" follows the Graph address; set it only for a stand-in address (simulator, gateway).' },
      choices: [
        { value: 'auto', label: { de: 'automatisch (aus der Graph-Adresse)', en: 'automatic (from the Graph address)' } },
        { value: 'global', label: { de: 'weltweit (auch GCC)', en: 'global (including GCC)' } },
        { value: 'us-gov', label: { de: 'US-Regierung GCC High', en: 'US Government GCC High' } },
        { value: 'us-gov-dod', label: { de: 'US-Regierung DoD', en: 'US Government DoD' } },
      ] },
  ],
};

const MICROSOFT_CONSENT: SetupStepDefinition = {
  id: 'microsoft-consent',
  title: { de: 'Administratorzustimmung', en: 'Admin consent' },
  summary: {
    de: 'Anwendungsberechtigungen wirken erst, wenn ein Globaler Administrator für den ganzen Mandanten zugestimmt hat.',
    en: 'Application permissions take effect only after a Global Administrator has consented for the whole tenant.',
  },
  instructions: [
    { de: 'App-Registrierung → API-Berechtigungen → „Administratorzustimmung für <Mandant> erteilen" – oder den Link unten als Globaler Administrator öffnen.',
      en: 'App registration → API permissions → "Grant admin consent for <tenant>" – or open the link below as a Global Administrator.' },
    { de: 'Nach dem Link leitet Microsoft auf http://localhost um; eine Fehlerseite dort ist normal.',
      en: 'After the link, Microsoft redirects to http://localhost; an error page there is normal.' },
    { de: 'Bei delegiertem Lesen meldet sich danach ein Administrator einmal an.', en: 'For delegated reading an administrator then signs in once.' },
  ],
  fields: [],
};

const STARFACE_CONNECTION: SetupStepDefinition = {
  id: 'starface-connection',
  title: { de: 'STARFACE-Adresse und Zertifikat', en: 'STARFACE address and certificate' },
  summary: {
    de: 'Presence Bridge spricht die REST- und UCI-Schnittstellen der STARFACE an; die STARFACE meldet Gespräche an Presence Bridge zurück.',
    en: 'Presence Bridge talks to the STARFACE REST and UCI interfaces; STARFACE reports calls back to Presence Bridge.',
  },
  instructions: [
    { de: 'Adresse der Anlage ohne /rest oder /xml-rpc, am besten https://.', en: 'PBX address without /rest or /xml-rpc, preferably https://.' },
    { de: 'Eine eingebaute oder andere Microsoft-Status-Synchronisierung der STARFACE ausschalten: nur eine Synchronisierung pro Anlage.',
      en: 'Switch off any built-in or other Microsoft presence sync of the PBX: only one sync per PBX.' },
    { de: 'Firewall: eingehend TCP auf dem Rückruf-Port von der STARFACE zu diesem Rechner erlauben.',
      en: 'Firewall: allow inbound TCP on the callback port from the PBX to this computer.' },
  ],
  fields: [
    { id: 'baseUrl', target: setting('starface.baseUrl'), input: 'text', required: true, placeholder: 'https://pbx.example.com',
      label: { de: 'Adresse der STARFACE', en: 'STARFACE address' } },
    { id: 'callbackHost', target: setting('starface.callbackHost'), input: 'text', required: false,
      label: { de: 'Rückruf-Host (leer = automatisch)', en: 'Callback host (empty = automatic)' },
      help: { de: 'Adresse dieses Rechners, wie die STARFACE ihn erreicht.', en: 'This computer\'s address as the PBX reaches it.' } },
    { id: 'callbackPort', target: setting('starface.callbackPort'), input: 'number', required: false,
      label: { de: 'Rückruf-Port (0 = frei wählen)', en: 'Callback port (0 = any free port)' } },
    { id: 'uciApi', target: setting('starface.uciApi'), input: 'choice', required: false, advanced: true,
      label: { de: 'UCI-Version', en: 'UCI version' },
      choices: [{ value: 'v30', label: { de: 'v30 (Standard)', en: 'v30 (default)' } }, { value: 'v22', label: { de: 'v22', en: 'v22' } }] },
    { id: 'callbackAuth', target: setting('starface.callbackAuth'), input: 'choice', required: false, advanced: true,
      label: { de: 'Anmeldewert der STARFACE an Rückrufen prüfen', en: 'Check the PBX\'s auth value on callbacks' },
      help: { de: 'Die STARFACE hängt an Rückrufe de.vertico.starface.auth an (das UCI-Token des Benutzers). „Immer verlangen" nur, wenn alle Benutzer mit Token (nicht OAuth) angemeldet sind; dann auch Anrufereignisse über HTTPS.',
        en: 'The PBX appends de.vertico.starface.auth (the user\'s UCI token) to callbacks. "Always require" only when every user signs in with a token (not OAuth); then also serve call events over HTTPS.' },
      choices: [
        { value: 'when-present', label: { de: 'prüfen, wenn vorhanden (Standard)', en: 'check when present (default)' } },
        { value: 'required', label: { de: 'immer verlangen', en: 'always require' } },
        { value: 'off', label: { de: 'nicht prüfen', en: 'do not check' } },
      ] },
  ],
};

const STARFACE_ADMIN: SetupStepDefinition = {
  id: 'starface-admin',
  title: { de: 'STARFACE-Administrator', en: 'STARFACE administrator' },
  summary: {
    de: 'Mit einem Administratorkonto liest Presence Bridge Benutzer, E-Mail-Adressen und Gruppen über REST.',
    en: 'With an administrator account Presence Bridge reads users, e-mail addresses and groups over REST.',
  },
  instructions: [
    { de: 'Login-ID (z. B. 0001) und Passwort eines STARFACE-Administrators; ein eigenes Konto für Presence Bridge ist empfehlenswert.',
      en: 'Login ID (e.g. 0001) and password of a STARFACE administrator; a dedicated account for Presence Bridge is a good idea.' },
  ],
  fields: [
    { id: 'adminLogin', target: setting('starface.adminLogin'), input: 'text', required: true, placeholder: '0001',
      label: { de: 'Login-ID des Administrators', en: 'Administrator login ID' } },
    { id: 'adminPassword', target: secret('starface.adminPassword'), input: 'secret', required: true,
      label: { de: 'Passwort des Administrators', en: 'Administrator password' } },
  ],
};

const USERS: SetupStepDefinition = {
  id: 'users',
  title: { de: 'Benutzerauswahl', en: 'User selection' },
  summary: {
    de: 'Welche STARFACE-Benutzer synchronisiert werden; zugeordnet wird per E-Mail-Adresse.',
    en: 'Which STARFACE users are synced; they are matched by e-mail address.',
  },
  instructions: [
    { de: 'Alle Benutzer oder die Mitglieder einer STARFACE-Gruppe, plus einzelne Login-IDs.', en: 'All users or the members of one STARFACE group, plus single login IDs.' },
    { de: 'Die Vorschau zeigt, wer synchronisiert wird und wer nicht – mit Grund.', en: 'The preview shows who is synced and who is not – with the reason.' },
  ],
  fields: [
    { id: 'selection', target: setting('users.selection'), input: 'choice', required: true,
      label: { de: 'Auswahl', en: 'Selection' },
      choices: [
        { value: 'all', label: { de: 'alle STARFACE-Benutzer', en: 'all STARFACE users' } },
        { value: 'group', label: { de: 'Mitglieder einer Gruppe', en: 'members of one group' } },
      ] },
    { id: 'group', target: setting('users.group'), input: 'text', required: true, showIf: { path: 'users.selection', equals: ['group'] },
      label: { de: 'STARFACE-Gruppe (ID oder Name)', en: 'STARFACE group (id or name)' } },
    { id: 'extraLoginIds', target: setting('users.extraLoginIds'), input: 'list', required: false,
      label: { de: 'Zusätzliche Login-IDs (durch Komma getrennt)', en: 'Extra login IDs (comma-separated)' } },
  ],
};

const UCI_CREDENTIALS: SetupStepDefinition = {
  id: 'uci-credentials',
  title: { de: 'UCI-Passwörter der Benutzer', en: 'Users\' UCI passwords' },
  summary: {
    de: 'UCI handelt immer für den angemeldeten Benutzer: Presence Bridge braucht das STARFACE-Passwort jedes synchronisierten Benutzers.',
    en: 'UCI always acts for the logged-in user: Presence Bridge needs the STARFACE password of every synced user.',
  },
  instructions: [
    { de: 'Passwörter einzeln eingeben oder als CSV-Datei importieren: eine Zeile „login;password" pro Benutzer (Kopfzeile optional, Trennzeichen ; oder ,).',
      en: 'Enter passwords one by one or import a CSV file: one line "login;password" per user (header optional, separator ; or ,).' },
    { de: 'Die CSV-Datei nach dem Import löschen – die Passwörter liegen dann nur im verschlüsselten Tresor.',
      en: 'Delete the CSV file after the import – the passwords then live only in the encrypted vault.' },
  ],
  fields: [
    { id: 'uciPasswords', target: { kind: 'uci-passwords' }, input: 'passwords', required: true,
      label: { de: 'UCI-Passwörter', en: 'UCI passwords' } },
    { id: 'uciCredential', target: setting('starface.uciCredential'), input: 'choice', required: false, advanced: true,
      label: { de: 'UCI-Anmeldung', en: 'UCI sign-in' },
      help: { de: 'OAuth nur für STARFACE 10 mit externem Identitätsanbieter (dort werden klassische Token abgewiesen); die Benutzer brauchen das Recht „API Zugriff mit OAuth Password Grant".',
        en: 'OAuth only for STARFACE 10 with an external identity provider (which refuses classic tokens); users need the right "API Zugriff mit OAuth Password Grant".' },
      choices: [
        { value: 'token', label: { de: 'klassisches UCI-Token (Standard)', en: 'classic UCI token (default)' } },
        { value: 'oauth', label: { de: 'OAuth (STARFACE 10 mit Identitätsanbieter)', en: 'OAuth (STARFACE 10 with an identity provider)' } },
      ] },
    { id: 'uciAuthAlgorithm', target: setting('starface.uciAuthAlgorithm'), input: 'choice', required: false, advanced: true,
      showIf: { path: 'starface.uciCredential', equals: ['token'] },
      label: { de: 'UCI-Token', en: 'UCI token' },
      choices: [
        { value: 'sha512', label: { de: 'SHA-512 (STARFACE ab 6.4.2.19, Standard)', en: 'SHA-512 (STARFACE 6.4.2.19 and later, default)' } },
        { value: 'ad-base64', label: { de: 'Active-Directory-Benutzer (Passwort = AD-Passwort)', en: 'Active Directory users (password = AD password)' } },
        { value: 'md5', label: { de: 'MD5 (STARFACE bis 6.4.2.12)', en: 'MD5 (STARFACE up to 6.4.2.12)' } },
      ] },
    { id: 'oauthClientSecret', target: secret(STARFACE_OAUTH_CLIENT_SECRET), input: 'secret', required: false, advanced: true,
      showIf: { path: 'starface.uciCredential', equals: ['oauth'] },
      label: { de: 'OAuth-Client-Secret der STARFACE', en: 'PBX OAuth client secret' },
      help: { de: 'STARFACE-Administration → Server → Status → REST-API; leer lassen, wenn die Anlage keines verlangt.',
        en: 'STARFACE administration → Server → Status → REST-API; leave empty if the PBX requires none.' } },
    { id: 'oauthClientId', target: setting('starface.oauthClientId'), input: 'text', required: false, advanced: true,
      showIf: { path: 'starface.uciCredential', equals: ['oauth'] }, placeholder: 'rest-client-headless',
      label: { de: 'OAuth-Client-ID', en: 'OAuth client ID' } },
    { id: 'oauthScope', target: setting('starface.oauthScope'), input: 'text', required: false, advanced: true,
      showIf: { path: 'starface.uciCredential', equals: ['oauth'] }, placeholder: 'login',
      label: { de: 'OAuth-Scope (manche Anlagen: pbx-login)', en: 'OAuth scope (some PBXs: pbx-login)' } },
  ],
};

const FINAL_TEST: SetupStepDefinition = {
  id: 'final-test',
  title: { de: 'Abschlusstest', en: 'Final test' },
  summary: {
    de: 'Liest den Teams-Status eines Testbenutzers und setzt und löscht dessen DND auf der STARFACE (der vorherige Wert wird wiederhergestellt).',
    en: 'Reads a test user\'s Teams presence and sets and clears their DND on STARFACE (the previous value is restored).',
  },
  instructions: [
    { de: 'Wählen Sie einen Benutzer, der in der Vorschau „wird synchronisiert" zeigt – am besten sich selbst.', en: 'Choose a user the preview shows as "will be synced" – ideally yourself.' },
  ],
  fields: [
    { id: 'testUser', target: { kind: 'check-option', name: 'testUser' }, input: 'user', required: false,
      label: { de: 'Testbenutzer (Login-ID)', en: 'Test user (login ID)' } },
  ],
};

export const SETUP_STEPS: readonly SetupStepDefinition[] = [
  MICROSOFT_APP, MICROSOFT_CONSENT, STARFACE_CONNECTION, STARFACE_ADMIN, USERS, UCI_CREDENTIALS, FINAL_TEST,
];

export function stepDefinition(id: SetupStepId): SetupStepDefinition {
  return SETUP_STEPS.find((s) => s.id === id)!;
}

function localizeField(f: SetupField, lang: Lang): LocalizedField {
  const { label, help, choices, ...rest } = f;
  return {
    ...rest,
    label: label[lang],
    ...(help ? { help: help[lang] } : {}),
    ...(choices ? { choices: choices.map((c) => ({ value: c.value, label: c.label[lang] })) } : {}),
  };
}

export function localizeStep(s: SetupStepDefinition, lang: Lang): LocalizedStep {
  return {
    id: s.id,
    title: s.title[lang],
    summary: s.summary[lang],
    instructions: s.instructions.map((t) => t[lang]),
    fields: s.fields.map((f) => localizeField(f, lang)),
  };
}

export { fieldApplies, getPath, setPath } from '../core/dotted-path.js';
