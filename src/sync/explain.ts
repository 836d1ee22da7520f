// Turns the errors of the Microsoft, STARFACE and network layers into what the assistant says: what happened
// and what exactly to fix, in the admin's language. The layer's own (English) message stays as a detail line.
import { TimeoutError } from '../core/errors.js';
import { errorText } from '../platform/error-text.js';
import { TransportError } from '../platform/http-transport.js';
import { StarfaceAuthError, StarfaceRestError, UciNotConnectedError, UciRequestError } from '../starface/errors.js';
import { GraphAnswerError, GraphRequestError, MicrosoftConfigError, NeedsSignInError, SignInAbortedError, TokenRequestError } from '../teams/errors.js';
import { tr, type Lang } from '../core/lang.js';
import { isAadstsCode, type AadstsCode, type CheckCode } from '../core/check-report.js';

/** What happened and what to do, with a stable code (and params) the UI can render in its own language. */
export interface Explanation {
  message: string;
  fix: string;
  /** The technical message (redacted), for the details list. */
  detail: string;
  /** From the closed set (core/check-report.ts), e.g. 'AADSTS7000215', 'http-403', 'tls'; 'error' when nothing more is known. */
  code: CheckCode;
  params: Record<string, string | number>;
}

type Draft = Omit<Explanation, 'code' | 'params'> & { code?: CheckCode | undefined; params?: Explanation['params'] };

function done(e: Draft): Explanation {
  return { ...e, code: e.code ?? 'error', params: e.params ?? {} };
}

/**
 * Permissions Graph refused (403) or a token lacks: one explanation for the consent step, `check` and the
 * Connections page alike, with the admin-consent link.
 */
export function explainPermissionsMissing(
  needs: readonly { permission: string; type: 'application' | 'delegated'; why: { de: string; en: string } }[],
  lang: Lang,
  consentUrl: string | undefined,
): Explanation {
  const list = needs.map((n) => `${n.permission} (${n.type === 'application' ? tr(lang, 'Anwendung', 'application') : tr(lang, 'delegiert', 'delegated')}: ${n.why[lang]})`);
  const names = needs.map((n) => `${n.permission} (${n.type})`).join(', ');
  return {
    code: 'microsoft-permission-missing',
    params: { permissions: names, ...(consentUrl ? { consentUrl } : {}) },
    message: tr(lang, `Die Administratorzustimmung fehlt für: ${list.join('; ')}.`, `Admin consent is missing for: ${list.join('; ')}.`),
    fix: tr(lang,
      `Tragen Sie die Berechtigungen in der App-Registrierung unter „API-Berechtigungen" ein und erteilen Sie als Globaler Administrator die Zustimmung („Administratorzustimmung für <Mandant> erteilen"${consentUrl ? ` oder ${consentUrl}` : ''}). Eine neue Zustimmung wirkt manchmal erst nach einigen Minuten – dann erneut prüfen.`,
      `Add the permissions in the app registration under "API permissions", then grant consent as a Global Administrator ("Grant admin consent for <tenant>"${consentUrl ? ` or ${consentUrl}` : ''}). A new consent sometimes takes a few minutes to apply – then check again.`),
    detail: tr(lang, `Microsoft Graph verweigert den Zugriff (HTTP 403) ohne: ${names}.`, `Microsoft Graph refuses access (HTTP 403) without: ${names}.`),
  };
}

/** The first AADSTS code in a message, e.g. 'AADSTS7000215'. */
export function aadstsCode(text: string): string | undefined {
  return /AADSTS\d+/.exec(text)?.[0];
}

