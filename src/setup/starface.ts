// STARFACE checks: the PBX is reachable and trusted (with a certificate offer when it is not), the REST API is
// there, the callback address the PBX will be told, and the administrator's REST login.
import net from 'node:net';
import type { Settings } from '../core/settings.js';
import { STARFACE_ADMIN_PASSWORD_SECRET } from '../core/uci-credentials.js';
import { TransportError, type HttpTransport } from '../platform/http-transport.js';
import { StarfaceDirectory } from '../starface/rest-directory.js';
import { analyzeTrust, chainLines, trustFailureText } from './certificate.js';
import { transportFor, type SetupEnvironment } from './environment.js';
import { explainStarfaceError, explainTransportError } from './explain.js';
import { checkResult, tr, type CheckResult, type Lang } from './types.js';

/** Path prefix of the bridge's callback server (src/starface/callback-server.ts default). */
const CALLBACK_PATH = '/starface/events/…';

/** The local address this computer uses towards the PBX, and the PBX's address (for the firewall rule). */
export function addressesTowards(baseUrl: string, timeoutMs = 5_000): Promise<{ local: string; remote: string } | undefined> {
  const u = new URL(baseUrl);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.setTimeout(timeoutMs, () => { s.destroy(); resolve(undefined); });
    s.once('connect', () => {
      const r = s.localAddress && s.remoteAddress ? { local: s.localAddress, remote: s.remoteAddress } : undefined;
      s.destroy();
      resolve(r);
    });
    s.once('error', () => resolve(undefined));
  });
}

function callbackLines(settings: Settings, towards: { local: string; remote: string } | undefined, lang: Lang): string[] {
  const sf = settings.starface;
  const host = sf.callbackHost || towards?.local || tr(lang, '(Adresse dieses Rechners)', '(this computer\'s address)');
  const port = sf.callbackPort || tr(lang, '<freier Port>', '<free port>');
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const from = towards?.remote ?? new URL(sf.baseUrl).hostname;
  const lines = [
    tr(lang, `Rückrufe der STARFACE an Presence Bridge: http://${hostPart}:${port}${CALLBACK_PATH}`,
      `Callbacks from STARFACE to Presence Bridge: http://${hostPart}:${port}${CALLBACK_PATH}`),
    sf.callbackPort
      ? tr(lang, `Firewall: eingehend TCP ${sf.callbackPort} von ${from} erlauben.`, `Firewall: allow inbound TCP ${sf.callbackPort} from ${from}.`)
      : tr(lang, 'Firewall: Für eine feste Regel einen Rückruf-Port eintragen (z. B. 8765) und eingehend TCP von der STARFACE erlauben.',
        'Firewall: for a fixed rule set a callback port (e.g. 8765) and allow inbound TCP from the PBX.'),
  ];
  if (!sf.callbackHost) {
    lines.push(tr(lang, 'Hinter NAT: tragen Sie als Rückruf-Host die Adresse ein, unter der die STARFACE diesen Rechner erreicht.',
      'Behind NAT: enter as callback host the address at which the PBX reaches this computer.'));
  }
  return lines;
}

