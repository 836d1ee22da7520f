// Why the bridge reads Teams as often as it does (issue 17): the engine's poll reason code with its figures,
// in the page's language. Shown next to the sync state.
import type { SyncStatus } from '../api/types.js';
import type { I18n } from '../i18n/index.js';

export function pollText(poll: NonNullable<SyncStatus['poll']>, { t, number }: Pick<I18n, 't' | 'number'>): string {
  const s = (ms: number | undefined): string => number(Math.round((ms ?? 0) / 10) / 100);
  const p = poll.params;
  return t(`sync.poll.${poll.reasonCode}`, {
    seconds: s(poll.intervalMs),
    configured: s(poll.configuredMs),
    ceiling: number(poll.ceilingPercent),
    cycle: s(p['cycleMs']),
  });
}