/** Entra ID error codes the assistant knows, with the fix. */
function explainAadsts(code: AadstsCode, lang: Lang): { message: string; fix: string } {
  switch (code) {
    case 'AADSTS7000215':
      return {
        message: tr(lang, 'Entra ID lehnt den geheimen Clientschlüssel ab (AADSTS7000215: ungültiger geheimer Schlüssel).',
          'Entra ID rejected the client secret (AADSTS7000215: invalid client secret).'),
        fix: tr(lang,
          'Meist wurde die „Geheimnis-ID" statt des „Werts" kopiert. Legen Sie in der App-Registrierung unter „Zertifikate & Geheimnisse" einen neuen geheimen Schlüssel an, kopieren Sie die Spalte „Wert" und tragen Sie ihn hier ein.',
          'Usually the "Secret ID" was copied instead of the "Value". Create a new client secret in the app registration under "Certificates & secrets", copy the "Value" column and enter it here.'),
      };
    case 'AADSTS7000222':
      return {
        message: tr(lang, 'Der geheime Clientschlüssel ist abgelaufen (AADSTS7000222).', 'The client secret has expired (AADSTS7000222).'),
        fix: tr(lang, 'Legen Sie in der App-Registrierung einen neuen geheimen Schlüssel an und tragen Sie Wert und Ablaufdatum hier ein.',
          'Create a new client secret in the app registration and enter its value and expiry date here.'),
      };
    case 'AADSTS700016':
      return {
        message: tr(lang, 'Entra ID kennt diese Anwendungs-ID (Client-ID) in diesem Mandanten nicht (AADSTS700016).',
          'Entra ID does not know this application (client) ID in this tenant (AADSTS700016).'),
        fix: tr(lang, 'Übernehmen Sie „Anwendungs-ID (Client-ID)" und „Verzeichnis-ID (Mandanten-ID)" von der Übersichtsseite der App-Registrierung – beide müssen aus demselben Mandanten stammen.',
          'Copy "Application (client) ID" and "Directory (tenant) ID" from the app registration\'s overview page – both must come from the same tenant.'),
      };
    case 'AADSTS90002':
      return {
        message: tr(lang, 'Entra ID kennt diesen Mandanten nicht (AADSTS90002).', 'Entra ID does not know this tenant (AADSTS90002).'),
        fix: tr(lang, 'Tragen Sie die Verzeichnis-ID (GUID) von der Übersichtsseite der App-Registrierung ein, oder eine verifizierte Domäne wie contoso.onmicrosoft.com.',
          'Enter the directory (tenant) ID (a GUID) from the app registration\'s overview page, or a verified domain such as contoso.onmicrosoft.com.'),
      };
    case 'AADSTS700027':
    case 'AADSTS700023':
    case 'AADSTS700024':
      return {
        message: tr(lang, `Entra ID lehnt das Zertifikat ab (${code}).`, `Entra ID rejected the certificate (${code}).`),
        fix: tr(lang, 'Laden Sie das öffentliche Zertifikat unter „Zertifikate & Geheimnisse" hoch, übernehmen Sie den dort angezeigten Fingerabdruck und speichern Sie den dazu passenden privaten Schlüssel (PEM). Prüfen Sie auch die Uhrzeit dieses Rechners.',
          'Upload the public certificate under "Certificates & secrets", copy the thumbprint shown there and store the matching private key (PEM). Also check this computer\'s clock.'),
      };
    case 'AADSTS7000218':
      return {
        message: tr(lang, 'Es wurde weder ein geheimer Schlüssel noch ein Zertifikat gesendet (AADSTS7000218).', 'Neither a client secret nor a certificate was sent (AADSTS7000218).'),
        fix: tr(lang, 'Speichern Sie den geheimen Clientschlüssel oder den Zertifikatsschlüssel.', 'Store the client secret or the certificate key.'),
      };
    case 'AADSTS65001':
      return {
        message: tr(lang, 'Die Zustimmung für die Berechtigungen der App fehlt (AADSTS65001).', 'Consent for the app\'s permissions is missing (AADSTS65001).'),
        fix: tr(lang, 'Erteilen Sie die Administratorzustimmung (Link unten oder „API-Berechtigungen → Administratorzustimmung erteilen") und melden Sie sich danach erneut an.',
          'Grant admin consent (link below, or "API permissions → Grant admin consent") and sign in again afterwards.'),
      };
    case 'AADSTS50011':
      return {
        message: tr(lang, 'Die Umleitungs-URI passt nicht zur App-Registrierung (AADSTS50011).', 'The redirect URI does not match the app registration (AADSTS50011).'),
        fix: tr(lang, 'Tragen Sie unter „Authentifizierung → Mobilgerät- und Desktopanwendungen" die Umleitungs-URI http://localhost ein (bei festem Port zusätzlich http://localhost:<Port>).',
          'Add the redirect URI http://localhost under "Authentication → Mobile and desktop applications" (with a fixed port also http://localhost:<port>).'),
      };
    case 'AADSTS50173':
    case 'AADSTS700082':
    case 'AADSTS9002313':
      return {
        message: tr(lang, `Die gespeicherte Microsoft-Anmeldung ist nicht mehr gültig (${code}).`, `The saved Microsoft sign-in is no longer valid (${code}).`),
        fix: tr(lang, 'Melden Sie sich erneut an.', 'Sign in again.'),
      };
  }
}

