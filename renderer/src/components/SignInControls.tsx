// The admin's Microsoft sign-in: in the browser, with a device code (address and code shown in the page, for a
// host without a browser), and a cancel while either waits. One component for the Connections page and the
// setup assistant, so both behave the same; pages put their own extra buttons into the row.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useLive, useServices } from '../app/context.js';
import { useI18n } from '../i18n/index.js';
import { useAsync } from '../state/use-async.js';

interface DeviceCode {
  userCode: string;
  verificationUri: string;
  expiresAt?: string;
}

export function SignInControls({ primary, children }: { primary: boolean; children?: ReactNode }) {
  const { t, dateTime } = useI18n();
  const { client, live } = useServices();
  const { auth } = useLive();
  const [device, setDevice] = useState<DeviceCode | null>(null);
  const { busy, error, run } = useAsync();
  // While a device-code sign-in waits, the host reports the code in AuthStatus as well (e.g. after a reload).
  const code = device ?? (auth?.deviceCode ? { ...auth.deviceCode } : null);
  // The code is done with once the sign-in completes or the admin signs out.
  const lastState = useRef(auth?.state);
  useEffect(() => {
    const state = auth?.state;
    if (state !== lastState.current && (state === 'signed-in' || state === 'signed-out')) setDevice(null);
    lastState.current = state;
  }, [auth?.state]);
  const waiting = code !== null || auth?.state === 'signing-in';

  return (
    <>
      <div className="button-row">
        <button
          type="button"
          className={primary ? 'btn btn-primary' : 'btn'}
          disabled={busy || auth?.state === 'signing-in'}
          onClick={() => void run(async () => live.applyAuth(await client.call('auth.signInInteractive', {})))}
        >
          {t('conn.ms.signIn')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void run(async () => setDevice(await client.call('auth.deviceCode', {})))}
        >
          {t('conn.ms.deviceCode')}
        </button>
        {waiting && (
          // Never disabled: a sign-in that waits in a browser or for a code must always be stoppable from here.
          <button
            type="button"
            className="btn"
            onClick={() => void run(async () => { setDevice(null); live.applyAuth(await client.call('auth.cancelSignIn', {})); })}
          >
            {t('conn.ms.cancelSignIn')}
          </button>
        )}
        {children}
      </div>
      {error && <p className="field-error" role="alert">{t('common.error', { message: error })}</p>}
      {code && (
        <div className="device-code" aria-live="polite">
          <p>
            {t('conn.ms.deviceCodeText')}{' '}
            <a href={code.verificationUri} target="_blank" rel="noreferrer noopener">{code.verificationUri}</a>
          </p>
          <p className="device-code-value" aria-label={code.userCode}>{code.userCode}</p>
          {code.expiresAt && <p className="field-hint">{t('conn.ms.deviceCodeExpires', { time: dateTime(code.expiresAt) })}</p>}
        </div>
      )}
    </>
  );
}
