// What the engine reports about itself: the sync state, the Microsoft sign-in state and each synced user's
// live state. The control contract (src/control/contract.ts) hands these to the UI as they are.
import { z } from 'zod';
import { TelephonyStateSchema } from './pbx-state.js';
import { Count, IsoTime } from './schema-primitives.js';

export const SyncStateSchema = z.enum(['stopped', 'starting', 'running', 'paused', 'signed-out', 'degraded', 'error']);
export type SyncState = z.output<typeof SyncStateSchema>;

export const SyncStatusSchema = z.object({
  state: SyncStateSchema,
  reason: z.string().optional(),
  /** Stable code of the reason where known, e.g. 'microsoft-sign-in-unavailable'. */
  reasonCode: z.string().optional(),
  lastSuccessfulSync: IsoTime.optional(),
  since: IsoTime,
  counters: z.object({
    cycles: Count,
    presenceRequests: Count,
    pbxWrites: Count,
    teamsWrites: Count,
    errors: Count,
  }),
});
export type SyncStatus = z.output<typeof SyncStatusSchema>;

export const AuthStateSchema = z.enum(['signed-out', 'signing-in', 'signed-in', 'needs-sign-in', 'not-configured']);
export type AuthState = z.output<typeof AuthStateSchema>;

export const AuthStatusSchema = z.object({
  state: AuthStateSchema,
  account: z.string().optional(),
  appCredential: z.enum(['ok', 'missing', 'invalid', 'expiring']),
  message: z.string().optional(),
  /** Present while a device-code sign-in is waiting for the admin. */
  deviceCode: z.object({ userCode: z.string(), verificationUri: z.string() }).optional(),
});
export type AuthStatus = z.output<typeof AuthStatusSchema>;

export const UserLiveStateSchema = z.object({
  login: z.string(),
  email: z.string().optional(),
  displayName: z.string().optional(),
  microsoftId: z.string().optional(),
  /** Last Teams presence read; availability/activity are Graph's open strings. */
  teams: z.object({ availability: z.string(), activity: z.string(), outOfOffice: z.boolean() }).nullable(),
  /** Id of the status row the presence was classified into. */
  row: z.string().nullable(),
  pbx: z.object({
    dnd: z.boolean().nullable(),
    chatText: z.string().nullable(),
    telephony: TelephonyStateSchema,
    /**
     * Where `dnd` comes from: read from the PBX, or as set by the bridge (most STARFACEs do not report DND over
     * UCI, so a DND key pressed on the phone is not seen), or unknown. Absent from engines before this field.
     */
    dndSource: z.enum(['pbx', 'bridge', 'unknown']).optional(),
  }),
  /** What the bridge itself set in Teams (reverse direction), if anything. */
  teamsSession: z.object({ availability: z.string(), activity: z.string() }).nullable(),
  manualOverride: z.boolean(),
  lastChange: IsoTime.nullable(),
  error: z.string().nullable(),
});
export type UserLiveState = z.output<typeof UserLiveStateSchema>;
