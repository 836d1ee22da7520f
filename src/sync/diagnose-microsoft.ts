// The Microsoft checks, one code path for `check`, setup and the Connections page. Access tokens are opaque to
// clients (reference addendum): consent is judged by probes — GET /users, POST getPresencesByUserId and a
// clearPresence for a user that does not exist (harmless: nothing can be cleared; 404 = allowed, 403 = not) —
// and the roles claim of a readable token is only an extra detail line.
import { tr, type Lang, type Text } from '../core/lang.js';
import type { Settings } from '../core/settings.js';
import type { HttpTransport } from '../platform/http-transport.js';
import type { SecretStore } from '../platform/vault.js';
import type { MicrosoftAuth } from '../teams/auth.js';
import { GraphRequestError, NeedsSignInError } from '../teams/errors.js';
import { GraphClient, GraphThrottle, type TokenSource } from '../teams/graph-client.js';
import { CERTIFICATE_KEY_NAME, CLIENT_SECRET_NAME } from '../teams/index.js';
import { finding, safe, withTimeout, type DiagnosisOptions, type Finding } from './diagnosis.js';
import { explainMicrosoftError, explainPermissionsMissing } from './explain.js';

export interface PermissionNeed {
  permission: string;
  type: 'application' | 'delegated';
  /** Any of these held satisfies the need (a broader permission covers a narrower one). */
  satisfiedBy: string[];
  why: Text;
}

export const APP_PERMISSION_NEEDS = {
  directory: {
    permission: 'User.Read.All', type: 'application',
    satisfiedBy: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    why: { de: 'Benutzerverzeichnis für die Zuordnung per E-Mail lesen', en: 'read the directory for e-mail matching' },
  },
  presenceRead: {
    permission: 'Presence.Read.All', type: 'application', satisfiedBy: ['Presence.Read.All', 'Presence.ReadWrite.All'],
    why: { de: 'Status aller Benutzer lesen', en: 'read everyone\'s presence' },
  },
  presenceWrite: {
    permission: 'Presence.ReadWrite.All', type: 'application', satisfiedBy: ['Presence.ReadWrite.All'],
    why: { de: 'Teams-Status während STARFACE-Gesprächen setzen', en: 'set the Teams presence during STARFACE calls' },
  },
} as const satisfies Record<string, PermissionNeed>;

export const DELEGATED_PRESENCE_READ: PermissionNeed = {
  permission: 'Presence.Read.All', type: 'delegated', satisfiedBy: ['Presence.Read.All', 'Presence.ReadWrite.All'],
  why: { de: 'Status aller Benutzer im Namen des Administrators lesen', en: 'read everyone\'s presence on behalf of the admin' },
};

/** A user id no tenant has: the write probe's target, so the probe can never change anyone's presence. */
export const PROBE_USER_ID = '00000000-0000-0000-0000-000000000000';

/** Which part: the app registration (setup step 1), access and consent (setup step 2), or everything. */
export type MicrosoftScope = 'app' | 'access' | 'all';

export interface MicrosoftDiagnosisInput extends DiagnosisOptions {
  settings: Settings;
  secrets: Pick<SecretStore, 'get'>;
  /** Undefined while tenant or client id are missing. */
  auth: MicrosoftAuth | undefined;
  transport: HttpTransport;
  scope?: MicrosoftScope;
}

/** The payload of a JWT, without verifying it (only to explain what a readable token carries). */
export function decodeTokenClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Roles of a token; undefined when the token is opaque (then nothing can be concluded from it). */
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

/** A Graph client for checks: few, quick retries (the admin is waiting). */
export function diagnosisGraph(settings: Settings, transport: HttpTransport, tokens: TokenSource): GraphClient {
  return new GraphClient({
    transport,
    tokens,
    throttle: new GraphThrottle({ retry: { maxRetries: 1, maxInlineWaitMs: 3_000, backoffBaseMs: 250, backoffMaxMs: 1_000 } }),
    baseUrl: settings.microsoft.graphBaseUrl,
  });
}

