import { useState } from 'react';
import type { SyncState } from '../api/types.js';
import { toCallError } from '../api/types.js';
import { Dialog } from '../components/Dialog.js';
import { callErrorText, syncReasonText, type EngineText } from '../i18n/engine-text.js';
import { useI18n } from '../i18n/index.js';
import { useLive, useServices, useSettingsState } from './context.js';
import { pollText } from './poll-text.js';

/** States in which the bridge counts as "on" for the switch (it is trying to sync). */
const ON_STATES: readonly SyncState[] = ['starting', 'running', 'paused', 'signed-out', 'degraded', 'error'];

/** Sync state with its reason, the time of the last good cycle, and the on/off switch. */
export function SyncControl() {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const { client, live } = useServices();
  const { sync: lastSync, syncKnown, connection, roster } = useLive();
  const { saved } = useSettingsState();
  const [askStop, setAskStop] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<EngineText | null>(null);
  // Without a current snapshot the last reported state may be wrong (the host may be gone): show it as unknown.
  const sync = syncKnown ? lastSync : null;
  const on = sync ? ON_STATES.includes(sync.state) : false;
  const unknownText = connection === 'disconnected' ? t('sync.unknownNoConnection') : t('sync.unknown');
  const reason = sync ? syncReasonText(sync, t) : null;
  // Issue 15 item 2: running with nobody selected (a group that does not exist) is a warning, not green.
  const noUsers = sync?.state === 'running' && roster !== null && roster.counts.matched === 0;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      const why = callErrorText(toCallError(err), t);
      setError({ text: t('sync.failed', { message: why.text }), ...(why.detail ? { detail: why.detail } : {}) });
    } finally {
      setBusy(false);
    }
  };
  const start = () => run(async () => live.applySync(await client.call('sync.start', {})));
  const stop = (restore: boolean) => {
    setAskStop(false);
    return run(async () => live.applySync(await client.call('sync.stop', { restore })));
  };

  return (
    <div className="sync">
      <div className="sync-state" aria-live="polite">
        <span
          className={`badge sync-badge sync-${noUsers ? 'degraded' : (sync?.state ?? 'unknown')}`}
          title={noUsers ? t('sync.runningNoUsersTitle') : sync ? undefined : t('sync.unknownTitle')}
        >
          <span className="visually-hidden">{t('sync.label')}: </span>
          {noUsers ? t('sync.state.runningNoUsers') : sync ? t(`sync.state.${sync.state}`) : unknownText}
        </span>
        {reason && <span className="sync-reason" title={reason.detail ?? reason.text}>{reason.text}</span>}
        {sync?.poll && on && <span className="sync-poll" data-reason={sync.poll.reasonCode}>{pollText(sync.poll, i18n)}</span>}
        {sync?.lastSuccessfulSync && !sync.reason && (
          <span className="sync-last">{t('sync.lastSuccess', { time: dateTime(sync.lastSuccessfulSync) })}</span>
        )}
      </div>
      <button
        type="button"
        role="switch"
        aria-checked={sync ? on : 'mixed'}
        className="switch"
        disabled={busy || !sync || connection !== 'connected'}
        onClick={() => (on ? setAskStop(true) : void start())}
      >
        <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
        <span className="switch-label">{t('sync.label')}</span>
        {!sync && <span className="visually-hidden"> ({t('sync.unknown')})</span>}
        <span className="switch-state" aria-hidden="true">{sync ? (on ? t('sync.on') : t('sync.off')) : '?'}</span>
      </button>
      {error && <p className="sync-failure" role="alert" title={error.detail}>{error.text}</p>}
      {sync?.restore && sync.restore.notRestored > 0 && (
        <p className="sync-not-restored" role="status" title={sync.restore.message}>
          {t('sync.notRestored', {
            left: sync.restore.notRestored,
            total: sync.restore.total,
            reason: t(`sync.restoreReason.${sync.restore.reason ?? 'pbx-unreachable'}`),
          })}
        </p>
      )}
      <Dialog
        open={askStop}
        title={t('sync.stopTitle')}
        onClose={() => setAskStop(false)}
        actions={
          <>
            <button type="button" className="btn" onClick={() => setAskStop(false)}>{t('common.cancel')}</button>
            <button type="button" className={`btn${saved?.sync.restoreOnStop === false ? ' btn-primary' : ''}`} onClick={() => void stop(false)}>
              {t('sync.stopOnly')}
            </button>
            <button type="button" className={`btn${saved?.sync.restoreOnStop === false ? '' : ' btn-primary'}`} onClick={() => void stop(true)}>
              {t('sync.stopRestore')}
            </button>
          </>
        }
      >
        <p>{t('sync.stopText')}</p>
      </Dialog>
    </div>
  );
}
