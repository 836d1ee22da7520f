// Cuts secrets out of text that leaves the engine (error messages, log fields): the known secret values of
// the request exactly, then anything secret-looking by the logger's redaction patterns as a second net.
import { REDACTED, redact } from '../platform/logger.js';

/** Shorter values would garble ordinary words; real passwords and keys are longer. */
const MIN_SECRET_LENGTH = 3;

export function scrubSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  const secrets = [...new Set(knownSecrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  for (const s of secrets) out = out.split(s).join(REDACTED);
  const masked = redact(out);
  return typeof masked === 'string' ? masked : REDACTED;
}
