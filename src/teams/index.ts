// The Microsoft side, wired together: one auth, one throttle per app+tenant, Graph clients for the app
// token and for presence reads (delegated or application, a setting), directory, reader and writer.
import type { HttpTransport } from '../platform/http-transport.js';
import type { Logger } from '../platform/logger.js';
import type { SecretStore } from '../platform/vault.js';
import type { AppCredential, MicrosoftAuth } from './auth.js';
import { listDirectoryUsers, type DirectoryUser } from './directory.js';
import { GraphClient, GraphThrottle, type RetryPolicy } from './graph-client.js';
import { PresenceReader } from './presence-reader.js';
import { PresenceWriter, type PresenceWriterOptions } from './presence-writer.js';
import type { BudgetSettings } from './throttle.js';

export * from './auth.js';
export * from './authority.js';
export * from './cache-plugin.js';
export * from './directory.js';
export * from './errors.js';
export * from './graph-client.js';
export * from './presence-reader.js';
export * from './presence-writer.js';
export * from './throttle.js';

export const CLIENT_SECRET_NAME = 'microsoft.clientSecret';
export const CERTIFICATE_KEY_NAME = 'microsoft.certificateKey';

/** The app credential from the vault, per the Microsoft settings; undefined when none is stored yet. */
export async function loadAppCredential(
  store: Pick<SecretStore, 'get'>,
  settings: { credential: 'secret' | 'certificate'; certificateThumbprint?: string | undefined },
): Promise<AppCredential | undefined> {
  if (settings.credential === 'secret') {
    const clientSecret = await store.get(CLIENT_SECRET_NAME);
    return clientSecret ? { kind: 'secret', clientSecret } : undefined;
  }
  const key = await store.get(CERTIFICATE_KEY_NAME);
  if (!key || !settings.certificateThumbprint) return undefined;
  // The key entry may hold the private key alone or key + certificate (PEM blocks); the certificate goes out as x5c.
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(key)?.[0];
  return { kind: 'certificate', thumbprint: settings.certificateThumbprint, privateKeyPem: key, ...(cert ? { certificatePem: cert } : {}) };
}

export interface TeamsClientsOptions {
  transport: HttpTransport;
  auth: MicrosoftAuth;
  clientId: string;
  /** Default https://graph.microsoft.com. */
  graphBaseUrl?: string;
  /** Whose token reads presence: the signed-in admin's (delegated) or the app's. */
  presenceRead: 'delegated' | 'application';
  /** Default 1,500 requests / 30 s (per app per tenant; shared by every install using this app id). */
  presenceBudget?: BudgetSettings;
  retry?: Partial<RetryPolicy>;
  writer?: Partial<Omit<PresenceWriterOptions, 'graph' | 'clientId' | 'logger'>>;
  /** Ids per getPresencesByUserId call (≤ 650) and calls in flight. */
  reader?: { chunkSize?: number; concurrency?: number };
  logger?: Logger;
}

export interface TeamsClients {
  throttle: GraphThrottle;
  /** Graph with the application token (directory, presence writes). */
  appGraph: GraphClient;
  /** Graph with the token chosen for presence reads. */
  presenceGraph: GraphClient;
  reader: PresenceReader;
  writer: PresenceWriter;
  listUsers(signal?: AbortSignal): Promise<DirectoryUser[]>;
}

export function createTeamsClients(o: TeamsClientsOptions): TeamsClients {
  const throttle = new GraphThrottle({ presenceBudget: o.presenceBudget, retry: o.retry });
  const common = { transport: o.transport, throttle, baseUrl: o.graphBaseUrl, logger: o.logger?.child({ component: 'graph' }) };
  const appGraph = new GraphClient({ ...common, tokens: o.auth.appTokens });
  const presenceGraph = o.presenceRead === 'delegated' ? new GraphClient({ ...common, tokens: o.auth.delegatedTokens }) : appGraph;
  return {
    throttle,
    appGraph,
    presenceGraph,
    reader: new PresenceReader({ graph: presenceGraph, ...o.reader, logger: o.logger }),
    writer: new PresenceWriter({ graph: appGraph, clientId: o.clientId, ...o.writer, logger: o.logger }),
    listUsers: (signal) => listDirectoryUsers(appGraph, signal),
  };
}
