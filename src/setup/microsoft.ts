// Microsoft checks: the app registration works (an app token via client credentials), and admin consent is
// granted (the token's roles, then Graph itself: a missing consent is a 403 there), plus the delegated sign-in
// when presence is read with delegated permission.
import type { Settings } from '../core/settings.js';
import type { HttpTransport } from '../platform/http-transport.js';
import { MicrosoftAuth } from '../teams/auth.js';
import { adminConsentUrl } from '../teams/authority.js';
import { GraphRequestError, NeedsSignInError } from '../teams/errors.js';
import { GraphClient, GraphThrottle, type TokenSource } from '../teams/graph-client.js';
import { loadAppCredential } from '../teams/index.js';
import { transportFor, type SetupEnvironment } from './environment.js';
import { explainMicrosoftError } from './explain.js';
import { expiryWarnings, readExpiryInputs } from './expiry.js';
import { checkResult, tr, type CheckResult, type Lang, type Text } from './types.js';

export interface PermissionNeed {
  permission: string;
  type: 'application' | 'delegated';
  /** Any of these in the token satisfies the need (a broader permission covers a narrower one). */
  satisfiedBy: string[];
  why: Text;
}

export const APP_PERMISSION_NEEDS: readonly PermissionNeed[] = [
  {
    permission: 'User.Read.All',
    type: 'application',
    satisfiedBy: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    why: { de: 'Benutzerverzeichnis für den E-Mail-Abgleich lesen', en: 'read the directory for e-mail matching' },
  },
  {
    permission: 'Presence.ReadWrite.All',
    type: 'application',
    satisfiedBy: ['Presence.ReadWrite.All'],
    why: { de: 'Teams-Status während STARFACE-Gesprächen setzen (und lesen)', en: 'set (and read) the Teams presence during STARFACE calls' },
  },
];

export const DELEGATED_PERMISSION_NEEDS: readonly PermissionNeed[] = [
  {
    permission: 'Presence.Read.All',
    type: 'delegated',
    satisfiedBy: ['Presence.Read.All', 'Presence.ReadWrite.All'],
    why: { de: 'Status aller Benutzer im Namen des Administrators lesen', en: 'read everyone\'s presence on behalf of the admin' },
  },
];

export function missingPermissions(held: readonly string[], needs: readonly PermissionNeed[]): PermissionNeed[] {
  const have = new Set(held.map((h) => h.toLowerCase()));
  return needs.filter((n) => !n.satisfiedBy.some((s) => have.has(s.toLowerCase())));
}

/** The payload of a JWT access token, without verifying it (only to explain what the token carries). */
export function decodeTokenClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Roles (application) of a token; undefined when the token is opaque. A token without the claim has none. */
export function tokenRoles(token: string): string[] | undefined {
  const c = decodeTokenClaims(token);
  if (!c) return undefined;
  return Array.isArray(c.roles) ? c.roles.filter((r): r is string => typeof r === 'string') : [];
}

export function tokenScopes(token: string): string[] | undefined {
  const c = decodeTokenClaims(token);
  if (!c) return undefined;
  return typeof c.scp === 'string' ? c.scp.split(' ').filter(Boolean) : [];
}

export function consentLink(settings: Settings): string | undefined {
  const m = settings.microsoft;
  if (!m.tenantId || !m.clientId) return undefined;
  try {
    return adminConsentUrl({ authorityHost: m.authorityHost, tenantId: m.tenantId, clientId: m.clientId });
  } catch {
    return undefined;
  }
}

