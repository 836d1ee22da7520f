// The simulator's profile presets (profiles.ts): parsing, combining, precedence, and the OAuth token lifetime
// with an injected clock.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOUR } from '../../src/simulators/starface/options.js';
import { SimPbx } from '../../src/simulators/starface/pbx.js';
import { behaviourFor, parseProfiles, profileBehaviour, STARFACE_PROFILE_NAMES } from '../../src/simulators/starface/profiles.js';
import { buildUsers } from '../../src/simulators/starface/users.js';

describe('STARFACE simulator profiles', () => {
  it('reads names and comma lists, once each, and names the known profiles for an unknown one', () => {
    expect(parseProfiles('ad-users, callback-auth-param')).toEqual(['ad-users', 'callback-auth-param']);
    expect(parseProfiles(['oauth-jwt', 'oauth-jwt,dnd-unreadable', ''])).toEqual(['oauth-jwt', 'dnd-unreadable']);
    expect(parseProfiles([])).toEqual([]);
    expect(() => parseProfiles('ad_users')).toThrow(`Unknown STARFACE profile "ad_users". Known profiles: ${STARFACE_PROFILE_NAMES.join(', ')}.`);
  });

  it('combines profiles, refuses two that set one option differently, and lets explicit options win', () => {
    expect(profileBehaviour(['ad-users', 'callback-auth-param'])).toEqual({ adUsers: true, restLoginType: 'ActiveDirectory', callbackAuthParam: true });
    expect(() => profileBehaviour(['no-userstate', 'v22-userstate-only'])).toThrow(/"no-userstate" and "v22-userstate-only" cannot be combined: both set userStateApis/);
    const b = behaviourFor(['oauth-jwt'], { serverVersion: '10.1.0.0' });
    expect(b).toMatchObject({ oauth: true, legacyUciTokens: false, serverVersion: '10.1.0.0' });
    expect(behaviourFor([])).toEqual(DEFAULT_BEHAVIOUR);
    for (const name of STARFACE_PROFILE_NAMES) expect(() => behaviourFor([name])).not.toThrow();
  });

  it('dnd-unreadable sets no DND key; html-500 and v22-userstate-only set what their names say', () => {
    expect(behaviourFor(['dnd-unreadable']).userStateDndKey).toBeNull();
    expect(behaviourFor(['html-500-on-unknown-method']).unknownMethodAnswer).toBe('html500');
    expect(behaviourFor(['v22-userstate-only']).userStateApis).toEqual(['v22']);
    expect(behaviourFor(['no-userstate']).userStateApis).toEqual([]);
  });
});

describe('simulated identity provider (oauth-jwt)', () => {
  it('access tokens stop working after expires_in; expireAll ends every token at once', () => {
    let now = Date.UTC(2026, 0, 1);
    const { users, groups } = buildUsers([{ login: '123', password: 'Pass123' }]);
    const pbx = new SimPbx(users, groups, behaviourFor(['oauth-jwt']), () => now);
    const issued = pbx.oauth.issue(users[0]!, 'rest-client-headless', 'login', 'http://pbx/auth/realms/pbx') as { access_token: string; refresh_token: string };
    expect(pbx.oauth.verifyAccessToken(issued.access_token)?.login).toBe('123');
    now += 299_000;
    expect(pbx.oauth.verifyAccessToken(issued.access_token)?.login).toBe('123');
    now += 1_000;
    expect(pbx.oauth.verifyAccessToken(issued.access_token)).toBeUndefined();
    const again = pbx.oauth.issue(users[0]!, 'rest-client-headless', 'login', 'http://pbx/auth/realms/pbx') as { access_token: string; refresh_token: string };
    expect(pbx.oauth.redeem(again.refresh_token, 'other-client')).toBeUndefined(); // and used up
    const third = pbx.oauth.issue(users[0]!, 'rest-client-headless', 'login', 'http://pbx/auth/realms/pbx') as { access_token: string; refresh_token: string };
    expect(pbx.oauth.expireAll()).toBe(2);
    expect(pbx.oauth.verifyAccessToken(third.access_token)).toBeUndefined();
    expect(pbx.oauth.redeem(third.refresh_token, 'rest-client-headless')).toBeUndefined();
    now += 21_600_000;
    const late = pbx.oauth.issue(users[0]!, 'rest-client-headless', 'login', 'x') as { refresh_token: string };
    now += 21_600_000;
    expect(pbx.oauth.redeem(late.refresh_token, 'rest-client-headless')).toBeUndefined();
  });
});
