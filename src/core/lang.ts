// The two UI languages, for texts the engine produces in the admin's language (check results, setup steps)
// until the UI renders every result from its code and params.

export type Lang = 'de' | 'en';

/** A text in both UI languages. */
export interface Text {
  de: string;
  en: string;
}

/** Picks the language; a tiny helper so messages stay next to each other in both languages. */
export function tr(lang: Lang, de: string, en: string): string {
  return lang === 'de' ? de : en;
}