export async function checkStarfaceConnection(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'starface-connection' as const;
  const now = env.now();
  const settings = await env.loadSettings();
  const base = settings.starface.baseUrl;
  if (!base) {
    return checkResult({
      step, status: 'fail',
      message: tr(lang, 'Die Adresse der STARFACE fehlt.', 'The STARFACE address is missing.'),
      fix: tr(lang, 'Tragen Sie die Adresse ohne /rest ein, z. B. https://pbx.example.com.', 'Enter the address without /rest, e.g. https://pbx.example.com.'),
    }, now);
  }
  const transport = transportFor(settings);
  try {
    let status: number;
    let body: unknown;
    try {
      const res = await transport.request({
        url: `${base}/rest/login`,
        headers: { accept: 'application/json', 'x-version': '2' },
        timeoutMs: settings.starface.requestTimeoutMs,
      });
      status = res.status;
      try {
        body = res.json();
      } catch {
        body = undefined;
      }
    } catch (err) {
      if (err instanceof TransportError && err.code === 'tls' && base.startsWith('https:')) return await untrusted(settings, err, lang, now);
      const e = err instanceof TransportError ? explainTransportError(err, lang) : explainStarfaceError(err, lang);
      return checkResult({ step, status: 'fail', message: e.message, fix: e.fix, details: [e.detail] }, now);
    }
    if (status === 404) {
      return checkResult({
        step, status: 'fail',
        message: tr(lang, `Unter ${base}/rest gibt es keine STARFACE-REST-Schnittstelle (HTTP 404).`, `There is no STARFACE REST API at ${base}/rest (HTTP 404).`),
        fix: tr(lang, 'Tragen Sie die Adresse der Anlage ohne /rest ein. REST gibt es ab STARFACE 6.4.2.12.', 'Enter the PBX address without /rest. REST exists from STARFACE 6.4.2.12.'),
      }, now);
    }
    const nonce = typeof body === 'object' && body !== null ? (body as { nonce?: unknown }).nonce : undefined;
    if (status !== 200 || typeof nonce !== 'string') {
      return checkResult({
        step, status: 'fail',
        message: tr(lang, `Unter ${base} antwortet keine STARFACE (GET /rest/login: HTTP ${status}${typeof nonce === 'string' ? '' : ', keine Anmeldevorlage'}).`,
          `No STARFACE answers at ${base} (GET /rest/login: HTTP ${status}${typeof nonce === 'string' ? '' : ', no login template'}).`),
        fix: tr(lang, 'Prüfen Sie, dass die Adresse auf die STARFACE zeigt (nicht auf einen Proxy oder eine andere Weboberfläche).',
          'Check that the address points to the PBX (not to a proxy or another web interface).'),
      }, now);
    }
    const towards = await addressesTowards(base);
    const details = callbackLines(settings, towards, lang);
    if (base.startsWith('http:')) {
      return checkResult({
        step, status: 'warn',
        message: tr(lang, 'Die STARFACE antwortet – aber unverschlüsselt (http).', 'STARFACE answers – but unencrypted (http).'),
        fix: tr(lang, 'Verwenden Sie https://: Die UCI-Anmeldedaten stehen bei STARFACE in der Adresse jeder Anfrage.',
          'Use https://: STARFACE carries the UCI credentials in the address of every request.'),
        details,
      }, now);
    }
    return checkResult({ step, status: 'ok', message: tr(lang, 'Die STARFACE ist erreichbar und ihr Zertifikat vertrauenswürdig.', 'STARFACE is reachable and its certificate is trusted.'), details }, now);
  } finally {
    transport.close();
  }
}

