// The one model of a settings problem: a dotted path, a code from the closed set (src/core/messages/codes.ts,
// SETTINGS_ISSUE_PARAMS) with its params, and the English message. The settings store
// (src/platform/settings-store.ts), the engine and the control contract all use these types; the UI renders the
// code in its language, logs, the CLI and files keep the English message.
import type { z } from 'zod';
import { BridgeError, type MessageParams } from './errors.js';
import { SETTINGS_ISSUE_PARAMS, type SettingsIssueCode } from './messages/codes.js';

/** What is wrong, without the path: the code and params the UI renders, the English message for logs. */
export interface IssueDescription {
  code: SettingsIssueCode;
  /** The values the code's text uses (e.g. {n: 3}); absent when it uses none. */
  params?: MessageParams;
  /** What is wrong and what is expected, in English, e.g. "must be an https:// or http:// URL". */
  message: string;
}

export interface SettingsIssue extends IssueDescription {
  /** Dotted path of the field, e.g. "starface.baseUrl" ('' for the whole object). */
  path: string;
  /** `${path}: ${message}` — ready to log. */
  text: string;
}

/** An issue as the control contract carries it: without the log text. */
export type CodedIssue = Omit<SettingsIssue, 'text'>;

/** One step of a settings layout upgrade, run by the settings store's migration runner. */
export interface SettingsMigration {
  /** Version this step migrates from; it produces version from + 1. */
  from: number;
  migrate(raw: unknown): unknown;
}

export function isSettingsIssueCode(value: unknown): value is SettingsIssueCode {
  return typeof value === 'string' && Object.hasOwn(SETTINGS_ISSUE_PARAMS, value);
}

export function describedIssue(code: SettingsIssueCode, message: string, params?: MessageParams): IssueDescription {
  return params && Object.keys(params).length > 0 ? { code, params, message } : { code, message };
}

export function settingsIssue(path: string, d: IssueDescription): SettingsIssue {
  return { path, ...describedIssue(d.code, d.message, d.params), text: path ? `${path}: ${d.message}` : d.message };
}

/** The issue without its log text (settings.validate/save/preview replies). */
export function toIssue(i: CodedIssue): CodedIssue {
  return { path: i.path, code: i.code, ...(i.params ? { params: i.params } : {}), message: i.message };
}

/**
 * The options of a schema refinement that carries its code: `.refine(check, coded('settings-pem', 'must be …'))`,
 * or spread into `ctx.addIssue({ code: 'custom', path, ...coded(…) })`. describeSettingsIssue reads it back.
 */
export function coded(code: SettingsIssueCode, message: string, params: MessageParams = {}): { message: string; params: Record<string, unknown> } {
  return { message, params: { ...params, issueCode: code } };
}

function describeType(expected: string): IssueDescription {
  switch (expected) {
    case 'int':
      return describedIssue('settings-int', 'must be a whole number');
    case 'number':
      return describedIssue('settings-number', 'must be a number');
    case 'string':
      return describedIssue('settings-text', 'must be text');
    case 'boolean':
      return describedIssue('settings-boolean', 'must be true or false');
    case 'array':
      return describedIssue('settings-list', 'must be a list');
    case 'object':
      return describedIssue('settings-object', 'must be an object');
    default:
      return describedIssue('settings-type', `must be ${expected}`, { expected });
  }
}

/** Code, params and English message (without the path) for one zod issue; the settings store uses it too. */
export function describeSettingsIssue(issue: z.core.$ZodIssue): IssueDescription {
  switch (issue.code) {
    case 'invalid_type':
      return describeType(issue.expected);
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      return values.length === 1
        ? describedIssue('settings-value', `must be ${values[0]!}`, { value: values[0]! })
        : describedIssue('settings-one-of', `must be one of ${values.join(', ')}`, { values: values.join(', ') });
    }
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string') {
        return n <= 1 ? describedIssue('settings-not-empty', 'must not be empty') : describedIssue('settings-min-chars', `must be at least ${n} characters`, { n });
      }
      if (issue.origin === 'array') return describedIssue('settings-min-entries', `must have at least ${n} entries`, { n });
      return issue.inclusive === false
        ? describedIssue('settings-greater', `must be greater than ${n}`, { n })
        : describedIssue('settings-min', `must be at least ${n}`, { n });
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') return describedIssue('settings-max-chars', `must be at most ${n} characters`, { n });
      if (issue.origin === 'array') return describedIssue('settings-max-entries', `must have at most ${n} entries`, { n });
      return issue.inclusive === false
        ? describedIssue('settings-less', `must be less than ${n}`, { n })
        : describedIssue('settings-max', `must be at most ${n}`, { n });
    }
    case 'unrecognized_keys':
      return describedIssue('settings-unknown-keys', issue.message, { keys: issue.keys.join(', ') });
    case 'custom': {
      const { issueCode, ...params } = (issue.params ?? {}) as Record<string, unknown>;
      if (isSettingsIssueCode(issueCode)) return describedIssue(issueCode, issue.message, params as MessageParams);
      return describedIssue('settings-invalid', issue.message, { reason: issue.message });
    }
    default:
      return describedIssue('settings-invalid', issue.message, { reason: issue.message });
  }
}

export function issuesFromZod(error: z.ZodError): SettingsIssue[] {
  return error.issues.map((i) => settingsIssue(i.path.map((p) => String(p)).join('.'), describeSettingsIssue(i)));
}

/** Thrown by `parseSettings` when settings are invalid; `issues` says what to fix. */
export class SettingsValidationError extends BridgeError {
  override readonly name = 'SettingsValidationError';
  readonly code = 'invalid';
  constructor(readonly issues: SettingsIssue[]) {
    super(`Invalid settings — fix these fields: ${issues.map((i) => i.text).join('; ')}`);
  }
}
