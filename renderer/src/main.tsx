import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { ServicesProvider, type AppServices } from './app/context.js';
import { createControlClient } from './control/client.js';
import { createI18n, DEFAULT_LANGUAGE, I18nProvider, isLanguage, type Language } from './i18n/index.js';
import { checkSettings } from './settings/checks.js';
import { LiveStore } from './state/live-store.js';
import { LogStore } from './state/log-store.js';
import { SettingsStore } from './state/settings-store.js';
import { useStore } from './state/use-store.js';
import './styles.css';

// The language is stored in settings.ui.language; this copy only avoids a flash of the wrong language
// before the settings arrive.
const LANG_KEY = 'presenceBridge.language';

function initialLanguage(): Language {
  try {
    const v = window.localStorage.getItem(LANG_KEY);
    return isLanguage(v) ? v : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

function rememberLanguage(lang: Language): void {
  try {
    window.localStorage.setItem(LANG_KEY, lang);
  } catch {
    // storage disabled: the setting still holds it
  }
}

function startServices(): AppServices {
  const client = createControlClient();
  const lang = initialLanguage();
  const live = new LiveStore(client);
  const logs = new LogStore(client);
  const settings = new SettingsStore(client, (s) => checkSettings(s, createI18n(lang).t));
  let wasConnected = false;
  client.onConnection((state, error) => {
    live.setConnection(state, error);
    if (state === 'connected') {
      // After a gap in the event stream, reload the settings (the log store catches up by itself).
      if (wasConnected && !settings.store.get().dirty) void settings.load();
      wasConnected = true;
    }
  });
  live.start();
  logs.start();
  settings.start();
  return { client, live, logs, settings };
}

function Root({ services }: { services: AppServices }) {
  const state = useStore(services.settings.store);
  const [lang, setLang] = useState<Language>(initialLanguage);
  const savedLang = state.saved?.ui.language;

  useEffect(() => {
    if (savedLang && isLanguage(savedLang)) setLang(savedLang);
  }, [savedLang]);

  useEffect(() => {
    document.documentElement.lang = lang;
    rememberLanguage(lang);
    const { t } = createI18n(lang);
    services.settings.setLocalCheck((s) => checkSettings(s, t));
  }, [lang, services]);

  const changeLanguage = (next: Language) => {
    setLang(next);
    void services.settings.savePreference((s) => ({ ...s, ui: { ...s.ui, language: next } }));
  };

  return (
    <I18nProvider lang={lang}>
      <ServicesProvider services={services}>
        <App onLanguage={changeLanguage} />
      </ServicesProvider>
    </I18nProvider>
  );
}

const services = startServices();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root services={services} />
  </StrictMode>,
);
