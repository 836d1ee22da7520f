// `--profile` presets: documented real-world STARFACE variants (reference §3, §11 and the addendum "what public
// clients show"), each a set of behaviour options. Profiles combine as a comma list unless two of them set the
// same option differently.
import { DEFAULT_BEHAVIOUR, mergeBehaviour, type StarfaceSimBehaviour } from './options.js';

export interface StarfaceProfile {
  /** One line: which real PBX situation the profile models. */
  models: string;
  behaviour: Partial<StarfaceSimBehaviour>;
}

export const STARFACE_PROFILES = {
  'v22-userstate-only': {
    models: 'userState only as ucp.v22.requests.userState.* (the only form public clients show); no v30 userState service, and getProvidedRequests says so',
    behaviour: { userStateApis: ['v22'] },
  },
  'no-userstate': {
    models: 'a PBX without the userState service: no getUserState, no DND or chat text writes over UCI; calls and events still work',
    behaviour: { userStateApis: [] },
  },
  'dnd-unreadable': {
    models: 'getUserState carries exactly avatarHash, chatPresence, telephonyState, chatPresenceMessage, redirectAlwaysActive (no DND key) — also the default',
    behaviour: { userStateDndKey: null },
  },
  'html-500-on-unknown-method': {
    models: 'an unknown method answers HTTP 500 with Tomcat\'s HTML error page instead of an XML-RPC fault',
    behaviour: { unknownMethodAnswer: 'html500' },
  },
  'callback-auth-param': {
    models: 'callbacks carry de.vertico.starface.user and de.vertico.starface.auth=<the user\'s UCI token>, as real PBXs append them',
    behaviour: { callbackAuthParam: true },
  },
  'ad-users': {
    models: 'users from Active Directory: UCI token Base64(login*password), SHA-512 tokens refused; REST login type ActiveDirectory (secret Base64(login+nonce+password))',
    behaviour: { adUsers: true, restLoginType: 'ActiveDirectory' },
  },
  'oauth-jwt': {
    models: 'STARFACE 10 with an external identity provider: legacy UCI tokens refused; OAuth password grant at /auth/realms/pbx/oauth2/token, access token accepted in de.vertico.starface.jwt (and as REST Bearer)',
    behaviour: { oauth: true, legacyUciTokens: false, serverVersion: '10.0.2.5' },
  },
} as const satisfies Record<string, StarfaceProfile>;

export type StarfaceProfileName = keyof typeof STARFACE_PROFILES;
export const STARFACE_PROFILE_NAMES = Object.keys(STARFACE_PROFILES) as StarfaceProfileName[];

/** Reads a profile list: names or comma lists (`"ad-users,callback-auth-param"`), each name once. */
export function parseProfiles(input: string | readonly string[]): StarfaceProfileName[] {
  const names = (typeof input === 'string' ? [input] : input).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const out: StarfaceProfileName[] = [];
  for (const n of names) {
    if (!(n in STARFACE_PROFILES)) throw new Error(`Unknown STARFACE profile "${n}". Known profiles: ${STARFACE_PROFILE_NAMES.join(', ')}.`);
    if (!out.includes(n as StarfaceProfileName)) out.push(n as StarfaceProfileName);
  }
  return out;
}

/** The behaviour options of the given profiles together; refuses profiles that set one option differently. */
export function profileBehaviour(names: readonly StarfaceProfileName[]): Partial<StarfaceSimBehaviour> {
  const out: Record<string, unknown> = {};
  const setBy: Record<string, string> = {};
  for (const name of names) {
    for (const [k, v] of Object.entries(STARFACE_PROFILES[name].behaviour)) {
      if (k in out && JSON.stringify(out[k]) !== JSON.stringify(v)) {
        throw new Error(`STARFACE profiles "${setBy[k]}" and "${name}" cannot be combined: both set ${k} (${JSON.stringify(out[k])} vs ${JSON.stringify(v)}).`);
      }
      out[k] = v;
      setBy[k] = name;
    }
  }
  return out as Partial<StarfaceSimBehaviour>;
}

/** Defaults, then the profiles, then explicit options (which win). */
export function behaviourFor(names: readonly StarfaceProfileName[], explicit: Partial<StarfaceSimBehaviour> = {}): StarfaceSimBehaviour {
  return mergeBehaviour(mergeBehaviour({ ...DEFAULT_BEHAVIOUR }, profileBehaviour(names)), explicit);
}
