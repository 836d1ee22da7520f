// The language of the command line's own texts (help, usage errors): --lang, then the settings' UI language,
// then the locale (LC_ALL, LC_MESSAGES, LANG — the first one set decides, as POSIX does), else English.
import { readFileSync } from 'node:fs';
import type { Lang } from '../core/lang.js';

export type { Lang } from '../core/lang.js';
export { tr } from '../core/lang.js';

export function isLang(value: unknown): value is Lang {
  return value === 'de' || value === 'en';
}

/** The value of `--name X` or `--name=X` in argv, without parsing the rest (help must work with any options). */
export function optionValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

export function langFromLocale(env: NodeJS.ProcessEnv = process.env): Lang | undefined {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const v = env[name];
    if (v) return /^de([_.@-]|$)/i.test(v) ? 'de' : 'en';
  }
  return undefined;
}

/** The UI language stored in a settings file (v2 `ui.language`, v1 `language`); undefined when unreadable. */
export function langFromSettings(file: string | undefined): Lang | undefined {
  if (!file) return undefined;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { ui?: { language?: unknown }; language?: unknown };
    const lang = raw.ui?.language ?? raw.language;
    return isLang(lang) ? lang : undefined;
  } catch {
    return undefined;
  }
}

/** --lang, then the settings named by --config, then the locale, else English. */
export function cliLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  const flag = optionValue(argv, 'lang');
  if (isLang(flag)) return flag;
  return langFromSettings(optionValue(argv, 'config')) ?? langFromLocale(env) ?? 'en';
}

/** `--lang` given with a value other than de or en. */
export function badLang(value: string | undefined, lang: Lang): string | undefined {
  if (value === undefined || isLang(value)) return undefined;
  return lang === 'de' ? `--lang muss de oder en sein (angegeben: "${value}").` : `--lang must be de or en (got "${value}").`;
}
