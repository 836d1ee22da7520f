// The one model of a settings problem: a dotted path and a readable message. The settings store
// (src/platform/settings-store.ts), the engine and the UI all use these types, so an issue reads the same
// wherever it is shown.
import type { z } from 'zod';
import { BridgeError } from './errors.js';

export interface SettingsIssue {
  /** Dotted path of the field, e.g. "starface.baseUrl" ('' for the whole object). */
  path: string;
  /** What is wrong and what is expected, e.g. "must be an https:// or http:// URL". */
  message: string;
  /** `${path}: ${message}` — ready to show. */
  text: string;
}

/** One step of a settings layout upgrade, run by the settings store's migration runner. */
export interface SettingsMigration {
  /** Version this step migrates from; it produces version from + 1. */
  from: number;
  migrate(raw: unknown): unknown;
}

export function settingsIssue(path: string, message: string): SettingsIssue {
  return { path, message, text: path ? `${path}: ${message}` : message };
}

function describeType(expected: string): string {
  switch (expected) {
    case 'int':
      return 'must be a whole number';
    case 'number':
      return 'must be a number';
    case 'string':
      return 'must be text';
    case 'boolean':
      return 'must be true or false';
    case 'array':
      return 'must be a list';
    case 'object':
      return 'must be an object';
    default:
      return `must be ${expected}`;
  }
}

/** Readable message (without the path) for one zod issue; also the settings store's `describeIssue`. */
export function describeSettingsIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return describeType(issue.expected);
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} entries`;
      return issue.inclusive === false ? `must be greater than ${issue.minimum}` : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} entries`;
      return issue.inclusive === false ? `must be less than ${issue.maximum}` : `must be at most ${issue.maximum}`;
    default:
      return issue.message;
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
