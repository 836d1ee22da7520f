import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useChangedPages, useLive, useServices, useSettingsState } from './context.js';
import { navPages, pageEditsSettings, type PageId } from './pages.js';
import { SyncControl } from './SyncControl.js';
import { Dialog } from '../components/Dialog.js';
import { SaveConfirm } from '../components/SaveConfirm.js';
import { authMessageText, hostErrorText, settingsProblemTexts, syncReasonText } from '../i18n/engine-text.js';
import { isLanguage, LANGUAGES, useI18n, type Language } from '../i18n/index.js';
import { Connections } from '../pages/Connections.js';
import { Log } from '../pages/Log.js';
import { SetupAssistant } from '../pages/SetupAssistant.js';
import { StatusBoard } from '../pages/StatusBoard.js';
import { StatusRules } from '../pages/StatusRules.js';
import { Users } from '../pages/Users.js';

function HostIndicator() {
  const { t } = useI18n();
  const { connection, connectionError } = useLive();
  const text = t(`host.${connection}`);
  return (
    <p className={`host host-${connection}`} role="status" aria-live="polite" title={connectionError ? hostErrorText(connectionError, t).text : text}>
      <span className="host-dot" aria-hidden="true" />
      <span className="host-text" aria-hidden="true">{t(`host.short.${connection}`)}</span>
      <span className="visually-hidden">{text}</span>
    </p>
  );
}

/**
 * Problems that concern every page: the host is unreachable, sync runs with a problem (with its reason), the
 * app credential (client secret or certificate) expires soon or has expired (the engine's expiry watch), and
 * notes from loading the settings (e.g. a corrupt file moved aside) until dismissed or saved over.
 */
function Banners() {
  const { t } = useI18n();
  const { settings } = useServices();
  const { connection, connectionError, sync, syncKnown, auth } = useLive();
  const { problems, problemCodes } = useSettingsState();
  const items: ReactNode[] = [];
  if (connection === 'disconnected') {
    const why = connectionError ? hostErrorText(connectionError, t) : null;
    items.push(
      <p key="host" className="notice notice-error" role="alert">
        <strong>{t('host.disconnected')}.</strong> {why && <span title={why.detail}>{why.text}</span>}
      </p>,
    );
  } else {
    // A reason from before a lost connection may be outdated: only a current state is explained.
    if (syncKnown && sync?.reason && (sync.state === 'degraded' || sync.state === 'error' || sync.state === 'signed-out' || sync.state === 'paused')) {
      const reason = syncReasonText(sync, t) ?? { text: sync.reason };
      items.push(
        <p key="sync" className={`notice ${sync.state === 'error' ? 'notice-error' : 'notice-warn'}`}>
          <strong>{t(`sync.state.${sync.state}`)}:</strong> <span title={reason.detail}>{reason.text}</span>
        </p>,
      );
    }
    if (auth && (auth.appCredential === 'expiring' || auth.appCredential === 'invalid')) {
      const authNote = authMessageText(auth, t);
      items.push(
        <p key="credential" className={`notice ${auth.appCredential === 'invalid' ? 'notice-error' : 'notice-warn'}`}>
          <strong>{t(`conn.ms.appCredential.${auth.appCredential}`)}:</strong> <span title={authNote?.detail}>{authNote?.text}</span>
        </p>,
      );
    }
  }
  if (problems.length > 0) {
    items.push(
      <div key="problems" className="notice notice-warn notice-dismissible settings-problems">
        <div className="notice-body">
          {settingsProblemTexts(problems, t, problemCodes).map((note) => (
            <p key={note.text} title={note.detail}>{t('app.settingsProblems', { message: note.text })}</p>
          ))}
        </div>
        <button
          type="button"
          className="notice-close"
          aria-label={t('app.settingsProblemsDismiss')}
          title={t('app.settingsProblemsDismiss')}
          onClick={() => settings.dismissProblems()}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>,
    );
  }
  return items.length > 0 ? <div className="banners">{items}</div> : null;
}

