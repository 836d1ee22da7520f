// The STARFACE credential computations (reference §3.3 and §4.2). Every hash is lower-case hex at full length:
// the PBX compares strings, so upper case or a dropped leading zero nibble fails the login.
import { createHash } from 'node:crypto';

export type UciTokenAlgorithm = 'sha512' | 'md5' | 'ad-base64';
export type RestLoginType = 'Internal' | 'ActiveDirectory';

export function sha512Hex(text: string): string {
  return createHash('sha512').update(text, 'utf8').digest('hex');
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * UCI URL token for `de.vertico.starface.auth`.
 * sha512 (PBX ≥ 6.4.2.19): `L + ":" + hex(SHA512(L + "*" + hex(SHA512(P))))`;
 * md5 (legacy PBX ≤ 6.4.2.12): `hex(MD5(L + "*" + P))`;
 * ad-base64 (Active Directory users, one public client [T]): `Base64(L + "*" + P)` of the UTF-8 bytes.
 * The result is a password equivalent: never log it.
 */
export function uciAuthToken(login: string, password: string, algorithm: UciTokenAlgorithm = 'sha512'): string {
  if (algorithm === 'md5') return md5Hex(`${login}*${password}`);
  if (algorithm === 'ad-base64') return Buffer.from(`${login}*${password}`, 'utf8').toString('base64');
  return uciAuthTokenFromHash(login, sha512Hex(password));
}

/** Same SHA-512 token from the stored `hex(SHA512(P))` (what a PBX keeps instead of the password). */
export function uciAuthTokenFromHash(login: string, passwordSha512Hex: string): string {
  return `${login}:${sha512Hex(`${login}*${passwordSha512Hex.toLowerCase()}`)}`;
}

/**
 * REST login secret for `POST /rest/login`.
 * Internal: `L + ":" + hex(SHA512(L + nonce + hex(SHA512(P))))` (no asterisk here, unlike UCI);
 * ActiveDirectory: `Base64(L + nonce + P)`.
 */
export function restLoginSecret(login: string, nonce: string, password: string, loginType: RestLoginType = 'Internal'): string {
  if (loginType === 'ActiveDirectory') return Buffer.from(`${login}${nonce}${password}`, 'utf8').toString('base64');
  return `${login}:${sha512Hex(`${login}${nonce}${sha512Hex(password)}`)}`;
}

/** The `loginType` of `GET /rest/login` decides the secret; the official JS client compares case-insensitively. */
export function parseLoginType(value: unknown): RestLoginType {
  return typeof value === 'string' && value.replace(/_/g, '').toLowerCase() === 'activedirectory' ? 'ActiveDirectory' : 'Internal';
}
