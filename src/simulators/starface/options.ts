// Every PBX behaviour the reference marks unknown ([U]) or ASSUMPTION is a named option here, with the
// default the reference suggests, so a test can switch it when a real PBX turns out to answer otherwise.
import type { UciGeneration } from './wire.js';

export interface StarfaceSimBehaviour {
  /** UCI generations served (`ucp.v30.*`, `ucp.v22.*`). Default both. */
  uciApis: UciGeneration[];
  /** Accept legacy `hex(MD5(L*P))` UCI tokens (PBX ≤ 6.4.2.12). Default false (a current PBX). */
  acceptMd5Tokens: boolean;
  /** Answer to a wrong/unknown UCI token (§3.9 [U]): HTTP 401, a 302 to an HTML login page, or a fault. Default 'http401'. */
  badTokenAnswer: 'http401' | 'html-login' | 'fault';
  /**
   * Answer to an unknown UCI method (§3.9 [U]): an XML-RPC fault, an empty HTTP 404 like Apache XML-RPC/xmlrpc.js,
   * or HTTP 500 with Tomcat's HTML error page. Default 'fault'.
   */
  unknownMethodAnswer: 'fault' | 'http404' | 'html500';
  /** UCI generations in which the `userState` service exists (addendum: public clients only show v22). Default both. */
  userStateApis: UciGeneration[];
  /** Fault codes (§3.9 [U]; the exception class names are from the Javadoc). */
  faultCodes: { unknownMethod: number; notConnected: number; illegalAccess: number; badArguments: number };
  /** Answer to `connection.login` for a user without the UCI right: `false` or a UciIllegalAccessException fault. Default 'fault'. */
  loginDeniedAnswer: 'false' | 'fault';
  /**
   * Key of a DND flag in the getUserState struct, or null for none. Default null: every public parser reads
   * exactly avatarHash, chatPresence, telephonyState, chatPresenceMessage, redirectAlwaysActive (addendum).
   */
  userStateDndKey: string | null;
  /** Whether `userState.setChatPresence(String)` exists (§3.7 [U], not found in any source). Default false. */
  chatPresenceSetter: boolean;
  /** Whether `service.subscribeEvents` also takes an array of service names (§3.6 [U]). Default true. */
  subscribeAcceptsArray: boolean;
  /** Callbacks also carry `de.vertico.starface.auth=<the token the session logged in with>` (addendum). Default false. */
  callbackAuthParam: boolean;
  /** Users come from Active Directory: the UCI token is Base64(login*password); SHA-512/MD5 tokens are refused. Default false. */
  adUsers: boolean;
  /** Whether `de.vertico.starface.auth` tokens are accepted at all (not with an external identity provider, §3.4). Default true. */
  legacyUciTokens: boolean;
  /** STARFACE 10 OAuth (§3.4): token endpoint, JWT in `de.vertico.starface.jwt`, REST Bearer. Default false. */
  oauth: boolean;
  /** Client secret `rest-client-headless` must present; '' = none checked (S15 sends none, §11.8 [U]). */
  oauthClientSecret: string;
  /** Access and refresh token lifetimes (§3.4: 300 s and 21600 s). */
  oauthAccessTokenTtlSec: number;
  oauthRefreshTokenTtlSec: number;
  /** Whether callback coordinates on later requests replace those given at login (§11.6 [U]). Default true. */
  callbackParamsOnEveryRequest: boolean;
  /** Server-side UCI session timeout since the last request (§3.6 [U]). Default 90 s. */
  uciSessionTimeoutMs: number;
  /** REST auth token lifetime (§4.1: 4 h). */
  restTokenTtlMs: number;
  /** Whether each authenticated REST request extends the token lifetime (§4.1 [U]). Default false (absolute). */
  restTokenSliding: boolean;
  /** REST nonce lifetime and single use (§4.2 [U]). Defaults 60 s, single use. */
  nonceTtlMs: number;
  nonceSingleUse: boolean;
  /** REST `loginType` announced by `GET /rest/login`. Default 'Internal'. */
  restLoginType: 'Internal' | 'ActiveDirectory';
  /** Where `X-Version: 2` is required (§4.1 [U]): nowhere, on POST /rest/login, or on every REST call. Default 'login'. */
  requireXVersion: 'never' | 'login' | 'always';
  /** What a non-admin sees on GET /rest/users (§4.3 "users the caller can access"). Default 'self'. */
  nonAdminUsers: 'self' | 'all' | 'forbidden';
  /** Wire type of `timestamp` in receiveCallState (§3.8 [U]): ISO string, dateTime.iso8601, or epoch ms int. Default 'string'. */
  callbackTimestamp: 'string' | 'dateTime' | 'epochMs';
  /** Send the first event of each call leg with an empty state and names (§3.8, seen by S10). Default false. */
  emptyFirstCallEvent: boolean;
  /** Callback delivery (§8.4 ASSUMPTION): timeout per attempt, retries, global concurrency. */
  callbackTimeoutMs: number;
  callbackRetries: number;
  callbackConcurrency: number;
  /** Verify TLS certificates of https callback targets (§11.6 [U]). Default false (bridges often use self-signed certs). */
  callbackVerifyTls: boolean;
  /**
   * SHA-256 fingerprints (hex, colons optional) of callback certificates the PBX trusts, as when its admin entered
   * the bridge's fingerprint: when set, an https callback goes only to a server presenting one of them — whatever
   * its name or issuer — and to no other. Default [] (see callbackVerifyTls).
   */
  callbackTrustedFingerprints: string[];
  /** `system.getServerVersion` and `GET /rest/server/version`. */
  serverVersion: string;
}

