// The STARFACE checks, one code path for `check`, setup and the Connections page: the PBX answers as a
// STARFACE (REST login template), the administrator's REST login and the directory, the selected group, one
// real UCI login, and the address the PBX delivers call events to. Checks change nothing on the PBX. The
// STARFACE client code itself lives in src/starface.
import { tr } from '../core/lang.js';
import type { Settings } from '../core/settings.js';
import { STARFACE_ADMIN_PASSWORD_SECRET, uciPasswordSecretName } from '../core/uci-credentials.js';
import type { HttpTransport } from '../platform/http-transport.js';
import type { SecretStore } from '../platform/vault.js';
import type { StarfaceDirectory } from '../starface/rest-directory.js';
import { UciSession } from '../starface/uci-session.js';
import { isLoopbackHost } from './connections.js';
import { finding, safe, withTimeout, type DiagnosisOptions, type Finding } from './diagnosis.js';
import { explainStarfaceError } from './explain.js';
import { findGroup } from './roster.js';

/** Which part: reachability (setup step "STARFACE address"), the administrator (step "administrator"), or all. */
export type StarfaceScope = 'connection' | 'admin' | 'all';

export interface StarfaceDiagnosisInput extends DiagnosisOptions {
  settings: Settings;
  secrets: Pick<SecretStore, 'get' | 'names'>;
  transport: HttpTransport;
  /** Undefined while address or administrator are missing. */
  directory: StarfaceDirectory | undefined;
  /** The callback server's public URL, if one runs. */
  callbackUrl?: string;
  /** SHA-256 fingerprint of the callback server's certificate when it serves HTTPS (starface.callbackTls). */
  callbackFingerprint?: string;
  scope?: StarfaceScope;
}

export function versionAtLeast(version: string, min: number[]): boolean {
  const v = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    if (a !== min[i]) return a > min[i]!;
  }
  return true;
}

