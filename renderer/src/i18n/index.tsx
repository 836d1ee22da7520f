import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { createI18n, DEFAULT_LANGUAGE, type I18n, type Language } from './core.js';

export * from './core.js';

const I18nContext = createContext<I18n>(createI18n(DEFAULT_LANGUAGE));

export function I18nProvider({ lang, children }: { lang: Language; children: ReactNode }) {
  const value = useMemo(() => createI18n(lang), [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
