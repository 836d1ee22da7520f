// Authority configuration: always tenant-specific (never /common). Microsoft's public-cloud hosts are known to
// MSAL; any other host (the simulator, a test IdP) gets knownAuthorities + authorityMetadata so MSAL makes no
// discovery call that would leave the machine.
import { MicrosoftConfigError } from './errors.js';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

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
export function adminConsentUrl(opts: { authorityHost?: string; tenantId: string; clientId: string; redirectUri?: string; state?: string }): string {
  const { authority } = authorityConfig(opts.authorityHost, opts.tenantId);
  if (!opts.clientId.trim()) throw new MicrosoftConfigError('The application (client) ID is not set: enter it in the Microsoft settings.');
  const url = new URL(`${authority}/v2.0/adminconsent`);
  url.searchParams.set('client_id', opts.clientId.trim());
  url.searchParams.set('scope', `${GRAPH_RESOURCE}/.default`);
  url.searchParams.set('redirect_uri', opts.redirectUri ?? 'http://localhost');
  if (opts.state) url.searchParams.set('state', opts.state);
  return url.href;
}