export async function diagnoseStarface(input: StarfaceDiagnosisInput): Promise<Finding[]> {
  const { settings, lang } = input;
  const scope = input.scope ?? 'all';
  const sf = settings.starface;
  const out: Finding[] = [];
  const label = (de: string, en: string): string => tr(lang, de, en);
  const failWith = (id: string, l: string, err: unknown): Finding => {
    const e = explainStarfaceError(err, lang);
    return finding({ id, code: e.code, params: e.params, status: 'fail', label: l, message: e.message, fix: e.fix, details: [e.detail], error: err });
  };

  const configLabel = label('Adresse und Administrator der STARFACE', 'PBX address and administrator');
  const needAdmin = scope !== 'connection';
  if (!sf.baseUrl || (needAdmin && (!sf.adminLogin || !input.directory))) {
    const missing = [!sf.baseUrl ? 'baseUrl' : '', needAdmin && !sf.adminLogin ? 'adminLogin' : ''].filter(Boolean);
    out.push(finding({
      id: 'config', code: 'starface-config-missing', params: { missing: missing.join(',') }, status: 'fail', label: configLabel,
      message: !sf.baseUrl ? tr(lang, 'Die Adresse der STARFACE fehlt.', 'The STARFACE address is missing.')
        : tr(lang, 'Die Login-ID des STARFACE-Administrators fehlt.', 'The login ID of the STARFACE administrator is missing.'),
      fix: tr(lang, 'Tragen Sie die Adresse ohne /rest ein (z. B. https://pbx.example.com) und die Login-ID eines STARFACE-Administrators (Verbindungen → STARFACE).',
        'Enter the PBX address without /rest (e.g. https://pbx.example.com) and the login ID of a STARFACE administrator (Connections → STARFACE).'),
    }));
    return out;
  }
  if (scope !== 'admin') {
    out.push(finding({ id: 'config', code: 'ok', params: { baseUrl: sf.baseUrl }, status: 'ok', label: configLabel,
      message: sf.adminLogin ? tr(lang, `${sf.baseUrl}, Administrator ${sf.adminLogin}.`, `${sf.baseUrl}, administrator ${sf.adminLogin}.`) : sf.baseUrl }));
    out.push(await reachability(input));
    if (out[out.length - 1]!.status === 'fail' || scope === 'connection') return out;
  }

  const directory = input.directory!;
  const pwLabel = label('Passwort des Administrators', 'Administrator password');
  if ((await input.secrets.get(STARFACE_ADMIN_PASSWORD_SECRET)) === undefined) {
    out.push(finding({ id: 'admin-password', code: 'starface-admin-password-missing', status: 'fail', label: pwLabel,
      message: tr(lang, 'Es ist kein Passwort des Administrators gespeichert.', 'No administrator password is stored.'),
      fix: tr(lang, 'Tragen Sie das Passwort des STARFACE-Administrators ein (Verbindungen → STARFACE).', 'Enter the STARFACE administrator password under Connections → STARFACE.') }));
    return out;
  }
  out.push(finding({ id: 'admin-password', code: 'ok', status: 'ok', label: pwLabel, message: tr(lang, 'Das Passwort des Administrators ist gespeichert.', 'The administrator password is stored.') }));

  const loginLabel = label('REST-Anmeldung', 'REST login');
  try {
    await withTimeout(directory.login(), input.timeoutMs, tr(lang, 'Die REST-Anmeldung', 'Logging in to the STARFACE REST interface'));
    out.push(finding({ id: 'rest-login', code: 'ok', params: { login: sf.adminLogin }, status: 'ok', label: loginLabel,
      message: tr(lang, `Der Administrator ${sf.adminLogin} hat sich an der REST-Schnittstelle angemeldet.`, `The administrator ${sf.adminLogin} logged in to the STARFACE REST interface.`) }));
  } catch (err) {
    out.push(failWith('rest-login', loginLabel, err));
    return out;
  }

  let users: { login: string; email: string }[] = [];
  const usersLabel = label('STARFACE-Benutzer', 'STARFACE users');
  try {
    users = await withTimeout(directory.listUsers(), input.timeoutMs, tr(lang, 'Die Benutzerliste', 'Listing the STARFACE users'));
    const withEmail = users.filter((u) => u.email.trim() !== '').length;
    const version = await directory.serverVersion().catch(() => undefined);
    const details: string[] = [];
    let status: Finding['status'] = users.length > 0 ? 'ok' : 'fail';
    let fix: string | undefined = users.length > 0 ? undefined : tr(lang, 'Verwenden Sie ein Administratorkonto: andere Konten sehen nur sich selbst.', 'Use an administrator account: other accounts only see themselves.');
    if (version) details.push(tr(lang, `STARFACE-Version: ${version}`, `STARFACE version: ${version}`));
    if (version && versionAtLeast(version, [9, 0, 0, 9])) {
      details.push(tr(lang, 'Diese Version hat eine eingebaute „Microsoft Presence Sync": sie muss ausgeschaltet sein (nur eine Synchronisierung pro Anlage).',
        'This version has a built-in "Microsoft Presence Sync": it must be switched off (only one sync per PBX).'));
    }
    if (status === 'ok' && version && versionAtLeast(version, [11])) {
      status = 'warn';
      fix = tr(lang, 'Ab STARFACE 11 soll die klassische Anmeldung entfallen, die Presence Bridge für UCI nutzt. Prüfen Sie die UCI-Anmeldung.',
        'From STARFACE 11 the classic login Presence Bridge uses for UCI is announced to go away. Check the UCI login.');
    }
    out.push(finding({
      id: 'users', code: users.length > 0 ? 'ok' : 'starface-no-users', params: { users: users.length, withEmail, ...(version ? { version } : {}) },
      status, label: usersLabel, details, ...(fix ? { fix } : {}),
      message: users.length > 0 ? tr(lang, `${users.length} Benutzer, ${withEmail} mit E-Mail-Adresse.`, `${users.length} users, ${withEmail} with an e-mail address.`)
        : tr(lang, 'Die STARFACE listet keine Benutzer.', 'The PBX listed no users.'),
    }));
  } catch (err) {
    out.push(failWith('users', usersLabel, err));
  }
  if (scope === 'admin') return out;

  let selected = users.map((u) => u.login);
  if (settings.users.selection === 'group') {
    const groupLabel = label('Benutzergruppe', 'User group');
    try {
      const groups = await withTimeout(directory.listGroups(), input.timeoutMs, tr(lang, 'Die Gruppenliste', 'Listing the STARFACE groups'));
      const g = findGroup(groups.map((x) => ({ id: String(x.id), name: x.name, memberLogins: x.members })), settings.users.group ?? '');
      if (g) {
        selected = [...g.memberLogins];
        out.push(finding({ id: 'group', code: 'ok', params: { group: g.name, members: g.memberLogins.length }, status: 'ok', label: groupLabel,
          message: tr(lang, `Die Gruppe „${g.name}" hat ${g.memberLogins.length} Mitglieder.`, `Group "${g.name}" has ${g.memberLogins.length} members.`) }));
      } else {
        const names = groups.map((x) => x.name).slice(0, 10).join(', ') || '(none)';
        out.push(finding({ id: 'group', code: 'starface-group-missing', params: { group: settings.users.group ?? '' }, status: 'fail', label: groupLabel,
          message: tr(lang, `Die Gruppe „${settings.users.group ?? ''}" gibt es auf der STARFACE nicht.`, `The group "${settings.users.group ?? ''}" does not exist on the PBX.`),
          fix: tr(lang, `Wählen Sie unter „Benutzer" eine der Gruppen der Anlage: ${names}.`, `Choose one of the PBX's groups under Users: ${names}.`) }));
      }
    } catch (err) {
      out.push(failWith('group', groupLabel, err));
    }
  }
  out.push(await uciLogin(input, selected));
  out.push(callbackReachability(input));
  return out;
}

