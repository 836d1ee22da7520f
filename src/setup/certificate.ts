// When a server's certificate is not trusted: show what it presents (subject, issuer, validity, fingerprint) and
// find the one certificate that, added to the extra CAs, makes the connection verify. Verification is never
// switched off for real traffic; these probes only look, and the admin decides.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { CertificateInfo, TrustOffer } from './types.js';

export interface PresentedCertificate extends CertificateInfo {
  pem: string;
}

interface Target {
  host: string;
  port: number;
  servername?: string;
}

function targetOf(url: string): Target {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  return net.isIP(host) ? { host, port } : { host, port, servername: host };
}

export function describeCertificate(x: X509Certificate): CertificateInfo {
  let selfSigned = false;
  try {
    selfSigned = x.checkIssued(x) && x.verify(x.publicKey);
  } catch {
    selfSigned = false;
  }
  return {
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
    fingerprint256: x.fingerprint256,
    selfSigned,
    isCa: x.ca,
  };
}

function connect<T>(target: Target, options: tls.ConnectionOptions, timeoutMs: number, onSecure: (s: tls.TLSSocket) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: target.host, port: target.port, ...(target.servername ? { servername: target.servername } : {}), ...options });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`TLS connection to ${target.host}:${target.port} timed out after ${timeoutMs} ms`)));
    socket.once('secureConnect', () => {
      try {
        resolve(onSecure(socket));
      } catch (err) {
        reject(err);
      } finally {
        socket.end();
        socket.destroy();
      }
    });
    socket.once('error', reject);
  });
}

/** The chain the server presents, leaf first (Node may complete it from the default roots). */
export function fetchPresentedChain(url: string, timeoutMs = 10_000): Promise<PresentedCertificate[]> {
  return connect(targetOf(url), { rejectUnauthorized: false }, timeoutMs, (socket) => {
    const out: PresentedCertificate[] = [];
    const seen = new Set<string>();
    let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
    while (c && c.raw && !seen.has(c.fingerprint256)) {
      seen.add(c.fingerprint256);
      const x = new X509Certificate(c.raw);
      out.push({ ...describeCertificate(x), pem: x.toString() });
      c = c.issuerCertificate;
    }
    return out;
  });
}

/** Whether the connection verifies (chain and host name) when these extra CAs are trusted besides Node's roots. */
export function verifiesWith(url: string, extraCaPem: readonly string[], timeoutMs = 10_000): Promise<{ ok: boolean; error?: string }> {
  return connect(targetOf(url), { rejectUnauthorized: false, ca: [...tls.rootCertificates, ...extraCaPem] }, timeoutMs, (socket) => {
    if (socket.authorized) return { ok: true };
    const e = socket.authorizationError as unknown;
    return { ok: false, error: e instanceof Error ? ((e as NodeJS.ErrnoException).code ?? e.message) : String(e) };
  });
}

export interface TrustAnalysis {
  chain: PresentedCertificate[];
  /** The certificate to trust, if one makes the connection verify. */
  offer?: TrustOffer;
  /** Why nothing can be offered: the OpenSSL/Node code of the last attempt (see trustFailureText). */
  reason?: string;
}

/**
 * Looks at what the server presents and tries its certificates from the top of the chain down (a CA is a better
 * anchor than the leaf: it survives the PBX renewing its certificate) until one verifies.
 */
export async function analyzeTrust(url: string, currentExtraCa: readonly string[], timeoutMs = 10_000): Promise<TrustAnalysis> {
  const chain = await fetchPresentedChain(url, timeoutMs);
  if (chain.length === 0) return { chain, reason: 'The server presented no certificate.' };
  const host = new URL(url).hostname;
  let lastError: string | undefined;
  for (const candidate of [...chain].reverse()) {
    const r = await verifiesWith(url, [...currentExtraCa, candidate.pem], timeoutMs);
    if (r.ok) {
      const { pem, ...certificate } = candidate;
      return { chain, offer: { host, certificate, pem } };
    }
    lastError = r.error;
  }
  // Nothing verifies as a CA. A certificate whose only fault is its name (e.g. a self-signed PBX certificate
  // issued for another host name) can still be pinned; an expired or not yet valid one is not offered, and a
  // missing issuer is better fixed with the CA certificate (it survives the PBX renewing its certificate).
  const leaf = chain[0]!;
  const now = Date.now();
  if (PINNABLE.has(lastError ?? '') && Date.parse(leaf.validFrom) <= now && now <= Date.parse(leaf.validTo)) {
    const { pem, ...certificate } = leaf;
    return { chain, offer: { host, certificate, pem, kind: 'pin' }, reason: lastError };
  }
  return { chain, reason: lastError };
}

/** Verification failures a pin may stand in for. */
const PINNABLE = new Set(['ERR_TLS_CERT_ALTNAME_INVALID']);

/** Human-readable lines for a chain, leaf first. */
export function chainLines(chain: readonly CertificateInfo[], lang: 'de' | 'en'): string[] {
  return chain.map((c, i) => {
    const role = i === 0 ? (lang === 'de' ? 'Server' : 'server') : 'CA';
    const self = c.selfSigned ? (lang === 'de' ? ', selbstsigniert' : ', self-signed') : '';
    return lang === 'de'
      ? `Zertifikat ${i + 1} (${role}${self}): Inhaber ${c.subject}; Aussteller ${c.issuer}; gültig ${c.validFrom.slice(0, 10)} bis ${c.validTo.slice(0, 10)}; SHA-256 ${c.fingerprint256}`
      : `Certificate ${i + 1} (${role}${self}): subject ${c.subject}; issuer ${c.issuer}; valid ${c.validFrom.slice(0, 10)} to ${c.validTo.slice(0, 10)}; SHA-256 ${c.fingerprint256}`;
  });
}

/** Readable text for a verification failure code from verifiesWith / analyzeTrust. */
export function trustFailureText(code: string | undefined, lang: 'de' | 'en'): string {
  const de = lang === 'de';
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return de ? 'das Zertifikat ist für einen anderen Hostnamen ausgestellt' : 'the certificate is issued for another host name';
    case 'CERT_HAS_EXPIRED':
      return de ? 'das Zertifikat ist abgelaufen' : 'the certificate has expired';
    case 'CERT_NOT_YET_VALID':
      return de ? 'das Zertifikat ist noch nicht gültig (Uhrzeit prüfen)' : 'the certificate is not valid yet (check the clock)';
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return de ? 'das Zertifikat der ausstellenden CA wird nicht mitgeschickt' : 'the issuing CA\'s certificate is not sent along';
    case undefined:
    case '':
      return de ? 'unbekannter Grund' : 'unknown reason';
    default:
      return code;
  }
}
