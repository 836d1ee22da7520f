// The one diagnosis: every check of both connections produces Findings, and the three places that test a
// connection — `presence-bridge check`, the setup assistant and the Connections page (control
// `connections.test`) — show those same findings. A finding has a stable `code` and `params` (the UI can
// render it in its own language) and, for now, the text in the requested language from the one explanation
// table (explain.ts).
import type { CheckCode, CheckReport } from '../core/check-report.js';
import { TimeoutError } from '../core/errors.js';
import type { Lang } from '../core/lang.js';

export type FindingStatus = 'ok' | 'warn' | 'fail';

export interface Finding {
  /** Which check: e.g. 'app-token', 'directory', 'presence-write', 'rest-login'. */
  id: string;
  /** Result code from the closed set (core/check-report.ts), e.g. 'ok', 'microsoft-permission-missing', 'AADSTS7000215', 'tls'. */
  code: CheckCode;
  /** Values the code's text needs (permission names, counts, hosts); never a secret. */
  params: Record<string, string | number>;
  status: FindingStatus;
  label: string;
  message: string;
  fix?: string;
  /** Further lines: the technical error, what a token carries, versions. */
  details: string[];
  /** The error behind a failed finding, for callers that offer more (the setup's certificate trust offer). */
  error?: unknown;
}

export function finding(f: Omit<Finding, 'details' | 'params'> & { details?: string[]; params?: Finding['params'] }): Finding {
  return { ...f, params: f.params ?? {}, details: f.details ?? [] };
}

/** The findings as the control contract's CheckReport (Connections page, `presence-bridge check`). */
export function toCheckReport(target: CheckReport['target'], findings: readonly Finding[]): CheckReport {
  return {
    target,
    ok: findings.every((f) => f.status !== 'fail'),
    checks: findings.map((f) => ({
      id: f.id, code: f.code, params: { ...f.params }, label: f.label, ok: f.status !== 'fail', message: f.message,
      ...(f.status === 'warn' ? { warning: true } : {}),
      ...(f.fix && f.status !== 'ok' ? { fix: f.fix } : {}),
    })),
  };
}

export interface DiagnosisOptions {
  lang: Lang;
  /** Per-check deadline; default 20 s. */
  timeoutMs?: number;
}

export async function withTimeout<T>(p: Promise<T>, ms = 20_000, what = 'The request'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${Math.round(ms / 1000)} s.`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
    p.catch(() => undefined);
  }
}

export function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
