// The roster: which STARFACE users are synced with which Microsoft account, and why the others are not
// (src/sync/roster.ts builds it from both directories).
import { z } from 'zod';
import { Count } from './schema-primitives.js';

export const RosterConflictReasonSchema = z.enum(['duplicate-email', 'no-microsoft-account', 'no-email', 'no-uci-password']);
export type RosterConflictReason = z.output<typeof RosterConflictReasonSchema>;

export const RosterUserSchema = z.object({
  login: z.string(),
  email: z.string(),
  displayName: z.string().optional(),
  microsoftId: z.string().optional(),
  status: z.enum(['matched', 'conflict']),
  reason: RosterConflictReasonSchema.optional(),
  detail: z.string().optional(),
});
export type RosterUser = z.output<typeof RosterUserSchema>;

export const RosterSchema = z.object({
  users: z.array(RosterUserSchema),
  counts: z.object({ matched: Count, conflicts: Count }),
  /** The PBX administrator login that "all users" left out (the Users page says so and how to add it). */
  adminLeftOut: z.string().optional(),
});
export type Roster = z.output<typeof RosterSchema>;
