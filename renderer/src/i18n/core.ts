// Translation without React: typed keys, placeholders, and date/number formats per language.
import { de, type MessageKey as PageKey, type Messages } from './de.js';
import { en } from './en.js';
import type { MessageCode } from '../../../src/core/errors.js';
import { MESSAGE_TABLES } from '../../../src/core/messages/index.js';

export type Language = 'de' | 'en';
export const LANGUAGES: readonly Language[] = ['de', 'en'];
export const DEFAULT_LANGUAGE: Language = 'de';
/** The page's own texts, and the engine's coded messages as msg.<code> (one table: src/core/messages). */
export type MessageKey = PageKey | `msg.${MessageCode}`;

function withCodes(page: Messages, lang: Language): Readonly<Record<MessageKey, string>> {
  const coded = Object.fromEntries(Object.entries(MESSAGE_TABLES[lang]).map(([code, text]) => [`msg.${code}`, text]));
  return { ...page, ...coded } as Record<MessageKey, string>;
}

const dictionaries: Record<Language, Readonly<Record<MessageKey, string>>> = { de: withCodes(de, 'de'), en: withCodes(en, 'en') };
const locales: Record<Language, string> = { de: 'de-DE', en: 'en-GB' };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface I18n {
  lang: Language;
  t: Translate;
  /** Date and time in the user's language, e.g. "14.03.2025, 09:12:05". */
  dateTime(iso: string | null | undefined): string;
  time(iso: string | null | undefined): string;
  date(iso: string | null | undefined): string;
  number(n: number): string;
}

export function isLanguage(v: unknown): v is Language {
  return v === 'de' || v === 'en';
}

export function createI18n(lang: Language): I18n {
  const dict = dictionaries[lang];
  const locale = locales[lang];
  const dtf = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
  const tf = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  const df = new Intl.DateTimeFormat(locale, { dateStyle: 'short' });
  const nf = new Intl.NumberFormat(locale);
  const fmt = (f: Intl.DateTimeFormat) => (iso: string | null | undefined) => {
    if (!iso) return '–';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : f.format(d);
  };
  return {
    lang,
    t: (key, vars) => {
      const text = dict[key];
      if (!vars) return text;
      return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
    },
    dateTime: fmt(dtf),
    time: fmt(tf),
    date: fmt(df),
    number: (n) => nf.format(n),
  };
}
