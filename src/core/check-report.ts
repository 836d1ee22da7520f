// The result of a connection test (Connections page, `presence-bridge check`): one line per check.
import { z } from 'zod';

export const CheckTargetSchema = z.enum(['microsoft', 'starface']);
export type CheckTarget = z.output<typeof CheckTargetSchema>;

export const CheckReportSchema = z.object({
  target: CheckTargetSchema,
  ok: z.boolean(),
  checks: z.array(z.object({
    id: z.string(),
    /** Stable result code ('ok', 'microsoft-permission-missing', 'AADSTS7000215', 'tls', …) and its values. */
    code: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    label: z.string(),
    ok: z.boolean(),
    /** Passed, but with something the admin should act on (e.g. a secret about to expire): never shown as ✓. */
    warning: z.boolean().optional(),
    message: z.string(),
    fix: z.string().optional(),
  })),
});
export type CheckReport = z.output<typeof CheckReportSchema>;

/** The mark shown next to a check: a warning is never a ✓ (CLI and page use this one rule). */
export function checkMark(check: Pick<CheckReport['checks'][number], 'ok' | 'warning'>): '✓' | '!' | '✗' {
  return !check.ok ? '✗' : check.warning ? '!' : '✓';
}
