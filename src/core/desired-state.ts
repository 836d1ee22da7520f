// What each side should show, computed from a row's rule, the global switches and what the PBX can do.
// Both directions live here; neither knows about the journal (ownership.ts decides whether to act).
import type { SettableCapabilities, TelephonyState } from './pbx-state.js';
import type { ChatPresence, Language, Rule } from './status-rows.js';

// ---------------------------------------------------------------------------------------------------------------
// Teams → STARFACE

/** What the documented UCI over XML-RPC can set: DND and the chat text, nothing else. */
export const UCI_CAPABILITIES: Readonly<SettableCapabilities> = Object.freeze({
  canSetDnd: true,
  canSetChatPresenceMessage: true,
  canSetChatPresence: false,
  canSetTelephonyState: false,
});

/** The global switches of the Teams → STARFACE direction (settings.switches). */
export interface ForwardSwitches {
  setDnd: boolean;
  setChatStatus: boolean;
  setTelephonyState: boolean;
}

/** Desired PBX state of one user; an undefined field means "leave it as it is". */
export interface DesiredPbxState {
  dnd?: boolean;
  chatText?: string;
  chatPresence?: ChatPresence;
  /**
   * Show as in call. `false` means "not shown as in call by the bridge": diff only writes it to take back a
   * `true` the bridge wrote, never to overrule a real call.
   */
  telephonyInCall?: boolean;
}

export function desiredPbxState(rule: Rule, switches: ForwardSwitches, caps: SettableCapabilities): DesiredPbxState {
  const out: DesiredPbxState = {};
  if (switches.setDnd && caps.canSetDnd && rule.dnd !== 'unchanged') out.dnd = rule.dnd === 'on';
  if (switches.setChatStatus && caps.canSetChatPresenceMessage && rule.chatText !== '') out.chatText = rule.chatText;
  if (switches.setChatStatus && caps.canSetChatPresence && rule.chatPresence !== undefined) out.chatPresence = rule.chatPresence;
  if (switches.setTelephonyState && caps.canSetTelephonyState) out.telephonyInCall = rule.showAsInCall;
  return out;
}

export type RuleField = 'dnd' | 'chatText' | 'chatPresence' | 'showAsInCall';
export const RULE_FIELDS: readonly RuleField[] = ['dnd', 'chatText', 'chatPresence', 'showAsInCall'];

const REASONS: Record<Language, Record<'pbx' | 'switch', Record<RuleField, string>>> = {
  en: {
    pbx: {
      dnd: 'This STARFACE does not let the bridge set DND.',
      chatText: 'This STARFACE does not let the bridge set the chat status text.',
      chatPresence: 'This STARFACE offers no way to set the chat presence (only the status text) through its interface.',
      showAsInCall: 'This STARFACE offers no way to set the telephony state ("in a call") from outside; only DND can be set.',
    },
    switch: {
      dnd: 'Turned off: "Set DND on STARFACE" is off.',
      chatText: 'Turned off: "Set chat status on STARFACE" is off.',
      chatPresence: 'Turned off: "Set chat status on STARFACE" is off.',
      showAsInCall: 'Turned off: "Set telephony status on STARFACE" is off.',
    },
  },
  de: {
    pbx: {
      dnd: 'Diese STARFACE erlaubt der Bridge nicht, DND zu setzen.',
      chatText: 'Diese STARFACE erlaubt der Bridge nicht, den Chat-Statustext zu setzen.',
      chatPresence: 'Diese STARFACE bietet keine Schnittstelle, um die Chat-Präsenz zu setzen (nur den Statustext).',
      showAsInCall: 'Diese STARFACE bietet keine Schnittstelle, um den Telefoniestatus („im Gespräch“) von außen zu setzen; nur DND ist möglich.',
    },
    switch: {
      dnd: 'Ausgeschaltet: „DND auf STARFACE setzen“ ist aus.',
      chatText: 'Ausgeschaltet: „Chat-Status auf STARFACE setzen“ ist aus.',
      chatPresence: 'Ausgeschaltet: „Chat-Status auf STARFACE setzen“ ist aus.',
      showAsInCall: 'Ausgeschaltet: „Telefoniestatus auf STARFACE setzen“ ist aus.',
    },
  },
};

