// Presence → status row. Most specific wins:
//   1. exact (availability, activity)         e.g. Busy / InACall → "Busy – in a call"
//   2. out of office for the availability    activity OutOfOffice or the OOF flag → e.g. "Busy – out of office"
//   3. (availability, any activity)           e.g. Busy / Busy → "Busy"
//   4. "Unknown"                              anything unmatched
// Exact beats OOF on purpose: "In a call, out of office" (Busy / InACall + OOF flag) is still a call — the PBX
// should show the user as in a call, not merely out of office. Within one level, the first row in `rows` wins
// (effectiveRows puts custom rows first).
import { isOutOfOffice, sameValue, type Presence } from './presence.js';
import { STATUS_ROWS, UNKNOWN_ROW_ID, type StatusRow } from './status-rows.js';

export type MatchLevel = 'exact' | 'oof' | 'any' | 'fallback';

export interface Classification {
  rowId: string;
  /** Which rule of the order above matched (shown in the UI as the reason). */
  level: MatchLevel;
}

function availabilityMatches(row: StatusRow, availability: string): boolean {
  return row.match.availability.some((a) => sameValue(a, availability));
}

export function classifyWithReason(presence: Presence, rows: readonly StatusRow[] = STATUS_ROWS): Classification {
  const candidates = rows.filter((r) => availabilityMatches(r, presence.availability));
  const exact = candidates.find((r) => r.match.kind === 'exact' && r.match.activity.some((a) => sameValue(a, presence.activity)));
  if (exact) return { rowId: exact.id, level: 'exact' };
  if (isOutOfOffice(presence)) {
    const oof = candidates.find((r) => r.match.kind === 'oof');
    if (oof) return { rowId: oof.id, level: 'oof' };
  }
  const any = candidates.find((r) => r.match.kind === 'any');
  if (any) return { rowId: any.id, level: 'any' };
  return { rowId: UNKNOWN_ROW_ID, level: 'fallback' };
}

/** The id of the status row a presence falls into. */
export function classify(presence: Presence, rows: readonly StatusRow[] = STATUS_ROWS): string {
  return classifyWithReason(presence, rows).rowId;
}
