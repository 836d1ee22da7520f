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
  readonly code = 'auth-failed';
  constructor(message: string, readonly errorCode?: string, options?: { cause?: unknown }) {
    super(message, options);
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
