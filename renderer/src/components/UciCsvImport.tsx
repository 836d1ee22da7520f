// Import of the users' UCI passwords from a CSV (login;password), pasted or read from a file in the page: the
// Connections page and the setup assistant's password step use this one form (control call
// secrets.importStarfaceCsv). The passwords leave the page as soon as they are imported.
import { useState, type ReactNode } from 'react';
import { toCallError } from '../api/types.js';
import { useServices } from '../app/context.js';
import { useI18n } from '../i18n/index.js';
import { Field } from './Field.js';
import { FileButton } from './FileButton.js';

interface ImportResult {
  imported: number;
  errors: { line: number; message: string }[];
}

export function UciCsvImport({ label, hint, primary = false, onImported, children }: {
  label: string;
  /** A fixed hint under the field; without one, the name of the chosen file is shown there. */
  hint?: string;
  /** The page's main action (the assistant has its own). */
  primary?: boolean;
  onImported: () => void;
  /** Shown above the field (heading, how many passwords are stored). */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const { client } = useServices();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const [callError, setCallError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const doImport = async () => {
    if (csv.trim() === '') {
      setInputError(t('conn.sf.csvEmpty'));
      return;
    }
    setInputError(null);
    setCallError(null);
    setBusy(true);
    try {
      const res = await client.call('secrets.importStarfaceCsv', { csv });
      // Passwords never stay in the page longer than needed.
      setCsv('');
      setFileName(null);
      setResult(res);
      onImported();
    } catch (err) {
      setCallError(toCallError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="subsection">
      {children}
      <Field label={label} error={inputError ?? undefined} hint={hint ?? fileName ?? undefined}>
        {(p) => (
          <textarea
            {...p}
            rows={4}
            className="mono"
            spellCheck={false}
            autoComplete="off"
            placeholder={'login;password\n1001;…'}
            value={csv}
            onChange={(e) => { setCsv(e.target.value); setFileName(null); setInputError(null); }}
          />
        )}
      </Field>
      <div className="button-row">
        <FileButton label={t('common.chooseFile')} accept=".csv,.txt,text/csv,text/plain" onText={(text, name) => { setCsv(text); setFileName(name); setInputError(null); }} />
        <button type="button" className={primary ? 'btn btn-primary' : 'btn'} disabled={busy} onClick={() => void doImport()}>{t('conn.sf.csvImport')}</button>
      </div>
      <div aria-live="polite">
        {callError && <p className="field-error">{t('common.error', { message: callError })}</p>}
        {result && (
          <div className={`report ${result.errors.length === 0 ? 'report-ok' : 'report-failed'}`}>
            <p className="report-summary">{t('conn.sf.csvResult', { count: result.imported })}</p>
            {result.errors.length > 0 && (
              <ul className="report-list csv-errors">
                {result.errors.map((e) => (
                  <li key={`${e.line}:${e.message}`} className="check-failed">
                    <span className="check-icon" aria-hidden="true">✗</span>
                    <span>{t('conn.sf.csvLineError', { line: e.line, message: e.message })}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