function explainTransportErrorDraft(err: TransportError, lang: Lang): Draft {
  const detail = errorText(err);
  const by: Record<TransportError['code'], { message: string; fix: string }> = {
    tls: {
      message: tr(lang, 'Die TLS-Verbindung wurde nicht aufgebaut: Das Zertifikat der Gegenstelle ist nicht vertrauenswürdig oder passt nicht.',
        'The TLS connection failed: the server\'s certificate is not trusted or does not fit.'),
      fix: tr(lang, 'Vertrauen Sie dem Zertifikat bzw. seiner CA (zusätzliche CA-Zertifikate), oder verwenden Sie den Hostnamen aus dem Zertifikat.',
        'Trust the certificate or its CA (extra CA certificates), or use the host name from the certificate.'),
    },
    connect: {
      message: tr(lang, 'Die Gegenstelle ist nicht erreichbar.', 'The server cannot be reached.'),
      fix: tr(lang, 'Prüfen Sie Adresse, Port, DNS und Firewall zwischen diesem Rechner und der Gegenstelle.',
        'Check the address, the port, DNS and the firewall between this computer and the server.'),
    },
    timeout: {
      message: tr(lang, 'Die Gegenstelle antwortet nicht rechtzeitig.', 'The server does not answer in time.'),
      fix: tr(lang, 'Prüfen Sie Adresse, Port und Firewall; bei langsamen Verbindungen die Zeitlimits unter „Verbindungen" erhöhen.',
        'Check the address, the port and the firewall; for slow links raise the timeouts under "Connections".'),
    },
    proxy: {
      message: tr(lang, 'Der eingestellte Proxy ist nicht erreichbar oder verweigert die Verbindung.', 'The configured proxy is unreachable or refuses the connection.'),
      fix: tr(lang, 'Prüfen Sie die Proxy-Adresse unter „Verbindungen", oder entfernen Sie sie.', 'Check the proxy address under "Connections", or remove it.'),
    },
    aborted: {
      message: tr(lang, 'Die Anfrage wurde abgebrochen.', 'The request was cancelled.'),
      fix: tr(lang, 'Prüfung erneut starten.', 'Run the check again.'),
    },
    'too-large': {
      message: tr(lang, 'Die Antwort ist unerwartet groß – die Adresse zeigt wohl nicht auf den richtigen Dienst.', 'The answer is unexpectedly large – the address probably points to the wrong service.'),
      fix: tr(lang, 'Prüfen Sie die Adresse.', 'Check the address.'),
    },
    network: {
      message: tr(lang, 'Die Verbindung wurde unterbrochen.', 'The connection broke off.'),
      fix: tr(lang, 'Prüfung erneut starten; bleibt es, Netz und Firewall prüfen.', 'Run the check again; if it persists, check the network and firewall.'),
    },
  };
  return { ...by[err.code], detail, code: err.code };
}

