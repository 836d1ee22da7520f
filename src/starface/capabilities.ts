// What this PBX lets the bridge do, as data: the UI disables what is missing and shows the reason.
// Derived from the settings and from what the UCI sessions observed on the real PBX.
import type { PbxCapabilities } from '../core/pbx-state.js';
import type { UciSessionSettings } from './options.js';
import type { UciApiVersion } from './uci-names.js';
import { parseProvided } from './uci-versions.js';

/** Facts one UCI session learnt about the PBX; undefined = not observed yet. */
export interface ObservedPbxFacts {
  dndInUserState?: boolean;
  chatPresenceSetter?: boolean;
  dndWriteRejected?: string;
  chatMessageWriteRejected?: string;
  providedEvents?: string[];
  /** getProvidedRequests as listed (services or methods). */
  providedRequests?: string[];
  /** The generation per service, from the lists or a fallback that worked. */
  serviceVersions?: Record<string, UciApiVersion>;
  /** Whether userState.getUserState exists (in either generation). */
  userStateReadable?: boolean;
  serverVersion?: string;
}

/** The PBX's own lists name services, but userState in no generation (a PBX without it, e.g. profile no-userstate). */
function listsLackUserState(facts: ObservedPbxFacts): boolean {
  const provided = parseProvided(facts.providedRequests ?? [], 'requests');
  return provided.size > 0 && !provided.has('userState');
}

const NO_USER_STATE = 'This STARFACE offers no userState service over UCI (service.getProvidedRequests lists none): the bridge cannot set DND or the chat text here; calls still reach Teams.';

export function deriveCapabilities(settings: Pick<UciSessionSettings, 'dndSource' | 'chatPresenceSetter'>, facts: ObservedPbxFacts): PbxCapabilities {
  const reasons: PbxCapabilities['reasons'] = {};
  const noUserState = listsLackUserState(facts);
  const canSetDnd = !noUserState && !facts.dndWriteRejected;
  if (!canSetDnd) reasons.canSetDnd = noUserState ? NO_USER_STATE : `The PBX rejected userState.setDoNotDisturbSetting: ${facts.dndWriteRejected}`;
  const canSetChatPresenceMessage = !noUserState && !facts.chatMessageWriteRejected;
  if (!canSetChatPresenceMessage) reasons.canSetChatPresenceMessage = noUserState ? NO_USER_STATE : `The PBX rejected userState.setChatPresenceMessage: ${facts.chatMessageWriteRejected}`;

  let canSetChatPresence = false;
  if (noUserState) {
    reasons.canSetChatPresence = NO_USER_STATE;
  } else if (settings.chatPresenceSetter === 'never') {
    reasons.canSetChatPresence = 'Setting the chat presence is switched off (option chatPresenceSetter = "never").';
  } else if (settings.chatPresenceSetter === 'assume') {
    canSetChatPresence = facts.chatPresenceSetter !== false;
    if (!canSetChatPresence) reasons.canSetChatPresence = 'The PBX does not know userState.setChatPresence although it was assumed to exist.';
  } else if (facts.chatPresenceSetter === true) {
    canSetChatPresence = true;
  } else if (facts.chatPresenceSetter === false) {
    reasons.canSetChatPresence = 'This STARFACE offers no UCI request to set the chat presence (userState.setChatPresence is unknown to it); only the status text can be set.';
  } else {
    reasons.canSetChatPresence = 'Not known yet: no UCI session has logged in to test userState.setChatPresence.';
  }

  let dndReadable: boolean;
  if (settings.dndSource === 'written') {
    dndReadable = false;
    reasons.dndReadable = 'DND is taken from what the bridge wrote (option dndSource = "written").';
  } else if (facts.userStateReadable === false) {
    dndReadable = false;
    reasons.dndReadable = 'This STARFACE offers no userState.getUserState: the board shows DND as set by the bridge, and a DND key pressed on the phone is not seen.';
  } else if (facts.dndInUserState === undefined) {
    dndReadable = false;
    reasons.dndReadable = 'Not known yet: no UCI session has read a user state.';
  } else {
    dndReadable = facts.dndInUserState;
    if (!dndReadable) reasons.dndReadable = 'getUserState of this STARFACE carries no DND flag; the bridge relies on the DND value it wrote last, so a DND key pressed on the phone is not seen.';
  }

  return {
    canSetDnd,
    canSetChatPresenceMessage,
    canSetChatPresence,
    canSetTelephonyState: false,
    dndReadable,
    reasons: {
      ...reasons,
      canSetTelephonyState: 'STARFACE derives the telephony state ("in a call") from real calls; UCI has no request to set it.',
    },
  };
}