/** GET /rest/login answers with a login template (nonce): a STARFACE is at this address. */
async function reachability(input: StarfaceDiagnosisInput): Promise<Finding> {
  const { lang, settings } = input;
  const base = settings.starface.baseUrl;
  const l = tr(lang, 'Erreichbarkeit', 'Reachability');
  let status: number;
  let body: unknown;
  try {
    const res = await input.transport.request({ url: `${base}/rest/login`, headers: { accept: 'application/json', 'x-version': '2' }, timeoutMs: settings.starface.requestTimeoutMs });
    status = res.status;
    body = safe(() => res.json());
  } catch (err) {
    const e = explainStarfaceError(err, lang);
    return finding({ id: 'connection', code: e.code, params: e.params, status: 'fail', label: l, message: e.message, fix: e.fix, details: [e.detail], error: err });
  }
  if (status === 404) {
    return finding({ id: 'connection', code: 'starface-rest-missing', params: { baseUrl: base }, status: 'fail', label: l,
      message: tr(lang, `Unter ${base}/rest gibt es keine STARFACE-REST-Schnittstelle (HTTP 404).`, `There is no STARFACE REST API at ${base}/rest (HTTP 404).`),
      fix: tr(lang, 'Tragen Sie die Adresse der Anlage ohne /rest ein. REST gibt es ab STARFACE 6.4.2.12.', 'Enter the PBX address without /rest. REST exists from STARFACE 6.4.2.12.') });
  }
  const nonce = typeof body === 'object' && body !== null ? (body as { nonce?: unknown }).nonce : undefined;
  if (status !== 200 || typeof nonce !== 'string') {
    return finding({ id: 'connection', code: 'starface-not-starface', params: { baseUrl: base, status }, status: 'fail', label: l,
      message: tr(lang, `Unter ${base} antwortet keine STARFACE (GET /rest/login: HTTP ${status}${typeof nonce === 'string' ? '' : ', keine Anmeldevorlage'}).`,
        `No STARFACE answers at ${base} (GET /rest/login: HTTP ${status}${typeof nonce === 'string' ? '' : ', no login template'}).`),
      fix: tr(lang, 'Prüfen Sie, dass die Adresse auf die STARFACE zeigt (nicht auf einen Proxy oder eine andere Weboberfläche).',
        'Check that the address points to the PBX (not to a proxy or another web interface).') });
  }
  if (base.startsWith('http:')) {
    return finding({ id: 'connection', code: 'starface-plain-http', params: { baseUrl: base }, status: 'warn', label: l,
      message: tr(lang, 'Die STARFACE antwortet – aber unverschlüsselt (http).', 'STARFACE answers – but unencrypted (http).'),
      fix: tr(lang, 'Verwenden Sie https://: Die UCI-Anmeldedaten stehen bei STARFACE in der Adresse jeder Anfrage.', 'Use https://: STARFACE carries the UCI credentials in the address of every request.') });
  }
  return finding({ id: 'connection', code: 'ok', params: { baseUrl: base }, status: 'ok', label: l,
    message: tr(lang, 'Die STARFACE ist erreichbar und ihr Zertifikat vertrauenswürdig.', 'STARFACE is reachable and its certificate is trusted.') });
}

