// What the engine keeps per synced user while it runs, and how that looks to the UI (the control contract's
// UserLiveState and capability view).
import type { UserLiveState } from '../core/engine-state.js';
import type { PbxCapabilities, PbxCapabilitiesView, SettableCapabilities, TelephonyState } from '../core/pbx-state.js';
import type { DesiredPbxState } from '../core/desired-state.js';
import type { KnownPbxState } from '../core/diff.js';
import type { JournalEntry } from '../core/journal.js';
import type { Presence } from '../core/presence.js';
import type { UciUserState } from './ports.js';
import type { MatchedUser } from './roster.js';

export interface UserRuntime {
  user: MatchedUser;
  presence: Presence | null;
  rowId: string | null;
  /** The desired PBX state from the last non-echo presence. */
  desired: DesiredPbxState | undefined;
  known: KnownPbxState;
  telephony: TelephonyState;
  lastChange: number | null;
  error: string | null;
  /** Writes for this user that failed since the sync started (each one logged at warn). */
  failedWrites: number;
}

export function newUserRuntime(user: MatchedUser): UserRuntime {
  return { user, presence: null, rowId: null, desired: undefined, known: {}, telephony: 'idle', lastChange: null, error: null, failedWrites: 0 };
}

/** The user's row on the live board. */
export function liveUserState(rt: UserRuntime, entry: JournalEntry | undefined, last: UciUserState | undefined): UserLiveState {
  const dnd = rt.known.dnd ?? (last?.dnd ?? null);
  return {
    login: rt.user.login,
    email: rt.user.email,
    ...(rt.user.displayName ? { displayName: rt.user.displayName } : {}),
    microsoftId: rt.user.microsoftId,
    teams: rt.presence ? { availability: rt.presence.availability, activity: rt.presence.activity, outOfOffice: rt.presence.outOfOffice } : null,
    row: rt.rowId,
    pbx: { dnd, chatText: rt.known.chatText ?? null, telephony: rt.telephony, dndSource: dndSourceOf(dnd, last) },
    teamsSession: entry?.teamsSession ? { availability: entry.teamsSession.availability, activity: entry.teamsSession.activity } : null,
    manualOverride: entry?.manualDnd !== undefined,
    lastChange: rt.lastChange === null ? null : new Date(rt.lastChange).toISOString(),
    error: rt.error,
    failedWrites: rt.failedWrites,
  };
}

/** Where the board's DND value comes from: the PBX's own report, or the bridge's writes (STARFACE rarely reports DND). */
function dndSourceOf(dnd: boolean | null, last: UciUserState | undefined): 'pbx' | 'bridge' | 'unknown' {
  if (last?.dndFrom === 'pbx') return 'pbx';
  return dnd === null ? 'unknown' : 'bridge';
}

/** What the rules may ask of this PBX. */
export function coreCapabilities(c: PbxCapabilities): SettableCapabilities {
  return {
    canSetDnd: c.canSetDnd,
    canSetChatPresenceMessage: c.canSetChatPresenceMessage,
    canSetChatPresence: c.canSetChatPresence,
    canSetTelephonyState: c.canSetTelephonyState,
  };
}

/** The same with the reasons, for the UI. */
export function capabilitiesView(c: PbxCapabilities): PbxCapabilitiesView {
  const reasons: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.reasons)) if (v) reasons[k] = v;
  return { ...coreCapabilities(c), reasons, ...(c.reasonCodes ? { reasonCodes: { ...c.reasonCodes } } : {}) };
}
