// Minimal RS256 JSON Web Tokens for the Entra simulator: access tokens and id_tokens are real signed JWTs,
// so the simulator can verify them server-side (signature, expiry, revocation) like Graph does.
import { constants, createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function b64urlJson(value: unknown): string {
  return b64url(JSON.stringify(value));
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
  return { kid, privateKey, publicKey };
}

export function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid };
  const input = `${b64urlJson(header)}.${b64urlJson(payload)}`;
  const signature = sign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${b64url(signature)}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWT; undefined when it is not one. Does not check the signature. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return undefined;
  }
}

/** Payload of a token signed by `key`, or undefined when the signature does not match. */
export function verifyJwt(token: string, key: SigningKey): Record<string, unknown> | undefined {
  const d = decodeJwt(token);
  if (!d || d.header.alg !== 'RS256') return undefined;
  return verify('sha256', Buffer.from(d.signingInput), key.publicKey, d.signature) ? d.payload : undefined;
}

/**
 * Verifies a client assertion signed with an app certificate (what MSAL sends for certificate credentials):
 * PS256 with an `x5t#S256` header, or RS256 with `x5t` (SHA-1). Returns the payload or a reason.
 */
export function verifyCertificateAssertion(
  token: string,
  certificatesPem: string[],
): { payload: Record<string, unknown> } | { reason: string } {
  const d = decodeJwt(token);
  if (!d) return { reason: 'The client assertion is not a JWT.' };
  const alg = d.header.alg;
  const thumbS256 = typeof d.header['x5t#S256'] === 'string' ? d.header['x5t#S256'] : undefined;
  const thumbSha1 = typeof d.header.x5t === 'string' ? d.header.x5t : undefined;
  for (const pem of certificatesPem) {
    const der = pemToDer(pem);
    if (!der) continue;
    const s256 = createHash('sha256').update(der).digest('base64url');
    const s1 = createHash('sha1').update(der).digest('base64url');
    if (s256 !== thumbS256 && s1 !== thumbSha1) continue;
    const publicKey = createPublicKey(pem);
    const data = Buffer.from(d.signingInput);
    const ok = alg === 'PS256'
      ? verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, d.signature)
      : alg === 'RS256' ? verify('sha256', data, publicKey, d.signature) : false;
    return ok ? { payload: d.payload } : { reason: 'AADSTS700027: The client assertion signature is invalid.' };
  }
  return { reason: 'AADSTS700027: The certificate with the thumbprint in the client assertion is not registered for the application.' };
}

export function pemToDer(pem: string): Buffer | undefined {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : undefined;
}

export function publicJwk(key: SigningKey): Record<string, unknown> {
  const jwk = key.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: jwk.n, e: jwk.e };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
