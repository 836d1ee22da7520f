import { describe, expect, it } from 'vitest';
import { ControlError } from '../../src/control/contract.js';
import {
  BridgeError, ERROR_CODES, MESSAGE_CODES, NotConfiguredError, NotReadyError, TimeoutError, errorCodeOf, hasErrorCode, isErrorCode, retryAfterOf,
} from '../../src/core/errors.js';
import { SettingsValidationError } from '../../src/core/settings.js';
import { errorText } from '../../src/platform/error-text.js';
import { TransportError } from '../../src/platform/http-transport.js';
import { SettingsStoreError } from '../../src/platform/settings-store.js';
import { VaultError } from '../../src/platform/vault.js';
import { SetupInputError } from '../../src/setup/index.js';
import { StarfaceAuthError, StarfaceRestError, UciNotConnectedError, UciRequestError, UciUnsupportedError } from '../../src/starface/errors.js';
import { EncodingError, XmlRpcParseError } from '../../src/starface/xmlrpc/index.js';
import {
  GraphAmbiguousWriteError, GraphAnswerError, GraphRequestError, MicrosoftConfigError, NeedsSignInError, NoTeamsPresenceError,
  SignInAbortedError, TokenRequestError,
} from '../../src/teams/errors.js';
import { PresenceReadError, type PresenceReadResult } from '../../src/teams/presence-reader.js';

const NOTHING_READ: PresenceReadResult = { presences: new Map(), stale: [], missing: [], requests: 1 };

// One error model (src/core/errors.ts): typed classes with a code from one closed set; callers ask for codes.
const EVERY_ERROR: [BridgeError, string][] = [
  [new NotConfiguredError('x'), 'not-configured'],
  [new NotReadyError('x'), 'not-ready'],
  [new TimeoutError('x'), 'timeout'],
  [new ControlError('invalid-input', 'x'), 'invalid-input'],
  [new SettingsValidationError([]), 'invalid'],
  [new TransportError('tls', 'x', 'https://pbx.example/'), 'tls'],
  [new SettingsStoreError('secret-field', 'x'), 'secret-field'],
  [new VaultError('wrong-key', 'x'), 'wrong-key'],
  [new SetupInputError('x'), 'invalid-input'],
  [new UciRequestError('fault', 'ucp.v22.requests.connection.login', 'x'), 'uci-request-failed'],
  [new UciNotConnectedError('jdoe'), 'uci-not-connected'],
  [new UciUnsupportedError('x'), 'uci-unsupported'],
  [new StarfaceRestError(500, 'x'), 'starface-rest-failed'],
  [new StarfaceAuthError(401, 'x'), 'starface-auth-failed'],
  [new EncodingError('params[0].text', 'x'), 'uci-request-failed'],
  [new XmlRpcParseError('x'), 'uci-request-failed'],
  [new NeedsSignInError(), 'needs-sign-in'],
  [new SignInAbortedError('cancelled', 'x'), 'sign-in-aborted'],
  [new MicrosoftConfigError('x'), 'not-configured'],
  [new TokenRequestError('x'), 'microsoft-token-refused'],
  [new TokenRequestError('x', undefined, { temporary: true }), 'microsoft-sign-in-unavailable'],
  [new GraphAmbiguousWriteError('POST setPresence', 'timeout', 'x'), 'graph-write-ambiguous'],
  [new NoTeamsPresenceError('id'), 'no-teams-presence'],
  [new GraphAnswerError('getPresencesByUserId', 'x'), 'graph-unreadable-answer'],
  [new GraphRequestError(403, 'Forbidden', 'x', 'GET /users'), 'graph-request-failed'],
  [new PresenceReadError(NOTHING_READ, ['a'], new Error('x')), 'presence-read-failed'],
];

describe('error model', () => {
  it('gives every error class of the product its code from the closed set', () => {
    for (const [err, code] of EVERY_ERROR) {
      expect(err.code, err.name).toBe(code);
      expect(isErrorCode(err.code), `${err.name}: ${err.code}`).toBe(true);
      expect(err).toBeInstanceOf(BridgeError);
    }
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    // Every error code is a message code, so the UI renders an error like any other message.
    for (const code of ERROR_CODES) expect(MESSAGE_CODES).toContain(code);
    expect(isErrorCode('bad-csv')).toBe(false);
  });

  it("keeps Graph's own error code apart from the product's code", () => {
    const err = new GraphRequestError(403, 'Forbidden', 'Insufficient privileges', 'GET /users');
    expect(err.graphCode).toBe('Forbidden');
    expect(err.code).toBe('graph-request-failed');
    expect(err.message).toContain('HTTP 403 Forbidden');
  });

  it('finds a code through wrapping errors (a presence read failing because the sign-in expired)', () => {
    const wrapped = new PresenceReadError(NOTHING_READ, ['a'], new NeedsSignInError());
    expect(hasErrorCode(wrapped, 'needs-sign-in')).toBe(true);
    expect(hasErrorCode(wrapped, 'auth-failed')).toBe(false);
    expect(errorCodeOf(wrapped)).toBe('presence-read-failed');
    expect(hasErrorCode(new Error('x', { cause: new NeedsSignInError() }), 'needs-sign-in')).toBe(true);
  });

  it('never matches by name: an error that only looks like one of ours has no code', () => {
    const lookalike = Object.assign(new Error('Sign in again'), { name: 'NeedsSignInError', code: 'needs-sign-in', retryAfterMs: 5000 });
    expect(hasErrorCode(lookalike, 'needs-sign-in')).toBe(false);
    expect(errorCodeOf(lookalike)).toBe('failed');
    expect(retryAfterOf(lookalike)).toBeUndefined();
    expect(errorCodeOf('a string')).toBe('failed');
  });

  it('carries Retry-After from Graph through the presence read to whoever schedules the next call', () => {
    const throttled = new GraphRequestError(429, 'TooManyRequests', 'slow down', 'getPresencesByUserId', undefined, 7000);
    expect(retryAfterOf(throttled)).toBe(7000);
    expect(retryAfterOf(new PresenceReadError(NOTHING_READ, ['a'], throttled))).toBe(7000);
    expect(retryAfterOf(new GraphRequestError(500, 'Error', 'x', 'GET /users'))).toBeUndefined();
    // No own property unless set: errors log and compare as before.
    expect(Object.keys(new NotReadyError('x'))).not.toContain('retryAfterMs');
  });

  it('turns any error into text for people with secrets redacted', () => {
    expect(errorText(new Error('login failed: client_secret=s3cr3t-value https://u:pw123@proxy:3128'))).not.toMatch(/s3cr3t-value|pw123/);
    expect(errorText(new TimeoutError('Reading presence did not finish within 20 s.'))).toBe('Reading presence did not finish within 20 s.');
    expect(errorText('plain')).toBe('plain');
  });
});
