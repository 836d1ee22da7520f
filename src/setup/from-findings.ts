// A setup step's result from the one diagnosis's findings (src/sync/diagnosis.ts): the first failure (or
// warning) speaks for the step, every other finding's details stay in the details list.
import type { Finding } from '../sync/diagnosis.js';
import { checkResult, type CheckResult, type SetupStepId } from './types.js';

export function resultFromFindings(
  step: SetupStepId,
  findings: readonly Finding[],
  now: Date,
  success: string,
  extra: Partial<Pick<CheckResult, 'link' | 'warnings' | 'needsSignIn'>> & { details?: string[] } = {},
): CheckResult {
  const worst = findings.find((f) => f.status === 'fail') ?? findings.find((f) => f.status === 'warn');
  const details = [
    ...findings.filter((f) => f !== worst && f.status !== 'ok').map((f) => `${f.label}: ${f.message}`),
    ...findings.flatMap((f) => f.details),
    ...(extra.details ?? []),
  ];
  return checkResult({
    step,
    status: worst?.status ?? 'ok',
    message: worst?.message ?? success,
    ...(worst?.fix ? { fix: worst.fix } : {}),
    details,
    ...(extra.link ? { link: extra.link } : {}),
    ...(extra.warnings ? { warnings: extra.warnings } : {}),
    ...(extra.needsSignIn ? { needsSignIn: true } : {}),
  }, now);
}