export async function diagnoseMicrosoft(input: MicrosoftDiagnosisInput): Promise<Finding[]> {
  const { settings, lang } = input;
  const scope = input.scope ?? 'all';
  const ms = settings.microsoft;
  const out: Finding[] = [];
  const appPart = scope !== 'access';
  const label = (de: string, en: string): string => tr(lang, de, en);

  const missing = [!ms.tenantId ? 'tenantId' : '', !ms.clientId ? 'clientId' : ''].filter(Boolean);
  const configLabel = label('Mandant und App', 'Tenant and application');
  if (missing.length || !input.auth) {
    const names = missing.map((m) => (m === 'tenantId' ? tr(lang, 'Mandanten-ID (Verzeichnis-ID)', 'tenant (directory) ID') : tr(lang, 'Client-ID (Anwendungs-ID)', 'client (application) ID')));
    out.push(finding({
      id: 'config', code: 'microsoft-config-missing', params: { missing: missing.join(',') }, status: 'fail', label: configLabel,
      message: tr(lang, `Es fehlt: ${names.join(', ') || 'Microsoft-Einstellungen'}.`, `Missing: ${names.join(', ') || 'Microsoft settings'}.`),
      fix: tr(lang, 'Registrieren Sie die App in Microsoft Entra ID und übernehmen Sie Verzeichnis-ID und Client-ID von deren Übersichtsseite (Verbindungen → Microsoft).',
        'Register the app in Microsoft Entra ID and copy the directory (tenant) ID and the application (client) ID from its overview page (Connections → Microsoft).'),
    }));
    return out;
  }
  if (appPart) {
    out.push(finding({ id: 'config', code: 'ok', params: { tenantId: ms.tenantId, clientId: ms.clientId }, status: 'ok', label: configLabel,
      message: tr(lang, `Mandant ${ms.tenantId}, App ${ms.clientId}.`, `Tenant ${ms.tenantId}, application ${ms.clientId}.`) }));
  }
  const auth = input.auth;

  const secretName = ms.credential === 'secret' ? CLIENT_SECRET_NAME : CERTIFICATE_KEY_NAME;
  const hasCredential = (await input.secrets.get(secretName)) !== undefined && (ms.credential === 'secret' || !!ms.certificateThumbprint);
  const credLabel = label('Anmeldeinformation der App', 'Application credential');
  if (!hasCredential) {
    out.push(finding({
      id: 'credential', code: 'microsoft-credential-missing', params: { kind: ms.credential }, status: 'fail', label: credLabel,
      message: ms.credential === 'secret' ? tr(lang, 'Es ist kein geheimer Clientschlüssel gespeichert.', 'No client secret is stored.')
        : tr(lang, 'Zertifikatsschlüssel oder Fingerabdruck fehlen.', 'The certificate key or thumbprint is missing.'),
      fix: ms.credential === 'secret'
        ? tr(lang, 'Legen Sie unter „Zertifikate & Geheimnisse" einen geheimen Schlüssel an und tragen Sie dessen Wert (nicht die ID) und das Ablaufdatum ein.',
          'Create a client secret under "Certificates & secrets" and enter its value (not its ID) and expiry date.')
        : tr(lang, 'Speichern Sie den privaten Schlüssel (PEM, am besten mit dem Zertifikat) und den Fingerabdruck aus der App-Registrierung.',
          'Store the private key (PEM, ideally with the certificate) and the thumbprint from the app registration.'),
    }));
    return out;
  }
  if (appPart) {
    out.push(finding({ id: 'credential', code: 'ok', params: { kind: ms.credential }, status: 'ok', label: credLabel,
      message: ms.credential === 'secret' ? tr(lang, 'Ein geheimer Clientschlüssel ist gespeichert.', 'A client secret is stored.')
        : tr(lang, 'Ein Zertifikatsschlüssel ist gespeichert.', 'A certificate key is stored.') }));
  }

  const tokenLabel = label('Anmeldung der App', 'Application sign-in');
  let token: string;
  try {
    token = await withTimeout(auth.getAppToken({ forceRefresh: true }), input.timeoutMs, tr(lang, 'Das App-Token', 'Getting an application token'));
  } catch (err) {
    const e = explainMicrosoftError(err, lang);
    out.push(finding({ id: 'app-token', code: e.code, params: e.params, status: 'fail', label: tokenLabel, message: e.message, fix: e.fix, details: [e.detail], error: err }));
    return out;
  }
  const roles = tokenRoles(token);
  // Extra detail only: a token may be opaque, and a readable one may lag behind a fresh consent.
  const roleDetail = roles === undefined
    ? tr(lang, 'Das Token ist nicht lesbar (undurchsichtig); die Berechtigungen werden an Graph geprüft.', 'The token is opaque; permissions are checked against Graph.')
    : tr(lang, `Anwendungsberechtigungen im Token: ${roles.join(', ') || '(keine)'}`, `Application permissions in the token: ${roles.join(', ') || '(none)'}`);
  if (appPart) {
    out.push(finding({ id: 'app-token', code: 'ok', params: { cloud: auth.cloud.cloud }, status: 'ok', label: tokenLabel, details: [roleDetail],
      message: tr(lang, 'Microsoft Entra ID stellt der App ein Token aus.', 'Microsoft Entra ID issued an application token.') }));
  }
  if (scope === 'app') return out;

  const graph = diagnosisGraph(settings, input.transport, auth.appTokens);
  const missingNeeds: PermissionNeed[] = [];
  let sampleId: string | undefined;
  /** One Graph probe: ok, a missing permission (403), or another failure explained. */
  const probe = async (id: string, probeLabel: string, need: PermissionNeed, run: () => Promise<void>, okText: string, what: string): Promise<boolean> => {
    try {
      await withTimeout(run(), input.timeoutMs, probeLabel);
      out.push(finding({ id, code: 'ok', status: 'ok', label: probeLabel, message: okText, details: [tr(lang, `Probe ${what}: erlaubt`, `Probe ${what}: allowed`)] }));
      return true;
    } catch (err) {
      if (err instanceof GraphRequestError && err.status === 403) {
        missingNeeds.push(need);
        const e = explainPermissionsMissing([need], lang, safe(() => auth.adminConsentUrl()));
        out.push(finding({ id, code: e.code, params: e.params, status: 'fail', label: probeLabel, message: e.message, fix: e.fix, error: err,
          details: [tr(lang, `Probe ${what}: verweigert (HTTP 403 ${err.graphCode})`, `Probe ${what}: denied (HTTP 403 ${err.graphCode})`)] }));
        return false;
      }
      if (err instanceof NeedsSignInError) throw err;
      const e = explainMicrosoftError(err, lang);
      out.push(finding({ id, code: e.code, params: e.params, status: 'fail', label: probeLabel, message: e.message, fix: e.fix, details: [e.detail], error: err }));
      return false;
    }
  };

  await probe('directory', label('Verzeichnis (Benutzer)', 'Directory (users)'), APP_PERMISSION_NEEDS.directory, async () => {
    const page = await graph.get<{ value?: { id?: unknown }[] }>('/users?$select=id&$top=1');
    const first = Array.isArray(page.value) ? page.value[0]?.id : undefined;
    if (typeof first === 'string') sampleId = first;
  }, tr(lang, 'Das Benutzerverzeichnis ist lesbar.', 'The user directory can be read.'), 'GET /users');

  const readId = sampleId ?? PROBE_USER_ID;
  if (ms.presenceRead === 'application') {
    await probe('presence-read', label('Status lesen', 'Presence read'), APP_PERMISSION_NEEDS.presenceRead, async () => {
      await graph.post('/communications/getPresencesByUserId', { ids: [readId] });
    }, tr(lang, 'Der Teams-Status ist lesbar (Anwendung).', 'Presence can be read (application).'), 'POST /communications/getPresencesByUserId');
  } else {
    await diagnoseDelegatedRead(input, auth, readId, probe, out);
  }

  await probe('presence-write', label('Status setzen', 'Presence write'), APP_PERMISSION_NEEDS.presenceWrite, async () => {
    try {
      await graph.write(`/users/${PROBE_USER_ID}/presence/clearPresence`, { sessionId: ms.clientId });
    } catch (e) {
      if (!(e instanceof GraphRequestError && (e.status === 404 || e.status === 400))) throw e; // allowed: nobody to clear
    }
  }, tr(lang, 'Die App darf den Teams-Status setzen.', 'The app may set the Teams presence.'), 'POST clearPresence');

  const consentLabel = label('Administratorzustimmung', 'Admin consent');
  const failedProbes = out.filter((f) => ['directory', 'presence-read', 'presence-write'].includes(f.id) && f.status === 'fail');
  if (missingNeeds.length) {
    // The smallest set to grant: Presence.ReadWrite.All also covers reading presence.
    const needed = missingNeeds.filter((n) => !missingNeeds.some((o) => o !== n && o.type === n.type && n.satisfiedBy.includes(o.permission)));
    const e = explainPermissionsMissing(needed, lang, safe(() => auth.adminConsentUrl()));
    out.push(finding({ id: 'consent', code: e.code, params: e.params, status: 'fail', label: consentLabel, message: e.message, fix: e.fix, details: [roleDetail] }));
  } else if (failedProbes.length === 0) {
    out.push(finding({ id: 'consent', code: 'ok', status: 'ok', label: consentLabel, details: [roleDetail],
      message: tr(lang, 'Die Administratorzustimmung ist erteilt: Verzeichnis und Status sind zugänglich.', 'Admin consent is granted: directory and presence are accessible.') }));
  }
  return out;
}

