// What the engine knows about the PBX side: a user's telephony state (from call events) and what this PBX
// lets the bridge do (derived by src/starface/capabilities.ts, shown by the UI with the reason).
import { z } from 'zod';
import { MessageSchema } from './messages/schema.js';

export const TelephonyStateSchema = z.enum(['idle', 'ringing', 'in-call']);
export type TelephonyState = z.output<typeof TelephonyStateSchema>;

export const CAPABILITY_NAMES = ['canSetDnd', 'canSetChatPresenceMessage', 'canSetChatPresence', 'canSetTelephonyState', 'dndReadable'] as const;
export const CapabilityNameSchema = z.enum(CAPABILITY_NAMES);
export type CapabilityName = z.output<typeof CapabilityNameSchema>;

export const PbxCapabilitiesSchema = z.object({
  /** userState.setDoNotDisturbSetting */
  canSetDnd: z.boolean(),
  /** userState.setChatPresenceMessage (the chat status text) */
  canSetChatPresenceMessage: z.boolean(),
  /** The presence enum (AVAILABLE, AWAY, DO_NOT_DISTURB, …) itself, not only the text: no UCI source names a setter. */
  canSetChatPresence: z.boolean(),
  /** "Show as in call": STARFACE derives the telephony state from calls; no request sets it. */
  canSetTelephonyState: z.boolean(),
  /** Whether getUserState reports DND (if not, the bridge relies on what it wrote). */
  dndReadable: z.boolean(),
  /** capability name (e.g. 'canSetTelephonyState') → why it is false (or not yet known). */
  reasons: z.partialRecord(CapabilityNameSchema, z.string()),
  /** The same as codes (src/core/messages): the UI renders them in its language. Absent from older engines. */
  reasonCodes: z.partialRecord(CapabilityNameSchema, MessageSchema).optional(),
});
export type PbxCapabilities = z.output<typeof PbxCapabilitiesSchema>;

/** The capabilities that decide what a status row's rule can set (src/core/desired-state.ts). */
export type SettableCapabilities = Pick<PbxCapabilities, 'canSetDnd' | 'canSetChatPresenceMessage' | 'canSetChatPresence' | 'canSetTelephonyState'>;

/** The capabilities as the engine reports them to the UI (state.snapshot). */
export const PbxCapabilitiesViewSchema = PbxCapabilitiesSchema.omit({ dndReadable: true });
export type PbxCapabilitiesView = z.output<typeof PbxCapabilitiesViewSchema>;
