// Connection tests for the settings page and `presence-bridge check`: each check says what it found and, when
// it fails, exactly what to do. Checks never change anything on either side (no presence is set, no DND).
import type { CheckReport } from '../core/check-report.js';
import type { Settings } from '../core/settings.js';
import { STARFACE_ADMIN_PASSWORD_SECRET, uciPasswordSecretName } from '../core/uci-credentials.js';
import { TransportError } from '../platform/http-transport.js';
import type { SecretStore } from '../platform/vault.js';
import { StarfaceAuthError, StarfaceRestError } from '../starface/errors.js';
import { UciSession } from '../starface/uci-session.js';
import { GraphRequestError } from '../teams/errors.js';
import { CERTIFICATE_KEY_NAME, CLIENT_SECRET_NAME } from '../teams/index.js';
import type { Connections } from './connections.js';
import { isLoopbackHost } from './connections.js';
import { findGroup } from './roster.js';

type Check = CheckReport['checks'][number];

export interface CheckContext {
  settings: Settings;
  secrets: SecretStore;
  conns: Connections;
  /** Per-check deadline; default 20 s. */
  timeoutMs?: number;
}

/** Application permissions the bridge needs (presence reads by application add Presence.Read.All). */
export const REQUIRED_APP_ROLES: readonly string[] = ['User.Read.All', 'Presence.ReadWrite.All'];

export async function checkMicrosoft(ctx: CheckContext): Promise<CheckReport> {
  const { settings, secrets, conns } = ctx;
  const checks: Check[] = [];
  const report = (): CheckReport => ({ target: 'microsoft', ok: checks.every((c) => c.ok), checks });
  const ms = settings.microsoft;

  const configured = ms.tenantId !== '' && ms.clientId !== '' && conns.auth !== undefined && conns.teams !== undefined;
  checks.push(configured
    ? { id: 'config', label: 'Tenant and application', ok: true, message: `Tenant ${ms.tenantId}, application ${ms.clientId}.` }
    : {
      id: 'config', label: 'Tenant and application', ok: false, message: 'The directory (tenant) ID or the application (client) ID is not set.',
      fix: 'Enter the directory (tenant) ID and the application (client) ID of your app registration under Connections → Microsoft.',
    });
  if (!configured) return report();
  const auth = conns.auth!;
  const teams = conns.teams!;

  const secretName = ms.credential === 'secret' ? CLIENT_SECRET_NAME : CERTIFICATE_KEY_NAME;
  const hasCredential = (await secrets.get(secretName)) !== undefined && (ms.credential === 'secret' || !!ms.certificateThumbprint);
  checks.push(hasCredential
    ? { id: 'credential', label: 'Application credential', ok: true, message: ms.credential === 'secret' ? 'A client secret is stored.' : 'A certificate key is stored.' }
    : {
      id: 'credential', label: 'Application credential', ok: false,
      message: ms.credential === 'secret' ? 'No client secret is stored.' : 'No certificate key (or thumbprint) is stored.',
      fix: ms.credential === 'secret'
        ? 'Create a client secret in the app registration (Certificates & secrets) and paste its value under Connections → Microsoft.'
        : 'Store the certificate\'s private key (PEM) and enter its thumbprint under Connections → Microsoft.',
    });
  if (!hasCredential) return report();

  let token: string | undefined;
  try {
    token = await withTimeout(auth.getAppToken({ forceRefresh: true }), ctx.timeoutMs, 'Getting an application token');
    checks.push({ id: 'app-token', label: 'Application sign-in', ok: true, message: 'Microsoft Entra ID issued an application token.' });
  } catch (err) {
    checks.push({ id: 'app-token', label: 'Application sign-in', ok: false, message: errText(err), fix: fixFor(err, 'Check the tenant ID, the application ID and the client secret (or certificate) of the app registration.') });
    return report();
  }

  const consentUrl = safe(() => auth.adminConsentUrl());
  const roles = rolesOf(token);
  const missingRoles = REQUIRED_APP_ROLES.filter((r) => !roles.includes(r));
  if (ms.presenceRead === 'application' && !roles.includes('Presence.Read.All') && !roles.includes('Presence.ReadWrite.All')) missingRoles.push('Presence.Read.All');
  checks.push(missingRoles.length === 0
    ? { id: 'consent', label: 'Admin consent', ok: true, message: `Granted application permissions: ${roles.join(', ') || '(none listed)'}.` }
    : {
      id: 'consent', label: 'Admin consent', ok: false,
      message: `Missing application permissions: ${missingRoles.join(', ')}.`,
      fix: `Add ${missingRoles.join(', ')} as application permissions in the app registration and grant admin consent${consentUrl ? `: open ${consentUrl}` : ''}.`,
    });

  let sampleId: string | undefined;
  try {
    const page = await withTimeout(teams.appGraph.get<{ value?: { id?: string }[] }>('/users?$select=id&$top=1'), ctx.timeoutMs, 'Reading the directory');
    sampleId = page.value?.[0]?.id;
    checks.push({ id: 'directory', label: 'Directory (users)', ok: true, message: 'The user directory can be read.' });
  } catch (err) {
    checks.push({ id: 'directory', label: 'Directory (users)', ok: false, message: errText(err), fix: fixFor(err, `Grant admin consent for User.Read.All (application)${consentUrl ? `: ${consentUrl}` : ''}.`) });
  }

  if (ms.presenceRead === 'delegated' && auth.state !== 'signed-in') {
    checks.push({
      id: 'presence-read', label: 'Presence read (signed-in administrator)', ok: false,
      message: auth.stateDetail ?? 'Nobody is signed in for reading presence.',
      fix: 'Sign in as an administrator under Connections → Microsoft (or use the device code on a server), or switch presence reading to "application".',
    });
  } else if (sampleId) {
    try {
      const r = await withTimeout(teams.reader.read([sampleId]), ctx.timeoutMs, 'Reading presence');
      checks.push({ id: 'presence-read', label: 'Presence read', ok: true, message: `Presence can be read (${r.requests} request).` });
    } catch (err) {
      checks.push({
        id: 'presence-read', label: 'Presence read', ok: false, message: errText(err),
        fix: fixFor(err, ms.presenceRead === 'delegated'
          ? 'Sign in again with an administrator who consented to Presence.Read.All (delegated).'
          : `Grant admin consent for Presence.Read.All (application)${consentUrl ? `: ${consentUrl}` : ''}.`),
      });
    }
  }
  return report();
}

