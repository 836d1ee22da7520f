import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { CheckReport, SecretsStatus, Settings } from '../api/types.js';
import { useChangedPages, useDraft, useFieldError, useLive, useServices, useSettingsState } from '../app/context.js';
import { CheckReportView } from '../components/CheckReportView.js';
import { Field, FieldErrorText, RadioGroup } from '../components/Field.js';
import { FileButton } from '../components/FileButton.js';
import { SaveBar } from '../components/SaveBar.js';
import { SecretField } from '../components/SecretField.js';
import { SignInControls } from '../components/SignInControls.js';
import { UciCsvImport } from '../components/UciCsvImport.js';
import { authMessageText } from '../i18n/engine-text.js';
import { useI18n } from '../i18n/index.js';
import { isPemPrivateKey, splitPemCertificates } from '../settings/checks.js';
import { useAsync } from '../state/use-async.js';

/** A text input bound to one settings path, with its label, hint and validation message. */
function TextSetting({
  path, label, hint, value, onChange, type = 'text', placeholder, autoComplete = 'off',
}: {
  path: string; label: string; hint?: ReactNode; value: string; onChange: (v: string) => void;
  type?: 'text' | 'url'; placeholder?: string; autoComplete?: string;
}) {
  const error = useFieldError(path);
  return (
    <Field label={label} hint={hint} error={error}>
      {(p) => (
        <input
          {...p}
          type={type}
          value={value}
          placeholder={placeholder}
          autoComplete={autoComplete}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

function TestButton({ target, label }: { target: 'microsoft' | 'starface'; label: string }) {
  const { t, lang } = useI18n();
  const { client } = useServices();
  const [report, setReport] = useState<CheckReport | null>(null);
  const { busy, error, run } = useAsync();
  return (
    <div className="test-block">
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={() => void run(async () => setReport(await client.call('connections.test', { target, lang })))}
      >
        {label}
      </button>
      <div aria-live="polite">
        {busy && <p className="muted">{t('check.running')}</p>}
        {error && <p className="field-error">{t('common.error', { message: error })}</p>}
        {!busy && report && <CheckReportView report={report} />}
      </div>
    </div>
  );
}

function MicrosoftSignIn() {
  const { t } = useI18n();
  const { client, live } = useServices();
  const { auth } = useLive();
  const { saved } = useSettingsState();
  // With application permission the app-only credential reads presence: a sign-in is optional, not the main action.
  const appOnly = saved?.microsoft.presenceRead === 'application';
  const [consentUrl, setConsentUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const { busy, error, run } = useAsync();
  const authNote = auth ? authMessageText(auth, t) : null;

  const stateText = (() => {
    if (!auth) return t('common.loading');
    if (auth.state === 'signed-in') return t('conn.ms.auth.signed-in', { account: auth.account ?? '?' });
    return t(`conn.ms.auth.${auth.state}`);
  })();

  return (
    <div className="subsection">
      <h3>{t('conn.ms.signInTitle')}</h3>
      <p className="status-line" aria-live="polite">
        <span className={`badge ${auth?.state === 'signed-in' ? 'badge-ok' : auth?.state === 'needs-sign-in' ? 'badge-warn' : 'badge-muted'}`}>
          {stateText}
        </span>
        {auth && (
          <span className={`badge ${auth.appCredential === 'ok' ? 'badge-ok' : auth.appCredential === 'expiring' ? 'badge-warn' : 'badge-error'}`}>
            {t(`conn.ms.appCredential.${auth.appCredential}`)}
          </span>
        )}
      </p>
      {authNote && <p className="field-hint" title={authNote.detail}>{authNote.text}</p>}
      {appOnly && <p className="field-hint">{t('conn.ms.signInNotNeeded')}</p>}
      <SignInControls primary={!appOnly && auth?.state !== 'signed-in'}>
        {auth?.state === 'signed-in' && (
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={() => void run(async () => live.applyAuth(await client.call('auth.signOut', {})))}
          >
            {t('conn.ms.signOut')}
          </button>
        )}
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void run(async () => setConsentUrl((await client.call('auth.consentUrl', {})).url))}
        >
          {t('conn.ms.consent')}
        </button>
      </SignInControls>
      {error && <p className="field-error" role="alert">{t('common.error', { message: error })}</p>}
      {consentUrl && (
        <div className="consent">
          <p>{t('conn.ms.consentText')}</p>
          <div className="copy-row">
            <a href={consentUrl} target="_blank" rel="noreferrer noopener" className="mono break">{consentUrl}</a>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                void navigator.clipboard?.writeText(consentUrl).then(() => setCopied(true), () => setCopied(false));
              }}
            >
              {copied ? t('common.copied') : t('common.copy')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function UciCredentials({ secrets, onChanged }: { secrets: SecretsStatus | null; onChanged: () => void }) {
  const { t } = useI18n();
  return (
    <UciCsvImport label={t('conn.sf.csv')} primary onImported={onChanged}>
      <h3>{t('conn.sf.uciTitle')}</h3>
      <p className="section-intro">{t('conn.sf.uciIntro')}</p>
      <p className="status-line">
        <span className={`badge ${secrets && secrets.starfaceUserPasswords.length > 0 ? 'badge-ok' : 'badge-muted'}`}>
          {secrets ? t('conn.sf.uciStored', { count: secrets.starfaceUserPasswords.length }) : t('common.loading')}
        </span>
      </p>
    </UciCsvImport>
  );
}

/** SHA-256 of the certificate's DER bytes, as the admin sees it in certificate viewers (short form). */
function useFingerprint(pem: string): string | null {
  const [fp, setFp] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    try {
      const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      void crypto.subtle?.digest('SHA-256', der).then((d) => {
        if (alive) setFp([...new Uint8Array(d)].slice(0, 8).map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':') + ' …');
      });
    } catch {
      setFp(null);
    }
    return () => { alive = false; };
  }, [pem]);
  return fp;
}

function CaItem({ pem, index, onRemove }: { pem: string; index: number; onRemove: () => void }) {
  const { t } = useI18n();
  const fp = useFingerprint(pem);
  const error = useFieldError(`network.extraCaPem.${index}`);
  const label = t('conn.sf.caItem', { n: index + 1 });
  return (
    <li className="ca-item">
      <div>
        <strong>{label}</strong>
        {fp && <span className="cell-sub mono"> SHA-256 {fp}</span>}
        {error && <FieldErrorText message={error} />}
      </div>
      <button type="button" className="btn btn-small btn-danger" aria-label={`${label}: ${t('common.remove')}`} onClick={onRemove}>
        {t('common.remove')}
      </button>
    </li>
  );
}

function ExtraCa({ draft, update }: { draft: Settings; update: (edit: (d: Settings) => Settings) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const certs = draft.network.extraCaPem;

  const add = (value: string) => {
    const parts = splitPemCertificates(value);
    if (!parts) {
      setError(t('v.pem'));
      return;
    }
    const fresh = parts.filter((p) => !certs.includes(p));
    update((d) => ({ ...d, network: { ...d.network, extraCaPem: [...d.network.extraCaPem, ...fresh] } }));
    setText('');
    setError(undefined);
  };

  return (
    <div className="subsection">
      <h3>{t('conn.sf.caTitle')}</h3>
      <p className="section-intro">{t('conn.sf.caIntro')}</p>
      {certs.length === 0 ? (
        <p className="muted">{t('conn.sf.caNone')}</p>
      ) : (
        <ul className="ca-list" aria-label={t('conn.sf.caList')}>
          {certs.map((pem, i) => (
            <CaItem
              key={`${i}:${pem.slice(-40)}`}
              pem={pem}
              index={i}
              onRemove={() => update((d) => ({ ...d, network: { ...d.network, extraCaPem: d.network.extraCaPem.filter((_, j) => j !== i) } }))}
            />
          ))}
        </ul>
      )}
      <Field label={t('conn.sf.caPaste')} error={error}>
        {(p) => (
          <textarea
            {...p}
            rows={4}
            className="mono"
            spellCheck={false}
            placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
            value={text}
            onChange={(e) => { setText(e.target.value); setError(undefined); }}
          />
        )}
      </Field>
      <div className="button-row">
        <FileButton label={t('common.chooseFile')} accept=".pem,.crt,.cer,text/plain" onText={(content) => { setText(content); add(content); }} />
        <button type="button" className="btn" onClick={() => add(text)}>{t('conn.sf.caAdd')}</button>
      </div>
    </div>
  );
}

export function Connections() {
  const { t } = useI18n();
  const { client } = useServices();
  const { draft, update } = useDraft();
  // Tests and sign-in use the saved connection settings: only edits here make them differ.
  const dirty = useChangedPages().has('connections');
  const [secrets, setSecrets] = useState<SecretsStatus | null>(null);
  const portError = useFieldError('starface.callbackPort');
  const thumbprintError = useFieldError('microsoft.certificateThumbprint');

  const refreshSecrets = useCallback(() => {
    client.call('secrets.status', {}).then(setSecrets, () => undefined);
  }, [client]);
  useEffect(refreshSecrets, [refreshSecrets]);

  const ms = draft.microsoft;
  const sf = draft.starface;
  const setMs = (edit: Partial<Settings['microsoft']>) => update((d) => ({ ...d, microsoft: { ...d.microsoft, ...edit } }));
  const setSf = (edit: Partial<Settings['starface']>) => update((d) => ({ ...d, starface: { ...d.starface, ...edit } }));

  return (
    <section className="page" aria-labelledby="conn-title">
      <header className="page-head">
        <h1 id="conn-title">{t('conn.title')}</h1>
        <p className="page-intro">{t('conn.intro')}</p>
      </header>
      {dirty && <p className="notice notice-warn">{t('conn.saveFirst')}</p>}

      <section className="card" aria-labelledby="ms-title">
        <h2 id="ms-title">{t('conn.ms.title')}</h2>
        <div className="form-grid">
          <TextSetting path="microsoft.tenantId" label={t('conn.ms.tenantId')} hint={t('conn.ms.tenantIdHint')} value={ms.tenantId} onChange={(v) => setMs({ tenantId: v })} />
          <TextSetting path="microsoft.clientId" label={t('conn.ms.clientId')} hint={t('conn.ms.clientIdHint')} value={ms.clientId} onChange={(v) => setMs({ clientId: v })} />
          <Field label={t('conn.ms.presenceRead')}>
            {(p) => (
              <select {...p} value={ms.presenceRead} onChange={(e) => setMs({ presenceRead: e.target.value as Settings['microsoft']['presenceRead'] })}>
                <option value="application">{t('conn.ms.presenceRead.application')}</option>
                <option value="delegated">{t('conn.ms.presenceRead.delegated')}</option>
              </select>
            )}
          </Field>
          <RadioGroup
            legend={t('conn.ms.credential')}
            name="credential"
            value={ms.credential}
            options={[
              { value: 'secret', label: t('conn.ms.credential.secret') },
              { value: 'certificate', label: t('conn.ms.credential.certificate') },
            ]}
            onChange={(v) => setMs({ credential: v })}
          />
        </div>
        {ms.credential === 'secret' ? (
          <SecretField label={t('conn.ms.clientSecret')} name="microsoft.clientSecret" stored={secrets?.microsoftClientSecret} onChanged={refreshSecrets} askExpiry />
        ) : (
          <div className="form-grid">
            <Field label={t('conn.ms.thumbprint')} hint={t('conn.ms.thumbprintHint')} error={thumbprintError}>
              {(p) => (
                <input
                  {...p}
                  type="text"
                  className="mono"
                  spellCheck={false}
                  value={ms.certificateThumbprint ?? ''}
                  onChange={(e) => setMs({ certificateThumbprint: e.target.value })}
                />
              )}
            </Field>
            <SecretField
              label={t('conn.ms.certificateKey')}
              name="microsoft.certificateKey"
              stored={secrets?.microsoftCertificateKey}
              multiline
              fileAccept=".pem,.key,text/plain"
              check={(v) => (isPemPrivateKey(v) ? undefined : t('v.pemKey'))}
              onChanged={refreshSecrets}
            />
          </div>
        )}
        <details className="advanced">
          <summary>{t('common.advanced')}</summary>
          <div className="form-grid">
            <TextSetting path="microsoft.authorityHost" type="url" label={t('conn.ms.authorityHost')} value={ms.authorityHost} onChange={(v) => setMs({ authorityHost: v })} />
            <TextSetting path="microsoft.graphBaseUrl" type="url" label={t('conn.ms.graphBaseUrl')} value={ms.graphBaseUrl} onChange={(v) => setMs({ graphBaseUrl: v })} />
          </div>
        </details>
        <MicrosoftSignIn />
        <TestButton target="microsoft" label={t('conn.ms.test')} />
      </section>

      <section className="card" aria-labelledby="sf-title">
        <h2 id="sf-title">{t('conn.sf.title')}</h2>
        <div className="form-grid">
          <TextSetting
            path="starface.baseUrl"
            type="url"
            label={t('conn.sf.baseUrl')}
            hint={t('conn.sf.baseUrlHint')}
            placeholder="https://"
            value={sf.baseUrl}
            onChange={(v) => setSf({ baseUrl: v })}
          />
          <TextSetting
            path="starface.certificateFingerprint"
            label={t('conn.sf.certificateFingerprint')}
            hint={t('conn.sf.certificateFingerprintHint')}
            value={sf.certificateFingerprint ?? ''}
            onChange={(v) => setSf({ certificateFingerprint: v })}
          />
          <Field label={t('conn.sf.uciApi')}>
            {(p) => (
              <select {...p} value={sf.uciApi} onChange={(e) => setSf({ uciApi: e.target.value as Settings['starface']['uciApi'] })}>
                <option value="v30">{t('conn.sf.uciApi.v30')}</option>
                <option value="v22">{t('conn.sf.uciApi.v22')}</option>
              </select>
            )}
          </Field>
          <TextSetting path="starface.adminLogin" label={t('conn.sf.adminLogin')} value={sf.adminLogin} onChange={(v) => setSf({ adminLogin: v })} />
          <SecretField label={t('conn.sf.adminPassword')} name="starface.adminPassword" stored={secrets?.starfaceAdminPassword} onChanged={refreshSecrets} />
          <TextSetting
            path="starface.callbackHost"
            label={t('conn.sf.callbackHost')}
            hint={t('conn.sf.callbackHostHint')}
            value={sf.callbackHost}
            onChange={(v) => setSf({ callbackHost: v })}
          />
          <Field label={t('conn.sf.callbackPort')} error={portError}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                max={65535}
                className="input-short"
                value={Number.isFinite(sf.callbackPort) ? sf.callbackPort : ''}
                onChange={(e) => setSf({ callbackPort: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
              />
            )}
          </Field>
        </div>
        <UciCredentials secrets={secrets} onChanged={refreshSecrets} />
        <ExtraCa draft={draft} update={update} />
        <TestButton target="starface" label={t('conn.sf.test')} />
      </section>

      <section className="card" aria-labelledby="net-title">
        <h2 id="net-title">{t('conn.net.title')}</h2>
        <div className="form-grid">
          <TextSetting
            path="network.proxyUrl"
            type="url"
            label={t('conn.net.proxyUrl')}
            hint={t('conn.net.proxyUrlHint')}
            value={draft.network.proxyUrl ?? ''}
            onChange={(v) => update((d) => ({ ...d, network: { ...d.network, proxyUrl: v } }))}
          />
        </div>
      </section>

      <SaveBar page="connections" />
    </section>
  );
}
