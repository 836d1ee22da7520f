// What the engine needs from each side, as small interfaces, plus adapters from the real clients
// (src/starface, src/teams). The engine never constructs a client itself: service.ts builds them from the
// settings and hands the ports in, so a settings change can rebuild a side without touching the engine logic.
import type { Presence } from '../core/presence.js';
import type { TeamsSessionState } from '../core/desired-state.js';
import type { PbxCapabilities, TelephonyState } from '../core/pbx-state.js';
import type { ChatPresence } from '../core/status-rows.js';
import type { CallbackServer } from '../starface/callback-server.js';
import type { StarfaceDirectory } from '../starface/rest-directory.js';
import type { TelephonyChange } from '../starface/telephony.js';
import type { UciSessionPool } from '../starface/uci-session-pool.js';
import type { UciSessionStatus, UciUserState } from '../starface/uci-session.js';
import type { DirectoryUser } from '../teams/directory.js';
import type { GraphThrottle } from '../teams/graph-client.js';
import type { PresenceReader } from '../teams/presence-reader.js';
import type { PresenceWriter } from '../teams/presence-writer.js';
import type { DirectoryPbxGroup, DirectoryPbxUser } from './roster.js';

export type { UciUserState, UciSessionStatus };

/** The STARFACE side: one UCI session per synced user, call events, writes. */
export interface PbxPort {
  /** Makes the side hold sessions for exactly these logins (new ones log in in the background). */
  setUsers(logins: Iterable<string>): Promise<void>;
  isConnected(login: string): boolean;
  /** Why a user's session is not connected, if it is not. */
  sessionError(login: string): string | undefined;
  setDnd(login: string, on: boolean): Promise<void>;
  setChatText(login: string, text: string): Promise<void>;
  setChatPresence(login: string, presence: ChatPresence): Promise<void>;
  /** The last state read from the PBX for the user (login read and periodic refreshes). */
  lastState(login: string): UciUserState | undefined;
  /** Telephony from call events (ringing / in call / idle). */
  telephony(login: string): TelephonyState;
  capabilities(): PbxCapabilities;
  /** Counts of sessions by status (for the sync state). */
  sessionCounts(): Record<UciSessionStatus, number>;
  onUserState(fn: (state: UciUserState) => void): () => void;
  onTelephony(fn: (change: { login: string; state: TelephonyState; previous: TelephonyState }) => void): () => void;
  onStatus(fn: (login: string, status: UciSessionStatus, error: string | undefined) => void): () => void;
}

/** Result of one presence read: presence per Microsoft id, and the requests it cost. */
export interface PresenceBatch {
  presences: Map<string, Presence>;
  requests: number;
}

/** The Microsoft side: presence reads and the bridge's own presence session. */
export interface TeamsPort {
  /** ceil(N/650) getPresencesByUserId requests. Throws with `partial` and `retryAfterMs` when some chunks failed. */
  readPresence(ids: readonly string[], signal?: AbortSignal): Promise<PresenceBatch>;
  /** Sets the session and keeps it alive until clearSession. */
  holdSession(microsoftId: string, session: TeamsSessionState): Promise<void>;
  /** Clears the session (404 = already clear counts as success). */
  clearSession(microsoftId: string): Promise<void>;
  /** Graph answered a presence call with 429 (also one retried inline): the poll interval widens. */
  onThrottled?(fn: (retryAfterMs: number) => void): () => void;
}

/** Everything the roster needs, loaded fresh on each evaluation. */
export interface DirectorySnapshot {
  pbxUsers: DirectoryPbxUser[];
  pbxGroups: DirectoryPbxGroup[];
  microsoftUsers: DirectoryUser[];
  loginsWithPassword: Set<string>;
}

export interface DirectoryPort {
  /** `withGroups` false skips the group listing (selection "all"). */
  load(opts: { withGroups: boolean }): Promise<DirectorySnapshot>;
}

// ---------------------------------------------------------------------------------------------------------
// Adapters from the real clients

export function pbxPortFrom(pool: UciSessionPool, callbacks: CallbackServer | undefined): PbxPort {
  return {
    setUsers: (logins) => pool.setUsers(logins),
    isConnected: (login) => pool.get(login)?.status === 'connected',
    sessionError: (login) => {
      const s = pool.get(login);
      if (!s) return 'no STARFACE session for this user';
      return s.status === 'connected' ? undefined : s.lastError ?? `STARFACE session ${s.status}`;
    },
    setDnd: (login, on) => pool.setDnd(login, on),
    setChatText: (login, text) => pool.setChatPresenceMessage(login, text),
    setChatPresence: (login, p) => pool.setChatPresence(login, p),
    lastState: (login) => pool.get(login)?.lastState,
    telephony: (login) => callbacks?.telephonyState(login) ?? 'idle',
    capabilities: () => pool.capabilities(),
    sessionCounts: () => pool.stats().byStatus,
    onUserState: (fn) => {
      pool.on('userState', fn);
      return () => pool.off('userState', fn);
    },
    onTelephony: (fn) => {
      const h = (c: TelephonyChange): void => fn({ login: c.login, state: c.state, previous: c.previous });
      pool.on('telephony', h);
      return () => pool.off('telephony', h);
    },
    onStatus: (fn) => {
      pool.on('status', fn);
      return () => pool.off('status', fn);
    },
  };
}

export function teamsPortFrom(reader: PresenceReader, writer: PresenceWriter, throttle?: GraphThrottle): TeamsPort {
  return {
    ...(throttle ? { onThrottled: (fn: (ms: number) => void) => throttle.onThrottled((e) => { if (e.presence) fn(e.waitMs); }) } : {}),
    readPresence: async (ids, signal) => {
      const r = await reader.read(ids, signal);
      return { presences: r.presences, requests: r.requests };
    },
    holdSession: (id, session) => writer.hold(id, session),
    clearSession: async (id) => {
      await writer.release(id);
    },
  };
}

export function directoryPortFrom(
  starface: StarfaceDirectory,
  listMicrosoftUsers: (signal?: AbortSignal) => Promise<DirectoryUser[]>,
  passwordLogins: () => Promise<Set<string>>,
): DirectoryPort {
  return {
    async load({ withGroups }) {
      const [users, microsoftUsers, loginsWithPassword] = await Promise.all([starface.listUsers(), listMicrosoftUsers(), passwordLogins()]);
      const groups = withGroups ? await starface.listGroups(users) : [];
      return {
        pbxUsers: users.map((u) => ({ login: u.login, email: u.email, firstName: u.firstName, familyName: u.familyName })),
        pbxGroups: groups.map((g) => ({ id: String(g.id), name: g.name, memberLogins: g.members })),
        microsoftUsers,
        loginsWithPassword,
      };
    },
  };
}
