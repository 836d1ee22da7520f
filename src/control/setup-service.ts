// The setup assistant and the expiry watch behind the control contract: setup.* methods for the settings
// window's first-run assistant (same steps and checks as `presence-bridge setup`), and AuthStatus.appCredential
// turned to 'expiring'/'invalid' ahead of the client secret's or certificate's expiry, which the tray and the
// Connections page already show.
import type { Message } from '../core/errors.js';
import type { ExpiryWarning } from '../setup/expiry.js';
import { SettingsStoreError } from '../platform/settings-store.js';
import {
  ExpiryWatch, SetupAssistant, appCredentialState, missingForSetup, readExpiryInputs, type SetupEnvironment,
} from '../setup/index.js';
import type { EngineHost } from '../app/service.js';
import type { AuthStatus, ControlMethods } from './contract.js';

/** The engine's own stores behind the setup checks: they see (and save) exactly what the engine uses. */
export function setupEnvironmentFor(host: EngineHost): SetupEnvironment {
  return {
    loadSettings: async () => host.settings,
    saveSettings: async (next) => {
      const r = await host.save(next);
      if (!r.ok) {
        const issues = r.issues.map((i) => ({ ...i, text: i.path ? `${i.path}: ${i.message}` : i.message }));
        throw new SettingsStoreError('invalid', `Settings not saved — fix these fields: ${issues.map((i) => i.text).join('; ')}`, issues);
      }
      return host.settings;
    },
    secrets: host.secrets,
    logger: host.logger.child({ component: 'setup' }),
    now: () => new Date(),
    microsoftAuth: () => host.connections?.auth,
  };
}

type Guard = <T>(fn: () => Promise<T> | T) => Promise<T>;

export class SetupControl {
  readonly assistant: SetupAssistant;
  private readonly watch: ExpiryWatch;
  private readonly listeners = new Set<(status: AuthStatus) => void>();

  constructor(private readonly host: EngineHost, opts: { intervalMs?: number } = {}) {
    this.assistant = new SetupAssistant(setupEnvironmentFor(host));
    this.watch = new ExpiryWatch({
      inputs: () => {
        const auth = host.connections?.auth;
        return readExpiryInputs(host.secrets, host.settings, auth ? { state: auth.state, ...(auth.stateDetail ? { detail: auth.stateDetail } : {}) } : undefined);
      },
      lang: () => host.settings.ui.language,
      onChange: () => {
        const status = this.decorate(host.authStatus());
        for (const l of this.listeners) l(status);
      },
      ...(opts.intervalMs ? { intervalMs: opts.intervalMs } : {}),
    });
    this.watch.start();
  }

  /** An app credential the engine considers fine, but that expires soon (or has expired), is flagged. */
  decorate(status: AuthStatus): AuthStatus {
    if (status.appCredential !== 'ok') return status;
    const warnings = this.watch.warnings;
    const state = appCredentialState(warnings, true);
    if (state === 'ok' || state === 'missing') return status;
    const w = warnings.find((x) => x.kind !== 'sign-in' && x.severity !== 'info');
    const message = [status.message, w?.message, w?.fix].filter(Boolean).join(' ');
    const coded = w ? expiryMessage(w) : undefined;
    const messageCodes = [...(status.messageCodes ?? []), ...(coded ? [coded] : [])];
    return { ...status, appCredential: state, ...(message ? { message } : {}), ...(messageCodes.length ? { messageCodes } : {}) };
  }

  /** Decorated auth statuses from the expiry watch (a threshold crossed, a date entered). */
  onAuthChange(fn: (status: AuthStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  stop(): void {
    this.watch.stop();
  }

  methods(guard: Guard): Pick<ControlMethods, 'setup.steps' | 'setup.check' | 'setup.trustCertificate' | 'setup.credentialExpiry'> {
    const a = this.assistant;
    const lang = (l: 'de' | 'en' | undefined): 'de' | 'en' => l ?? this.host.settings.ui.language;
    return {
      'setup.steps': ({ language }) => guard(async () => {
        const l = lang(language);
        const auth = this.host.connections?.auth;
        const expiry = await a.expiryWarnings(l, auth ? { state: auth.state, ...(auth.stateDetail ? { detail: auth.stateDetail } : {}) } : undefined);
        const credentialExpiresAt = await a.credentialExpiry();
        return {
          steps: a.describe(l),
          missing: missingForSetup(this.host.settings, await this.host.secrets.names(), l),
          expiry,
          ...(credentialExpiresAt ? { credentialExpiresAt } : {}),
        };
      }),
      'setup.check': ({ step, language, testUser }) => guard(() => a.check(step, lang(language), testUser ? { testUser } : {})),
      'setup.trustCertificate': ({ pem, pin }) => guard(() => a.trustCertificate(pem, { pin: pin === true })),
      'setup.credentialExpiry': ({ expiresAt }) => guard(async () => {
        await a.setCredentialExpiry(expiresAt);
        await this.watch.check();
        const v = await a.credentialExpiry();
        return v ? { expiresAt: v } : {};
      }),
    };
  }
}

/** An expiry warning as a code: the UI words it in its language (the warning's own text is in the settings'). */
function expiryMessage(w: ExpiryWarning): Message | undefined {
  if (w.kind === 'sign-in' || !w.expiresAt || w.daysLeft === undefined) return undefined;
  const what = w.kind === 'client-secret' ? 'secret' : 'certificate';
  const date = w.expiresAt.slice(0, 10);
  if (w.severity === 'error') return { code: `${what}-expired`, params: { date } };
  if (w.daysLeft === 1) return { code: `${what}-expiring-1`, params: { date } };
  return { code: `${what}-expiring`, params: { date, days: w.daysLeft } };
}
