// The normalized Teams presence. Graph documents availability/activity as enums but its own docs disagree on the
// spelling (PascalCase vs lowerCamel), so both are open strings compared case-insensitively (reference §1.4).

export interface Presence {
  availability: string;
  activity: string;
  /** outOfOfficeSettings.isOutOfOffice (the activity `OutOfOffice` is handled by classify as well). */
  outOfOffice: boolean;
  /** Graph's lexicographically sortable version stamp; used to drop out-of-order updates. */
  sequenceNumber?: string;
}

export const PRESENCE_UNKNOWN = 'PresenceUnknown';

/** Documented values (GDC resources/presence.md v1.0), in the PascalCase the API returns. */
export const DOCUMENTED_AVAILABILITIES = [
  'Available', 'AvailableIdle', 'Away', 'BeRightBack', 'Busy', 'BusyIdle', 'DoNotDisturb', 'Offline', 'PresenceUnknown',
] as const;
export const DOCUMENTED_ACTIVITIES = [
  'Available', 'Away', 'BeRightBack', 'Busy', 'DoNotDisturb', 'InACall', 'InAConferenceCall', 'Inactive', 'InAMeeting',
  'Offline', 'OffWork', 'OutOfOffice', 'PresenceUnknown', 'Presenting', 'UrgentInterruptionsOnly',
] as const;

/**
 * A user Teams has no presence for: users without a Teams licence and guests answer PresenceUnknown for both
 * values (reference addendum). The bridge shows them as "no Teams presence" and leaves their PBX alone.
 */
export const NO_TEAMS_PRESENCE_ROW_ID = 'no-teams-presence';

export function hasNoTeamsPresence(p: Presence): boolean {
  return sameValue(p.availability, PRESENCE_UNKNOWN) && sameValue(p.activity, PRESENCE_UNKNOWN);
}

/** Case- and surrounding-whitespace-insensitive equality of two presence values. */
export function sameValue(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** True when the user is out of office: the OOF flag, or the activity `OutOfOffice`. */
export function isOutOfOffice(p: Presence): boolean {
  return p.outOfOffice || sameValue(p.activity, 'OutOfOffice');
}

/** Same status (availability, activity, OOF); the sequence number is a version stamp, not part of the status. */
export function samePresence(a: Presence, b: Presence): boolean {
  return sameValue(a.availability, b.availability) && sameValue(a.activity, b.activity) && a.outOfOffice === b.outOfOffice;
}

/**
 * Whether `next` may replace `previous`: true unless both carry a sequence number and next's is not greater.
 * (Graph: "lexicographically sortable"; a missing stamp cannot be ordered, so it is accepted.)
 */
export function isNewerPresence(next: Presence, previous: Presence | undefined): boolean {
  if (!previous || previous.sequenceNumber === undefined || next.sequenceNumber === undefined) return true;
  return next.sequenceNumber > previous.sequenceNumber;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * Normalizes one Graph presence object (`{ id, availability, activity, outOfOfficeSettings, sequenceNumber }`).
 * Never throws: missing or non-string values become `PresenceUnknown`, which classifies as "Unknown".
 */
export function presenceFromGraph(raw: unknown): Presence {
  const o = isRecord(raw) ? raw : {};
  const oof = isRecord(o['outOfOfficeSettings']) ? o['outOfOfficeSettings']['isOutOfOffice'] === true : false;
  const seq = o['sequenceNumber'];
  const presence: Presence = {
    availability: text(o['availability']) ?? PRESENCE_UNKNOWN,
    activity: text(o['activity']) ?? PRESENCE_UNKNOWN,
    outOfOffice: oof,
  };
  if (typeof seq === 'string' && seq !== '') presence.sequenceNumber = seq;
  return presence;
}