export async function checkStarface(ctx: CheckContext): Promise<CheckReport> {
  const { settings, secrets, conns } = ctx;
  const checks: Check[] = [];
  const report = (): CheckReport => ({ target: 'starface', ok: checks.every((c) => c.ok), checks });
  const sf = settings.starface;
  const configured = sf.baseUrl !== '' && sf.adminLogin !== '' && conns.directory !== undefined;
  checks.push(configured
    ? { id: 'config', label: 'PBX address and administrator', ok: true, message: `${sf.baseUrl}, administrator ${sf.adminLogin}.` }
    : {
      id: 'config', label: 'PBX address and administrator', ok: false, message: 'The PBX address or the administrator login is not set.',
      fix: 'Enter the PBX address (e.g. https://pbx.example.com) and the login ID of a STARFACE administrator under Connections → STARFACE.',
    });
  if (!configured) return report();
  const directory = conns.directory!;

  const hasAdminPassword = (await secrets.get(STARFACE_ADMIN_PASSWORD_SECRET)) !== undefined;
  checks.push(hasAdminPassword
    ? { id: 'admin-password', label: 'Administrator password', ok: true, message: 'The administrator password is stored.' }
    : { id: 'admin-password', label: 'Administrator password', ok: false, message: 'No administrator password is stored.', fix: 'Enter the STARFACE administrator password under Connections → STARFACE.' });
  if (!hasAdminPassword) return report();

  try {
    await withTimeout(directory.login(), ctx.timeoutMs, 'Logging in to the STARFACE REST interface');
    checks.push({ id: 'rest-login', label: 'REST login', ok: true, message: 'The administrator logged in to the STARFACE REST interface.' });
  } catch (err) {
    checks.push({ id: 'rest-login', label: 'REST login', ok: false, message: errText(err), fix: fixFor(err, 'Check the administrator login ID and password.') });
    return report();
  }

  let users: { login: string; email: string }[] = [];
  try {
    users = await withTimeout(directory.listUsers(), ctx.timeoutMs, 'Listing the STARFACE users');
    const withEmail = users.filter((u) => u.email.trim() !== '').length;
    checks.push(users.length > 0
      ? { id: 'users', label: 'STARFACE users', ok: true, message: `${users.length} users, ${withEmail} with an e-mail address.` }
      : { id: 'users', label: 'STARFACE users', ok: false, message: 'The PBX listed no users.', fix: 'Use an administrator account: other accounts only see themselves.' });
  } catch (err) {
    checks.push({ id: 'users', label: 'STARFACE users', ok: false, message: errText(err), fix: fixFor(err, 'Use a STARFACE administrator account for the directory.') });
  }

  let selected = users.map((u) => u.login);
  if (settings.users.selection === 'group') {
    try {
      const groups = await withTimeout(directory.listGroups(), ctx.timeoutMs, 'Listing the STARFACE groups');
      const g = findGroup(groups.map((x) => ({ id: String(x.id), name: x.name, memberLogins: x.members })), settings.users.group ?? '');
      if (g) {
        selected = [...g.memberLogins];
        checks.push({ id: 'group', label: 'User group', ok: true, message: `Group "${g.name}" has ${g.memberLogins.length} members.` });
      } else {
        checks.push({
          id: 'group', label: 'User group', ok: false, message: `The group "${settings.users.group ?? ''}" does not exist on the PBX.`,
          fix: `Choose one of the PBX's groups under Users: ${groups.map((x) => x.name).slice(0, 10).join(', ') || '(none)'}.`,
        });
      }
    } catch (err) {
      checks.push({ id: 'group', label: 'User group', ok: false, message: errText(err), fix: fixFor(err, 'Check the administrator rights.') });
    }
  }

  // One real UCI login proves the UCI interface, the token computation and the user's right to use it.
  const names = new Set(await secrets.names());
  const candidate = [...selected, ...settings.users.extraLoginIds].find((l) => names.has(uciPasswordSecretName(l)));
  if (!candidate) {
    checks.push({
      id: 'uci', label: 'UCI login', ok: false, message: 'No UCI password is stored for any selected user.',
      fix: 'Store each user\'s STARFACE password under Connections → STARFACE users (or import a CSV "login;password").',
    });
  } else {
    const session = new UciSession({
      baseUrl: sf.baseUrl, login: candidate, password: () => secrets.get(uciPasswordSecretName(candidate)), transport: conns.transport,
      settings: { uciApi: sf.uciApi, requestTimeoutMs: sf.requestTimeoutMs, discoverServices: false, chatPresenceSetter: 'never', backoffInitialMs: 60_000 },
    });
    try {
      const ok = await withTimeout(session.start(), ctx.timeoutMs, 'UCI login');
      checks.push(ok
        ? { id: 'uci', label: 'UCI login', ok: true, message: `User ${candidate} logged in over UCI (${sf.uciApi}).` }
        : {
          id: 'uci', label: 'UCI login', ok: false, message: session.lastError ?? `User ${candidate} could not log in over UCI.`,
          fix: `Check the stored UCI password of user ${candidate}, that the user may use UCI, and the UCI version (${sf.uciApi}; try ${sf.uciApi === 'v30' ? 'v22' : 'v30'} on old PBXs).`,
        });
    } catch (err) {
      checks.push({ id: 'uci', label: 'UCI login', ok: false, message: errText(err), fix: fixFor(err, `Check the stored UCI password of user ${candidate}.`) });
    } finally {
      await session.stop().catch(() => undefined);
    }
  }

  const pbxHost = safe(() => new URL(sf.baseUrl).hostname) ?? '';
  const cbUrl = conns.callbacks?.publicUrl;
  const cbHost = safe(() => new URL(cbUrl ?? '').hostname) ?? '';
  if (!isLoopbackHost(pbxHost) && (!cbUrl || isLoopbackHost(cbHost))) {
    checks.push({
      id: 'callback', label: 'Call events', ok: false,
      message: 'No callback host is set and none was found towards the PBX, so the PBX cannot deliver call events to this machine.',
      fix: 'Set the callback host (an address of this machine the PBX can reach) and a fixed callback port, and allow it in the firewall.',
    });
  } else {
    const note = sf.callbackHost ? '' : ' (address found automatically; set a fixed callback host and port if a firewall sits between them)';
    checks.push({ id: 'callback', label: 'Call events', ok: true, message: `The PBX delivers call events to ${cbUrl ?? 'the callback server'}${note}.` });
  }
  return report();
}

