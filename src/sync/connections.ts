// Builds every client from the settings and the vault: one HTTP transport, Microsoft sign-in and Graph
// clients, the STARFACE REST directory, the callback server and the UCI session pool — and the engine's
// ports on top of them. A settings change to a connection section rebuilds all of it (service.ts).
import { missingForSync, type Settings } from '../core/settings.js';
import { loginsWithPassword, STARFACE_ADMIN_PASSWORD_SECRET, STARFACE_OAUTH_CLIENT_SECRET, uciPasswordSecretName } from '../core/uci-credentials.js';
import { HttpTransport } from '../platform/http-transport.js';
import { silentLogger, type Logger } from '../platform/logger.js';
import { transportSettingsFrom } from '../platform/product-settings.js';
import type { SecretStore } from '../platform/vault.js';
import { callbackCertificate } from '../starface/callback-certificate.js';
import { CallbackServer } from '../starface/callback-server.js';
import { localAddressFacing } from '../starface/local-address.js';
import type { UciSessionSettings } from '../starface/options.js';
import { StarfaceDirectory } from '../starface/rest-directory.js';
import { UciSessionPool } from '../starface/uci-session-pool.js';
import { MicrosoftAuth, type MicrosoftAuthOptions } from '../teams/auth.js';
import type { RetryPolicy } from '../teams/graph-client.js';
import { createTeamsClients, loadAppCredential, type TeamsClients } from '../teams/index.js';
import type { BudgetSettings } from '../teams/throttle.js';
import {
  directoryPortFrom, pbxPortFrom, teamsPortFrom, type DirectoryPort, type PbxPort, type TeamsPort,
} from './ports.js';
import { coded } from '../core/messages/log-line.js';


/** Knobs for tests, benchmarks and the demo; production uses the settings alone. */
export interface ConnectionTuning {
  uciSession?: Partial<UciSessionSettings>;
  graphRetry?: Partial<RetryPolicy>;
  presenceBudget?: BudgetSettings;
  /** Retries of a failing token endpoint (tests: milliseconds instead of seconds). */
  tokenRetry?: MicrosoftAuthOptions['tokenRetry'];
  /** Bind address of the callback server; default 127.0.0.1, or 0.0.0.0 when a callback host is configured. */
  callbackBind?: string;
  /** No callback server (diagnostics next to a running bridge, which holds the callback port). */
  withoutCallbacks?: boolean;
}

export interface Connections {
  transport: HttpTransport;
  /** Undefined while tenant or client id are missing. */
  auth?: MicrosoftAuth;
  teams?: TeamsClients;
  directory?: StarfaceDirectory;
  callbacks?: CallbackServer;
  pool?: UciSessionPool;
  /** Set when everything the engine needs is configured. */
  ports?: { pbx: PbxPort; teams: TeamsPort; directory: DirectoryPort };
  /** What is missing for sync, readable (empty when complete). */
  missing: string[];
  /** The settings paths of what is missing (the UI shows their labels). */
  missingPaths: string[];
  close(): Promise<void>;
}

