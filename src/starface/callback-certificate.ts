// HTTPS for the callback server (issue 14 item 8): the PBX appends the user's password-equivalent UCI token to
// every callback URL, so it should not cross the network in clear. The bridge generates a self-signed certificate
// once, keeps it — private key included — in the vault, and shows its SHA-256 fingerprint so the PBX admin can
// check (and, where the PBX wants it, trust) exactly this certificate.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';
import type { SecretStore } from '../platform/vault.js';

/** Vault entry holding `{ key, cert }` (PEM) of the callback server's certificate. */
export const CALLBACK_TLS_SECRET = 'starface.callbackTls';

export interface CallbackCertificate {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as browsers and the PBX admin UI show it). */
  fingerprint256: string;
  notAfter: Date;
  /** True when this call generated it (a new fingerprint to pass on to the PBX admin). */
  created: boolean;
}

const VALID_DAYS = 5 * 365;
const RENEW_WITHIN_DAYS = 30;

/**
 * The kept certificate if it covers these host names/addresses and is valid for 30 more days; otherwise a new
 * one (EC P-256, valid 5 years), stored before it is returned.
 */
export async function callbackCertificate(store: Pick<SecretStore, 'get' | 'set'>, hosts: readonly string[], now = new Date()): Promise<CallbackCertificate> {
  const names = [...new Set(hosts.map((h) => h.replace(/^\[|\]$/g, '').trim()).filter(Boolean))];
  if (names.length === 0) throw new Error('The callback certificate needs the host name or address the PBX uses to reach the bridge (STARFACE callback host).');
  const kept = parse(await store.get(CALLBACK_TLS_SECRET));
  if (kept && covers(kept.x509, names) && new Date(kept.x509.validTo).getTime() - now.getTime() > RENEW_WITHIN_DAYS * 86_400_000) {
    return { key: kept.key, cert: kept.cert, fingerprint256: kept.x509.fingerprint256, notAfter: new Date(kept.x509.validTo), created: false };
  }
  const pems = await generate([{ name: 'commonName', value: names[0]! }, { name: 'organizationName', value: 'Presence Bridge callback' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 3_600_000), notAfterDate: new Date(now.getTime() + VALID_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  await store.set(CALLBACK_TLS_SECRET, JSON.stringify({ key: pems.private, cert: pems.cert }));
  const x509 = new X509Certificate(pems.cert);
  return { key: pems.private, cert: pems.cert, fingerprint256: x509.fingerprint256, notAfter: new Date(x509.validTo), created: true };
}

function parse(stored: string | undefined): { key: string; cert: string; x509: X509Certificate } | undefined {
  if (!stored) return undefined;
  try {
    const v = JSON.parse(stored) as { key?: unknown; cert?: unknown };
    if (typeof v.key !== 'string' || typeof v.cert !== 'string') return undefined;
    const x509 = new X509Certificate(v.cert);
    return x509.checkPrivateKey(createPrivateKey(v.key)) ? { key: v.key, cert: v.cert, x509 } : undefined;
  } catch {
    return undefined; // damaged entry: make a new certificate
  }
}

function covers(x509: X509Certificate, names: readonly string[]): boolean {
  return names.every((n) => (isIP(n) ? x509.checkIP(n) !== undefined : x509.checkHost(n) !== undefined));
}
