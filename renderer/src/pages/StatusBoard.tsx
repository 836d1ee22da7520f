import { useDeferredValue, useMemo, useState } from 'react';
import type { UserLiveState } from '../api/types.js';
import { useLive, useSettingsState } from '../app/context.js';
import { rowLabel, teamsCategory, type TeamsCategory } from '../app/rows.js';
import { VirtualTable, type Column } from '../components/VirtualTable.js';
import { useI18n } from '../i18n/index.js';
import { availabilityAndActivityName, availabilityName, presenceName } from '../../../src/core/teams-names.js';

type Filter = 'all' | TeamsCategory | 'inCall' | 'pbxDnd' | 'override' | 'error';
const FILTERS: readonly Filter[] = ['all', 'available', 'busy', 'dnd', 'away', 'offline', 'unknown', 'inCall', 'pbxDnd', 'override', 'error'];

function matchesFilter(u: UserLiveState, f: Filter): boolean {
  switch (f) {
    case 'all':
      return true;
    case 'inCall':
      return u.pbx.telephony !== 'idle';
    case 'pbxDnd':
      return u.pbx.dnd === true;
    case 'override':
      return u.manualOverride;
    case 'error':
      return u.error !== null;
    default:
      return teamsCategory(u.teams?.availability) === f;
  }
}

function matchesSearch(u: UserLiveState, q: string): boolean {
  if (q === '') return true;
  return (
    u.login.toLowerCase().includes(q) ||
    (u.displayName ?? '').toLowerCase().includes(q) ||
    (u.email ?? '').toLowerCase().includes(q)
  );
}

/**
 * Teams shows the state the bridge set for a STARFACE call (its own session), not the user's: the engine ignores
 * that echo, so the row stays with the user's own status ("Verfügbar") while Teams says "Beschäftigt".
 */
function isOwnSession(u: UserLiveState): boolean {
  const s = u.teamsSession;
  if (!s || !u.teams) return false;
  return s.availability.toLowerCase() === u.teams.availability.toLowerCase() && s.activity.toLowerCase() === u.teams.activity.toLowerCase();
}