type Probe = (id: string, label: string, need: PermissionNeed, run: () => Promise<void>, okText: string, what: string) => Promise<boolean>;

/** Delegated reading: an administrator must be signed in, and Graph must allow the delegated read. */
async function diagnoseDelegatedRead(input: MicrosoftDiagnosisInput, auth: MicrosoftAuth, readId: string, probe: Probe, out: Finding[]): Promise<void> {
  const { lang } = input;
  const probeLabel = tr(lang, 'Status lesen (angemeldeter Administrator)', 'Presence read (signed-in administrator)');
  if (auth.state !== 'signed-in') await auth.init();
  if (auth.state !== 'signed-in') {
    out.push(signInNeeded(lang, probeLabel, auth.stateDetail));
    return;
  }
  try {
    const dgraph = diagnosisGraph(input.settings, input.transport, auth.delegatedTokens);
    const ok = await probe('presence-read', probeLabel, DELEGATED_PRESENCE_READ, async () => {
      await dgraph.post('/communications/getPresencesByUserId', { ids: [readId] });
    }, tr(lang, `Der Teams-Status ist lesbar (angemeldet: ${auth.account?.username ?? '?'}).`, `Presence can be read (signed in: ${auth.account?.username ?? '?'}).`),
    tr(lang, 'delegiert POST /communications/getPresencesByUserId', 'delegated POST /communications/getPresencesByUserId'));
    const scopes = ok ? tokenScopes(await auth.getDelegatedToken()) : undefined;
    if (scopes) {
      const who = auth.account?.username ?? '?';
      out[out.length - 1]!.details.push(tr(lang, `Delegierte Berechtigungen (${who}): ${scopes.join(' ') || '(keine)'}`, `Delegated permissions (${who}): ${scopes.join(' ') || '(none)'}`));
    }
  } catch (err) {
    if (!(err instanceof NeedsSignInError)) throw err;
    out.push(signInNeeded(lang, probeLabel, err.message));
  }
}

function signInNeeded(lang: Lang, label: string, detail: string | undefined): Finding {
  return finding({
    id: 'presence-read', code: 'microsoft-sign-in-needed', status: 'fail', label,
    message: tr(lang, 'Das Lesen des Status ist auf „delegiert" gestellt, aber kein Administrator ist bei Microsoft angemeldet.',
      'Presence reading is set to "delegated", but no administrator is signed in to Microsoft.'),
    fix: tr(lang, 'Melden Sie sich an (Verbindungen → Microsoft → Anmelden; im Terminal per Gerätecode), oder stellen Sie das Lesen auf „Anwendung" um.',
      'Sign in (Connections → Microsoft → Sign in; in the terminal with a device code), or switch presence reading to "application".'),
    details: detail ? [detail] : [],
  });
}
