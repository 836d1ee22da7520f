// Where a row's effective rule comes from: settings.rules for built-in rows, the row itself for custom rows.
import type { Settings } from './settings.js';
import { STATUS_ROWS, customRowToStatusRow, defaultRuleFor, isBuiltInRowId, UNKNOWN_ROW_ID, type Rule, type StatusRow } from './status-rows.js';

/**
 * Rows to classify against, in match order: custom rows first (an admin's explicit pair wins a tie at the same
 * specificity), then the built-in table.
 */
export function effectiveRows(settings: Pick<Settings, 'customRows'>): StatusRow[] {
  return [...settings.customRows.map(customRowToStatusRow), ...STATUS_ROWS];
}

/** The rule for a row id; an id no longer present (row deleted since) falls back to the Unknown row's rule. */
export function ruleForRow(settings: Pick<Settings, 'rules' | 'customRows'>, rowId: string): Rule {
  if (isBuiltInRowId(rowId)) return { ...(settings.rules[rowId] ?? defaultRuleFor(rowId)) };
  const custom = settings.customRows.find((r) => r.id === rowId);
  if (custom) return { ...custom.rule };
  return { ...(settings.rules[UNKNOWN_ROW_ID] ?? defaultRuleFor(UNKNOWN_ROW_ID)) };
}
