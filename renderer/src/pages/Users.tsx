import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { RosterUser } from '../api/types.js';
import { useDraft, useFieldError, useLive, useServices } from '../app/context.js';
import { Field, RadioGroup } from '../components/Field.js';
import { SaveBar } from '../components/SaveBar.js';
import { VirtualTable, type Column } from '../components/VirtualTable.js';
import { rosterReasonText } from '../i18n/engine-text.js';
import { useI18n, type Translate } from '../i18n/index.js';
import { parseLoginIds } from '../settings/checks.js';

type RosterFilter = 'all' | 'matched' | 'conflict';

function reasonText(u: RosterUser, t: Translate): string {
  return u.status === 'matched' ? '' : rosterReasonText(u.reason, t);
}

/** Keeps the admin's raw text (line breaks, a trailing comma) while the draft holds the parsed list. */
function useLoginIdText(ids: readonly string[]): [string, (text: string) => string[]] {
  const [text, setText] = useState(() => ids.join('\n'));
  useEffect(() => {
    // Follow the draft when it changes from outside (discard, reload), not on our own edits.
    setText((current) => (parseLoginIds(current).join('\n') === ids.join('\n') ? current : ids.join('\n')));
  }, [ids]);
  return [text, (next) => {
    setText(next);
    return parseLoginIds(next);
  }];
}

/** The PBX's group names for the picker; null while loading or when the PBX cannot list them (then: type it). */
function usePbxGroups(active: boolean): string[] | null {
  const { client } = useServices();
  const [groups, setGroups] = useState<string[] | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    client.call('roster.groups', {}).then((r) => { if (live) setGroups(r.groups); }, () => { if (live) setGroups(null); });
    return () => { live = false; };
  }, [active, client]);
  return groups;
}

