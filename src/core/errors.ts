// One error model (docs/architecture.md, "Errors and messages"): every failure the product raises on purpose is
// a BridgeError whose `code` comes from the closed set below. Code that reacts to a failure asks for the code
// (hasErrorCode, retryAfterOf), never for an error's name or shape; the UI gets the code with the message.
//
// The codes are also message codes: with the status and capability reasons, the sign-in's notes, the user
// selection's problems, the settings issues and the engine's log lines they form MESSAGE_CODES, which the UI and the CLI turn into text (src/core/messages/).
import {
  AUTH_MESSAGE_CODES, CAPABILITY_REASON_CODES, LOAD_NOTE_CODES, LOG_MESSAGE_CODES, SELECTION_PROBLEM_CODES, SETTINGS_ISSUE_CODES, STATUS_REASON_CODES,
  type AuthMessageCode, type CapabilityReasonCode, type LoadNoteCode, type LogMessageCode, type SelectionProblemCode, type SettingsIssueCode,
  type StatusReasonCode,
} from './messages/codes.js';

/** Codes of the control dispatch and its hosts (src/control, electron/). */
export const CONTROL_ERROR_CODES = [
  'invalid-request', 'unknown-method', 'invalid-params', 'invalid-result', 'not-implemented', 'internal',
  'forbidden', 'forbidden-host', 'forbidden-origin',
  // The settings page's own, when no usable reply arrives (renderer/src/control).
  'unreachable', 'bad-response', 'no-token',
] as const;

/** HTTP transport failures (src/platform/http-transport.ts). */
export const TRANSPORT_ERROR_CODES = ['timeout', 'connect', 'tls', 'proxy', 'aborted', 'too-large', 'network'] as const;

/** The secret vault (src/platform/vault.ts). */
export const VAULT_ERROR_CODES = [
  'no-keychain',         // no usable keychain and no passphrase (or a keychain vault whose keychain is unreachable)
  'passphrase-required', // the vault was created with a passphrase and none is given now
  'key-missing',         // the keychain works but holds no key for this vault
  'wrong-key',           // the key (keychain entry or passphrase) does not open this vault
  'tampered',            // the file is damaged or was modified
  'unsupported',         // written by a newer version
  'invalid-name',        // not a valid secret name
  'lost',                // the file was deleted while open, with secrets in it
  'io',                  // the file could not be read or written
] as const;

/** The settings store (src/platform/settings-store.ts); 'io' as for the vault. */
export const SETTINGS_ERROR_CODES = [
  'invalid',      // values that do not pass the schema (the issues say which)
  'incomplete',   // a save that leaves out values the stored settings have
  'secret-field', // a secret in a field of the settings file
  'io',
] as const;

/** The application and the admin's input. */
export const APP_ERROR_CODES = [
  'not-configured',  // something the operation needs is not set up yet (tenant, client id, PBX address, …)
  'not-ready',       // the service is still connecting; try again in a moment
  'invalid-input',   // a value the admin entered cannot be used (setup assistant, CSV)
  'failed',          // anything else: the message says what happened
] as const;

/** Microsoft: sign-in, Entra ID tokens, Graph (src/teams). */
export const MICROSOFT_ERROR_CODES = [
  'needs-sign-in', 'sign-in-aborted',
  'microsoft-sign-in-unavailable', // Entra ID failed for a while (5xx, 429, no connection): temporary
  'microsoft-token-refused',       // Entra ID said no: the app registration or credential is wrong
  'graph-request-failed', 'presence-read-failed',
  'graph-write-ambiguous',         // a presence write got no readable answer: it may have taken effect
  'no-teams-presence',             // the user has no Teams presence (no licence, or a guest)
  'graph-unreadable-answer',       // a 2xx read whose body is not what Graph documents
] as const;

/** STARFACE: UCI sessions and the REST directory (src/starface). */
export const STARFACE_ERROR_CODES = [
  'uci-request-failed', 'uci-not-connected', 'uci-unsupported', 'starface-rest-failed', 'starface-auth-failed',
] as const;