/** One real UCI login proves the UCI interface, the token computation and the user's right to use it. */
async function uciLogin(input: StarfaceDiagnosisInput, selected: string[]): Promise<Finding> {
  const { lang, settings, secrets } = input;
  const sf = settings.starface;
  const l = tr(lang, 'UCI-Anmeldung', 'UCI login');
  const names = new Set(await secrets.names());
  const candidate = [...selected, ...settings.users.extraLoginIds].find((x) => names.has(uciPasswordSecretName(x)));
  if (!candidate) {
    return finding({ id: 'uci', code: 'starface-uci-password-missing', status: 'fail', label: l,
      message: tr(lang, 'Für keinen ausgewählten Benutzer ist ein UCI-Passwort gespeichert.', 'No UCI password is stored for any selected user.'),
      fix: tr(lang, 'Speichern Sie die STARFACE-Kennwörter der Benutzer (Verbindungen → STARFACE-Benutzer, oder CSV „login;password").',
        'Store each user\'s STARFACE password under Connections → STARFACE users (or import a CSV "login;password").') });
  }
  const session = new UciSession({
    baseUrl: sf.baseUrl, login: candidate, password: () => secrets.get(uciPasswordSecretName(candidate)), transport: input.transport,
    settings: { uciApi: sf.uciApi, requestTimeoutMs: sf.requestTimeoutMs, discoverServices: false, chatPresenceSetter: 'never', backoffInitialMs: 60_000 },
  });
  try {
    const ok = await withTimeout(session.start(), input.timeoutMs, 'UCI login');
    return ok
      ? finding({ id: 'uci', code: 'ok', params: { login: candidate, uciApi: sf.uciApi }, status: 'ok', label: l,
        message: tr(lang, `Benutzer ${candidate} hat sich über UCI angemeldet (${sf.uciApi}).`, `User ${candidate} logged in over UCI (${sf.uciApi}).`) })
      : finding({ id: 'uci', code: 'starface-uci-refused', params: { login: candidate, uciApi: sf.uciApi }, status: 'fail', label: l,
        message: session.lastError ?? tr(lang, `Benutzer ${candidate} konnte sich nicht über UCI anmelden.`, `User ${candidate} could not log in over UCI.`),
        fix: tr(lang, `Prüfen Sie das gespeicherte UCI-Passwort von ${candidate}, dass der Benutzer UCI nutzen darf, und die UCI-Version (${sf.uciApi}).`,
          `Check the stored UCI password of user ${candidate}, that the user may use UCI, and the UCI version (${sf.uciApi}; try ${sf.uciApi === 'v30' ? 'v22' : 'v30'} on old PBXs).`) });
  } catch (err) {
    const e = explainStarfaceError(err, lang);
    return finding({ id: 'uci', code: e.code, params: { login: candidate, ...e.params }, status: 'fail', label: l, message: e.message, fix: e.fix, details: [e.detail], error: err });
  } finally {
    await session.stop().catch(() => undefined);
  }
}

function callbackReachability(input: StarfaceDiagnosisInput): Finding {
  const { lang, settings } = input;
  const sf = settings.starface;
  const l = tr(lang, 'Anrufereignisse', 'Call events');
  const pbxHost = safe(() => new URL(sf.baseUrl).hostname) ?? '';
  const cbUrl = input.callbackUrl;
  const cbHost = safe(() => new URL(cbUrl ?? '').hostname) ?? '';
  if (!isLoopbackHost(pbxHost) && (!cbUrl || isLoopbackHost(cbHost))) {
    return finding({ id: 'callback', code: 'starface-callback-unreachable', status: 'fail', label: l,
      message: tr(lang, 'Es ist kein Rückruf-Host gesetzt und keiner zur STARFACE hin gefunden: die Anlage kann diesem Rechner keine Anrufereignisse liefern.',
        'No callback host is set and none was found towards the PBX, so the PBX cannot deliver call events to this machine.'),
      fix: tr(lang, 'Tragen Sie den Rückruf-Host (eine für die STARFACE erreichbare Adresse dieses Rechners) und einen festen Port ein und erlauben Sie ihn in der Firewall.',
        'Set the callback host (an address of this machine the PBX can reach) and a fixed callback port, and allow it in the firewall.') });
  }
  const note = sf.callbackHost ? '' : tr(lang, ' (Adresse automatisch gefunden; bei einer Firewall dazwischen festen Host und Port eintragen)',
    ' (address found automatically; set a fixed callback host and port if a firewall sits between them)');
  const fp = input.callbackFingerprint;
  const tls = fp ? tr(lang, ` Über HTTPS; SHA-256-Fingerabdruck des Zertifikats ${fp} — der STARFACE-Admin kann ihn mit dem Zertifikat vergleichen, das der STARFACE gezeigt wird.`,
    ` Over HTTPS; certificate SHA-256 fingerprint ${fp} — the PBX admin can compare it with the certificate the PBX is shown.`) : '';
  return finding({ id: 'callback', code: 'ok', params: { callbackUrl: cbUrl ?? '', ...(fp ? { fingerprint: fp } : {}) }, status: 'ok', label: l,
    message: tr(lang, `Die STARFACE liefert Anrufereignisse an ${cbUrl ?? 'den Rückruf-Server'}${note}.${tls}`, `The PBX delivers call events to ${cbUrl ?? 'the callback server'}${note}.${tls}`) });
}