/** The `roles` claim of an application token (a diagnostic read; the signature is Microsoft's business). */
export function rolesOf(token: string): string[] {
  const payload = token.split('.')[1];
  if (!payload) return [];
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

function fixFor(err: unknown, fallback: string): string {
  if (err instanceof TransportError) {
    switch (err.code) {
      case 'tls':
        return 'The server\'s certificate is not trusted: add its CA certificate (PEM) under Connections → Network → extra CA certificates.';
      case 'proxy':
        return 'The proxy refused the connection: check the proxy address under Connections → Network.';
      case 'connect':
      case 'timeout':
      case 'network':
        return 'The server cannot be reached: check the address and port, the firewall and the proxy setting.';
      default:
        return fallback;
    }
  }
  if (err instanceof Error && err.name === 'TokenRequestError' && /network_error|cannot reach|timed out/i.test(err.message)) {
    return 'Microsoft Entra ID cannot be reached: check the authority host, the network and proxy settings, and (for TLS-inspecting proxies) the extra CA certificates.';
  }
  if (err instanceof StarfaceAuthError) return 'Check the STARFACE administrator login ID and password.';
  if (err instanceof StarfaceRestError && err.status === 403) return 'Use a STARFACE administrator account.';
  if (err instanceof GraphRequestError && err.status === 403) return fallback;
  if (err instanceof Error && err.name === 'TimeoutError') return 'The server did not answer in time: check the address, the network and the proxy.';
  return fallback;
}

async function withTimeout<T>(p: Promise<T>, ms = 20_000, what = 'The request'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new Error(`${what} did not finish within ${Math.round(ms / 1000)} s.`);
      e.name = 'TimeoutError';
      reject(e);
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
    p.catch(() => undefined);
  }
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
