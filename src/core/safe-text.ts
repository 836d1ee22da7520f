// Which characters a text may carry to a counterpart (the PBX over XML-RPC and REST, Microsoft Graph). XML 1.0
// cannot carry most control characters at all, and an unpaired UTF-16 surrogate is not a character: such a text
// can never be sent as it was typed. Settings refuse them at save, so they never reach an encoder.

export interface UnsafeCharacter {
  kind: 'control' | 'surrogate' | 'noncharacter';
  /** The code unit or code point, e.g. 0x0001. */
  codePoint: number;
  /** 1-based position in characters (an emoji counts as one). */
  position: number;
}

/** The first character a counterpart cannot receive, if any: C0/C1 controls (tab and line breaks too, these are
 * one-line texts), DEL, unpaired surrogates and the non-characters U+FFFE/U+FFFF. */
export function findUnsafeCharacter(text: string): UnsafeCharacter | undefined {
  let position = 0;
  for (let i = 0; i < text.length; i++) {
    position++;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return { kind: 'surrogate', codePoint: c, position };
    }
    if (c >= 0xdc00 && c <= 0xdfff) return { kind: 'surrogate', codePoint: c, position };
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return { kind: 'control', codePoint: c, position };
    if (c === 0xfffe || c === 0xffff) return { kind: 'noncharacter', codePoint: c, position };
  }
  return undefined;
}

export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "a control character (U+0001) at position 3". */
export function unsafeCharacterText(u: UnsafeCharacter): string {
  const what = u.kind === 'surrogate' ? 'an unpaired surrogate' : u.kind === 'noncharacter' ? 'a non-character' : 'a control character';
  return `${what} (${codePointLabel(u.codePoint)}) at position ${u.position}`;
}

/** "contains a control character (U+0001) at position 3; remove it" — what to show the admin. */
export function describeUnsafeCharacter(u: UnsafeCharacter): string {
  const what = `contains ${unsafeCharacterText(u)}`;
  return u.kind === 'surrogate' ? `${what} — the text is damaged; type it again` : `${what}; remove it`;
}
