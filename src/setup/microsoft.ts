// The setup assistant's Microsoft steps on the one diagnosis (src/sync/diagnose-microsoft.ts): step 1 is the
// app registration (an app token via client credentials, plus the secret's expiry), step 2 access and consent
// as Graph decides it (probes; the token's roles are only a detail), and the delegated sign-in.
import type { Settings } from '../core/settings.js';
import type { HttpTransport } from '../platform/http-transport.js';
import { MicrosoftAuth } from '../teams/auth.js';
import { adminConsentUrl } from '../teams/authority.js';
import { loadAppCredential } from '../teams/index.js';
import { diagnoseMicrosoft, diagnosisGraph, type MicrosoftScope } from '../sync/diagnose-microsoft.js';
import type { Finding } from '../sync/diagnosis.js';
import { transportFor, type SetupEnvironment } from './environment.js';
import { expiryWarnings, readExpiryInputs } from './expiry.js';
import { resultFromFindings } from './from-findings.js';
import { tr, type CheckResult, type Lang } from './types.js';

export {
  APP_PERMISSION_NEEDS, DELEGATED_PRESENCE_READ, decodeTokenClaims, tokenRoles, tokenScopes, type PermissionNeed,
} from '../sync/diagnose-microsoft.js';

export function consentLink(settings: Settings): string | undefined {
  const m = settings.microsoft;
  if (!m.tenantId || !m.clientId) return undefined;
  try {
    return adminConsentUrl({ authorityHost: m.authorityHost, graphBaseUrl: m.graphBaseUrl, cloud: m.cloud, tenantId: m.tenantId, clientId: m.clientId });
  } catch {
    return undefined;
  }
}

interface MicrosoftContext {
  settings: Settings;
  transport: HttpTransport;
  auth: MicrosoftAuth;
}

async function withMicrosoft<T>(env: SetupEnvironment, settings: Settings, fn: (c: MicrosoftContext) => Promise<T>): Promise<T> {
  const transport = transportFor(settings);
  try {
    const m = settings.microsoft;
    const auth = env.microsoftAuth?.(settings, transport) ?? new MicrosoftAuth({
      tenantId: m.tenantId,
      clientId: m.clientId,
      authorityHost: m.authorityHost, graphBaseUrl: m.graphBaseUrl, cloud: m.cloud,
      transport,
      tokenStore: env.secrets,
      appCredential: await loadAppCredential(env.secrets, m),
      ...(m.redirectPort ? { redirectPort: m.redirectPort } : {}),
      logger: env.logger,
    });
    return await fn({ settings, transport, auth });
  } finally {
    transport.close();
  }
}

/** A Graph client for the checks: few, quick retries (the admin is waiting). */
export const setupGraph = diagnosisGraph;

// ---------------------------------------------------------------------------------------------------------------

export async function checkMicrosoftApp(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'microsoft-app' as const;
  const now = env.now();
  const settings = await env.loadSettings();
  const findings = await diagnose(env, settings, lang, 'app');
  if (findings.some((f) => f.status === 'fail')) return resultFromFindings(step, findings, now, '');
  const warnings = expiryWarnings(await readExpiryInputs(env.secrets, settings), now, lang).filter((w) => w.kind !== 'sign-in');
  const pressing = warnings.filter((w) => w.severity !== 'info');
  const hint = pressing[0]?.fix ?? warnings.find((w) => w.severity === 'info' && w.fix)?.fix;
  const result = resultFromFindings(step, findings, now, tr(lang,
    `Die App meldet sich bei Microsoft an (Mandant ${settings.microsoft.tenantId}, App ${settings.microsoft.clientId}).`,
    `The app signs in to Microsoft (tenant ${settings.microsoft.tenantId}, app ${settings.microsoft.clientId}).`),
  { details: warnings.map((w) => w.message), warnings: pressing.map((w) => w.message) });
  return { ...result, ...(hint ? { fix: hint } : {}) };
}

export async function checkMicrosoftConsent(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'microsoft-consent' as const;
  const now = env.now();
  const settings = await env.loadSettings();
  const url = consentLink(settings);
  const link = url ? { link: { label: tr(lang, 'Link zur Administratorzustimmung', 'Admin-consent link'), url } } : {};
  const findings = await diagnose(env, settings, lang, 'access');
  const appProblem = findings.find((f) => ['config', 'credential', 'app-token'].includes(f.id) && f.status === 'fail');
  if (appProblem) {
    return resultFromFindings(step, [{ ...appProblem, fix: `${appProblem.fix ?? ''} ${tr(lang, '(Schritt „Microsoft-Mandant und App")', '(step "Microsoft tenant and app")')}`.trim() }], now, '', link);
  }
  // Missing permissions speak for the step (one explanation listing all of them); a sign-in comes next.
  const consent = findings.find((f) => f.id === 'consent' && f.status === 'fail');
  const signIn = findings.find((f) => f.code === 'microsoft-sign-in-needed');
  const ordered = consent ? [consent, ...findings.filter((f) => f !== consent)] : findings;
  return resultFromFindings(step, ordered, now,
    tr(lang, 'Die Administratorzustimmung ist erteilt: Verzeichnis und Status sind zugänglich.', 'Admin consent is granted: directory and presence are accessible.'),
    { ...link, ...(signIn && !consent ? { needsSignIn: true } : {}) });
}

async function diagnose(env: SetupEnvironment, settings: Settings, lang: Lang, scope: MicrosoftScope): Promise<Finding[]> {
  if (settings.microsoft.tenantId && settings.microsoft.clientId) {
    return withMicrosoft(env, settings, ({ auth, transport }) => diagnoseMicrosoft({ settings, secrets: env.secrets, auth, transport, lang, scope }));
  }
  const transport = transportFor(settings);
  try {
    return await diagnoseMicrosoft({ settings, secrets: env.secrets, auth: undefined, transport, lang, scope });
  } finally {
    transport.close();
  }
}

/** Device-code sign-in for delegated reading (terminal); the token cache lands in the vault. */
export async function signInWithDeviceCode(
  env: SetupEnvironment,
  onCode: (info: { userCode: string; verificationUri: string; message: string }) => void,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ username: string }> {
  const settings = await env.loadSettings();
  return withMicrosoft(env, settings, async ({ auth }) => {
    const account = await auth.signInWithDeviceCode({
      onCode: (i) => onCode({ userCode: i.userCode, verificationUri: i.verificationUri, message: i.message }),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { username: account.username };
  });
}
