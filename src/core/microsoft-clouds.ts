// Microsoft's clouds as the bridge knows them: which Graph host and login host belong together, and which
// resource an app token must be requested for (reference: graph-msal-electron.md §1.1 "National clouds" and the
// addendum). Presence is available in the global cloud (including GCC) and in US Government L4 (GCC High) and
// L5 (DoD), not in China (21Vianet).

export const MICROSOFT_CLOUD_SETTINGS = ['auto', 'global', 'us-gov', 'us-gov-dod'] as const;
/** The setting: 'auto' derives the cloud from the Graph address. */
export type MicrosoftCloudSetting = (typeof MICROSOFT_CLOUD_SETTINGS)[number];
export type MicrosoftCloud = Exclude<MicrosoftCloudSetting, 'auto'>;

export interface CloudInfo {
  /** The token audience: app tokens are requested for `${graphResource}/.default`. */
  graphResource: string;
  /** Default login (authority) host of the cloud. */
  authorityHost: string;
  label: string;
}

export const MICROSOFT_CLOUDS: Readonly<Record<MicrosoftCloud, CloudInfo>> = {
  global: { graphResource: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com', label: 'global (including GCC)' },
  'us-gov': { graphResource: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us', label: 'US Government GCC High (L4)' },
  'us-gov-dod': { graphResource: 'https://dod-graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us', label: 'US Government DoD (L5)' },
};

/** Graph hosts and the cloud they belong to. */
export const GRAPH_HOST_CLOUD: Readonly<Record<string, MicrosoftCloud>> = {
  'graph.microsoft.com': 'global',
  'canary.graph.microsoft.com': 'global',
  'graph.microsoft.us': 'us-gov',
  'dod-graph.microsoft.us': 'us-gov-dod',
};

/** Microsoft login hosts and the family of clouds they serve (both US Government clouds share one). */
export const AUTHORITY_HOST_FAMILY: Readonly<Record<string, 'global' | 'us-gov'>> = {
  'login.microsoftonline.com': 'global',
  'login.microsoft.com': 'global',
  'login.windows.net': 'global',
  'sts.windows.net': 'global',
  'login.microsoftonline.us': 'us-gov',
  'login-us.microsoftonline.com': 'us-gov',
};

export function cloudFamily(cloud: MicrosoftCloud): 'global' | 'us-gov' {
  return cloud === 'global' ? 'global' : 'us-gov';
}

/** Microsoft clouds presence cannot work in: 21Vianet (no presence API), Microsoft Cloud Deutschland (closed). */
export type UnsupportedCloud = '21vianet' | 'germany';

const UNSUPPORTED_CLOUD_TEXT: Readonly<Record<UnsupportedCloud, string>> = {
  '21vianet': 'Microsoft 365 operated by 21Vianet (China) has no Teams presence API, so Presence Bridge cannot work there.',
  germany: 'Microsoft Cloud Deutschland was closed; German tenants use the global cloud (https://graph.microsoft.com).',
};

/** Which unsupported cloud a Graph or login host belongs to; undefined when it can be used (or is not Microsoft's). */
export function unsupportedCloudOf(host: string): UnsupportedCloud | undefined {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (/(^|\.)(chinacloudapi\.cn|partner\.microsoftonline\.cn)$/.test(h)) return '21vianet';
  if (/(^|\.)microsoft\.de$|(^|\.)microsoftonline\.de$/.test(h)) return 'germany';
  return undefined;
}

/** Why a Graph or login host cannot be used for presence (English); undefined when it can (or is not Microsoft's). */
export function unsupportedCloudHost(host: string): string | undefined {
  const cloud = unsupportedCloudOf(host);
  return cloud === undefined ? undefined : UNSUPPORTED_CLOUD_TEXT[cloud];
}