/**
 * Rule fields that have no effect, with the reason to show next to the disabled control. The PBX's inability
 * is reported before a switch being off (turning the switch on would not help).
 */
export function unavailableRuleFields(switches: ForwardSwitches, caps: SettableCapabilities, language: Language = 'de'): Partial<Record<RuleField, string>> {
  const r = REASONS[language];
  const out: Partial<Record<RuleField, string>> = {};
  const check = (field: RuleField, can: boolean, on: boolean): void => {
    if (!can) out[field] = r.pbx[field];
    else if (!on) out[field] = r.switch[field];
  };
  check('dnd', caps.canSetDnd, switches.setDnd);
  check('chatText', caps.canSetChatPresenceMessage, switches.setChatStatus);
  check('chatPresence', caps.canSetChatPresence, switches.setChatStatus);
  check('showAsInCall', caps.canSetTelephonyState, switches.setTelephonyState);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// STARFACE → Teams

/** A Teams presence the bridge sets through its application presence session (setPresence). */
export interface TeamsSessionState {
  availability: string;
  activity: string;
}

/** settings.switches.reverse */
export interface ReverseSwitches {
  enabled: boolean;
  teamsState: 'busy-inacall' | 'dnd-presenting';
  ringingCounts: boolean;
}

/** The two pairs setPresence supports that mean "on the phone" (reference §1.2). */
export const TEAMS_SESSION_STATES: Readonly<Record<ReverseSwitches['teamsState'], Readonly<TeamsSessionState>>> = Object.freeze({
  'busy-inacall': Object.freeze({ availability: 'Busy', activity: 'InACall' }),
  'dnd-presenting': Object.freeze({ availability: 'DoNotDisturb', activity: 'Presenting' }),
});

/** The Teams session the bridge should hold for a user, or null (no session: clear it). */
export function desiredTeamsSession(telephony: TelephonyState, reverse: ReverseSwitches): TeamsSessionState | null {
  if (!reverse.enabled) return null;
  const onThePhone = telephony === 'in-call' || (telephony === 'ringing' && reverse.ringingCounts);
  return onThePhone ? { ...TEAMS_SESSION_STATES[reverse.teamsState] } : null;
}

/**
 * UCI `TelephonyState` (getUserState) → telephony state: ACTIVE = in a call, RINGING = ringing; AVAILABLE,
 * UNAVAILABLE (no usable phone), QUEUE_PAUSE and anything unknown = idle (never mark busy on a guess).
 */
export function telephonyFromUserState(value: string): TelephonyState {
  switch (value.trim().toUpperCase()) {
    case 'ACTIVE':
      return 'in-call';
    case 'RINGING':
      return 'ringing';
    default:
      return 'idle';
  }
}

const RINGING_CALL_STATES = new Set(['RINGING', 'INCOMING']);

/** A call state that ends the call; an empty state (seen as the first event of some calls) is no information. */
export function isCallEnded(state: string): boolean {
  return state.trim().toUpperCase() === 'HANGUP';
}

/**
 * Telephony state from the states of a user's current calls (UCI receiveCallState). HANGUP and empty states
 * are ignored; RINGING / INCOMING = ringing; any other state (CONNECTED, PROCEEDING, RINGBACK, PARKED, …) counts
 * as in a call (reference §3.8: "treat unknown states as in call unless HANGUP"). One active call beats ringing.
 */
export function telephonyFromCallStates(states: Iterable<string>): TelephonyState {
  let result: TelephonyState = 'idle';
  for (const raw of states) {
    const s = raw.trim().toUpperCase();
    if (s === '' || s === 'HANGUP') continue;
    if (RINGING_CALL_STATES.has(s)) result = 'ringing';
    else return 'in-call';
  }
  return result;
}

/**
 * The user's current calls after one receiveCallState event: HANGUP removes the call, an empty state changes
 * nothing, any other state records it. Returns a new object (the input is not changed).
 */
export function applyCallEvent(calls: Readonly<Record<string, string>>, event: { id: string; state: string }): Record<string, string> {
  const state = event.state.trim();
  if (event.id === '' || state === '') return { ...calls };
  const next = { ...calls };
  if (isCallEnded(state)) delete next[event.id];
  else next[event.id] = state.toUpperCase();
  return next;
}
