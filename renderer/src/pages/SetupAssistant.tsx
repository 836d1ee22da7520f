// The first-run setup assistant: the engine's setup steps (setup.steps) with their fields, and each step's own
// check (setup.check) that says what is wrong and what to fix. Setting fields edit the window's settings
// draft (saved before each check); secrets go straight to the vault; the same steps run in the terminal as
// `presence-bridge setup`.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  RosterUser, SecretName, SecretsStatus, SetupCheckResult, SetupFieldView, SetupStepId, SetupStepsResult,
} from '../api/types.js';
import { toCallError } from '../api/types.js';
import { fieldApplies, getPath, setPath } from '../../../src/core/dotted-path.js';
import { useDraft, useFieldError, useLive, useServices, useSettingsState } from '../app/context.js';
import { Field, RadioGroup } from '../components/Field.js';
import { SecretField } from '../components/SecretField.js';
import { SignInControls } from '../components/SignInControls.js';
import { UciCsvImport } from '../components/UciCsvImport.js';
import { rosterReasonText } from '../i18n/engine-text.js';
import { useI18n, type Translate } from '../i18n/index.js';

function storedSecret(secrets: SecretsStatus | null, name: string): boolean | undefined {
  if (!secrets) return undefined;
  if (name === 'microsoft.clientSecret') return secrets.microsoftClientSecret;
  if (name === 'microsoft.certificateKey') return secrets.microsoftCertificateKey;
  if (name === 'starface.adminPassword') return secrets.starfaceAdminPassword;
  const m = /^starface\.user\.(.+)\.password$/.exec(name);
  return m ? secrets.starfaceUserPasswords.includes(m[1]!) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Fields

function SettingInput({ field }: { field: SetupFieldView & { target: { kind: 'setting'; path: string } } }) {
  const { draft, update } = useDraft();
  const error = useFieldError(field.target.path);
  const raw = getPath(draft, field.target.path);
  const set = (v: unknown) => update((d) => setPath(d, field.target.path, v));
  if (field.input === 'choice' && field.choices) {
    return (
      <RadioGroup
        legend={field.label}
        name={field.id}
        value={String(raw ?? '')}
        options={field.choices.map((c) => ({ value: c.value, label: c.label }))}
        onChange={(v) => set(v)}
      />
    );
  }
  const text = Array.isArray(raw) ? raw.join(', ') : raw === undefined || raw === null ? '' : String(raw);
  return (
    <Field label={field.label} hint={field.help} error={error}>
      {(p) => (
        <input
          {...p}
          type={field.input === 'number' ? 'number' : 'text'}
          value={text}
          placeholder={field.placeholder}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            const v = e.target.value;
            if (field.input === 'number') set(v.trim() === '' ? 0 : Number(v));
            else if (field.input === 'list') set(v.split(/[,;\s]+/).filter(Boolean));
            else set(v);
          }}
        />
      )}
    </Field>
  );
}

function UciPasswords({ users, secrets, onChanged }: { users: RosterUser[] | null; secrets: SecretsStatus | null; onChanged: () => void }) {
  const { t } = useI18n();
  const missing = (users ?? []).filter((u) => u.reason === 'no-uci-password');
  const shown = missing.slice(0, 20);
  return (
    <div className="setup-passwords">
      <UciCsvImport label={t('setup.csv.label')} hint={t('setup.csv.hint')} onImported={onChanged} />
      {shown.length > 0 && (
        <div className="subsection">
          <h3>{t('setup.passwords.missing', { count: missing.length })}</h3>
          {shown.map((u) => (
            <SecretField
              key={u.login}
              label={`${u.login}${u.displayName ? ` – ${u.displayName}` : ''}`}
              name={`starface.user.${u.login}.password` as SecretName}
              stored={storedSecret(secrets, `starface.user.${u.login}.password`)}
              onChanged={onChanged}
            />
          ))}
          {missing.length > shown.length && <p className="muted">{t('setup.passwords.more', { count: missing.length - shown.length })}</p>}
        </div>
      )}
    </div>
  );
}