export function StatusBoard() {
  const { t, lang, dateTime, time, date } = useI18n();
  const live = useLive();
  const { saved } = useSettingsState();
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query.trim().toLowerCase());
  const users = live.users;
  // Issue 15 item 3: a stopped sync reads nothing — the PBX values shown are as of the stop.
  const staleSince = live.syncKnown && live.sync?.state === 'stopped' ? live.sync.since : null;

  const counts = useMemo(() => {
    const c = Object.fromEntries(FILTERS.map((f) => [f, 0])) as Record<Filter, number>;
    for (const u of users) for (const f of FILTERS) if (matchesFilter(u, f)) c[f] += 1;
    return c;
  }, [users]);

  const shown = useMemo(
    () => users.filter((u) => matchesFilter(u, filter) && matchesSearch(u, deferredQuery)),
    [users, filter, deferredQuery],
  );

  const columns: Column<UserLiveState>[] = [
    {
      key: 'user', header: t('board.col.user'), width: 'minmax(8rem, 1.7fr)',
      render: (u) => (
        <div className="cell-stack">
          <span className="cell-main" title={u.displayName ?? u.login}>{u.displayName ?? u.login}</span>
          <span className="cell-sub" title={u.email ?? ''}>{u.login}{u.email ? ` · ${u.email}` : ''}</span>
        </div>
      ),
    },
    {
      key: 'teams', header: t('board.col.teams'), width: 'minmax(7rem, 1.1fr)',
      render: (u) => {
        if (!u.teams) return <span className="muted">{t('board.noPresence')}</span>;
        const cat = teamsCategory(u.teams.availability);
        const detail = presenceName(u.teams.availability, u.teams.activity, lang);
        const base = availabilityName(u.teams.availability, lang);
        return (
          <div className="cell-stack">
            <span className="cell-main">
              <span className={`dot dot-${cat}`} aria-hidden="true" />
              {base}
            </span>
            <span className="cell-sub">
              {detail !== base && <span>{detail}</span>}
              {u.teams.outOfOffice && <span className="badge badge-info">{t('board.oof')}</span>}
              {isOwnSession(u) && <span className="badge badge-info" title={t('board.ownSessionHint')}>{t('board.ownSession')}</span>}
            </span>
          </div>
        );
      },
    },
    {
      key: 'row', header: t('board.col.row'), width: 'minmax(9.5rem, 1.3fr)',
      // Wraps to two lines instead of clipping: the row label is the one word an admin needs to read in full.
      render: (u) => <span className="cell-wrap" data-testid="row-label">{rowLabel(u.row, saved, lang) ?? '–'}</span>,
    },
    {
      key: 'pbx', header: t('board.col.pbx'), width: 'minmax(9.5rem, 1.4fr)',
      render: (u) => (
        <div className="cell-stack">
          <span className="cell-main">
            <span className={`badge ${u.pbx.dnd === true ? 'badge-dnd' : u.pbx.dnd === false ? 'badge-ok' : 'badge-muted'}`}
              title={u.pbx.dndSource === 'bridge' ? t('board.dndFromBridgeHint') : undefined}>
              {u.pbx.dnd === true ? t('board.dndOn') : u.pbx.dnd === false ? t('board.dndOff') : t('board.dndUnknown')}
            </span>
            {u.pbx.dndSource === 'bridge' && <span className="muted">{t('board.dndFromBridge')}</span>}
            {u.pbx.telephony !== 'idle' && <span className="badge badge-call">{t(`board.tel.${u.pbx.telephony}`)}</span>}
          </span>
          <span className="cell-sub" title={u.pbx.chatText ?? ''}>{u.pbx.chatText ?? '–'}</span>
          {staleSince && <span className="cell-sub stale" title={t('board.staleHint')}>{t('board.staleSince', { time: dateTime(staleSince) })}</span>}
        </div>
      ),
    },
    {
      key: 'session', header: <span title={t('board.col.sessionTitle')}>{t('board.col.session')}</span>, width: 'minmax(5rem, 0.9fr)',
      render: (u) =>
        u.teamsSession ? (
          <span className="cell-wrap">{availabilityAndActivityName(u.teamsSession.availability, u.teamsSession.activity, lang)}</span>
        ) : (
          <span className="muted">{t('board.noSession')}</span>
        ),
    },
    {
      key: 'last', header: t('board.col.lastChange'), width: '5.5rem',
      render: (u) => (
        <div className="cell-stack tabular" title={dateTime(u.lastChange)}>
          <span className="cell-main">{time(u.lastChange)}</span>
          <span className="cell-sub">{date(u.lastChange)}</span>
        </div>
      ),
    },
    {
      key: 'notes', header: t('board.col.notes'), width: 'minmax(5.5rem, 1.1fr)',
      render: (u) => (
        <div className="cell-stack">
          {u.manualOverride && <span className="badge badge-warn" title={t('board.overrideTitle')}>{t('board.override')}</span>}
          {u.error && <span className="cell-sub text-error" title={u.error}>{u.error}</span>}
        </div>
      ),
    },
  ];

  return (
    <section className="page page-fill" aria-labelledby="board-title">
      <header className="page-head">
        <h1 id="board-title">{t('board.title')}</h1>
        <p className="page-intro">{t('board.intro')}</p>
      </header>

      <div className="toolbar">
        <div className="field field-inline">
          <label htmlFor="board-search" className="field-label">{t('board.search')}</label>
          <input
            id="board-search"
            type="search"
            value={query}
            placeholder={t('board.searchPlaceholder')}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <p className="toolbar-count" aria-live="polite">{t('board.showing', { shown: shown.length, total: users.length })}</p>
      </div>

      <div className="chips" role="group" aria-label={t('board.counts')}>
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            className={`chip chip-${f}`}
            aria-pressed={filter === f}
            onClick={() => setFilter(f)}
          >
            {f !== 'all' && f !== 'inCall' && f !== 'pbxDnd' && f !== 'override' && f !== 'error' && (
              <span className={`dot dot-${f}`} aria-hidden="true" />
            )}
            {t(`board.cat.${f}`)}
            <span className="chip-count">{counts[f]}</span>
          </button>
        ))}
      </div>

      <VirtualTable
        label={t('board.title')}
        rows={shown}
        columns={columns}
        rowKey={(u) => u.login}
        rowHeight={56}
        rowClassName={(u) => (u.error ? 'row-error' : undefined)}
        empty={users.length === 0 ? t('board.empty') : t('board.noMatch')}
      />
    </section>
  );
}