async function untrusted(settings: Settings, err: TransportError, lang: Lang, now: Date): Promise<CheckResult> {
  const step = 'starface-connection' as const;
  const base = settings.starface.baseUrl;
  const host = new URL(base).host;
  let analysis;
  try {
    analysis = await analyzeTrust(base, settings.network.extraCaPem, settings.starface.requestTimeoutMs);
  } catch (e) {
    const x = explainTransportError(err, lang);
    return checkResult({ step, status: 'fail', message: x.message, fix: x.fix, details: [x.detail, (e as Error).message] }, now);
  }
  const details = [...chainLines(analysis.chain, lang), err.message];
  if (analysis.offer?.kind === 'pin') {
    const c = analysis.offer.certificate;
    return checkResult({
      step,
      status: 'fail',
      message: tr(lang, `Das Zertifikat von ${host} lässt sich nicht auf dem üblichen Weg prüfen (${trustFailureText(analysis.reason, lang)}; Inhaber ${c.subject}, gültig bis ${c.validTo.slice(0, 10)}).`,
        `The certificate of ${host} cannot be verified the usual way (${trustFailureText(analysis.reason, lang)}; subject ${c.subject}, valid until ${c.validTo.slice(0, 10)}).`),
      fix: tr(lang, `Vergleichen Sie den SHA-256-Fingerabdruck ${c.fingerprint256} mit dem in der STARFACE-Administration angezeigten. Stimmt er, vertrauen Sie diesem Zertifikat (Pinning): Dann wird von ${host} genau dieses Zertifikat angenommen und kein anderes; bekommt die STARFACE ein neues, pinnen Sie das neue.`,
        `Compare the SHA-256 fingerprint ${c.fingerprint256} with the one shown in the STARFACE administration. If it matches, trust this certificate (pin it): ${host} is then accepted with exactly this certificate and no other; when the PBX gets a new one, pin the new one.`),
      details,
      trustOffer: analysis.offer,
    }, now);
  }
  if (analysis.offer) {
    const c = analysis.offer.certificate;
    return checkResult({
      step,
      status: 'fail',
      message: tr(lang, `Das Zertifikat von ${host} ist nicht vertrauenswürdig (Inhaber ${c.subject}, Aussteller ${c.issuer}, gültig bis ${c.validTo.slice(0, 10)}).`,
        `The certificate of ${host} is not trusted (subject ${c.subject}, issuer ${c.issuer}, valid until ${c.validTo.slice(0, 10)}).`),
      fix: tr(lang, `Vergleichen Sie den SHA-256-Fingerabdruck ${c.fingerprint256} mit dem in der STARFACE-Administration angezeigten. Stimmt er, vertrauen Sie diesem Zertifikat (es wird unter „zusätzliche CA-Zertifikate" gespeichert).`,
        `Compare the SHA-256 fingerprint ${c.fingerprint256} with the one shown in the STARFACE administration. If it matches, trust this certificate (it is stored under "extra CA certificates").`),
      details,
      trustOffer: analysis.offer,
    }, now);
  }
  return checkResult({
    step,
    status: 'fail',
    message: tr(lang, `Das Zertifikat von ${host} ist nicht vertrauenswürdig, und keines der gesendeten Zertifikate kann das allein beheben (${trustFailureText(analysis.reason, lang)}).`,
      `The certificate of ${host} is not trusted, and none of the certificates it sends can fix that alone (${trustFailureText(analysis.reason, lang)}).`),
    fix: untrustedFix(analysis.reason, lang),
    details,
  }, now);
}

export function starfaceDirectory(settings: Settings, transport: HttpTransport, env: SetupEnvironment): StarfaceDirectory {
  return new StarfaceDirectory({
    baseUrl: settings.starface.baseUrl,
    login: settings.starface.adminLogin,
    password: () => env.secrets.get(STARFACE_ADMIN_PASSWORD_SECRET),
    transport,
    requestTimeoutMs: settings.starface.requestTimeoutMs,
    logger: env.logger,
  });
}

function versionAtLeast(version: string, min: number[]): boolean {
  const v = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    if (a !== min[i]) return a > min[i]!;
  }
  return true;
}

