// Authority configuration: always tenant-specific (never /common). Microsoft's public-cloud hosts are known to
// MSAL; any other host (the simulator, a test IdP) gets knownAuthorities + authorityMetadata so MSAL makes no
// discovery call that would leave the machine.
import {
  AUTHORITY_HOST_FAMILY, cloudFamily, GRAPH_HOST_CLOUD, MICROSOFT_CLOUDS, unsupportedCloudHost,
  type MicrosoftCloud, type MicrosoftCloudSetting,
} from '../core/microsoft-clouds.js';
import { MicrosoftConfigError } from './errors.js';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_ADDRESS = 'https://graph.microsoft.com';

const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'sts.windows.net',
  'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn', 'login-us.microsoftonline.com',
]);
const NON_TENANTS = new Set(['common', 'organizations', 'consumers']);

export interface AuthorityConfig {
  authority: string;
  knownAuthorities?: string[];
  authorityMetadata?: string;
  /** https://host[:port] */
  origin: string;
}

/** Accepts "login.microsoftonline.com", "host:port" or "https://host[:port]"; returns https://host[:port]. */
export function normalizeAuthorityHost(hostOrUrl: string | undefined): string {
  const raw = (hostOrUrl ?? '').trim() || DEFAULT_AUTHORITY_HOST;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new MicrosoftConfigError(`The authority host "${raw}" is not a valid host name or https URL (e.g. https://login.microsoftonline.com).`);
  }
  if (url.protocol !== 'https:') {
    throw new MicrosoftConfigError(`The authority host must use https (MSAL refuses ${url.protocol}//); got "${raw}".`);
  }
  return url.origin;
}

export interface CloudEndpoints {
  cloud: MicrosoftCloud;
  /** Token audience; the app-token scope is `${graphResource}/.default`, so is the admin-consent scope. */
  graphResource: string;
  /** https://host[:port] of the login service to use. */
  authorityHost: string;
}

export interface CloudInput {
  graphBaseUrl?: string;
  authorityHost?: string;
  /** 'auto' (default): from the Graph address; a stand-in address (simulator, gateway) is taken as global. */
  cloud?: MicrosoftCloudSetting;
}

/**
 * The cloud from the Graph address (graph.microsoft.com, graph.microsoft.us, dod-graph.microsoft.us), with the
 * matching login host: the global default login host is replaced by the cloud's own; a login host of another
 * cloud, or a setting that contradicts the Graph address, is refused. 21Vianet is refused (no presence API).
 */
export function resolveCloud(input: CloudInput = {}): CloudEndpoints {
  const graphUrl = parseHttps(input.graphBaseUrl?.trim() || DEFAULT_GRAPH_ADDRESS, 'Graph address');
  const authority = normalizeAuthorityHost(input.authorityHost);
  const authorityName = new URL(authority).hostname.toLowerCase();
  for (const host of [graphUrl.hostname, authorityName]) {
    const why = unsupportedCloudHost(host);
    if (why) throw new MicrosoftConfigError(why);
  }
  const setting = input.cloud ?? 'auto';
  const fromGraph = GRAPH_HOST_CLOUD[graphUrl.hostname.toLowerCase()];
  if (fromGraph && setting !== 'auto' && setting !== fromGraph) {
    throw new MicrosoftConfigError(`The Graph address ${graphUrl.origin} belongs to the ${MICROSOFT_CLOUDS[fromGraph].label} cloud, but the cloud setting says ${MICROSOFT_CLOUDS[setting].label}: ` +
      'set the cloud to "auto" or use that cloud\'s Graph address.');
  }
  const cloud: MicrosoftCloud = fromGraph ?? (setting === 'auto' ? 'global' : setting);
  const info = MICROSOFT_CLOUDS[cloud];
  let authorityHost = authority;
  const family = AUTHORITY_HOST_FAMILY[authorityName];
  if (family !== undefined && family !== cloudFamily(cloud)) {
    if (authority !== DEFAULT_AUTHORITY_HOST) {
      throw new MicrosoftConfigError(`The sign-in address ${authority} belongs to another Microsoft cloud than ${info.label}: ` +
        `use ${info.authorityHost} (or leave the sign-in address at its default).`);
    }
    authorityHost = info.authorityHost; // the default login host follows the cloud
  }
  return { cloud, graphResource: info.graphResource, authorityHost };
}

function parseHttps(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MicrosoftConfigError(`The ${what} "${raw}" is not a valid https URL.`);
  }
  if (url.protocol !== 'https:') throw new MicrosoftConfigError(`The ${what} must use https; got "${raw}".`);
  return url;
}

export function authorityConfig(authorityHost: string | undefined, tenantId: string): AuthorityConfig {
  const tenant = tenantId.trim();
  if (!tenant) throw new MicrosoftConfigError('The directory (tenant) ID is not set: enter it in the Microsoft settings.');
  if (NON_TENANTS.has(tenant.toLowerCase())) {
    throw new MicrosoftConfigError(`"${tenant}" is not allowed: use your directory (tenant) ID, so only accounts of your organization can sign in.`);
  }
  const origin = normalizeAuthorityHost(authorityHost);
  const authority = `${origin}/${encodeURIComponent(tenant)}`;
  const host = new URL(origin).host;
  if (MICROSOFT_AUTHORITY_HOSTS.has(new URL(origin).hostname.toLowerCase())) return { authority, origin };
  return {
    authority,
    origin,
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify({
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    }),
  };
}

/**
 * The admin-consent URL for the configured app (v2 endpoint): a tenant admin opens it once to grant the
 * app's configured permissions (`/.default`) for the whole organization.
 */
export function adminConsentUrl(opts: CloudInput & { tenantId: string; clientId: string; redirectUri?: string; state?: string }): string {
  const cloud = resolveCloud(opts);
  const { authority } = authorityConfig(cloud.authorityHost, opts.tenantId);
  if (!opts.clientId.trim()) throw new MicrosoftConfigError('The application (client) ID is not set: enter it in the Microsoft settings.');
  const url = new URL(`${authority}/v2.0/adminconsent`);
  url.searchParams.set('client_id', opts.clientId.trim());
  url.searchParams.set('scope', `${cloud.graphResource}/.default`);
  url.searchParams.set('redirect_uri', opts.redirectUri ?? 'http://localhost');
  if (opts.state) url.searchParams.set('state', opts.state);
  return url.href;
}