/** Errors of Entra ID, MSAL and Microsoft Graph. */
function explainMicrosoftErrorDraft(err: unknown, lang: Lang): Draft {
  const detail = errorText(err);
  if (err instanceof TransportError) return explainTransportErrorDraft(err, lang);
  const code = aadstsCode(detail);
  if (code !== undefined && isAadstsCode(code)) return { ...explainAadsts(code, lang), detail, code };
  if (err instanceof MicrosoftConfigError) {
    return { message: detail, fix: tr(lang, 'Ergänzen Sie die Angaben in diesem Schritt.', 'Complete the values of this step.'), detail, code: 'config' };
  }
  if (err instanceof NeedsSignInError) {
    return {
      message: tr(lang, 'Es ist kein Administrator bei Microsoft angemeldet (nötig für das delegierte Lesen des Status).',
        'No administrator is signed in to Microsoft (needed for reading presence with delegated permission).'),
      fix: tr(lang, 'Melden Sie sich an (Einstellungen → Microsoft → Anmelden; im Terminal per Gerätecode), oder stellen Sie das Lesen auf „Anwendung" um.',
        'Sign in (Settings → Microsoft → Sign in; in the terminal with a device code), or switch presence reading to "application".'),
      detail,
      code: 'needs-sign-in',
    };
  }
  if (err instanceof SignInAbortedError) {
    return { message: detail, fix: tr(lang, 'Anmeldung erneut starten und im Browser abschließen.', 'Start the sign-in again and finish it in the browser.'), detail, code: `sign-in-${err.reason}` };
  }
  if (err instanceof TokenRequestError && err.temporary) {
    return {
      message: tr(lang, 'Die Microsoft-Anmeldung schlägt vorübergehend fehl.', 'Microsoft sign-in temporarily failing.'),
      fix: tr(lang, 'Etwas warten und erneut prüfen; die Brücke versucht es selbst weiter. Bleibt es, Netz und Proxy prüfen.',
        'Wait a little and check again; the bridge keeps trying by itself. If it persists, check the network and proxy.'),
      detail,
      code: err.code,
    };
  }
  if (err instanceof GraphAnswerError) {
    return {
      message: tr(lang, 'Microsoft Graph antwortet in einer Form, die die Brücke nicht lesen kann.', 'Microsoft Graph answers in a form the bridge cannot read.'),
      fix: tr(lang, 'Prüfen Sie, dass die Graph-Adresse auf Microsoft Graph zeigt (nicht auf eine Proxy-Seite).', 'Check that the Graph address points to Microsoft Graph (not to a proxy page).'),
      detail,
      code: err.code,
    };
  }
  if (err instanceof TokenRequestError && err.errorCode === 'network_error') {
    return {
      message: tr(lang, 'Der Microsoft-Anmeldedienst ist nicht erreichbar.', 'The Microsoft sign-in service cannot be reached.'),
      fix: tr(lang, 'Prüfen Sie Netz, Proxy und zusätzliche CA-Zertifikate (TLS-Inspektion), und die Adresse des Anmeldedienstes.',
        'Check the network, the proxy and extra CA certificates (TLS inspection), and the sign-in service address.'),
      detail,
      code: 'network',
    };
  }
  if (err instanceof GraphRequestError) {
    if (err.status === 0) {
      return {
        message: tr(lang, 'Microsoft Graph ist nicht erreichbar.', 'Microsoft Graph cannot be reached.'),
        fix: tr(lang, 'Prüfen Sie Netz, Proxy, zusätzliche CA-Zertifikate und die Graph-Adresse.', 'Check the network, the proxy, extra CA certificates and the Graph address.'),
        detail,
        code: 'network',
      };
    }
    if (err.status === 403) {
      return {
        message: tr(lang, `Microsoft Graph verweigert den Zugriff (HTTP 403 ${err.graphCode}): der App fehlt eine Berechtigung oder die Zustimmung dazu.`,
          `Microsoft Graph denied access (HTTP 403 ${err.graphCode}): the app lacks a permission or the consent for it.`),
        fix: tr(lang, 'Fügen Sie die Berechtigung hinzu und erteilen Sie die Administratorzustimmung (Schritt „Administratorzustimmung").',
          'Add the permission and grant admin consent (step "Admin consent").'),
        detail,
        code: 'http-403',
      };
    }
    if (err.status === 401) {
      return {
        message: tr(lang, 'Microsoft Graph lehnt das Zugriffstoken ab (HTTP 401).', 'Microsoft Graph rejected the access token (HTTP 401).'),
        fix: tr(lang, 'Prüfen Sie Mandant, App und Anmeldeinformation (Schritt 1) und die Uhrzeit dieses Rechners.',
          'Check tenant, app and credential (step 1) and this computer\'s clock.'),
        detail,
        code: 'http-401',
      };
    }
    if (err.isThrottled) {
      return {
        message: tr(lang, 'Microsoft Graph drosselt diese App gerade (zu viele Anfragen).', 'Microsoft Graph is throttling this app right now (too many requests).'),
        fix: tr(lang, 'Etwas warten und erneut prüfen. Läuft eine zweite Installation mit derselben App? Dann diese abschalten.',
          'Wait a little and check again. Is a second installation using the same app? Then switch it off.'),
        detail,
        code: `http-${err.status}`,
      };
    }
  }
  if (err instanceof TokenRequestError) {
    return {
      message: tr(lang, 'Entra ID hat die Token-Anfrage abgelehnt.', 'Entra ID refused the token request.'),
      fix: tr(lang, 'Prüfen Sie Mandanten-ID, Client-ID und Anmeldeinformation anhand der Meldung unten.', 'Check tenant ID, client ID and credential against the message below.'),
      detail,
      // Entra ID's own error code (open: MSAL's words) is a param, the code is from the closed set.
      code: err.code,
      ...(err.errorCode ? { params: { errorCode: err.errorCode } } : {}),
    };
  }
  return { message: detail, fix: tr(lang, 'Prüfen Sie die Angaben und versuchen Sie es erneut.', 'Check the values and try again.'), detail };
}

