// Derives a user's telephony state from UCI call events (reference §3.8): there is no user-state event, so
// the per-call states of `receiveCallState` are folded into ringing / in call / idle per user.
import type { TelephonyState } from '../core/pbx-state.js';

export type CallPhase = 'pending' | 'ringing' | 'in-call' | 'ended' | 'ignore';

/**
 * Maps one `state` string of a call to its phase. INCOMING precedes RINGING and is ignored by STARFACE's own
 * listener (the phone does not ring yet); an empty state occurs on the first event of some calls; every state
 * not known here (RINGBACK, PARKED, CONFERENCE_*, …) counts as in call unless it is HANGUP.
 */
export function callPhase(state: string): CallPhase {
  const s = state.trim().toUpperCase();
  if (s === '') return 'ignore';
  if (s === 'INCOMING' || s === 'REQUESTED') return 'pending';
  if (s === 'RINGING' || s === 'ALERTING') return 'ringing';
  if (s === 'HANGUP' || s === 'HUNGUP' || s === 'DISCONNECTED' || s === 'ENDED') return 'ended';
  return 'in-call';
}

/** Maps the PBX's own `telephonyState` from getUserState onto the same three states. */
export function fromPbxTelephonyState(state: string): TelephonyState | undefined {
  switch (state.trim().toUpperCase()) {
    case 'RINGING': return 'ringing';
    case 'ACTIVE': return 'in-call';
    case 'AVAILABLE': case 'UNAVAILABLE': case 'QUEUE_PAUSE': return 'idle';
    default: return undefined;
  }
}

export interface TelephonyChange {
  login: string;
  state: TelephonyState;
  previous: TelephonyState;
  /** Ids of the user's calls that are still going on (ringing, in call or pending). */
  callIds: string[];
  /** The call whose event caused this change. */
  callId: string;
  callState: string;
}

/** Per-user table of live calls; O(1) per event. */
export class CallTracker {
  private readonly calls = new Map<string, Map<string, Exclude<CallPhase, 'ended' | 'ignore'>>>();
  private readonly current = new Map<string, TelephonyState>();

  stateOf(login: string): TelephonyState {
    return this.current.get(login) ?? 'idle';
  }

  callIdsOf(login: string): string[] {
    return [...(this.calls.get(login)?.keys() ?? [])];
  }

  /** Applies one event; returns the change if the user's aggregate state changed. */
  apply(login: string, callId: string, callState: string): TelephonyChange | undefined {
    const phase = callPhase(callState);
    if (phase === 'ignore') return undefined;
    let calls = this.calls.get(login);
    if (phase === 'ended') {
      calls?.delete(callId);
      if (calls && calls.size === 0) this.calls.delete(login);
    } else {
      if (!calls) this.calls.set(login, (calls = new Map()));
      calls.set(callId, phase);
    }
    return this.recompute(login, callId, callState);
  }

  /** Forgets a call under its old id and keeps it under the new one (`callChangesIdEvent`). */
  renameCall(login: string, oldId: string, newId: string): void {
    const calls = this.calls.get(login);
    const phase = calls?.get(oldId);
    if (calls && phase) {
      calls.delete(oldId);
      calls.set(newId, phase);
    }
  }

  /**
   * Drops all calls of a user, e.g. when the PBX reports AVAILABLE in getUserState (a lost HANGUP would
   * otherwise keep the user "in call" for ever) or the UCI session was re-created after a PBX restart.
   */
  clear(login: string, reason = 'reset'): TelephonyChange | undefined {
    this.calls.delete(login);
    return this.recompute(login, '', reason);
  }

  private recompute(login: string, callId: string, callState: string): TelephonyChange | undefined {
    const calls = this.calls.get(login);
    let next: TelephonyState = 'idle';
    for (const phase of calls?.values() ?? []) {
      if (phase === 'in-call') {
        next = 'in-call';
        break;
      }
      if (phase === 'ringing') next = 'ringing';
    }
    const previous = this.stateOf(login);
    if (next === 'idle') this.current.delete(login);
    else this.current.set(login, next);
    if (next === previous) return undefined;
    return { login, state: next, previous, callIds: this.callIdsOf(login), callId, callState };
  }
}