export type ErrorCode =
  | (typeof CONTROL_ERROR_CODES)[number] | (typeof TRANSPORT_ERROR_CODES)[number] | (typeof VAULT_ERROR_CODES)[number]
  | (typeof SETTINGS_ERROR_CODES)[number] | (typeof APP_ERROR_CODES)[number] | (typeof MICROSOFT_ERROR_CODES)[number]
  | (typeof STARFACE_ERROR_CODES)[number];
/** The closed set: every code an error of the product can carry. */
export const ERROR_CODES: readonly ErrorCode[] = [...new Set<ErrorCode>([
  ...CONTROL_ERROR_CODES, ...TRANSPORT_ERROR_CODES, ...VAULT_ERROR_CODES, ...SETTINGS_ERROR_CODES,
  ...APP_ERROR_CODES, ...MICROSOFT_ERROR_CODES, ...STARFACE_ERROR_CODES,
])];

/** Every code the UI renders: the error codes and those of src/core/messages/codes.ts; each has a text in German
 * and English (src/core/messages/de.ts, en.ts). */
export type MessageCode =
  | ErrorCode | StatusReasonCode | CapabilityReasonCode | AuthMessageCode | SelectionProblemCode | SettingsIssueCode
  | LoadNoteCode | LogMessageCode;
export const MESSAGE_CODES: readonly MessageCode[] = [
  ...ERROR_CODES, ...STATUS_REASON_CODES, ...CAPABILITY_REASON_CODES, ...AUTH_MESSAGE_CODES, ...SELECTION_PROBLEM_CODES,
  ...SETTINGS_ISSUE_CODES, ...LOAD_NOTE_CODES, ...LOG_MESSAGE_CODES,
];
export type MessageParams = Readonly<Record<string, string | number | boolean>>;
export interface Message {
  code: MessageCode;
  params?: MessageParams;
  /** The counterpart's own words (a PBX or Microsoft error, redacted), shown small or as a tooltip; optional. */
  detail?: string;
}

export function isMessageCode(value: unknown): value is MessageCode {
  return typeof value === 'string' && (MESSAGE_CODES as readonly string[]).includes(value);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Base of every error the product raises on purpose. */
export abstract class BridgeError extends Error {
  abstract readonly code: ErrorCode;
  // `declare`: no own property unless set, so errors log and compare as before.
  /** Values for the message (see Message); the English `message` stays for logs and older UIs. */
  declare params?: MessageParams;
  /** The counterpart asked to wait this long before the next call (HTTP 429/503 Retry-After). */
  declare retryAfterMs?: number;

  constructor(message: string, options?: { cause?: unknown; params?: MessageParams; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.params) this.params = options.params;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Something the operation needs is not set up yet; the message says where to set it. */
export class NotConfiguredError extends BridgeError {
  override readonly name: string = 'NotConfiguredError';
  readonly code = 'not-configured';
}

/** The service is still connecting. */
export class NotReadyError extends BridgeError {
  override readonly name = 'NotReadyError';
  readonly code = 'not-ready';
}

/** An operation did not finish in time (no transport involved, e.g. a whole check). */
export class TimeoutError extends BridgeError {
  override readonly name = 'TimeoutError';
  readonly code = 'timeout';
}

const MAX_CAUSE_DEPTH = 8;

/** The error and its causes, outermost first (wrappers such as PresenceReadError keep the real reason as cause). */
function* causeChain(err: unknown): Generator<unknown> {
  let e = err;
  for (let depth = 0; e !== undefined && e !== null && depth < MAX_CAUSE_DEPTH; depth++) {
    yield e;
    e = e instanceof Error ? e.cause : undefined;
  }
}

/** Whether the error, or one of its causes, is a BridgeError with this code. */
export function hasErrorCode(err: unknown, code: ErrorCode): boolean {
  for (const e of causeChain(err)) if (e instanceof BridgeError && e.code === code) return true;
  return false;
}

/** The code of the outermost BridgeError in the chain; 'failed' for anything else. */
export function errorCodeOf(err: unknown): ErrorCode {
  for (const e of causeChain(err)) if (e instanceof BridgeError) return e.code;
  return 'failed';
}

/** How long the counterpart asked to wait, from the first error in the chain that says so. */
export function retryAfterOf(err: unknown): number | undefined {
  for (const e of causeChain(err)) if (e instanceof BridgeError && e.retryAfterMs !== undefined) return e.retryAfterMs;
  return undefined;
}
