// What the engine reports about itself: the sync state, the Microsoft sign-in state and each synced user's
// live state. The control contract (src/control/contract.ts) hands these to the UI as they are.
import { z } from 'zod';
import { TelephonyStateSchema } from './pbx-state.js';
import { PollStatusSchema } from './poll-status.js';
import { Count, IsoTime } from './schema-primitives.js';
import { isMessageCode, type MessageCode } from './errors.js';
import { MessageSchema } from './messages/schema.js';

export const SyncStateSchema = z.enum(['stopped', 'starting', 'running', 'paused', 'signed-out', 'degraded', 'error']);
export type SyncState = z.output<typeof SyncStateSchema>;

/**
 * Why users are not restored yet: the PBX did not answer (HTTP 5xx, connection refused, timeout), its UCI login
 * failed, a write was refused, or Teams could not be reached to clear the bridge's presence session.
 */
export const RestoreReasonSchema = z.enum(['pbx-unreachable', 'pbx-write-failed', 'teams-unreachable']);
export type RestoreReason = z.output<typeof RestoreReasonSchema>;

/**
 * The outcome of the last restore (stop with restore, a start with sync off, a change of PBX or tenant), kept
 * current while users are left: they are restored as soon as their PBX answers again, at the latest at the
 * next start.
 */
export const RestoreStatusSchema = z.object({
  /** Users with something of the bridge's to put back when the restore began. */
  total: Count,
  restored: Count,
  notRestored: Count,
  /** Login IDs of the users not restored yet (the first 100). */
  logins: z.array(z.string()),
  /** Set while users are left. */
  reason: RestoreReasonSchema.optional(),
  /** The PBX address they are left on, when it is not the one configured now (after a change of PBX). */
  pbx: z.string().optional(),
  /** The same in plain English, e.g. "2 of 3 users not restored: PBX unreachable; …". */
  message: z.string(),
  at: IsoTime,
});
export type RestoreStatus = z.output<typeof RestoreStatusSchema>;

export const SyncStatusSchema = z.object({
  state: SyncStateSchema,
  /** The reason in plain English (logs, CLI, older UIs), made from reasonCode's text and the detail. */
  reason: z.string().optional(),
  /** Code of the reason (src/core/messages): the UI renders it with reasonParams in its language. */
  reasonCode: z.custom<MessageCode>(isMessageCode, 'unknown message code').optional(),
  reasonParams: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** The counterpart's own words behind the reason (a PBX or Microsoft error), shown as a detail. */
  reasonDetail: z.string().optional(),
  restore: RestoreStatusSchema.optional(),
  lastSuccessfulSync: IsoTime.optional(),
  since: IsoTime,
  /** The poll interval the bridge keeps and why (absent from engines before issue 17). */
  poll: PollStatusSchema.optional(),
  counters: z.object({
    cycles: Count,
    presenceRequests: Count,
    pbxWrites: Count,
    teamsWrites: Count,
    errors: Count,
    /** PBX and Teams writes that failed (each one is logged at warn with user, field and cause). */
    failedWrites: Count.optional(),
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
  /** The same as codes (src/core/messages), which the UI renders in its language; Microsoft's words as details. */
  messageCodes: z.array(MessageSchema).optional(),
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
  /** Writes for this user (PBX and Teams) that failed since the sync started; each one is in the log. */
  failedWrites: Count.optional(),
});
export type UserLiveState = z.output<typeof UserLiveStateSchema>;
