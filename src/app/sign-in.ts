// The admin's Microsoft sign-in as the host runs it: in the browser or with a device code, one at a time, and
// cancellable from the page (a headless host cannot close a browser tab for the admin). A cancelled sign-in is
// the admin's choice, not an error: the state goes back to what it was.
import type { Logger } from '../platform/logger.js';
import { errorText } from '../platform/error-text.js';
import { MicrosoftConfigError, SignInAbortedError, type MicrosoftAuth } from '../teams/index.js';
import { coded } from '../core/messages/log-line.js';

export interface DeviceCodeView {
  userCode: string;
  verificationUri: string;
  expiresAt: string;
}

export interface SignInFlowsOptions {
  /** The configured Microsoft auth; throws NotConfiguredError when there is none. */
  auth: () => MicrosoftAuth;
  /** Opens the sign-in address (Electron: system browser; headless: print it). */
  openBrowser: (url: string) => Promise<void>;
  /** The sign-in state changed (the auth status the UI shows). */
  changed: () => void;
  /** A sign-in completed: the engine can read presence now. */
  signedIn: () => void;
  logger: Logger;
}

export class SignInFlows {
  private code: DeviceCodeView | undefined;
  private abort: AbortController | undefined;
  /** Settles when the running sign-in has ended, whichever way. */
  private flow: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: SignInFlowsOptions) {}

  /** The device code while a device-code sign-in waits for the admin. */
  get deviceCode(): DeviceCodeView | undefined {
    return this.code;
  }

  /** Resolves when the browser sign-in is done or cancelled; other failures reject. */
  async interactive(): Promise<void> {
    const auth = this.o.auth();
    const signal = this.begin();
    try {
      await this.track(auth.signInInteractive({ openBrowser: this.o.openBrowser, signal }));
      this.o.signedIn();
    } catch (err) {
      if (!isCancel(err)) throw err;
      this.o.logger.info('Sign-in cancelled', coded('log-sign-in-cancelled'));
    } finally {
      this.end(signal);
    }
  }

  /** Resolves with the code as soon as Microsoft issued it; the sign-in itself goes on in the background. */
  startDeviceCode(): Promise<DeviceCodeView> {
    const auth = this.o.auth();
    const signal = this.begin();
    return new Promise((resolve, reject) => {
      let answered = false;
      // The flow includes its clean-up, so a cancel resolves only after the code is forgotten.
      this.flow = auth.signInWithDeviceCode({
        signal,
        onCode: (info) => {
          this.code = { userCode: info.userCode, verificationUri: info.verificationUri, expiresAt: new Date(Date.now() + info.expiresInSeconds * 1000).toISOString() };
          answered = true;
          this.o.changed();
          resolve(this.code);
        },
      }).then(() => {
        this.end(signal);
        this.o.changed();
        this.o.signedIn();
      }, (err: unknown) => {
        this.end(signal);
        if (isCancel(err)) this.o.logger.info('Sign-in cancelled', coded('log-sign-in-cancelled'));
        else this.o.logger.warn('Device code sign-in did not complete', coded('log-device-code-failed', { error: errorText(err) }));
        this.o.changed();
        if (!answered) reject(err);
      });
    });
  }

  /** Cancels the running sign-in, if any, and resolves once it has ended (its state is back). */
  async cancel(): Promise<void> {
    if (!this.abort) return;
    this.abort.abort();
    await this.flow;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.flow = p.then(() => undefined, () => undefined);
    return p;
  }

  private begin(): AbortSignal {
    // One at a time: a second start must not take the cancel away from the sign-in that is waiting.
    if (this.abort) throw new MicrosoftConfigError('A sign-in is already in progress: finish or cancel it first.');
    this.abort = new AbortController();
    return this.abort.signal;
  }

  private end(signal: AbortSignal): void {
    // Only the sign-in that started this flow is forgotten; a newer one keeps its code and its cancel.
    if (this.abort?.signal !== signal) return;
    this.abort = undefined;
    this.code = undefined;
  }
}

const isCancel = (err: unknown): boolean => err instanceof SignInAbortedError && err.reason === 'cancelled';
