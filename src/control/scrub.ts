// Cuts secrets out of text that leaves the engine (error messages, log fields).
// Known secret values are removed exactly; anything secret-looking is masked by pattern as a second net.

const MASK = '[redacted]';
/** Shorter values would garble ordinary words; real passwords and keys are longer. */
const MIN_SECRET_LENGTH = 3;

const PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${MASK}`],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, MASK], // JWTs
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, MASK],
  [/((?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|authToken|api[_-]?key)["']?\s*[=:]\s*["']?)[^\s"'&,;]+/gi, `$1${MASK}`],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, `$1${MASK}@`], // credentials in URLs
];

export function scrubSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  const secrets = [...new Set(knownSecrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  for (const s of secrets) out = out.split(s).join(MASK);
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}
