// Errors of the Microsoft side, each with a message an admin can act on and a code (src/core/errors.ts).
import { BridgeError, NotConfiguredError } from '../core/errors.js';

/** Delegated sign-in is missing or no longer valid: the admin must sign in again (a state, not a crash). */
export class NeedsSignInError extends BridgeError {
  override readonly name = 'NeedsSignInError';
  readonly code = 'needs-sign-in';
  constructor(message = 'Sign in to Microsoft again: the saved sign-in is missing or has expired.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The interactive or device-code sign-in was cancelled or timed out. */
export class SignInAbortedError extends BridgeError {
  override readonly name = 'SignInAbortedError';
  readonly code = 'sign-in-aborted';
  constructor(readonly reason: 'cancelled' | 'timeout', message: string) {
    super(message);
  }
}

/** Something in the app configuration is missing or wrong (tenant, client id, credential). */
export class MicrosoftConfigError extends NotConfiguredError {
  override readonly name = 'MicrosoftConfigError';
}

/** Entra ID refused a token request, or could not be reached. */
export class TokenRequestError extends BridgeError {
  override readonly name = 'TokenRequestError';
  /**
   * 'microsoft-sign-in-unavailable': the sign-in service failed for a while (5xx, 429, no connection) even
   * after quick retries: temporary, try again soon (retryAfterMs: when, if Retry-After was longer than the inline
   * retries). 'microsoft-token-refused': Entra said no (configuration).
   */
  readonly code: 'microsoft-sign-in-unavailable' | 'microsoft-token-refused';
  constructor(message: string, readonly errorCode?: string, options?: { cause?: unknown; temporary?: boolean; retryAfterMs?: number }) {
    super(message, {
      ...(options?.cause !== undefined ? { cause: options.cause } : {}),
      ...(options?.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
    });
    this.code = options?.temporary ? 'microsoft-sign-in-unavailable' : 'microsoft-token-refused';
  }

  get temporary(): boolean {
    return this.code === 'microsoft-sign-in-unavailable';
  }
}

/** A Microsoft Graph call failed: HTTP status, Graph's error code and message, and what to do about it. */
export class GraphRequestError extends BridgeError {
  override readonly name = 'GraphRequestError';
  readonly code = 'graph-request-failed';
  constructor(
    readonly status: number,
    /** Graph's own error code ('Forbidden', 'TooManyRequests', …). */
    readonly graphCode: string,
    readonly graphMessage: string,
    readonly endpoint: string,
    readonly requestId?: string,
    /** Set for 429/503/504 with Retry-After (or our backoff): how long to wait before calling again. */
    retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(describeGraphFailure(status, graphCode, graphMessage, endpoint, retryAfterMs), {
      ...(options?.cause !== undefined ? { cause: options.cause } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  get isThrottled(): boolean {
    return this.status === 429 || this.status === 503 || this.status === 504;
  }
}

/**
 * A presence write (setPresence, clearPresence) whose outcome is unknown: the request left, but no readable
 * answer came back (timeout, connection reset, a 2xx with an unreadable body). It may have taken effect, so
 * whoever keeps track of the bridge's Teams sessions must treat the session as possibly set.
 */
export class GraphAmbiguousWriteError extends BridgeError {
  override readonly name = 'GraphAmbiguousWriteError';
  readonly code = 'graph-write-ambiguous';
  constructor(readonly endpoint: string, readonly reason: 'timeout' | 'network' | 'unreadable-answer', detail: string, options?: { cause?: unknown }) {
    super(`Microsoft Graph ${endpoint}: the outcome is unknown (${detail}); the change may have taken effect and is retried or cleared later.`, options);
  }
}

/** setPresence answered 404 for an existing user: Teams has no presence for them (no Teams licence, or a guest). */
export class NoTeamsPresenceError extends BridgeError {
  override readonly name = 'NoTeamsPresenceError';
  readonly code = 'no-teams-presence';
  constructor(readonly userId: string, options?: { cause?: unknown }) {
    super('No Teams presence for this user (no Teams licence, or a guest): a STARFACE call cannot be shown in Teams.', options);
  }
}

/** Graph answered a read with 2xx but the body is empty, not JSON or not the expected shape. */
export class GraphAnswerError extends BridgeError {
  override readonly name = 'GraphAnswerError';
  readonly code = 'graph-unreadable-answer';
  constructor(readonly endpoint: string, detail: string) {
    super(`Microsoft Graph ${endpoint} answered in a form the bridge cannot read: ${detail}. Check that the Graph address points to Microsoft Graph (not to a proxy page).`);
  }
}

function describeGraphFailure(status: number, code: string, message: string, endpoint: string, retryAfterMs?: number): string {
  const what = status > 0 ? `HTTP ${status} ${code}` : code;
  let hint = '';
  if (status === 401) hint = ' The access token was rejected: sign in again, or check the app credential (secret or certificate).';
  else if (status === 403) hint = ' The app lacks a permission: grant admin consent for the permissions listed in docs/microsoft.md.';
  else if (status === 404) hint = ' The user or session does not exist.';
  else if (status === 429) hint = ` Microsoft Graph is throttling this app${retryAfterMs !== undefined ? `; wait ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`;
  else if (status >= 500) hint = ' Microsoft Graph had a temporary problem; the call will be retried.';
  return `Microsoft Graph ${endpoint} failed: ${what}: ${message}${hint}`;
}
