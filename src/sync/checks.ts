// Connection tests for the Connections page (control `connections.test`) and `presence-bridge check`: the one
// diagnosis (diagnose-microsoft.ts, diagnose-starface.ts) on the engine's own clients, as a CheckReport.
// Checks never change anything on either side (no presence is set, no DND).
import type { CheckReport } from '../core/check-report.js';
import type { Lang } from '../core/lang.js';
import type { Settings } from '../core/settings.js';
import type { SecretStore } from '../platform/vault.js';
import type { Connections } from './connections.js';
import { diagnoseMicrosoft } from './diagnose-microsoft.js';
import { diagnoseStarface } from './diagnose-starface.js';
import { toCheckReport } from './diagnosis.js';

export interface CheckContext {
  settings: Settings;
  secrets: SecretStore;
  conns: Connections;
  /** Per-check deadline; default 20 s. */
  timeoutMs?: number;
  /** Language of the texts; default English (the codes and params are the same in every language). */
  lang?: Lang;
}

export async function checkMicrosoft(ctx: CheckContext): Promise<CheckReport> {
  const findings = await diagnoseMicrosoft({
    settings: ctx.settings, secrets: ctx.secrets, auth: ctx.conns.auth, transport: ctx.conns.transport,
    lang: ctx.lang ?? 'en', ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  });
  return toCheckReport('microsoft', findings);
}

export async function checkStarface(ctx: CheckContext): Promise<CheckReport> {
  const findings = await diagnoseStarface({
    settings: ctx.settings, secrets: ctx.secrets, transport: ctx.conns.transport, directory: ctx.conns.directory,
    ...(ctx.conns.callbacks?.publicUrl ? { callbackUrl: ctx.conns.callbacks.publicUrl } : {}),
    ...(ctx.conns.callbacks?.certificateFingerprint ? { callbackFingerprint: ctx.conns.callbacks.certificateFingerprint } : {}),
    lang: ctx.lang ?? 'en', ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  });
  return toCheckReport('starface', findings);
}
