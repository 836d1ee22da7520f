// Client-side choices where the reference marks STARFACE behaviour unknown ([U]); each is a named option
// with the default the reference recommends, and the client works whichever way a PBX answers.
import type { UciTokenAlgorithm } from './auth.js';
import type { UciApiVersion } from './uci-names.js';

export interface UciSessionSettings {
  /** Method-name generation: `ucp.v30.*` (PBX ≥ 6.x, default) or `ucp.v22.*` (§3.1). */
  uciApi: UciApiVersion;
  /**
   * How a session proves who it is (§3.3, §3.4): 'token' = a token in `de.vertico.starface.auth` computed with
   * tokenAlgorithm; 'oauth' = an OAuth access token from the PBX's token endpoint in `de.vertico.starface.jwt`
   * (STARFACE 10+ with an external identity provider, where legacy tokens are refused).
   */
  uciCredential: 'token' | 'oauth';
  /** UCI token: SHA-512 (PBX ≥ 6.4.2.19, default), legacy MD5 (≤ 6.4.2.12), or Base64(login*password) for Active Directory users (§3.3 [T]). */
  tokenAlgorithm: UciTokenAlgorithm;
  /** keepAlive period (§3.6: undocumented; 30 s recommended). */
  keepAliveMs: number;
  /** Deadline for one UCI request. */
  requestTimeoutMs: number;
  /**
   * Login pacing per user (issue 13: whatever the cause, no login storm): after a login the next one waits
   * backoffInitialMs, doubling per login that did not give a stable session, up to backoffMaxMs (+ ≤ 25 %
   * jitter). A session that stayed up stableSessionMs re-logs in at once when lost (a PBX restart).
   */
  backoffInitialMs: number;
  backoffMaxMs: number;
  stableSessionMs: number;
  /**
   * How often the session re-reads getUserState (to notice a DND key pressed on the phone, and to reconcile the
   * telephony state when a HANGUP event was lost). 0 = only after login. It replaces that tick's keepAlive.
   */
  stateRefreshMs: number;
  /**
   * Where the DND value comes from (§3.7 [U]: whether getUserState carries a DND flag):
   * 'auto' = the flag if the struct has one of `dndStateKeys`, else the value this client last wrote;
   * 'pbx' = only the flag; 'written' = only what this client wrote.
   */
  dndSource: 'auto' | 'pbx' | 'written';
  dndStateKeys: string[];
  /**
   * `userState.setChatPresence` is not confirmed to exist (§3.7 [U]). 'probe' = after the first login write the
   * current presence back once and see whether the PBX knows the method; 'assume' = treat it as present;
   * 'never' = never call it.
   */
  chatPresenceSetter: 'probe' | 'assume' | 'never';
  /** subscribeEvents argument: one string (what all known clients send, default) or an array (§3.6 [U]). */
  subscribeArgument: 'string' | 'array';
  /** Put the callback parameters on every request (default, always safe) or on login only (§3.2 [U]). */
  callbackParams: 'every-request' | 'login-only';
  /** Call getProvidedEvents/getProvidedRequests after the first login and log them (§3.1, §7). */
  discoverServices: boolean;
  /** Content type of requests: both are reported to work (§3.2). */
  contentType: 'text/xml' | 'application/xml';
}

export const DEFAULT_UCI_SESSION_SETTINGS: Readonly<UciSessionSettings> = Object.freeze({
  uciApi: 'v30',
  uciCredential: 'token',
  tokenAlgorithm: 'sha512',
  keepAliveMs: 30_000,
  requestTimeoutMs: 15_000,
  backoffInitialMs: 10_000,
  backoffMaxMs: 30_000,
  stableSessionMs: 60_000,
  stateRefreshMs: 60_000,
  dndSource: 'auto',
  dndStateKeys: ['doNotDisturb', 'dnd', 'doNotDisturbSetting', 'dndActive'],
  chatPresenceSetter: 'probe',
  subscribeArgument: 'string',
  callbackParams: 'every-request',
  discoverServices: true,
  contentType: 'text/xml',
} satisfies UciSessionSettings);

export function resolveSessionSettings(patch: Partial<UciSessionSettings> = {}): UciSessionSettings {
  const s = { ...DEFAULT_UCI_SESSION_SETTINGS, ...patch, dndStateKeys: [...(patch.dndStateKeys ?? DEFAULT_UCI_SESSION_SETTINGS.dndStateKeys)] };
  if (s.uciApi !== 'v30' && s.uciApi !== 'v22') throw new Error(`uciApi must be "v30" or "v22" (got "${String(s.uciApi)}").`);
  if (s.uciCredential !== 'token' && s.uciCredential !== 'oauth') throw new Error(`uciCredential must be "token" or "oauth" (got "${String(s.uciCredential)}").`);
  if (!['sha512', 'md5', 'ad-base64'].includes(s.tokenAlgorithm)) throw new Error(`tokenAlgorithm must be "sha512", "md5" or "ad-base64" (got "${String(s.tokenAlgorithm)}").`);
  for (const k of ['keepAliveMs', 'requestTimeoutMs', 'backoffInitialMs', 'backoffMaxMs', 'stableSessionMs'] as const) {
    if (!(s[k] > 0)) throw new Error(`${k} must be a positive number of milliseconds.`);
  }
  if (!(s.stateRefreshMs >= 0)) throw new Error('stateRefreshMs must be 0 (off) or a positive number of milliseconds.');
  return s;
}