export function Users() {
  const { t } = useI18n();
  const { draft, update } = useDraft();
  const { roster } = useLive();
  const [filter, setFilter] = useState<RosterFilter>('all');
  const [query, setQuery] = useState('');
  const q = useDeferredValue(query.trim().toLowerCase());
  const [idsText, setIdsText] = useLoginIdText(draft.users.extraLoginIds);
  const groupError = useFieldError('users.group');
  const idsError = useFieldError('users.extraLoginIds');
  const users = draft.users;
  const pbxGroups = usePbxGroups(users.selection === 'group');

  const rows = useMemo(() => {
    const all = roster?.users ?? [];
    const filtered = all.filter((u) => (filter === 'all' || u.status === filter) && (q === '' ||
      u.login.toLowerCase().includes(q) || (u.displayName ?? '').toLowerCase().includes(q) || u.email.toLowerCase().includes(q)));
    // Conflicts first: they are what the admin has to act on.
    return [...filtered].sort((a, b) => (a.status === b.status ? a.login.localeCompare(b.login, undefined, { numeric: true }) : a.status === 'conflict' ? -1 : 1));
  }, [roster, filter, q]);

  const columns: Column<RosterUser>[] = [
    { key: 'login', header: t('users.col.login'), width: '7rem', render: (u) => <span className="cell-clip tabular">{u.login}</span> },
    { key: 'name', header: t('users.col.name'), width: 'minmax(9rem, 1.3fr)', render: (u) => <span className="cell-clip">{u.displayName ?? '–'}</span> },
    { key: 'email', header: t('users.col.email'), width: 'minmax(11rem, 1.6fr)', render: (u) => <span className="cell-clip" title={u.email}>{u.email || '–'}</span> },
    {
      key: 'status', header: t('users.col.status'), width: '8rem',
      render: (u) => (
        <span className={`badge ${u.status === 'matched' ? 'badge-ok' : 'badge-error'}`}>
          {u.status === 'matched' ? t('users.status.matched') : t('users.status.conflict')}
        </span>
      ),
    },
    {
      key: 'reason', header: t('users.col.reason'), width: 'minmax(12rem, 2.4fr)',
      render: (u) => (
        <div className="cell-stack">
          <span className="cell-clip" title={reasonText(u, t)}>{reasonText(u, t)}</span>
          {u.detail && <span className="cell-sub" title={u.detail}>{u.detail}</span>}
        </div>
      ),
    },
  ];

  return (
    <section className="page" aria-labelledby="users-title">
      <header className="page-head">
        <h1 id="users-title">{t('users.title')}</h1>
        <p className="page-intro">{t('users.intro')}</p>
      </header>

      <section className="card" aria-labelledby="selection-title">
        <h2 id="selection-title">{t('users.selectionTitle')}</h2>
        <div className="form-grid">
          <div>
            <RadioGroup
              legend={t('users.selection')}
              name="selection"
              value={users.selection}
              options={[
                // The bridge's own PBX admin login is left out of "all" (it is no person); say so, and how to add it.
                { value: 'all', label: t('users.selection.all'), ...(roster?.adminLeftOut ? { hint: t('users.selection.allWithoutAdmin', { login: roster.adminLeftOut }) } : {}) },
                { value: 'group', label: t('users.selection.group') },
              ]}
              onChange={(v) => update((d) => ({ ...d, users: { ...d.users, selection: v } }))}
            />
            {users.selection === 'group' && (
              <Field label={t('users.group')} hint={pbxGroups && pbxGroups.length > 0 ? t('users.groupPickHint') : t('users.groupHint')} error={groupError}>
                {(p) => (pbxGroups && pbxGroups.length > 0 ? (
                  // The PBX's groups: no typing error can select 0 users. A saved name the PBX no longer has stays
                  // visible (marked) instead of silently switching to another group.
                  <select {...p} value={users.group ?? ''} onChange={(e) => update((d) => ({ ...d, users: { ...d.users, group: e.target.value } }))}>
                    <option value="">{t('users.groupChoose')}</option>
                    {users.group && !pbxGroups.includes(users.group) && (
                      <option value={users.group}>{t('users.groupMissing', { name: users.group })}</option>
                    )}
                    {pbxGroups.map((g) => <option key={g} value={g}>{g}</option>)}
                  </select>
                ) : (
                  <input
                    {...p}
                    type="text"
                    value={users.group ?? ''}
                    onChange={(e) => update((d) => ({ ...d, users: { ...d.users, group: e.target.value } }))}
                  />
                ))}
              </Field>
            )}
          </div>
          <Field label={t('users.extra')} hint={t('users.extraHint')} error={idsError}>
            {(p) => (
              <textarea
                {...p}
                rows={5}
                className="mono"
                spellCheck={false}
                value={idsText}
                onChange={(e) => {
                  const ids = setIdsText(e.target.value);
                  update((d) => ({ ...d, users: { ...d.users, extraLoginIds: ids } }));
                }}
              />
            )}
          </Field>
        </div>
      </section>

      <section className="card card-fill" aria-labelledby="roster-title">
        <div className="card-head">
          <div>
            <h2 id="roster-title">{t('users.rosterTitle')}</h2>
            <p className="section-intro">
              {roster ? t('users.rosterCounts', { matched: roster.counts.matched, conflicts: roster.counts.conflicts }) : t('common.loading')}
              {' · '}
              {t('users.rosterHint')}
            </p>
            <p className="toolbar-count" aria-live="polite">{t('users.shown', { shown: rows.length, total: roster?.users.length ?? 0 })}</p>
          </div>
          <div className="field field-inline">
            <label htmlFor="roster-search" className="field-label">{t('users.search')}</label>
            <input id="roster-search" type="search" value={query} placeholder={t('users.searchPlaceholder')} onChange={(e) => setQuery(e.target.value)} />
          </div>
          <div className="field field-inline">
            <label htmlFor="roster-filter" className="field-label">{t('users.filter')}</label>
            <select id="roster-filter" value={filter} onChange={(e) => setFilter(e.target.value as RosterFilter)}>
              <option value="all">{t('users.filter.all')}</option>
              <option value="matched">{t('users.filter.matched')}</option>
              <option value="conflict">{t('users.filter.conflict')}</option>
            </select>
          </div>
        </div>
        <VirtualTable
          className="vt-roster"
          label={t('users.rosterTitle')}
          rows={rows}
          columns={columns}
          rowKey={(u) => u.login}
          rowHeight={52}
          rowClassName={(u) => (u.status === 'conflict' ? 'row-conflict' : undefined)}
          empty={t('users.rosterEmpty')}
        />
      </section>

      <SaveBar page="users" />
    </section>
  );
}