/** Missing tenant/client/credential, as a failed result; undefined when everything needed is there. */
async function missingAppConfig(env: SetupEnvironment, settings: Settings, lang: Lang): Promise<{ message: string; fix: string } | undefined> {
  const m = settings.microsoft;
  const absent: string[] = [];
  if (!m.tenantId) absent.push(tr(lang, 'Mandanten-ID (Verzeichnis-ID)', 'tenant (directory) ID'));
  if (!m.clientId) absent.push(tr(lang, 'Client-ID (Anwendungs-ID)', 'client (application) ID'));
  if (absent.length) {
    return {
      message: tr(lang, `Es fehlt: ${absent.join(', ')}.`, `Missing: ${absent.join(', ')}.`),
      fix: tr(lang, 'Registrieren Sie die App in Microsoft Entra ID (siehe Anleitung) und übernehmen Sie beide IDs von deren Übersichtsseite.',
        'Register the app in Microsoft Entra ID (see the instructions) and copy both IDs from its overview page.'),
    };
  }
  const credential = await loadAppCredential(env.secrets, m);
  if (!credential) {
    return m.credential === 'secret'
      ? {
        message: tr(lang, 'Es ist kein geheimer Clientschlüssel gespeichert.', 'No client secret is stored.'),
        fix: tr(lang, 'Legen Sie unter „Zertifikate & Geheimnisse" einen geheimen Schlüssel an und tragen Sie dessen Wert (nicht die ID) und das Ablaufdatum ein.',
          'Create a client secret under "Certificates & secrets" and enter its value (not its ID) and expiry date.'),
      }
      : {
        message: tr(lang, 'Zertifikatsschlüssel oder Fingerabdruck fehlen.', 'The certificate key or thumbprint is missing.'),
        fix: tr(lang, 'Speichern Sie den privaten Schlüssel (PEM, am besten mit dem Zertifikat) und den Fingerabdruck aus der App-Registrierung.',
          'Store the private key (PEM, ideally with the certificate) and the thumbprint from the app registration.'),
      };
  }
  return undefined;
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
      authorityHost: m.authorityHost,
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
export function setupGraph(settings: Settings, transport: HttpTransport, tokens: TokenSource): GraphClient {
  return new GraphClient({
    transport,
    tokens,
    throttle: new GraphThrottle({ retry: { maxRetries: 1, maxInlineWaitMs: 3_000, backoffBaseMs: 250, backoffMaxMs: 1_000 } }),
    baseUrl: settings.microsoft.graphBaseUrl,
  });
}

// ---------------------------------------------------------------------------------------------------------------

export async function checkMicrosoftApp(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'microsoft-app' as const;
  const now = env.now();
  const settings = await env.loadSettings();
  const missing = await missingAppConfig(env, settings, lang);
  if (missing) return checkResult({ step, status: 'fail', ...missing }, now);
  return withMicrosoft(env, settings, async ({ auth }) => {
    let token: string;
    try {
      token = await auth.getAppToken({ forceRefresh: true });
    } catch (err) {
      const e = explainMicrosoftError(err, lang);
      return checkResult({ step, status: 'fail', message: e.message, fix: e.fix, details: [e.detail] }, now);
    }
    const details: string[] = [];
    const roles = tokenRoles(token);
    if (roles) {
      details.push(roles.length
        ? tr(lang, `Anwendungsberechtigungen im Token: ${roles.join(', ')}`, `Application permissions in the token: ${roles.join(', ')}`)
        : tr(lang, 'Das Token enthält noch keine Anwendungsberechtigungen – die Zustimmung folgt im nächsten Schritt.',
          'The token carries no application permissions yet – consent follows in the next step.'));
    }
    const warnings = expiryWarnings(await readExpiryInputs(env.secrets, settings), now, lang);
    const pressing = warnings.filter((w) => w.kind !== 'sign-in' && w.severity !== 'info');
    const info = warnings.filter((w) => w.kind !== 'sign-in' && w.severity === 'info');
    const message = tr(lang,
      `Die App meldet sich bei Microsoft an (Mandant ${settings.microsoft.tenantId}, App ${settings.microsoft.clientId}).`,
      `The app signs in to Microsoft (tenant ${settings.microsoft.tenantId}, app ${settings.microsoft.clientId}).`);
    return checkResult({
      step,
      status: pressing.length ? 'warn' : 'ok',
      message,
      ...(pressing.length ? { fix: pressing[0]!.fix } : info.find((w) => w.fix) ? { fix: info.find((w) => w.fix)!.fix } : {}),
      details: [...details, ...warnings.filter((w) => w.kind !== 'sign-in').map((w) => w.message)],
      warnings: pressing.map((w) => w.message),
    }, now);
  });
}

export async function checkMicrosoftConsent(env: SetupEnvironment, lang: Lang): Promise<CheckResult> {
  const step = 'microsoft-consent' as const;
  const now = env.now();
  const settings = await env.loadSettings();
  const url = consentLink(settings);
  const link = url ? { link: { label: tr(lang, 'Link zur Administratorzustimmung', 'Admin-consent link'), url } } : {};
  const missingConfig = await missingAppConfig(env, settings, lang);
  if (missingConfig) {
    return checkResult({ step, status: 'fail', message: missingConfig.message, fix: tr(lang, 'Schließen Sie zuerst den Schritt „Microsoft-Mandant und App" ab.', 'Complete the step "Microsoft tenant and app" first.'), ...link }, now);
  }
  return withMicrosoft(env, settings, async ({ auth, transport }) => {
    let token: string;
    try {
      token = await auth.getAppToken({ forceRefresh: true });
    } catch (err) {
      const e = explainMicrosoftError(err, lang);
      return checkResult({
        step, status: 'fail', message: e.message,
        fix: `${e.fix} ${tr(lang, '(Schritt „Microsoft-Mandant und App")', '(step "Microsoft tenant and app")')}`, details: [e.detail], ...link,
      }, now);
    }
    const details: string[] = [];
    const missing = new Map<string, PermissionNeed>();
    const roles = tokenRoles(token);
    if (roles) {
      details.push(tr(lang, `Anwendungsberechtigungen im Token: ${roles.join(', ') || '(keine)'}`, `Application permissions in the token: ${roles.join(', ') || '(none)'}`));
      for (const n of missingPermissions(roles, APP_PERMISSION_NEEDS)) missing.set(n.permission, n);
    }

    // Graph decides: a missing consent is a 403 with Graph's error shape.
    const graph = setupGraph(settings, transport, auth.appTokens);
    const need = (p: string): PermissionNeed => APP_PERMISSION_NEEDS.find((n) => n.permission === p)!;
    let firstUserId: string | undefined;
    const probe = async (what: string, run: () => Promise<void>, onForbidden: () => void): Promise<CheckResult | undefined> => {
      try {
        await run();
        details.push(tr(lang, `Probe ${what}: erlaubt`, `Probe ${what}: allowed`));
      } catch (err) {
        if (err instanceof GraphRequestError && err.status === 403) {
          details.push(tr(lang, `Probe ${what}: verweigert (HTTP 403 ${err.graphCode})`, `Probe ${what}: denied (HTTP 403 ${err.graphCode})`));
          onForbidden();
          return undefined;
        }
        if (err instanceof GraphRequestError && err.status === 404) return undefined;
        const e = explainMicrosoftError(err, lang);
        return checkResult({ step, status: 'fail', message: e.message, fix: e.fix, details: [...details, e.detail], ...link }, now);
      }
      return undefined;
    };
    const stop1 = await probe('GET /users', async () => {
      const page = await graph.get<{ value?: { id?: unknown }[] }>('/users?$select=id&$top=1');
      const id = page.value?.[0]?.id;
      if (typeof id === 'string') firstUserId = id;
    }, () => missing.set('User.Read.All', need('User.Read.All')));
    if (stop1) return stop1;
    if (firstUserId && settings.microsoft.presenceRead === 'application') {
      const stop2 = await probe('POST /communications/getPresencesByUserId', async () => {
        await graph.post('/communications/getPresencesByUserId', { ids: [firstUserId] });
      }, () => missing.set('Presence.ReadWrite.All', need('Presence.ReadWrite.All')));
      if (stop2) return stop2;
    }
    if (firstUserId && roles === undefined) {
      // An opaque token tells nothing about the write permission; clearing our own (absent) session is harmless:
      // 404 = allowed, 403 = not.
      const stop3 = await probe('POST clearPresence', async () => {
        await graph.post(`/users/${encodeURIComponent(firstUserId!)}/presence/clearPresence`, { sessionId: settings.microsoft.clientId });
      }, () => missing.set('Presence.ReadWrite.All', need('Presence.ReadWrite.All')));
      if (stop3) return stop3;
    }

    // Delegated reading: an admin must be signed in, and the delegated permission consented.
    let signInProblem: { message: string; fix: string; detail?: string } | undefined;
    if (settings.microsoft.presenceRead === 'delegated') {
      await auth.init();
      if (auth.state !== 'signed-in') {
        signInProblem = {
          message: tr(lang, 'Das Lesen des Status ist auf „delegiert" gestellt, aber kein Administrator ist bei Microsoft angemeldet.',
            'Presence reading is set to "delegated", but no administrator is signed in to Microsoft.'),
          fix: tr(lang, 'Melden Sie sich an (Einstellungen → Microsoft → Anmelden; im Terminal bietet der Assistent die Anmeldung per Gerätecode an).',
            'Sign in (Settings → Microsoft → Sign in; in the terminal the assistant offers a device-code sign-in).'),
          ...(auth.stateDetail ? { detail: auth.stateDetail } : {}),
        };
      } else {
        try {
          const delegated = await auth.getDelegatedToken();
          const scopes = tokenScopes(delegated);
          if (scopes) {
            details.push(tr(lang, `Delegierte Berechtigungen (${auth.account?.username ?? '?'}): ${scopes.join(' ') || '(keine)'}`,
              `Delegated permissions (${auth.account?.username ?? '?'}): ${scopes.join(' ') || '(none)'}`));
            for (const n of missingPermissions(scopes, DELEGATED_PERMISSION_NEEDS)) missing.set(`delegated:${n.permission}`, n);
          }
          if (firstUserId) {
            const dgraph = setupGraph(settings, transport, auth.delegatedTokens);
            const stop4 = await probe(tr(lang, 'delegiert POST /communications/getPresencesByUserId', 'delegated POST /communications/getPresencesByUserId'), async () => {
              await dgraph.post('/communications/getPresencesByUserId', { ids: [firstUserId] });
            }, () => missing.set('delegated:Presence.Read.All', DELEGATED_PERMISSION_NEEDS[0]!));
            if (stop4) return stop4;
          }
        } catch (err) {
          const e = explainMicrosoftError(err, lang);
          if (err instanceof NeedsSignInError || e.code === 'AADSTS65001' || e.code === 'needs-sign-in') {
            signInProblem = { message: e.message, fix: e.fix, detail: e.detail };
          } else {
            return checkResult({ step, status: 'fail', message: e.message, fix: e.fix, details: [...details, e.detail], ...link }, now);
          }
        }
      }
    }

    if (missing.size) {
      const list = [...missing.values()].map((n) => `${n.permission} (${n.type === 'application' ? tr(lang, 'Anwendung', 'application') : tr(lang, 'delegiert', 'delegated')}: ${n.why[lang]})`);
      return checkResult({
        step,
        status: 'fail',
        message: tr(lang, `Die Administratorzustimmung fehlt für: ${list.join('; ')}.`, `Admin consent is missing for: ${list.join('; ')}.`),
        fix: tr(lang,
          'Prüfen Sie, dass die Berechtigungen in der App-Registrierung unter „API-Berechtigungen" eingetragen sind, und erteilen Sie dann als Globaler Administrator die Zustimmung: über „Administratorzustimmung für <Mandant> erteilen" oder den Link unten. Neue Token tragen die Rollen manchmal erst nach einigen Minuten – dann erneut prüfen.',
          'Make sure the permissions are listed in the app registration under "API permissions", then grant consent as a Global Administrator: with "Grant admin consent for <tenant>" or the link below. New tokens sometimes carry the roles only after a few minutes – then check again.'),
        details,
        ...link,
      }, now);
    }
    if (signInProblem) {
      return checkResult({
        step, status: 'fail', message: signInProblem.message, fix: signInProblem.fix,
        details: signInProblem.detail ? [...details, signInProblem.detail] : details, needsSignIn: true, ...link,
      }, now);
    }
    return checkResult({
      step,
      status: 'ok',
      message: tr(lang, 'Die Administratorzustimmung ist erteilt: Verzeichnis und Status sind zugänglich.', 'Admin consent is granted: directory and presence are accessible.'),
      details,
      ...link,
    }, now);
  });
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
