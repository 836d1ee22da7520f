// The result of a connection test (Connections page, `presence-bridge check`): one line per check.
import { z } from 'zod';
import { TRANSPORT_ERROR_CODES } from './errors.js';

/** Entra ID (AADSTS) errors the checks explain with their own fix (src/sync/explain.ts); others are not used as codes. */
export const AADSTS_CODES = [
  'AADSTS7000215', 'AADSTS7000222', 'AADSTS700016', 'AADSTS90002', 'AADSTS700027', 'AADSTS700023', 'AADSTS700024',
  'AADSTS7000218', 'AADSTS65001', 'AADSTS50011', 'AADSTS50173', 'AADSTS700082', 'AADSTS9002313',
] as const;
export type AadstsCode = (typeof AADSTS_CODES)[number];

export function isAadstsCode(value: string): value is AadstsCode {
  return (AADSTS_CODES as readonly string[]).includes(value);
}

/**
 * The closed set of check result codes (CheckReport.checks[].code): the checks' own (src/sync/diagnose-*.ts), the
 * explained failures (src/sync/explain.ts) and, for an HTTP answer, `http-<status>` (CheckCodeSchema).
 */
export const CHECK_CODES = [
  'ok',
  'error', // a failure nothing more is known about
  // The checks' own findings
  'microsoft-config-missing', 'microsoft-credential-missing', 'microsoft-sign-in-needed', 'microsoft-permission-missing',
  'starface-config-missing', 'starface-admin-password-missing', 'starface-no-users', 'starface-group-missing',
  'starface-rest-missing', 'starface-not-starface', 'starface-plain-http', 'starface-uci-password-missing',
  'starface-uci-refused', 'starface-callback-unreachable',
  // Explained failures
  ...TRANSPORT_ERROR_CODES,
  'config', 'needs-sign-in', 'sign-in-cancelled', 'sign-in-timeout', 'microsoft-sign-in-unavailable', 'microsoft-token-refused',
  'graph-unreadable-answer', 'no-password',
  'uci-refused', 'uci-fault', 'uci-transport', 'uci-http', 'uci-html', 'uci-malformed', 'uci-false', 'uci-not-connected',
  ...AADSTS_CODES,
] as const;

export const CheckCodeSchema = z.union([z.enum(CHECK_CODES), z.templateLiteral(['http-', z.number().int()])]);
export type CheckCode = z.output<typeof CheckCodeSchema>;

export const CheckTargetSchema = z.enum(['microsoft', 'starface']);
export type CheckTarget = z.output<typeof CheckTargetSchema>;

export const CheckReportSchema = z.object({
  target: CheckTargetSchema,
  ok: z.boolean(),
  checks: z.array(z.object({
    id: z.string(),
    /** Result code from the closed set ('ok', 'microsoft-permission-missing', 'AADSTS7000215', 'tls', 'http-403', …) and its values. */
    code: CheckCodeSchema,
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
