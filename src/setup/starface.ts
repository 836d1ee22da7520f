// The setup assistant's STARFACE steps on the one diagnosis (src/sync/diagnose-starface.ts): the PBX is
// reachable and trusted (with a certificate offer when it is not), the callback address the PBX will be told,
// and the administrator's REST login.
import net from 'node:net';
import type { Settings } from '../core/settings.js';
import { STARFACE_ADMIN_PASSWORD_SECRET } from '../core/uci-credentials.js';
import { TransportError, type HttpTransport } from '../platform/http-transport.js';
import { callbackCertificate } from '../starface/callback-certificate.js';
import { StarfaceDirectory } from '../starface/rest-directory.js';
import { callbackHostFacing } from '../sync/connections.js';
import { diagnoseStarface } from '../sync/diagnose-starface.js';
import { explainTransportError } from '../sync/explain.js';
import { analyzeTrust, chainLines, trustFailureText } from './certificate.js';
import { transportFor, type SetupEnvironment } from './environment.js';
import { resultFromFindings } from './from-findings.js';
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

function callbackLines(settings: Settings, towards: { local: string; remote: string } | undefined, lang: Lang, fingerprint: string | undefined): string[] {
  const sf = settings.starface;
  const host = sf.callbackHost || towards?.local || tr(lang, '(Adresse dieses Rechners)', '(this computer\'s address)');
  const port = sf.callbackPort || tr(lang, '<freier Port>', '<free port>');
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const from = towards?.remote ?? new URL(sf.baseUrl).hostname;
  const scheme = sf.callbackTls ? 'https' : 'http';
  const lines = [
    tr(lang, `Rückrufe der STARFACE an Presence Bridge: ${scheme}://${hostPart}:${port}${CALLBACK_PATH}`,
      `Callbacks from STARFACE to Presence Bridge: ${scheme}://${hostPart}:${port}${CALLBACK_PATH}`),
    sf.callbackPort
      ? tr(lang, `Firewall: eingehend TCP ${sf.callbackPort} von ${from} erlauben.`, `Firewall: allow inbound TCP ${sf.callbackPort} from ${from}.`)
      : tr(lang, 'Firewall: Für eine feste Regel einen Rückruf-Port eintragen (z. B. 8765) und eingehend TCP von der STARFACE erlauben.',
        'Firewall: for a fixed rule set a callback port (e.g. 8765) and allow inbound TCP from the PBX.'),
  ];
  if (fingerprint) {
    lines.push(tr(lang, `Zertifikat des Rückruf-Servers (HTTPS): SHA-256-Fingerabdruck ${fingerprint}. Geben Sie ihn dem STARFACE-Administrator, damit die Anlage genau diesem Zertifikat vertraut; er bleibt gleich, solange Rückruf-Host und Tresor gleich bleiben.`,
      `Certificate of the callback server (HTTPS): SHA-256 fingerprint ${fingerprint}. Give it to the PBX admin so the PBX trusts exactly this certificate; it stays the same as long as the callback host and the vault do.`));
  }
  if (!sf.callbackHost) {
    lines.push(tr(lang, 'Hinter NAT: tragen Sie als Rückruf-Host die Adresse ein, unter der die STARFACE diesen Rechner erreicht.',
      'Behind NAT: enter as callback host the address at which the PBX reaches this computer.'));
  }
  return lines;
}

/**
 * With call events over HTTPS: the fingerprint of the certificate the bridge will serve — made now and kept in the
 * vault if there is none yet for the callback host the engine will use, so the PBX admin can be given it before
 * the bridge runs.
 */
async function callbackFingerprint(env: SetupEnvironment, settings: Settings): Promise<string | undefined> {
  const sf = settings.starface;
  if (!sf.callbackTls) return undefined;
  const host = sf.callbackHost || await callbackHostFacing(sf.baseUrl);
  return (await callbackCertificate(env.secrets, [host])).fingerprint256;
}

export async function checkStarfaceConnection(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'starface-connection' as const;
  const now = env.now();
  const settings = await env.loadSettings();
  const transport = transportFor(settings);
  try {
    const findings = await diagnoseStarface({ settings, secrets: env.secrets, transport, directory: undefined, lang, scope: 'connection' });
    const reach = findings.find((f) => f.id === 'connection');
    const base = settings.starface.baseUrl;
    // Not trusted: offer the PBX's own certificate when trusting it would make the connection verify.
    if (reach?.error instanceof TransportError && reach.error.code === 'tls' && base.startsWith('https:')) return await untrusted(settings, reach.error, lang, now);
    if (findings.some((f) => f.status === 'fail')) return resultFromFindings(step, findings, now, '');
    const details = callbackLines(settings, await addressesTowards(base), lang, await callbackFingerprint(env, settings));
    return resultFromFindings(step, findings.filter((f) => f.id === 'connection'), now, reach?.message ?? '', { details });
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

export async function checkStarfaceAdmin(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'starface-admin' as const;
  const now = env.now();
  const settings = await env.loadSettings();
  if (!settings.starface.baseUrl) {
    return checkResult({ step, status: 'fail', message: tr(lang, 'Die Adresse der STARFACE fehlt.', 'The STARFACE address is missing.'),
      fix: tr(lang, 'Schließen Sie zuerst den Schritt „STARFACE-Adresse" ab.', 'Complete the step "STARFACE address" first.') }, now);
  }
  const transport = transportFor(settings);
  const dir = settings.starface.adminLogin ? starfaceDirectory(settings, transport, env) : undefined;
  try {
    const findings = await diagnoseStarface({ settings, secrets: env.secrets, transport, directory: dir, lang, scope: 'admin' });
    const failed = findings.find((f) => f.status === 'fail');
    if (failed?.error instanceof TransportError && failed.error.code === 'tls') {
      return resultFromFindings(step, [{ ...failed, fix: tr(lang, 'Schließen Sie zuerst den Schritt „STARFACE-Adresse und Zertifikat" ab.', 'Complete the step "STARFACE address and certificate" first.') }], now, '');
    }
    const users = findings.find((f) => f.id === 'users' && f.status !== 'fail');
    return resultFromFindings(step, findings, now, tr(lang,
      `REST-Anmeldung als ${settings.starface.adminLogin} erfolgreich; ${users?.params.users ?? 0} Benutzer sichtbar.`,
      `REST login as ${settings.starface.adminLogin} succeeded; ${users?.params.users ?? 0} users visible.`));
  } finally {
    await dir?.logout();
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
