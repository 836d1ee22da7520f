import { useDeferredValue, useMemo, useRef, useState } from 'react';
import type { LogEntry, LogLevel } from '../api/types.js';
import { toCallError } from '../api/types.js';
import { useLive, useServices, useSettingsState } from '../app/context.js';
import { rowLabel } from '../app/rows.js';
import { Checkbox } from '../components/Field.js';
import { VirtualTable, type Column } from '../components/VirtualTable.js';
import { entryWho, isAuditEntry, logEntryText } from '../i18n/audit-text.js';
import { useI18n } from '../i18n/index.js';
import { logCsv, parseJsonl } from '../state/log-csv.js';
import { useStore } from '../state/use-store.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function fieldsText(fields: Record<string, unknown> | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return '';
  try {
    return JSON.stringify(fields);
  } catch {
    return '';
  }
}

function exportFileName(ext: 'jsonl' | 'csv', now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `presence-bridge-log-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}.${ext}`;
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function Log() {
  const { t, time, lang } = useI18n();
  const { logs, client, settings: settingsStore } = useServices();
  const state = useStore(logs.store);
  const { saved } = useSettingsState();
  const { users } = useLive();
  // Entries that name only a login are found by the user's e-mail and name too (from the synced users).
  const whoOfLogin = useMemo(() => new Map(users.map((u) => [u.login, `${u.email} ${u.displayName ?? ''}`.toLowerCase()])), [users]);
  const message = (e: LogEntry): string => logEntryText(e, t, (id) => rowLabel(id, saved, lang), lang);
  const [level, setLevel] = useState<LogLevel>('debug');
  const [user, setUser] = useState('');
  const [follow, setFollow] = useState(true);
  const [note, setNote] = useState('');
  const deferredUser = useDeferredValue(user.trim().toLowerCase());

  // While paused, the table keeps showing the entries it had; new ones are counted, not shown.
  const frozen = useRef<readonly LogEntry[] | null>(null);
  if (follow) frozen.current = null;
  else if (frozen.current === null) frozen.current = state.entries;
  const source = follow ? state.entries : (frozen.current ?? state.entries);
  const newWhilePaused = follow ? 0 : state.entries.length - source.length;

  const shown = useMemo(
    () => source.filter((e) => RANK[e.level] >= RANK[level]
      && (deferredUser === '' || `${entryWho(e)} ${e.user ? (whoOfLogin.get(e.user) ?? '') : ''}`.includes(deferredUser))),
    [source, level, deferredUser, whoOfLogin],
  );

  const columns: Column<LogEntry>[] = [
    { key: 'time', header: t('log.col.time'), width: '6.5rem', render: (e) => <span className="tabular" title={e.time}>{time(e.time)}</span> },
    {
      key: 'level', header: t('log.col.level'), width: '6rem',
      render: (e) => <span className={`badge level-${e.level}`}>{t(`log.level.${e.level}`)}</span>,
    },
    { key: 'component', header: t('log.col.component'), width: 'minmax(6rem, 0.8fr)', render: (e) => <span className="cell-clip">{e.component ?? ''}</span> },
    { key: 'user', header: t('log.col.user'), width: 'minmax(6rem, 0.8fr)', render: (e) => <span className="cell-clip">{e.user ?? ''}</span> },
    {
      key: 'msg', header: t('log.col.msg'), width: 'minmax(16rem, 4fr)',
      render: (e) => {
        const f = isAuditEntry(e) ? '' : fieldsText(e.fields);
        const text = message(e);
        return (
          <span className="cell-clip" title={f ? `${text} ${f}` : text} data-code={e.code}>
            {text}
            {f && <span className="log-fields"> {f}</span>}
          </span>
        );
      },
    },
  ];

  const exportLog = async (format: 'jsonl' | 'csv') => {
    try {
      const { text } = await client.call('log.export', {});
      const name = exportFileName(format);
      if (format === 'csv') download(name, logCsv(parseJsonl(text), message), 'text/csv;charset=utf-8');
      else download(name, text, 'application/x-ndjson');
      setNote(t('log.exported', { file: name }));
    } catch (err) {
      setNote(t('common.error', { message: toCallError(err).message }));
    }
  };

  return (
    <section className="page page-fill" aria-labelledby="log-title">
      <header className="page-head">
        <h1 id="log-title">{t('log.title')}</h1>
        <p className="page-intro">{t('log.intro')}</p>
      </header>
      <div className="toolbar">
        <div className="field field-inline">
          <label htmlFor="log-level" className="field-label">{t('log.level')}</label>
          <select id="log-level" value={level} onChange={(e) => setLevel(e.target.value as LogLevel)}>
            {LEVELS.map((l) => <option key={l} value={l}>{t(`log.level.${l}`)}</option>)}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="log-user" className="field-label">{t('log.user')}</label>
          <input id="log-user" type="search" value={user} placeholder={t('log.userPlaceholder')} onChange={(e) => setUser(e.target.value)} />
        </div>
        <div className="field field-inline">
          <label htmlFor="log-engine-level" className="field-label" title={t('log.engineLevelHint')}>{t('log.engineLevel')}</label>
          <select
            id="log-engine-level"
            value={saved?.log.level ?? 'info'}
            disabled={!saved}
            title={t('log.engineLevelHint')}
            onChange={(e) => void settingsStore.savePreference((s) => ({ ...s, log: { ...s.log, level: e.target.value as LogLevel } }))}
          >
            {LEVELS.map((l) => <option key={l} value={l}>{t(`log.level.${l}`)}</option>)}
          </select>
        </div>
        <Checkbox label={t('log.autoscroll')} checked={follow} onChange={setFollow} />
        <button type="button" className="btn" onClick={() => void exportLog('jsonl')}>{t('log.export')}</button>
        <button type="button" className="btn" onClick={() => void exportLog('csv')}>{t('log.exportCsv')}</button>
        <p className="toolbar-count" aria-live="polite">
          {newWhilePaused > 0 ? t('log.paused', { count: newWhilePaused }) : t('log.count', { shown: shown.length, total: state.entries.length })}
        </p>
      </div>
      <p className="sr-status" role="status" aria-live="polite">{note}</p>
      {state.error && <p className="field-error">{t('common.error', { message: state.error })}</p>}
      <VirtualTable
        className="vt-log"
        label={t('log.title')}
        rows={shown}
        columns={columns}
        rowKey={(e) => String(e.seq)}
        rowHeight={34}
        followEnd={follow}
        rowClassName={(e) => `log-row-${e.level}`}
        empty={state.loaded ? t('log.empty') : t('common.loading')}
      />
    </section>
  );
}