export async function openConnections(settings: Settings, secrets: SecretStore, logger: Logger = silentLogger, tuning: ConnectionTuning = {}): Promise<Connections> {
  const transport = new HttpTransport({ ...transportSettingsFrom(settings), keepAlive: true });
  const missingIssues = missingForSync(settings);
  const missing = missingIssues.map((i) => i.text);
  const conns: Connections = { transport, missing, missingPaths: missingIssues.map((i) => i.path), close: async () => undefined };
  const closers: (() => Promise<void> | void)[] = [];

  const ms = settings.microsoft;
  if (ms.tenantId && ms.clientId) {
    const auth = new MicrosoftAuth({
      tenantId: ms.tenantId,
      clientId: ms.clientId,
      authorityHost: ms.authorityHost, graphBaseUrl: ms.graphBaseUrl, cloud: ms.cloud,
      transport,
      tokenStore: secrets,
      appCredential: await loadAppCredential(secrets, ms),
      ...(ms.redirectPort ? { redirectPort: ms.redirectPort } : {}),
      ...(tuning.tokenRetry ? { tokenRetry: tuning.tokenRetry } : {}),
      logger,
    });
    await auth.init();
    conns.auth = auth;
    const teams = createTeamsClients({
      transport,
      auth,
      clientId: ms.clientId,
      graphBaseUrl: ms.graphBaseUrl,
      presenceRead: ms.presenceRead,
      // Graph's limit for the tenant's app as a hard guard; the poll scheduler keeps the bridge to its share of it.
      presenceBudget: tuning.presenceBudget ?? { limit: settings.sync.presenceRequestsPer30Seconds, windowSeconds: 30 },
      ...(tuning.graphRetry ? { retry: tuning.graphRetry } : {}),
      writer: { refreshEveryMs: settings.sync.teamsSessionRefreshSeconds * 1000 },
      logger,
    });
    conns.teams = teams;
    closers.push(() => teams.writer.close({ clear: false }));
  }

  const sf = settings.starface;
  if (sf.baseUrl && sf.adminLogin) {
    conns.directory = new StarfaceDirectory({
      baseUrl: sf.baseUrl,
      login: sf.adminLogin,
      password: () => secrets.get(STARFACE_ADMIN_PASSWORD_SECRET),
      transport,
      logger,
      requestTimeoutMs: sf.requestTimeoutMs,
    });
    const dir = conns.directory;
    closers.push(() => dir.logout());
  }
  if (sf.baseUrl && !tuning.withoutCallbacks) {
    const publicHost = sf.callbackHost || await callbackHostFacing(sf.baseUrl, logger);
    const bind = tuning.callbackBind ?? (isLoopbackHost(publicHost) ? '127.0.0.1' : '0.0.0.0');
    // The PBX is told the callback host with the port the server really bound (callbackPort 0: a free one).
    // HTTPS (optional): the certificate is made once and kept in the vault; a new one's fingerprint is logged.
    const cert = sf.callbackTls ? await callbackCertificate(secrets, [publicHost]) : undefined;
    if (cert?.created) logger.info('New HTTPS certificate for the STARFACE callback server: give its fingerprint to the PBX admin', coded('log-callback-certificate-created', { fingerprint: cert.fingerprint256 }));
    const callbacks = new CallbackServer({
      host: bind, port: sf.callbackPort, publicHost, logger, authParam: sf.callbackAuth,
      ...(cert ? { tls: { key: cert.key, cert: cert.cert } } : {}),
    });
    await callbacks.start();
    conns.callbacks = callbacks;
    closers.push(() => callbacks.close());
  }
  if (sf.baseUrl) {
    const pool = new UciSessionPool({
      baseUrl: sf.baseUrl,
      transport,
      passwordFor: (login) => secrets.get(uciPasswordSecretName(login)),
      ...(conns.callbacks ? { callbackServer: conns.callbacks } : {}),
      settings: {
        uciApi: sf.uciApi,
        uciCredential: sf.uciCredential,
        tokenAlgorithm: sf.uciAuthAlgorithm,
        keepAliveMs: sf.keepAliveSeconds * 1000,
        requestTimeoutMs: sf.requestTimeoutMs,
        ...tuning.uciSession,
      },
      maxConcurrentLogins: sf.maxConcurrentLogins,
      oauth: { clientId: sf.oauthClientId, scope: sf.oauthScope, clientSecret: () => secrets.get(STARFACE_OAUTH_CLIENT_SECRET) },
      logger,
    });
    conns.pool = pool;
    // Order matters: sessions log out before the callback server stops listening.
    closers.unshift(() => pool.close());
  }

  if (conns.teams && conns.directory && conns.pool && missing.length === 0) {
    const teams = conns.teams;
    conns.ports = {
      pbx: pbxPortFrom(conns.pool, conns.callbacks),
      teams: teamsPortFrom(teams.reader, teams.writer, teams.throttle),
      directory: directoryPortFrom(conns.directory, (signal) => teams.listUsers(signal), async () => loginsWithPassword(await secrets.names())),
    };
  }

  conns.close = async () => {
    for (const c of closers) {
      try {
        await c();
      } catch (err) {
        logger.warn('Closing a connection failed', coded('log-connection-close-failed', { error: err instanceof Error ? err.message : String(err) }));
      }
    }
    transport.close();
  };
  return conns;
}

/** The settings sections whose change needs new connections (everything else is applied live). */
export function connectionSettingsChanged(a: Settings, b: Settings): boolean {
  const pick = (s: Settings) => JSON.stringify([s.microsoft, s.starface, s.network, s.sync.teamsSessionRefreshSeconds, s.sync.applyConcurrency, s.sync.presenceRequestsPer30Seconds]);
  return pick(a) !== pick(b);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Without a configured callback host, the PBX is told this machine's address on the route towards it:
 * a PBX on another machine could never reach 127.0.0.1. A PBX on loopback gets loopback.
 */
export async function callbackHostFacing(pbxUrl: string, logger: Logger = silentLogger): Promise<string> {
  const pbxHost = new URL(pbxUrl).hostname;
  if (isLoopbackHost(pbxHost)) return '127.0.0.1';
  try {
    return await localAddressFacing(pbxUrl);
  } catch (err) {
    logger.warn('No callback host set and none found towards the PBX; call events will not arrive', coded('log-callback-host-not-found', { error: (err as Error).message }));
    return '127.0.0.1';
  }
}
