// SHA-256 certificate fingerprints as admins read them (browsers, the STARFACE administration): 64 hex digits,
// shown upper case and colon-separated. Settings store them in that form; the transport compares in that form.

/** "AB:CD:…" from any spelling (colons, spaces, lower case); undefined when it is not 64 hex digits. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex.match(/../g)!.join(':') : undefined;
}
