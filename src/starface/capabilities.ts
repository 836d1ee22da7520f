// What this PBX lets the bridge do, as data: the UI disables what is missing and shows the reason.
// Derived from the settings and from what the UCI sessions observed on the real PBX.
import type { Message } from '../core/errors.js';
import { renderMessage, type CapabilityReasonCode } from '../core/messages/index.js';
import type { CapabilityName, PbxCapabilities } from '../core/pbx-state.js';
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

export function deriveCapabilities(settings: Pick<UciSessionSettings, 'dndSource' | 'chatPresenceSetter'>, facts: ObservedPbxFacts): PbxCapabilities {
  const codes: Partial<Record<CapabilityName, Message>> = {};
  const why = (name: CapabilityName, code: CapabilityReasonCode, detail?: string) => {
    codes[name] = detail ? { code, detail } : { code };
  };
  const noUserState = listsLackUserState(facts);
  const canSetDnd = !noUserState && !facts.dndWriteRejected;
  if (!canSetDnd) why('canSetDnd', noUserState ? 'cap-no-user-state' : 'cap-dnd-write-rejected', facts.dndWriteRejected);
  const canSetChatPresenceMessage = !noUserState && !facts.chatMessageWriteRejected;
  if (!canSetChatPresenceMessage) why('canSetChatPresenceMessage', noUserState ? 'cap-no-user-state' : 'cap-chat-message-write-rejected', facts.chatMessageWriteRejected);

  let canSetChatPresence = false;
  if (noUserState) {
    why('canSetChatPresence', 'cap-no-user-state');
  } else if (settings.chatPresenceSetter === 'never') {
    why('canSetChatPresence', 'cap-chat-presence-off');
  } else if (settings.chatPresenceSetter === 'assume') {
    canSetChatPresence = facts.chatPresenceSetter !== false;
    if (!canSetChatPresence) why('canSetChatPresence', 'cap-chat-presence-assumed-missing');
  } else if (facts.chatPresenceSetter === true) {
    canSetChatPresence = true;
  } else if (facts.chatPresenceSetter === false) {
    why('canSetChatPresence', 'cap-chat-presence-missing');
  } else {
    why('canSetChatPresence', 'cap-chat-presence-unknown');
  }

  let dndReadable: boolean;
  if (settings.dndSource === 'written') {
    dndReadable = false;
    why('dndReadable', 'cap-dnd-source-written');
  } else if (facts.userStateReadable === false) {
    dndReadable = false;
    why('dndReadable', 'cap-dnd-no-get-user-state');
  } else if (facts.dndInUserState === undefined) {
    dndReadable = false;
    why('dndReadable', 'cap-dnd-unknown');
  } else {
    dndReadable = facts.dndInUserState;
    if (!dndReadable) why('dndReadable', 'cap-dnd-not-in-user-state');
  }
  why('canSetTelephonyState', 'cap-telephony-derived');

  return { canSetDnd, canSetChatPresenceMessage, canSetChatPresence, canSetTelephonyState: false, dndReadable, ...capabilityReasons(codes) };
}

/** The reasons as codes (for the UI) and as plain English from the same table (logs, older UIs). */
export function capabilityReasons(codes: Partial<Record<CapabilityName, Message>>): Pick<PbxCapabilities, 'reasons' | 'reasonCodes'> {
  const reasons: PbxCapabilities['reasons'] = {};
  for (const [name, msg] of Object.entries(codes) as [CapabilityName, Message][]) {
    reasons[name] = msg.detail ? `${renderMessage('en', msg)}: ${msg.detail}` : renderMessage('en', msg);
  }
  return { reasons, reasonCodes: codes };
}
