// The names Microsoft Teams shows for a presence, in German and English, exactly as the Teams client words them.
// One table for the status rows, the board and the reverse direction, so an admin reads the same word everywhere
// (docs/glossary.md). Graph values are compared case-insensitively; unknown values are shown as they are.

export type TeamsNameLanguage = 'de' | 'en';
type Names = Readonly<Record<TeamsNameLanguage, string>>;

/** Graph `availability` → the status Teams shows. */
export const TEAMS_AVAILABILITY_NAMES: Readonly<Record<string, Names>> = {
  Available: { de: 'Verfügbar', en: 'Available' },
  AvailableIdle: { de: 'Verfügbar', en: 'Available' },
  Busy: { de: 'Beschäftigt', en: 'Busy' },
  BusyIdle: { de: 'Beschäftigt', en: 'Busy' },
  DoNotDisturb: { de: 'Nicht stören', en: 'Do not disturb' },
  BeRightBack: { de: 'Bin gleich zurück', en: 'Be right back' },
  Away: { de: 'Abwesend', en: 'Away' },
  Offline: { de: 'Offline', en: 'Offline' },
  PresenceUnknown: { de: 'Unbekannt', en: 'Unknown' },
};

/** Graph `activity` → the detail Teams shows under the status. */
export const TEAMS_ACTIVITY_NAMES: Readonly<Record<string, Names>> = {
  Available: { de: 'Verfügbar', en: 'Available' },
  Away: { de: 'Abwesend', en: 'Away' },
  BeRightBack: { de: 'Bin gleich zurück', en: 'Be right back' },
  Busy: { de: 'Beschäftigt', en: 'Busy' },
  DoNotDisturb: { de: 'Nicht stören', en: 'Do not disturb' },
  InACall: { de: 'Im Anruf', en: 'In a call' },
  InAConferenceCall: { de: 'In einer Telefonkonferenz', en: 'In a conference call' },
  InAMeeting: { de: 'In einer Besprechung', en: 'In a meeting' },
  Inactive: { de: 'Inaktiv', en: 'Inactive' },
  Offline: { de: 'Offline', en: 'Offline' },
  OffWork: { de: 'Feierabend', en: 'Off work' },
  OutOfOffice: { de: 'Außer Haus', en: 'Out of office' },
  PresenceUnknown: { de: 'Unbekannt', en: 'Unknown' },
  Presenting: { de: 'Präsentiert', en: 'Presenting' },
  UrgentInterruptionsOnly: { de: 'Nur dringende Unterbrechungen', en: 'Urgent interruptions only' },
  Focusing: { de: 'Konzentriert', en: 'Focusing' },
};

/** The "out of office" addition Teams shows next to a status. */
export const OUT_OF_OFFICE_NAME: Names = TEAMS_ACTIVITY_NAMES.OutOfOffice!;

function lookup(table: Readonly<Record<string, Names>>, value: string): Names | undefined {
  const direct = table[value];
  if (direct) return direct;
  const lower = value.toLowerCase();
  const key = Object.keys(table).find((k) => k.toLowerCase() === lower);
  return key ? table[key] : undefined;
}

/** The name Teams shows for an availability; an unknown value is returned as it is. */
export function availabilityName(availability: string, lang: TeamsNameLanguage): string {
  return lookup(TEAMS_AVAILABILITY_NAMES, availability)?.[lang] ?? availability;
}

/** The name Teams shows for an activity; an unknown value is returned as it is. */
export function activityName(activity: string, lang: TeamsNameLanguage): string {
  return lookup(TEAMS_ACTIVITY_NAMES, activity)?.[lang] ?? activity;
}

/**
 * One line for a Teams presence as Teams words it: the activity alone when it says more than the availability
 * ("Im Anruf", "Präsentiert"), else the availability ("Beschäftigt").
 */
export function presenceName(availability: string, activity: string, lang: TeamsNameLanguage): string {
  const a = availabilityName(availability, lang);
  const act = activityName(activity, lang);
  if (activity === '' || act === a || activity.toLowerCase() === availability.toLowerCase()) return a;
  return act;
}

/** "Beschäftigt – Im Anruf": an availability and its activity, as the status rows and the reverse direction name them. */
export function availabilityAndActivityName(availability: string, activity: string, lang: TeamsNameLanguage): string {
  return `${availabilityName(availability, lang)} – ${activityName(activity, lang)}`;
}
