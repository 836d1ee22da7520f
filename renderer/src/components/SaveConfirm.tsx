import { useEffect, useRef, useState } from 'react';
import type { SaveEffect } from '../../../src/core/save-preview.js';
import { useServices } from '../app/context.js';
import { useI18n } from '../i18n/index.js';
import { Dialog } from './Dialog.js';

/**
 * Issue 15 item 2: before a save that stops the sync or changes how many users are synced, says what will happen
 * and asks. Registered with the settings store, so every way of saving (Save bar, leave dialog, assistant) asks.
 */
export function SaveConfirm() {
  const { t } = useI18n();
  const { settings } = useServices();
  const [effects, setEffects] = useState<readonly SaveEffect[] | null>(null);
  const answer = useRef<((ok: boolean) => void) | null>(null);

  useEffect(() => {
    settings.setConfirm((fx) => new Promise<boolean>((resolve) => {
      answer.current?.(false);
      answer.current = resolve;
      setEffects(fx);
    }));
    return () => settings.setConfirm(undefined);
  }, [settings]);

  const done = (ok: boolean) => {
    answer.current?.(ok);
    answer.current = null;
    setEffects(null);
  };

  return (
    <Dialog
      open={effects !== null}
      title={t('save.confirm.title')}
      onClose={() => done(false)}
      actions={
        <>
          <button type="button" className="btn" onClick={() => done(false)}>{t('common.cancel')}</button>
          <button type="button" className="btn btn-danger" onClick={() => done(true)}>{t('save.confirm.save')}</button>
        </>
      }
    >
      <p>{t('save.confirm.intro')}</p>
      <ul className="save-effects">
        {(effects ?? []).map((e) => (
          <li key={e.code} data-code={e.code}>
            {t(`save.confirm.${e.code}`, e.params)}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