function TestUserSelect({ users, adminLogin, value, onChange }: {
  users: RosterUser[] | null; adminLogin: string; value: string; onChange: (v: string) => void;
}) {
  const { t } = useI18n();
  // The PBX administrator is offered last and never the default: its DND is not a person's (final-test.ts agrees).
  const all = (users ?? []).filter((u) => u.status === 'matched');
  const matched = [...all.filter((u) => u.login !== adminLogin), ...all.filter((u) => u.login === adminLogin)];
  if (matched.length === 0) return <p className="notice notice-info">{t('setup.testUser.none')}</p>;
  return (
    <Field label={t('setup.testUser.label')} hint={t('setup.testUser.hint')}>
      {(p) => (
        <select {...p} value={value || matched[0]!.login} onChange={(e) => onChange(e.target.value)}>
          {matched.map((u) => (
            <option key={u.login} value={u.login}>{`${u.login}${u.displayName ? ` – ${u.displayName}` : ''} <${u.email}>`}</option>
          ))}
        </select>
      )}
    </Field>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Result

function statusText(t: Translate, status: SetupCheckResult['status'] | undefined): string {
  return t(`setup.status.${status ?? 'none'}`);
}

function RosterPreview({ users }: { users: RosterUser[] }) {
  const { t } = useI18n();
  // What the admin must fix first: real conflicts, then users only waiting for their password, then matches.
  const rank = (u: RosterUser): number => (u.status === 'matched' ? 2 : u.reason === 'no-uci-password' ? 1 : 0);
  const rows = [...users].sort((a, b) => rank(a) - rank(b) || a.login.localeCompare(b.login, undefined, { numeric: true })).slice(0, 200);
  return (
    <div className="table-wrap setup-roster">
      <table>
        <caption className="visually-hidden">{t('setup.roster.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('users.col.login')}</th>
            <th scope="col">{t('users.col.name')}</th>
            <th scope="col">{t('users.col.email')}</th>
            <th scope="col">{t('users.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.login} className={u.status === 'matched' ? 'row-ok' : 'row-conflict'}>
              <td className="tabular">{u.login}</td>
              <td>{u.displayName ?? '–'}</td>
              <td>{u.email || '–'}</td>
              <td title={u.detail}>{u.status === 'matched' ? t('users.status.matched') : u.reason ? rosterReasonText(u.reason, t) : t('users.status.conflict')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResultView({ result, onTrust, busy }: { result: SetupCheckResult; onTrust: (pem: string, pin: boolean) => void; busy: boolean }) {
  const { t, date } = useI18n();
  const [copied, setCopied] = useState(false);
  const cls = result.status === 'ok' ? 'report-ok' : result.status === 'warn' ? 'report-warn' : 'report-failed';
  const offer = result.trustOffer;
  return (
    <div className={`report setup-result ${cls}`} role="status" aria-live="polite" data-status={result.status}>
      <p className="report-summary">
        <span className="check-icon" aria-hidden="true">{result.status === 'ok' ? '✓' : result.status === 'warn' ? '!' : '✗'}</span>{' '}
        <span className="visually-hidden">{statusText(t, result.status)}: </span>
        {result.message}
      </p>
      {result.fix && <p className="check-fix">{t('check.fix', { fix: result.fix })}</p>}
      {result.link && (
        <div className="consent">
          <p>{result.link.label}:</p>
          <div className="copy-row">
            <a href={result.link.url} target="_blank" rel="noreferrer noopener" className="mono break">{result.link.url}</a>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void navigator.clipboard?.writeText(result.link!.url).then(() => setCopied(true), () => setCopied(false))}
            >
              {copied ? t('common.copied') : t('common.copy')}
            </button>
          </div>
        </div>
      )}
      {offer && (
        <div className="setup-trust">
          <p>{t('setup.trust.text', { host: offer.host, subject: offer.certificate.subject, issuer: offer.certificate.issuer, validTo: date(offer.certificate.validTo) })}</p>
          <p className="mono break">SHA-256 {offer.certificate.fingerprint256}</p>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => onTrust(offer.pem, offer.kind === 'pin')}>{t(offer.kind === 'pin' ? 'setup.trust.pin' : 'setup.trust.button')}</button>
        </div>
      )}
      {result.needsSignIn && <SignInControls primary />}
      {result.details.length > 0 && (
        <details className="setup-details" open={result.status !== 'ok'}>
          <summary>{t('setup.details')}</summary>
          <ul>
            {result.details.map((d, i) => <li key={i} className="break">{d}</li>)}
          </ul>
        </details>
      )}
      {result.step === 'users' && result.roster && result.roster.users.length > 0 && <RosterPreview users={result.roster.users} />}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The page

export function SetupAssistant() {
  const { t, lang } = useI18n();
  const { client, settings: settingsStore } = useServices();
  const state = useSettingsState();
  const { draft } = useDraft();
  const { roster } = useLive();
  const [data, setData] = useState<SetupStepsResult | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [current, setCurrent] = useState<SetupStepId>('microsoft-app');
  const [results, setResults] = useState<Partial<Record<SetupStepId, SetupCheckResult>>>({});
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [secrets, setSecrets] = useState<SecretsStatus | null>(null);
  const [expiry, setExpiry] = useState('');
  // The stored expiry date, whether the admin typed one since, and the pending reset after a new client secret:
  // a date typed while the reset is on its way is neither overwritten by it nor skipped as "unchanged".
  const storedExpiry = useRef('');
  const expiryEdited = useRef(false);
  const expiryReset = useRef<Promise<unknown>>(Promise.resolve());
  const [testUser, setTestUser] = useState('');
  const resultRef = useRef<HTMLDivElement>(null);

  const reload = useCallback(async () => {
    try {
      const [steps, s] = await Promise.all([client.call('setup.steps', { language: lang }), client.call('secrets.status', {})]);
      setData(steps);
      setSecrets(s);
      storedExpiry.current = steps.credentialExpiresAt?.slice(0, 10) ?? '';
      if (!expiryEdited.current) setExpiry(storedExpiry.current);
      setLoadError(null);
    } catch (err) {
      setLoadError(toCallError(err).message);
    }
  }, [client, lang]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const refreshSecrets = useCallback(() => {
    void client.call('secrets.status', {}).then(setSecrets, () => undefined);
  }, [client]);

  const stepIndex = data ? data.steps.findIndex((s) => s.id === current) : -1;
  const step = data?.steps[stepIndex];
  const result = results[current];

  // A new result may be below the fold (long steps): bring it into view.
  useEffect(() => {
    if (result) resultRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [result]);
  // Users for the password list and the test user: the latest preview, else the engine's roster.
  const users = useMemo(() => results['uci-credentials']?.roster?.users ?? results.users?.roster?.users ?? roster?.users ?? null, [results, roster]);

  const check = async (id: SetupStepId = current) => {
    setChecking(true);
    setCheckError(null);
    try {
      if (state.dirty && !(await settingsStore.save())) {
        setCheckError(t('setup.saveFailed'));
        return;
      }
      const expiryField = step?.fields.find((f) => f.target.kind === 'credential-expiry');
      await expiryReset.current;
      if (expiryField && fieldApplies(expiryField, draft)) {
        if (expiry !== storedExpiry.current) await client.call('setup.credentialExpiry', { expiresAt: expiry || null });
        expiryEdited.current = false;
      }
      const r = await client.call('setup.check', { step: id, language: lang, ...(id === 'final-test' && testUser ? { testUser } : {}) });
      setResults((prev) => ({ ...prev, [id]: r }));
      await reload();
      // The engine's view of what is configured changed: refresh the settings and their notes.
      if (!settingsStore.store.get().dirty) void settingsStore.load();
    } catch (err) {
      setCheckError(toCallError(err).message);
    } finally {
      setChecking(false);
    }
  };

  const trust = async (pem: string, pin: boolean) => {
    setChecking(true);
    try {
      await client.call('setup.trustCertificate', pin ? { pem, pin } : { pem });
      await settingsStore.load();
    } catch (err) {
      setCheckError(toCallError(err).message);
    } finally {
      setChecking(false);
    }
    await check();
  };

  const go = (delta: number) => {
    if (!data) return;
    const next = data.steps[stepIndex + delta];
    if (next) {
      setCurrent(next.id);
      setCheckError(null);
    }
  };

  if (loadError && !data) {
    return (
      <section className="page" aria-labelledby="setup-title">
        <header className="page-head"><h1 id="setup-title">{t('setup.title')}</h1></header>
        <p className="notice notice-error" role="alert">{t('setup.notAvailable', { message: loadError })}</p>
        <div className="button-row"><button type="button" className="btn" onClick={() => void reload()}>{t('app.retry')}</button></div>
      </section>
    );
  }
  if (!data || !step) {
    return (
      <section className="page" aria-labelledby="setup-title">
        <header className="page-head"><h1 id="setup-title">{t('setup.title')}</h1></header>
        <p className="muted">{t('common.loading')}</p>
      </section>
    );
  }

  const pressing = data.expiry.filter((w) => w.severity !== 'info');
  const basic = step.fields.filter((f) => !f.advanced && fieldApplies(f, draft));
  const advanced = step.fields.filter((f) => f.advanced && fieldApplies(f, draft));

  const renderField = (f: SetupFieldView) => {
    const target = f.target;
    switch (target.kind) {
      case 'setting':
        return <SettingInput key={f.id} field={{ ...f, target }} />;
      case 'secret':
        return (
          <SecretField
            key={f.id}
            label={f.label}
            name={target.name as SecretName}
            stored={storedSecret(secrets, target.name)}
            multiline={f.input === 'pem'}
            {...(f.input === 'pem' ? { fileAccept: '.pem,.key,.crt,.cer,text/plain' } : {})}
            onChanged={() => {
              refreshSecrets();
              // A new client secret has its own expiry date: the old one no longer applies.
              if (target.name === 'microsoft.clientSecret') {
                expiryEdited.current = false;
                setExpiry('');
                expiryReset.current = client.call('setup.credentialExpiry', { expiresAt: null }).then(() => reload(), () => undefined);
              }
            }}
          />
        );
      case 'credential-expiry':
        return (
          <Field key={f.id} label={f.label} hint={f.help}>
            {(p) => <input {...p} type="date" value={expiry} onChange={(e) => { expiryEdited.current = true; setExpiry(e.target.value); }} />}
          </Field>
        );
      case 'uci-passwords':
        return <UciPasswords key={f.id} users={users} secrets={secrets} onChanged={refreshSecrets} />;
      case 'check-option':
        return <TestUserSelect key={f.id} users={users} adminLogin={draft.starface.adminLogin} value={testUser} onChange={setTestUser} />;
    }
  };

  return (
    <section className="page setup" aria-labelledby="setup-title">
      <header className="page-head">
        <h1 id="setup-title">{t('setup.title')}</h1>
        <p className="page-intro">{t('setup.intro')}</p>
      </header>
      {data.missing.length > 0
        ? <p className="notice notice-info">{t('setup.missing', { items: data.missing.join(', ') })}</p>
        : <p className="notice notice-info">{t('setup.complete')}</p>}
      {pressing.map((w) => (
        <p key={`${w.kind}:${w.severity}`} className={`notice ${w.severity === 'error' ? 'notice-error' : 'notice-warn'}`}>
          {w.message} {w.fix}
        </p>
      ))}

      <div className="setup-layout">
        <div className="setup-steps-wrap">
          <ol className="setup-steps" aria-label={t('setup.stepsLabel')}>
            {data.steps.map((s) => {
              const r = results[s.id];
              return (
                <li key={s.id}>
                  <button
                    type="button"
                    className={`setup-step-link setup-step-${r?.status ?? 'none'}`}
                    aria-current={s.id === current ? 'step' : undefined}
                    onClick={() => { setCurrent(s.id); setCheckError(null); }}
                  >
                    <span className="setup-step-mark" aria-hidden="true">{r ? (r.status === 'ok' ? '✓' : r.status === 'warn' ? '!' : '✗') : '·'}</span>
                    <span>{s.title}</span>
                    <span className="visually-hidden"> – {statusText(t, r?.status)}</span>
                  </button>
                </li>
              );
            })}
          </ol>
        </div>

        <div className="setup-step">
          <p className="muted">{t('setup.stepOf', { n: stepIndex + 1, total: data.steps.length })}</p>
          <h2>{step.title}</h2>
          <p>{step.summary}</p>
          {step.instructions.length > 0 && (
            <div className="subsection">
              <h3>{t('setup.instructions')}</h3>
              <ol className="setup-instructions">
                {step.instructions.map((line) => <li key={line}>{line}</li>)}
              </ol>
            </div>
          )}
          {basic.length > 0 && <div className="setup-fields">{basic.map(renderField)}</div>}
          {advanced.length > 0 && (
            <details className="setup-advanced">
              <summary>{t('setup.advanced')}</summary>
              <div className="setup-fields">{advanced.map(renderField)}</div>
            </details>
          )}

          <div className="button-row setup-actions">
            <button type="button" className="btn btn-primary" disabled={checking} onClick={() => void check()}>
              {checking ? t('setup.checking') : result ? t('setup.checkAgain') : t('setup.check')}
            </button>
            <button type="button" className="btn" disabled={stepIndex === 0} onClick={() => go(-1)}>{t('setup.back')}</button>
            {stepIndex < data.steps.length - 1 && (
              <button type="button" className="btn" onClick={() => go(1)}>
                {result && result.ok ? t('setup.next') : t('setup.skip')}
              </button>
            )}
          </div>
          <div aria-live="polite">
            {checking && <p className="muted">{t('setup.checking')}</p>}
            {checkError && <p className="field-error" role="alert">{t('common.error', { message: checkError })}</p>}
          </div>
          <div ref={resultRef}>
            {result && !checking && <ResultView result={result} busy={checking} onTrust={(pem, pin) => void trust(pem, pin)} />}
            {current === 'final-test' && result?.ok && !checking && <p className="notice notice-info">{t('setup.done')}</p>}
          </div>
        </div>
      </div>
    </section>
  );
}
