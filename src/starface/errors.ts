// Errors of the STARFACE client. Messages say what happened and what to check; none contains a token,
// password or a URL with its query string. Codes: src/core/errors.ts.
import { BridgeError, type ErrorCode } from '../core/errors.js';

/** How a UCI request failed; the session treats every kind except a method-level fault as "session lost". */
export type UciFailureKind = 'transport' | 'http' | 'html' | 'malformed' | 'fault' | 'false';

export class UciRequestError extends BridgeError {
  override readonly name = 'UciRequestError';
  readonly code = 'uci-request-failed';
  constructor(
    readonly kind: UciFailureKind,
    readonly method: string,
    message: string,
    /** sessionAlive: keepAlive still said true afterwards, so this was the request's own failure (e.g. no such method). */
    readonly details: { status?: number; faultCode?: number; faultString?: string; cause?: unknown; sessionAlive?: boolean } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** A write was not sent because the user's UCI session is not logged in (it keeps trying in the background). */
export class UciNotConnectedError extends BridgeError {
  override readonly name = 'UciNotConnectedError';
  readonly code = 'uci-not-connected';
  constructor(readonly login: string, reason?: string) {
    super(`The STARFACE UCI session of user ${login} is not connected${reason ? ` (${reason})` : ''}; it logs in again in the background — retry later.`);
  }
}

/** The PBX does not offer what was asked (e.g. setting the chat presence enum). */
export class UciUnsupportedError extends BridgeError {
  override readonly name = 'UciUnsupportedError';
  readonly code = 'uci-unsupported';
}

export class StarfaceRestError extends BridgeError {
  override readonly name: string = 'StarfaceRestError';
  readonly code: ErrorCode = 'starface-rest-failed';
  constructor(readonly status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The PBX rejected the admin credentials (REST login answered 400/401/403). */
export class StarfaceAuthError extends StarfaceRestError {
  override readonly name = 'StarfaceAuthError';
  override readonly code = 'starface-auth-failed';
}