export async function checkStarfaceAdmin(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'starface-admin' as const;
  const now = env.now();
  const settings = await env.loadSettings();
  if (!settings.starface.baseUrl) {
    return checkResult({ step, status: 'fail', message: tr(lang, 'Die Adresse der STARFACE fehlt.', 'The STARFACE address is missing.'),
      fix: tr(lang, 'Schließen Sie zuerst den Schritt „STARFACE-Adresse" ab.', 'Complete the step "STARFACE address" first.') }, now);
  }
  const absent: string[] = [];
  if (!settings.starface.adminLogin) absent.push(tr(lang, 'Login-ID des Administrators', 'administrator login ID'));
  if (!(await env.secrets.get(STARFACE_ADMIN_PASSWORD_SECRET))) absent.push(tr(lang, 'Kennwort des Administrators', 'administrator password'));
  if (absent.length) {
    return checkResult({
      step, status: 'fail',
      message: tr(lang, `Es fehlt: ${absent.join(', ')}.`, `Missing: ${absent.join(', ')}.`),
      fix: tr(lang, 'Tragen Sie Login-ID (z. B. 0001) und Kennwort eines STARFACE-Administrators ein.', 'Enter the login ID (e.g. 0001) and password of a STARFACE administrator.'),
    }, now);
  }
  const transport = transportFor(settings);
  const dir = starfaceDirectory(settings, transport, env);
  try {
    await dir.login();
    const users = await dir.listUsers();
    const version = await dir.serverVersion().catch(() => undefined);
    const details: string[] = [];
    let status: CheckResult['status'] = 'ok';
    let fix: string | undefined;
    if (version) details.push(tr(lang, `STARFACE-Version: ${version}`, `STARFACE version: ${version}`));
    if (version && versionAtLeast(version, [9, 0, 0, 9])) {
      details.push(tr(lang, 'Diese Version hat eine eingebaute „Microsoft Presence Sync": sie muss ausgeschaltet sein (nur ein Abgleich pro Anlage).',
        'This version has a built-in "Microsoft Presence Sync": it must be switched off (only one sync per PBX).'));
    }
    if (version && versionAtLeast(version, [11])) {
      status = 'warn';
      fix = tr(lang, 'Ab STARFACE 11 soll die klassische Anmeldung entfallen, die Presence Bridge für UCI nutzt. Prüfen Sie die UCI-Anmeldung im nächsten Schritt.',
        'From STARFACE 11 the classic login Presence Bridge uses for UCI is announced to go away. Check the UCI login in the next steps.');
    }
    return checkResult({
      step, status,
      message: tr(lang, `REST-Anmeldung als ${settings.starface.adminLogin} erfolgreich; ${users.length} Benutzer sichtbar.`,
        `REST login as ${settings.starface.adminLogin} succeeded; ${users.length} users visible.`),
      ...(fix ? { fix } : {}),
      details,
    }, now);
  } catch (err) {
    if (err instanceof TransportError && err.code === 'tls') {
      const e = explainTransportError(err, lang);
      return checkResult({ step, status: 'fail', message: e.message, fix: tr(lang, 'Schließen Sie zuerst den Schritt „STARFACE-Adresse und Zertifikat" ab.', 'Complete the step "STARFACE address and certificate" first.'), details: [e.detail] }, now);
    }
    const e = explainStarfaceError(err, lang);
    return checkResult({ step, status: 'fail', message: e.message, fix: e.fix, details: [e.detail] }, now);
  } finally {
    await dir.logout();
    transport.close();
  }
}

function untrustedFix(reason: string | undefined, lang: Lang): string {
  if (reason === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return tr(lang, 'Verwenden Sie in der Adresse den Hostnamen, für den das Zertifikat ausgestellt ist (siehe Inhaber/alternative Namen), oder stellen Sie auf der STARFACE ein passendes Zertifikat aus.',
      'Use the host name the certificate was issued for in the address (see its subject/alternative names), or issue a matching certificate on the PBX.');
  }
  if (reason === 'CERT_HAS_EXPIRED' || reason === 'CERT_NOT_YET_VALID') {
    return tr(lang, 'Erneuern Sie das Zertifikat der STARFACE, und prüfen Sie die Uhrzeit dieses Rechners und der Anlage.',
      'Renew the PBX certificate, and check the clocks of this computer and of the PBX.');
  }
  return tr(lang, 'Die STARFACE schickt das Zertifikat ihrer CA nicht mit. Besorgen Sie das CA-Zertifikat (PEM) aus der STARFACE-Administration oder von Ihrer internen CA und tragen Sie es unter „zusätzliche CA-Zertifikate" ein (im Terminal: Pfad zur Datei).',
    'The PBX does not send its CA certificate. Get the CA certificate (PEM) from the STARFACE administration or your internal CA and add it under "extra CA certificates" (in the terminal: the path to the file).');
}