export const DEFAULT_BEHAVIOUR: Readonly<StarfaceSimBehaviour> = Object.freeze({
  uciApis: ['v30', 'v22'],
  acceptMd5Tokens: false,
  badTokenAnswer: 'http401',
  unknownMethodAnswer: 'fault',
  userStateApis: ['v30', 'v22'],
  faultCodes: { unknownMethod: 0, notConnected: 1, illegalAccess: 2, badArguments: 3 },
  loginDeniedAnswer: 'fault',
  userStateDndKey: null,
  chatPresenceSetter: false,
  subscribeAcceptsArray: true,
  callbackAuthParam: false,
  adUsers: false,
  legacyUciTokens: true,
  oauth: false,
  oauthClientSecret: '',
  oauthAccessTokenTtlSec: 300,
  oauthRefreshTokenTtlSec: 21_600,
  callbackParamsOnEveryRequest: true,
  uciSessionTimeoutMs: 90_000,
  restTokenTtlMs: 4 * 60 * 60 * 1000,
  restTokenSliding: false,
  nonceTtlMs: 60_000,
  nonceSingleUse: true,
  restLoginType: 'Internal',
  requireXVersion: 'login',
  nonAdminUsers: 'self',
  callbackTimestamp: 'string',
  emptyFirstCallEvent: false,
  callbackTimeoutMs: 2_000,
  callbackRetries: 2,
  callbackConcurrency: 64,
  callbackVerifyTls: false,
  callbackTrustedFingerprints: [],
  serverVersion: '9.0.0.9',
} satisfies StarfaceSimBehaviour);

/** Injected faults (`POST /_sim/faults`); they apply to /xml-rpc and /rest, never to /_sim. */
export interface SimFaults {
  /** Extra latency per request. */
  delayMs: number;
  /** Share of requests (0..1) answered with `errorStatus`. */
  errorRate: number;
  errorStatus: number;
  /** Answer UCI requests with an HTML login page (HTTP 200, text/html) instead of XML. */
  htmlLoginPage: boolean;
  /** Which surface the faults hit. */
  scope: 'all' | 'uci' | 'rest';
}

export const NO_FAULTS: Readonly<SimFaults> = Object.freeze({ delayMs: 0, errorRate: 0, errorStatus: 503, htmlLoginPage: false, scope: 'all' as const });

export function mergeBehaviour(base: StarfaceSimBehaviour, patch: Partial<StarfaceSimBehaviour>): StarfaceSimBehaviour {
  const next = { ...base, ...patch, faultCodes: { ...base.faultCodes, ...patch.faultCodes } };
  if (!next.uciApis.length) throw new Error('uciApis needs at least one of "v30", "v22".');
  for (const k of ['uciApis', 'userStateApis'] as const) {
    if (!Array.isArray(next[k])) throw new Error(`${k} must be a list of "v30", "v22".`);
    for (const v of next[k]) if (v !== 'v30' && v !== 'v22') throw new Error(`${k}: unknown version "${String(v)}".`);
  }
  if (!Array.isArray(next.callbackTrustedFingerprints) || !next.callbackTrustedFingerprints.every((f) => typeof f === 'string' && fingerprintHex(f).length === 64)) {
    throw new Error('callbackTrustedFingerprints must be a list of SHA-256 fingerprints (64 hex digits, colons optional).');
  }
  if (!['fault', 'http404', 'html500'].includes(next.unknownMethodAnswer)) throw new Error('unknownMethodAnswer must be "fault", "http404" or "html500".');
  for (const k of ['uciSessionTimeoutMs', 'restTokenTtlMs', 'nonceTtlMs', 'callbackTimeoutMs', 'callbackConcurrency', 'oauthAccessTokenTtlSec', 'oauthRefreshTokenTtlSec'] as const) {
    if (!(typeof next[k] === 'number' && next[k] > 0)) throw new Error(`${k} must be a positive number.`);
  }
  return next;
}

/** A SHA-256 fingerprint as 64 lower-case hex digits (from `AB:CD:…`, `abcd…` or with spaces); '' when it is none. */
export function fingerprintHex(f: string): string {
  const hex = f.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : '';
}