/** Errors of the STARFACE REST directory and UCI sessions. */
function explainStarfaceErrorDraft(err: unknown, lang: Lang): Draft {
  const detail = errorText(err);
  if (err instanceof TransportError) return explainTransportErrorDraft(err, lang);
  if (err instanceof StarfaceAuthError) {
    const noPassword = err.status === 0;
    return {
      message: noPassword
        ? tr(lang, 'Für den STARFACE-Administrator ist kein Passwort gespeichert.', 'No password is stored for the STARFACE administrator.')
        : tr(lang, `Die STARFACE lehnt die REST-Anmeldung des Administrators ab (HTTP ${err.status}).`, `STARFACE rejected the administrator's REST login (HTTP ${err.status}).`),
      fix: tr(lang, 'Prüfen Sie die Login-ID (z. B. 0001, nicht den Namen) und das Passwort eines STARFACE-Administrators.',
        'Check the login ID (e.g. 0001, not the name) and the password of a STARFACE administrator.'),
      detail,
      code: noPassword ? 'no-password' : `http-${err.status}`,
    };
  }
  if (err instanceof StarfaceRestError) {
    if (err.status === 404) {
      return {
        message: tr(lang, 'Unter dieser Adresse gibt es keine STARFACE-REST-Schnittstelle (HTTP 404).', 'There is no STARFACE REST API at this address (HTTP 404).'),
        fix: tr(lang, 'Tragen Sie die Adresse der Anlage ohne /rest ein (z. B. https://pbx.example.com). REST gibt es ab STARFACE 6.4.2.12.',
          'Enter the PBX address without /rest (e.g. https://pbx.example.com). REST exists from STARFACE 6.4.2.12.'),
        detail,
        code: 'http-404',
      };
    }
    if (err.status === 403) {
      return {
        message: tr(lang, 'Das STARFACE-Konto hat nicht die nötigen Rechte (HTTP 403).', 'The STARFACE account lacks the necessary rights (HTTP 403).'),
        fix: tr(lang, 'Verwenden Sie ein Konto mit Administratorrechten.', 'Use an account with administrator rights.'),
        detail,
        code: 'http-403',
      };
    }
    return {
      message: tr(lang, 'Die STARFACE hat unerwartet geantwortet.', 'STARFACE answered unexpectedly.'),
      fix: tr(lang, 'Prüfen Sie, ob die Adresse auf die STARFACE zeigt (nicht auf einen Proxy oder eine andere Weboberfläche).',
        'Check that the address points to the PBX (not to a proxy or another web interface).'),
      detail,
      code: `http-${err.status}`,
    };
  }
  if (err instanceof UciRequestError) {
    const refused = err.kind === 'false' || err.kind === 'html' || (err.kind === 'http' && (err.details.status === 401 || err.details.status === 403));
    if (refused) {
      return {
        message: tr(lang, 'Die STARFACE lehnt die UCI-Anmeldung ab.', 'STARFACE refused the UCI login.'),
        fix: tr(lang, 'Prüfen Sie das Passwort des Benutzers (das normale STARFACE-Passwort) und tragen Sie es neu ein.',
          'Check the user\'s password (their normal STARFACE password) and enter it again.'),
        detail,
        code: 'uci-refused',
      };
    }
    if (err.kind === 'fault') {
      return {
        message: tr(lang, `Die STARFACE verweigert die Anfrage (Fehler ${err.details.faultCode ?? '?'}).`, `STARFACE refused the request (fault ${err.details.faultCode ?? '?'}).`),
        fix: tr(lang, 'Prüfen Sie in der STARFACE, ob der Benutzer die UCI-Schnittstelle nutzen darf (Rechte für UCI/CTI-Clients).',
          'Check on STARFACE that the user may use the UCI interface (rights for UCI/CTI clients).'),
        detail,
        code: 'uci-fault',
      };
    }
    if (err.kind === 'transport') {
      const cause = err.details.cause;
      if (cause instanceof TransportError) return { ...explainTransportErrorDraft(cause, lang), detail };
    }
    return {
      message: tr(lang, 'Die UCI-Schnittstelle der STARFACE antwortet nicht wie erwartet.', 'The STARFACE UCI interface does not answer as expected.'),
      fix: tr(lang, 'Prüfen Sie Adresse und STARFACE-Version (UCI ab 6.4.2.19; Einstellung „UCI-Version" v30/v22).',
        'Check the address and the STARFACE version (UCI from 6.4.2.19; setting "UCI version" v30/v22).'),
      detail,
      code: `uci-${err.kind}`,
    };
  }
  if (err instanceof UciNotConnectedError) {
    return {
      message: tr(lang, 'Die UCI-Sitzung ist nicht angemeldet.', 'The UCI session is not logged in.'),
      fix: tr(lang, 'Passwort des Benutzers prüfen und erneut versuchen.', 'Check the user\'s password and try again.'),
      detail,
      code: 'uci-not-connected',
    };
  }
  return { message: detail, fix: tr(lang, 'Prüfen Sie die Angaben und versuchen Sie es erneut.', 'Check the values and try again.'), detail };
}

export function explainTransportError(err: TransportError, lang: Lang): Explanation {
  return done(explainTransportErrorDraft(err, lang));
}

/** Errors of Entra ID, MSAL and Microsoft Graph. */
export function explainMicrosoftError(err: unknown, lang: Lang): Explanation {
  return done(timeoutDraft(err, lang) ?? explainMicrosoftErrorDraft(err, lang));
}

/** Errors of the STARFACE REST directory and UCI sessions. */
export function explainStarfaceError(err: unknown, lang: Lang): Explanation {
  return done(timeoutDraft(err, lang) ?? explainStarfaceErrorDraft(err, lang));
}

/** A check that ran past its deadline. */
function timeoutDraft(err: unknown, lang: Lang): Draft | undefined {
  if (!(err instanceof TimeoutError)) return undefined;
  return {
    code: 'timeout',
    message: tr(lang, 'Die Gegenstelle hat nicht rechtzeitig geantwortet.', 'The server did not answer in time.'),
    fix: tr(lang, 'Prüfen Sie Adresse, Netz und Proxy.', 'Check the address, the network and the proxy.'),
    detail: errorText(err),
  };
}
