// The simulator's own wire vocabulary, copied from the reference (../shared/reference/starface-uci-and-rest.md),
// never imported from the bridge's client (src/starface/): query parameter names (§3.2), method name pattern
// (§3.1), chat presence and telephony state constants (§3.7), token formulas (§3.3, §4.2), and the HTML pages a
// PBX's Tomcat answers with instead of XML (§3.9).
import { createHash, timingSafeEqual } from 'node:crypto';

/** Query parameters of `/xml-rpc` and of callback URLs (§3.2, §3.8, addendum). */
export const Q = {
  auth: 'de.vertico.starface.auth',
  jwt: 'de.vertico.starface.jwt',
  user: 'de.vertico.starface.user',
  callbackType: 'de.vertico.starface.callback.type',
  callbackHost: 'de.vertico.starface.callback.host',
  callbackPort: 'de.vertico.starface.callback.port',
  callbackPath: 'de.vertico.starface.callback.path',
} as const;

/** UCI generations the simulator can serve (§3.1). */
export type UciGeneration = 'v30' | 'v22';

/** `ucp.<generation>.requests.<service>.<method>` (§3.1). */
export const REQUEST_RE = /^ucp\.(v\d\d)\.requests\.([A-Za-z]+)\.([A-Za-z]+)$/;

export const requestService = (gen: UciGeneration, service: string): string => `ucp.${gen}.requests.${service}`;
export const eventService = (gen: UciGeneration): string => `ucp.${gen}.events.call`;
export const receiveCallState = (gen: UciGeneration): string => `${eventService(gen)}.receiveCallState`;

/** `ChatPresence` constants (§3.7). */
export const CHAT_PRESENCES = ['AVAILABLE', 'AWAY', 'DO_NOT_DISTURB', 'EXTENDED_AWAY', 'FREE_FOR_CHAT', 'UNAVAILABLE'] as const;


// ---- credentials (§3.3, §4.2) -----------------------------------------------------------------------------

export const sha512Hex = (s: string): string => createHash('sha512').update(s, 'utf8').digest('hex');
export const md5Hex = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** Current classic UCI token: `L + ":" + hex(SHA512(L + "*" + hex(SHA512(P))))`, from the stored hash. */
export const uciTokenFromHash = (login: string, pwSha512Hex: string): string => `${login}:${sha512Hex(`${login}*${pwSha512Hex}`)}`;
/** Legacy UCI token (PBX ≤ 6.4.2.12): `hex(MD5(L + "*" + P))`. */
export const uciMd5Token = (login: string, password: string): string => md5Hex(`${login}*${password}`);
/** Active Directory user's UCI token (addendum, iahcti): `Base64(L + "*" + P)`. */
export const uciAdToken = (login: string, password: string): string => Buffer.from(`${login}*${password}`, 'utf8').toString('base64');
/** REST login secret, Internal: `L + ":" + hex(SHA512(L + nonce + hex(SHA512(P))))` (no asterisk). */
export const restSecretFromHash = (login: string, nonce: string, pwSha512Hex: string): string => `${login}:${sha512Hex(`${login}${nonce}${pwSha512Hex}`)}`;
/** REST login secret, ActiveDirectory: `Base64(L + nonce + P)`. */
export const restAdSecret = (login: string, nonce: string, password: string): string => Buffer.from(`${login}${nonce}${password}`, 'utf8').toString('base64');

/** Constant-time comparison of a presented credential with the expected one. */
export function sameSecret(presented: string, expected: string): boolean {
  const x = Buffer.from(presented, 'utf8');
  const y = Buffer.from(expected, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---- HTML a PBX answers instead of XML ----------------------------------------------------------------------

export const LOGIN_PAGE_HTML = '<!DOCTYPE html>\n<html><head><title>STARFACE Login</title></head><body>' +
  '<form method="post" action="/login"><input name="forename"><input type="password" name="password">' +
  '<button>Anmelden</button></form></body></html>\n';

/** Tomcat's error report page for an exception thrown inside a servlet (an unknown XML-RPC handler). */
export function tomcatErrorPage(status: number, reason: string, message: string): string {
  const m = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return '<!doctype html><html lang="en"><head><title>' + `HTTP Status ${status} – ${reason}` + '</title>' +
    '<style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} h1 {font-size:22px;}</style></head><body>' +
    `<h1>HTTP Status ${status} – ${reason}</h1><hr class="line" /><p><b>Type</b> Exception Report</p>` +
    `<p><b>Message</b> ${m}</p><p><b>Description</b> The server encountered an unexpected condition that prevented it from fulfilling the request.</p>` +
    '<hr class="line" /><h3>Apache Tomcat</h3></body></html>';
}
