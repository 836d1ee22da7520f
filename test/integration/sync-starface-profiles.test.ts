// The engine end to end against every STARFACE simulator profile (real-world PBX variants, docs/starface.md),
// each with the settings an admin would choose for that PBX: a Teams change reaches STARFACE, a STARFACE call
// reaches Teams and is cleared on hang-up, and stop with restore puts everything back. Both simulators over
// real sockets, the real engine service (same harness as sync-microsoft-profiles.test.ts), 4 people + the PBX
// administrator account, which "all users" leaves out: never synced, and untouched by the restore too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../src/core/settings.js';
import { STARFACE_OAUTH_CLIENT_SECRET } from '../../src/core/uci-credentials.js';
import { STARFACE_PROFILE_NAMES, type StarfaceProfileName } from '../../src/simulators/starface/profiles.js';
import type { StarfaceSimBehaviour } from '../../src/simulators/starface/options.js';
import { FAST_TUNING, startSyncWorld, syncedLogins, waitFor, type SyncWorld } from './sync-helpers.js';

type StarfaceSettings = NonNullable<SettingsInput['starface']>;

interface ProfileCase {
  /** Simulator profiles (none = the defaults, which include dnd-unreadable). */
  profiles: StarfaceProfileName[];
  /** What an admin sets in the bridge for this PBX. */
  starface?: Partial<StarfaceSettings>;
  /** Further PBX behaviour of the case (e.g. the OAuth client secret the PBX shows its admin). */
  behaviour?: Partial<StarfaceSimBehaviour>;
  /** The OAuth client secret the admin stores in the bridge. */
  oauthClientSecret?: string;
  /**
   * The PBX admin enters the callback certificate's fingerprint the bridge shows (Connections → STARFACE → Test,
   * line "Call events"), and the PBX then delivers only to that certificate.
   */
  pbxTrustsShownFingerprint?: boolean;
  /** False where the PBX offers no userState: nothing can be written, and the board must say why. */
  writable?: boolean;
  /** The profile's own mark on the wire, checked before the stop (so the setting, not luck, made it work). */
  proves?: (w: SyncWorld) => void | Promise<void>;
}

const stat = (w: SyncWorld, key: string): number => w.env.starface.pbx.stats()[key] ?? 0;
const statsMatching = (w: SyncWorld, re: RegExp): number =>
  Object.entries(w.env.starface.pbx.stats()).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);

const OAUTH_SECRET = 'client-secret-from-the-pbx-admin-ui';

const CASES: ProfileCase[] = [
  { profiles: [] },
  { profiles: ['dnd-unreadable'] },
  {
    profiles: ['v22-userstate-only'],
    proves: (w) => {
      expect(stat(w, 'ucp.v22.requests.userState.setDoNotDisturbSetting')).toBeGreaterThan(0);
      expect(statsMatching(w, /^ucp\.v30\.requests\.userState\./)).toBe(0);
    },
  },
  { profiles: ['no-userstate'], writable: false },
  {
    profiles: ['html-500-on-unknown-method'],
    // The chat presence setter probe met Tomcat's HTML page: a missing method, not a lost session.
    proves: (w) => {
      expect(statsMatching(w, /\.userState\.setChatPresence$/)).toBeGreaterThan(0);
      expect(w.service.host.snapshot().capabilities.reasons.canSetChatPresence).toMatch(/offers no UCI request/);
    },
  },
  {
    // The auth value is password-equivalent: an admin who checks it also serves the callbacks over HTTPS.
    profiles: ['callback-auth-param'],
    starface: { callbackAuth: 'required', callbackTls: true },
    pbxTrustsShownFingerprint: true,
    proves: (w) => {
      const sessions = ['1001', '1002', '1003', '1004'].flatMap((l) => w.env.starface.pbx.aliveSessions(l));
      expect(sessions.map((s) => s.callback?.type)).toEqual(sessions.map(() => 'https'));
      expect(sessions.length).toBeGreaterThan(0);
    },
  },
  { profiles: ['ad-users'], starface: { uciAuthAlgorithm: 'ad-base64' } },
  {
    profiles: ['oauth-jwt'],
    starface: { uciCredential: 'oauth' },
    behaviour: { oauthClientSecret: OAUTH_SECRET },
    oauthClientSecret: OAUTH_SECRET,
    proves: (w) => expect(stat(w, 'OAuth POST /auth/realms/pbx/oauth2/token')).toBeGreaterThan(0),
  },
];

const name = (c: ProfileCase): string => (c.profiles.length ? c.profiles.join(',') : 'defaults');

it('the suite covers every STARFACE simulator profile', () => {
  expect(new Set(CASES.flatMap((c) => c.profiles))).toEqual(new Set(STARFACE_PROFILE_NAMES));
});

