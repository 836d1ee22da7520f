// The one way to turn a caught error into text for people (log fields, sync reasons, check results, the UI):
// the message, with anything that looks like a secret redacted.
import { redactString } from './logger.js';

export function errorText(err: unknown): string {
  return redactString(err instanceof Error ? err.message : String(err));
}
