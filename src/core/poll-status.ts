// What the sync status says about the poll loop (issue 17): the interval the bridge keeps, the configured one,
// and why they differ — a stable reason code with numeric params the UI renders in its language — plus the
// bridge's share of the tenant's Graph presence budget.
import { z } from 'zod';
import { Count, IsoTime } from './schema-primitives.js';

export const POLL_REASON_CODES = ['poll-configured', 'poll-budget-share', 'poll-throttled', 'poll-slow-cycle'] as const;
export type PollReasonCode = (typeof POLL_REASON_CODES)[number];

export const PollStatusSchema = z.object({
  intervalMs: Count,
  configuredMs: Count,
  /**
   * poll-configured: as configured (params configuredMs, plannedSharePercent, ceilingPercent);
   * poll-budget-share: widened so reads + writes + refreshes stay under the share (params configuredMs,
   * intervalMs, ceilingPercent, limit, windowSeconds, readsPerCycle, readsPerWindow, writes, refreshes);
   * poll-throttled: Graph answered 429 (params retryAfterMs, factor, intervalMs);
   * poll-slow-cycle: a cycle takes longer than the interval (params cycleMs, intervalMs).
   */
  reasonCode: z.enum(POLL_REASON_CODES),
  params: z.record(z.string(), z.number()),
  /** Requests of the bridge in the last window (reads, writes, refreshes) as a share of the budget, percent. */
  sharePercent: z.number().nonnegative(),
  ceilingPercent: z.number().positive(),
  /** Set while no cycle may start because of a Retry-After. */
  pausedUntil: IsoTime.optional(),
});
export type PollStatus = z.output<typeof PollStatusSchema>;