describe.each(CASES.map((c) => [name(c), c] as const))('engine against STARFACE profile %s', (_label, c) => {
  let w: SyncWorld;
  const writable = c.writable !== false;
  const before = new Map<string, { dnd: boolean; chatPresenceMessage: string }>();
  const live = (login: string) => w.service.host.snapshot().users.find((u) => u.login === login);

  beforeAll(async () => {
    w = await startSyncWorld({
      users: 4,
      start: false,
      starfaceProfiles: c.profiles,
      ...(c.behaviour ? { starfaceBehaviour: c.behaviour } : {}),
      settings: (s) => ({ ...s, starface: { ...s.starface, ...c.starface } }),
      // Discovery on, as in production: the client picks v30/v22 per service from the PBX's own list.
      tuning: { ...FAST_TUNING, uciSession: { ...FAST_TUNING.uciSession, discoverServices: true } },
    });
    expect(w.env.starface.profiles).toEqual(c.profiles);
    if (c.oauthClientSecret) await w.env.secrets.set(STARFACE_OAUTH_CLIENT_SECRET, c.oauthClientSecret);
    // A chat text of the user's own before the bridge ever ran: restored on stop.
    w.env.starface.pbx.user('1002')!.chatPresenceMessage = 'Mittagspause';
    for (const u of w.env.starface.users) before.set(u.login, w.pbxUser(u.login));
    await w.service.start();
    if (c.pbxTrustsShownFingerprint) {
      const report = await w.service.api['connections.test']({ target: 'starface' });
      const fingerprint = report.checks.find((x) => x.id === 'callback')?.params.fingerprint;
      expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      w.env.starface.setBehaviour({ callbackTrustedFingerprints: [String(fingerprint)] });
    }
    const people = syncedLogins(w);
    expect(people).toHaveLength(4);
    await waitFor(() => w.service.host.snapshot().users.filter((u) => u.teams !== null).length === people.length, 20_000, 'first read of every user');
    expect(w.service.host.snapshot().users.map((u) => u.login).sort()).toEqual([...people].sort());
  }, 60_000);

  afterAll(async () => {
    await w?.close();
  });

  it(writable ? 'a Teams change reaches STARFACE (DND and chat text)' : 'a Teams change cannot reach this PBX, and the board says why', async () => {
    w.setTeams('1001', 'DoNotDisturb', 'DoNotDisturb');
    if (!writable) {
      await waitFor(() => live('1001')?.row === 'dnd', 10_000, 'DND wanted in Teams');
      await w.service.host.syncEngine!.idle();
      const { capabilities } = w.service.host.snapshot();
      expect(capabilities).toMatchObject({ canSetDnd: false, canSetChatPresenceMessage: false });
      expect(capabilities.reasons.canSetDnd).toMatch(/offers no userState service/);
      expect(w.pbxUser('1001')).toEqual(before.get('1001'));
      // Known from the PBX's own lists: getUserState is not even probed.
      expect(statsMatching(w, /\.userState\.getUserState$/)).toBe(0);
      return;
    }
    await waitFor(() => w.pbxUser('1001').dnd && w.pbxUser('1001').chatPresenceMessage === 'Nicht stören', 10_000, 'DND and text on the PBX');
    await waitFor(() => live('1001')?.pbx.chatText === 'Nicht stören' && live('1001')?.pbx.dnd === true, 10_000, 'the board shows what was set');
    expect(live('1001')!.error).toBeNull();
    // No profile reports DND in getUserState: the board knows it as set by the bridge.
    expect(live('1001')!.pbx.dndSource).toBe('bridge');
    w.setTeams('1001', 'Available', 'Available');
    await waitFor(() => !w.pbxUser('1001').dnd && w.pbxUser('1001').chatPresenceMessage === 'Verfügbar', 10_000, 'DND off, text available');
    w.setTeams('1001', 'DoNotDisturb', 'DoNotDisturb');
    await waitFor(() => w.pbxUser('1001').dnd, 10_000, 'DND on again (left on for the restore test)');
  });

  it('a STARFACE call reaches Teams and is cleared on hang-up', async () => {
    const delivered = statsMatching(w, /^callback /);
    const id = w.env.microsoftIdOf('1003');
    const call = w.env.starface.pbx.placeCall({ from: '+4972112345', to: '1003' });
    w.env.starface.pbx.answer(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.some((s) => s.availability === 'Busy' && s.activity === 'InACall'), 10_000, 'Teams session');
    await waitFor(() => live('1003')?.teamsSession?.activity === 'InACall' && live('1003')?.pbx.telephony === 'in-call', 10_000, 'the board shows the call');
    w.env.starface.pbx.hangup(call.id);
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 0, 10_000, 'Teams session cleared');
    // Through the call events (the PBX counts those the bridge accepted), not only the periodic getUserState.
    await w.env.starface.callbacksIdle();
    expect(statsMatching(w, /^callback /) - delivered).toBe(4); // INCOMING, RINGING, CONNECTED, HANGUP
  });

  it('stop with restore puts the PBX back as it was and clears the Teams session of a running call', async () => {
    const call = w.env.starface.pbx.placeCall({ from: '+4972100000', to: '1004' });
    w.env.starface.pbx.answer(call.id);
    const id = w.env.microsoftIdOf('1004');
    await waitFor(() => w.env.graph.presenceOf(id).sessions.length === 1, 10_000, 'Teams session');
    expect(w.pbxUser('1001').dnd).toBe(writable);
    await c.proves?.(w);

    const status = await w.service.api['sync.stop']({ restore: true });
    expect(status.state).toBe('stopped');
    for (const u of w.env.starface.users) expect({ login: u.login, ...w.pbxUser(u.login) }).toEqual({ login: u.login, ...before.get(u.login)! });
    expect(w.env.graph.presenceOf(id).sessions).toHaveLength(0);
    await waitFor(() => w.env.starface.pbx.sessionCount() === 0, 10_000, 'UCI sessions logged out');
    w.env.starface.pbx.hangup(call.id);
  });
});
