// Profiles: presets of documented real-world variants of Microsoft Graph and Entra ID, so the bridge is tested
// against answers it did not choose (reference: graph-msal-electron.md, addendum). `default` is the plainest
// reading of the documentation; every other profile changes one thing a real tenant may do differently.

export const GRAPH_PROFILE_NAMES = ['default', 'empty-2xx-with-json-type', 'opaque-tokens', 'unlicensed-users', 'us-gov'] as const;
export type GraphProfileName = (typeof GRAPH_PROFILE_NAMES)[number];

export type SimCloud = 'global' | 'us-gov';

export interface GraphProfile {
  name: GraphProfileName;
  /** One line for the CLI and docs: what differs. */
  summary: string;
  /** Content-Type sent with the empty "200 OK" of setPresence/clearPresence (null = none). */
  emptyWriteContentType: string | null;
  /** Access tokens as signed JWTs, or opaque strings only the simulator can resolve (clients must not decode them). */
  accessTokens: 'jwt' | 'opaque';
  /** Users without a tenant-file licence flag: every Nth has no Teams licence (0 = all licensed). */
  unlicensedEvery: number;
  /** Which cloud's Graph resource the tokens are for and Graph accepts. */
  cloud: SimCloud;
}

const BASE: Omit<GraphProfile, 'name' | 'summary'> = { emptyWriteContentType: null, accessTokens: 'jwt', unlicensedEvery: 0, cloud: 'global' };

export const GRAPH_PROFILES: Readonly<Record<GraphProfileName, GraphProfile>> = {
  default: { ...BASE, name: 'default', summary: 'Global cloud, JWT access tokens, every user licensed, empty writes without Content-Type.' },
  'empty-2xx-with-json-type': {
    ...BASE, name: 'empty-2xx-with-json-type', emptyWriteContentType: 'application/json; charset=utf-8',
    summary: 'setPresence/clearPresence answer "200 OK" with no body but Content-Type: application/json.',
  },
  'opaque-tokens': {
    ...BASE, name: 'opaque-tokens', accessTokens: 'opaque',
    summary: 'Access tokens are opaque strings (no readable roles claim); consent shows only in what Graph allows.',
  },
  'unlicensed-users': {
    ...BASE, name: 'unlicensed-users', unlicensedEvery: 4,
    summary: 'Every 4th user has no Teams licence (or is a guest): presence reads answer PresenceUnknown and setPresence fails with 404.',
  },
  'us-gov': {
    ...BASE, name: 'us-gov', cloud: 'us-gov',
    summary: 'US Government cloud (GCC High): tokens must be requested for https://graph.microsoft.us/.default; Graph rejects other audiences.',
  },
};

export const CLOUD_RESOURCE: Readonly<Record<SimCloud, string>> = {
  global: 'https://graph.microsoft.com',
  'us-gov': 'https://graph.microsoft.us',
};

/** Microsoft Graph's application id: accepted as a resource in scopes in every cloud. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export function isGraphProfileName(v: unknown): v is GraphProfileName {
  return typeof v === 'string' && (GRAPH_PROFILE_NAMES as readonly string[]).includes(v);
}

export function graphProfile(name: string): GraphProfile {
  if (!isGraphProfileName(name)) {
    throw new Error(`Unknown Graph simulator profile "${name}": use one of ${GRAPH_PROFILE_NAMES.join(', ')}.`);
  }
  return GRAPH_PROFILES[name];
}
