// What this PBX lets the bridge do, as data: the UI disables what is missing and shows the reason.
// Derived from the settings and from what the UCI sessions observed on the real PBX.
import type { PbxCapabilities } from '../core/pbx-state.js';
import type { UciSessionSettings } from './options.js';
import type { UciApiVersion } from './uci-names.js';

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

export function deriveCapabilities(settings: Pick<UciSessionSettings, 'dndSource' | 'chatPresenceSetter'>, facts: ObservedPbxFacts): PbxCapabilities {
  const reasons: PbxCapabilities['reasons'] = {};
  const canSetDnd = !facts.dndWriteRejected;
  if (!canSetDnd) reasons.canSetDnd = `The PBX rejected userState.setDoNotDisturbSetting: ${facts.dndWriteRejected}`;
  const canSetChatPresenceMessage = !facts.chatMessageWriteRejected;
  if (!canSetChatPresenceMessage) reasons.canSetChatPresenceMessage = `The PBX rejected userState.setChatPresenceMessage: ${facts.chatMessageWriteRejected}`;

  let canSetChatPresence = false;
  if (settings.chatPresenceSetter === 'never') {
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
