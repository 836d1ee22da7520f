import { useId, useState } from 'react';
import type { SecretName } from '../api/types.js';
import { toCallError } from '../api/types.js';
import { useServices } from '../app/context.js';
import { useI18n } from '../i18n/index.js';
import { Dialog } from './Dialog.js';
import { FileButton } from './FileButton.js';

interface SecretFieldProps {
  label: string;
  name: SecretName;
  stored: boolean | undefined;
  /** PEM keys are pasted as several lines. */
  multiline?: boolean;
  /** Offer a file picker (e.g. for a key file). */
  fileAccept?: string;
  /** Localized message when the value is obviously wrong. */
  check?: (value: string) => string | undefined;
  /** Called after a store or delete so the owner can refresh `secrets.status`. */
  onChanged: () => void;
  /**
   * A secret that expires (the Microsoft client secret): storing a new one asks for its expiry date, so the
   * expiry warnings follow the new secret instead of the old one's date (setup.credentialExpiry).
   */
  askExpiry?: boolean;
}

/**
 * A write-only secret: shows only whether one is stored. The typed value goes straight to `secrets.set`, is
 * cleared from the input afterwards, and is never read back.
 */
export function SecretField({ label, name, stored, multiline, fileAccept, check, onChanged, askExpiry }: SecretFieldProps) {
  const { t } = useI18n();
  const { client } = useServices();
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [expiry, setExpiry] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const showInput = editing || stored === false;

  const store = async () => {
    const v = multiline ? value.trim() : value;
    if (v === '') {
      setError(t('secret.empty'));
      return;
    }
    const bad = check?.(v);
    if (bad) {
      setError(bad);
      return;
    }
    if (askExpiry && expiry === '') {
      setError(t('secret.expiryRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await client.call('secrets.set', { name, value: v });
      if (askExpiry) await client.call('setup.credentialExpiry', { expiresAt: expiry });
      setValue('');
      setExpiry('');
      setEditing(false);
      setNote(t('secret.saved', { label }));
      onChanged();
    } catch (err) {
      setError(toCallError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setConfirmDelete(false);
    setBusy(true);
    try {
      await client.call('secrets.delete', { name });
      setNote(t('secret.deleted', { label }));
      onChanged();
    } catch (err) {
      setError(toCallError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const describedBy = [`${id}-state`, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={`field secret${error ? ' field-invalid' : ''}`}>
      <div className="secret-head">
        <span className="field-label" id={`${id}-label`}>{label}</span>
        <span id={`${id}-state`} className={`badge ${stored ? 'badge-ok' : 'badge-muted'}`}>
          {stored === undefined ? t('common.loading') : stored ? t('secret.stored') : t('secret.notSet')}
        </span>
      </div>
      {showInput && (
        <div className="secret-edit">
          <label htmlFor={id} className="visually-hidden">{t('secret.newValue', { label })}</label>
          {multiline ? (
            <textarea
              id={id}
              className="mono"
              rows={4}
              value={value}
              spellCheck={false}
              autoComplete="off"
              aria-describedby={describedBy}
              {...(error ? { 'aria-invalid': true } : {})}
              onChange={(e) => setValue(e.target.value)}
            />
          ) : (
            <input
              id={id}
              type="password"
              value={value}
              autoComplete="new-password"
              spellCheck={false}
              aria-describedby={describedBy}
              {...(error ? { 'aria-invalid': true } : {})}
              onChange={(e) => setValue(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void store();
                }
              }}
            />
          )}
          {askExpiry && (
            <label className="secret-expiry">
              <span>{t('secret.expiresAt')}</span>
              <input type="date" value={expiry} required onChange={(e) => setExpiry(e.target.value)} />
            </label>
          )}
          <div className="button-row">
            {fileAccept && <FileButton label={t('common.chooseFile')} accept={fileAccept} onText={(text) => setValue(text)} />}
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void store()}>
              {t('secret.store')}
            </button>
            {editing && (
              <button type="button" className="btn" onClick={() => { setEditing(false); setValue(''); setExpiry(''); setError(null); }}>
                {t('common.cancel')}
              </button>
            )}
          </div>
        </div>
      )}
      {!showInput && stored && (
        <div className="button-row">
          <button type="button" className="btn" disabled={busy} onClick={() => { setEditing(true); setNote(''); }}>
            {t('secret.replace')}
          </button>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
            {t('secret.delete')}
          </button>
        </div>
      )}
      {error && <p id={`${id}-error`} className="field-error" role="alert">{error}</p>}
      <p className="field-note" role="status" aria-live="polite">{note}</p>
      <Dialog
        open={confirmDelete}
        title={t('secret.deleteConfirm', { label })}
        onClose={() => setConfirmDelete(false)}
        actions={
          <>
            <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>{t('common.cancel')}</button>
            <button type="button" className="btn btn-danger" onClick={() => void remove()}>{t('secret.delete')}</button>
          </>
        }
      />
    </div>
  );
}