function LanguageSwitch({ onChange }: { onChange: (lang: Language) => void }) {
  const { t, lang } = useI18n();
  return (
    <div className="lang">
      <label htmlFor="lang-select" className="visually-hidden">{t('lang.label')}</label>
      <select id="lang-select" value={lang} onChange={(e) => isLanguage(e.target.value) && onChange(e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>{t(`lang.${l}`)}</option>
        ))}
      </select>
    </div>
  );
}

function PageView({ page }: { page: PageId }) {
  const { t } = useI18n();
  const { settings } = useServices();
  const state = useSettingsState();
  if (page === 'board') return <StatusBoard />;
  if (page === 'log') return <Log />;
  if (!state.draft) {
    return (
      <section className="page">
        {state.loadError ? (
          <div className="notice notice-error" role="alert">
            <p>{t('app.loadFailed', { message: state.loadError })}</p>
            <button type="button" className="btn" onClick={() => void settings.load()}>{t('app.retry')}</button>
          </div>
        ) : (
          <p className="muted">{t('app.loading')}</p>
        )}
      </section>
    );
  }
  if (page === 'rules') return <StatusRules />;
  if (page === 'users') return <Users />;
  if (page === 'setup') return <SetupAssistant />;
  return <Connections />;
}

export function App({ onLanguage }: { onLanguage: (lang: Language) => void }) {
  const { t } = useI18n();
  const { settings } = useServices();
  const state = useSettingsState();
  const [page, setPage] = useState<PageId>('board');
  const [pending, setPending] = useState<PageId | null>(null);
  const main = useRef<HTMLElement>(null);
  const { auth } = useLive();
  const changed = useChangedPages();
  // First run: when the engine first reports Microsoft as not configured, open the setup assistant and list it
  // first (decided once, so the navigation does not jump while the admin works through the steps).
  const [setupFirst, setSetupFirst] = useState(false);
  const firstRunDecided = useRef(false);
  useEffect(() => {
    if (firstRunDecided.current || !auth) return;
    firstRunDecided.current = true;
    if (auth.state === 'not-configured') {
      setSetupFirst(true);
      setPage('setup');
    }
  }, [auth]);

  // Closing or reloading the window with unsaved edits asks the browser's own question.
  useEffect(() => {
    if (!state.dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [state.dirty]);

  const go = (to: PageId) => {
    firstRunDecided.current = true;
    setPage(to);
    setPending(null);
    settings.clearStatus();
    // Move focus to the new page's heading so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => {
      const h1 = main.current?.querySelector<HTMLElement>('h1');
      if (!h1) return;
      h1.setAttribute('tabindex', '-1');
      h1.focus();
    });
  };

  const navigate = (to: PageId) => {
    if (to === page) return;
    // Only a page with unsaved edits of its own asks; the draft (and so those edits) stays either way.
    if (pageEditsSettings(page) && changed.has(page)) setPending(to);
    else go(to);
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('app.skipToContent')}</a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.title')}</span>
        </div>
        <SyncControl />
        <div className="topbar-end">
          <HostIndicator />
          <LanguageSwitch onChange={onLanguage} />
        </div>
      </header>
      <nav className="sidenav" aria-label={t('nav.label')}>
        <ul>
          {navPages(setupFirst).map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="nav-item"
                aria-current={page === p.id ? 'page' : undefined}
                onClick={() => navigate(p.id)}
              >
                {t(`nav.${p.id}`)}
                {changed.has(p.id) && <span className="nav-dirty" title={t('save.unsaved')}>•</span>}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" ref={main} tabIndex={-1}>
        <Banners />
        <PageView page={page} />
      </main>

      <Dialog
        open={pending !== null}
        title={t('leave.title')}
        onClose={() => setPending(null)}
        actions={
          <>
            <button type="button" className="btn" onClick={() => setPending(null)}>{t('common.stay')}</button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => {
                settings.discard();
                if (pending) go(pending);
              }}
            >
              {t('leave.discardAndGo')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                const to = pending;
                setPending(null);
                void settings.save().then((ok) => { if (ok && to) go(to); });
              }}
            >
              {t('leave.saveAndGo')}
            </button>
          </>
        }
      >
        <p>{t('leave.text')}</p>
      </Dialog>
      <SaveConfirm />
    </div>
  );
}
