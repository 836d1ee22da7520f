import { issueText } from '../i18n/engine-text.js';
import { useI18n } from '../i18n/index.js';
import { useChangedPages, useServices, useSettingsState } from '../app/context.js';
import { PAGE_OF_SECTION, PAGES, type PageId } from '../app/pages.js';

/**
 * Save / Discard for the settings draft, pinned to the bottom of every page that edits settings. One draft
 * holds every page's edits and Save stores them all, so the bar names the pages with unsaved edits.
 * The result of a save is announced (aria-live); issues on other pages are listed so none stays hidden.
 */
export function SaveBar({ page }: { page: PageId }) {
  const { t } = useI18n();
  const { settings } = useServices();
  const state = useSettingsState();
  const changed = useChangedPages();
  // Navigation order; the assistant edits the same sections as other pages, so it is named only on its own.
  const changedNames = PAGES.filter((p) => changed.has(p.id) && (p.id !== 'setup' || page === 'setup')).map((p) => t(`nav.${p.id}`));
  const othersChanged = [...changed].some((id) => id !== page && id !== 'setup');
  const issues = [...state.localIssues, ...state.serverIssues.filter((s) => !state.localIssues.some((l) => l.path === s.path))];
  const elsewhere = issues.filter((i) => {
    const section = i.path.split('.')[0] ?? '';
    const owner = PAGE_OF_SECTION[section];
    return owner !== undefined && owner !== page;
  });
  const status = state.status;
  let message = '';
  if (status?.kind === 'saved') message = t('save.saved');
  else if (status?.kind === 'invalid') message = t('save.invalid', { count: status.count });
  else if (status?.kind === 'failed') message = t('save.failed', { message: status.message });
  else if (status?.kind === 'cancelled') message = t('save.cancelled');

  return (
    <div className={`savebar${state.dirty ? ' savebar-dirty' : ''}`}>
      <div className="savebar-text">
        <p className="savebar-state">{state.dirty ? t('save.unsaved') : t('save.noChanges')}</p>
        <p className={`savebar-status${status && status.kind !== 'saved' && status.kind !== 'cancelled' ? ' savebar-error' : ''}`} role="status" aria-live="polite">
          {message}
        </p>
        {state.dirty && othersChanged && <p className="savebar-note">{t('save.unsavedPages', { pages: changedNames.join(', ') })}</p>}
        {state.changedElsewhere && <p className="savebar-note">{t('save.changedElsewhere')}</p>}
        {status?.kind === 'invalid' && elsewhere.length > 0 && (
          <ul className="savebar-issues">
            {elsewhere.map((i) => (
              <li key={`${i.path}:${i.message}`}>
                {t(`nav.${PAGE_OF_SECTION[i.path.split('.')[0] ?? ''] ?? 'board'}`)} – <code>{i.path}</code>:{' '}
                <span>{issueText(i, t).text}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="savebar-actions">
        <button type="button" className="btn" disabled={!state.dirty || state.saving} onClick={() => settings.discard()}>
          {t('common.discard')}
        </button>
        <button type="button" className="btn btn-primary" disabled={!state.dirty || state.saving} onClick={() => void settings.save()}>
          {state.saving ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </div>
  );
}
