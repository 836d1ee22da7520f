import type { Settings } from '../api/types.js';
import type { Language } from '../i18n/index.js';
import { NO_TEAMS_PRESENCE_ROW_ID } from '../../../src/core/presence.js';
import { STATUS_ROWS } from '../../../src/core/status-rows.js';

const builtIn = new Map(STATUS_ROWS.map((r) => [r.id, r]));

/** The label of a status row in the UI language; custom rows carry their own label. */
export function rowLabel(rowId: string | null, settings: Settings | null, lang: Language): string | null {
  if (rowId === null) return null;
  // Not a rule row: users without a Teams licence and guests (the engine leaves their PBX alone).
  if (rowId === NO_TEAMS_PRESENCE_ROW_ID) return lang === 'de' ? 'Keine Teams-Präsenz' : 'No Teams presence';
  const row = builtIn.get(rowId);
  if (row) return row.label[lang];
  const custom = settings?.customRows.find((r) => r.id === rowId);
  return custom ? custom.label : rowId;
}

/** Teams availability values an admin can pick for a custom row (Graph's presence availability). */
export const AVAILABILITIES = ['Available', 'Busy', 'DoNotDisturb', 'BeRightBack', 'Away', 'Offline', 'PresenceUnknown'] as const;

/** Activities Graph reports, offered as suggestions (any other value may be typed). */
export const KNOWN_ACTIVITIES = [
  'Available', 'Away', 'BeRightBack', 'Busy', 'DoNotDisturb', 'InACall', 'InAConferenceCall', 'Inactive', 'InAMeeting',
  'Offline', 'OffWork', 'OutOfOffice', 'PresenceUnknown', 'Presenting', 'UrgentInterruptionsOnly', 'Focusing',
] as const;

export type TeamsCategory = 'available' | 'busy' | 'dnd' | 'away' | 'offline' | 'unknown';

export function teamsCategory(availability: string | undefined): TeamsCategory {
  switch ((availability ?? '').toLowerCase()) {
    case 'available':
    case 'availableidle':
      return 'available';
    case 'busy':
    case 'busyidle':
      return 'busy';
    case 'donotdisturb':
      return 'dnd';
    case 'away':
    case 'berightback':
      return 'away';
    case 'offline':
      return 'offline';
    default:
      return 'unknown';
  }
}
