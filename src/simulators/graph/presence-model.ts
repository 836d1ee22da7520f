// Presence of one simulated user, aggregated the way the reference (§1.5) describes Teams doing it:
// user-preferred presence > session states; among sessions DoNotDisturb > Busy > Available > Away;
// app sessions expire; with no session at all the user is Offline.

export interface PresencePair {
  availability: string;
  activity: string;
}

export interface AppSession extends PresencePair {
  sessionId: string;
  setAt: number;
  expiresAt: number;
}

export interface PreferredPresence extends PresencePair {
  expiresAt: number;
}

export interface UserPresenceState {
  /** The user's own Teams client session (null = no Teams client signed in). */
  own: PresencePair | null;
  outOfOffice: boolean;
  outOfOfficeMessage: string | null;
  preferred: PreferredPresence | null;
  sessions: Map<string, AppSession>;
  /** Last aggregated value and its sequence number (bumped whenever the aggregate changes). */
  lastKey: string;
  sequence: number;
}

export interface AggregatedPresence extends PresencePair {
  outOfOffice: boolean;
  outOfOfficeMessage: string | null;
}

/** Session precedence. Unknown availabilities rank lowest but above "no session". */
const RANK: Record<string, number> = {
  donotdisturb: 60,
  busy: 50,
  busyidle: 45,
  available: 40,
  availableidle: 35,
  away: 20,
  berightback: 20,
  offline: 1,
  presenceunknown: 1,
};

export function sessionRank(availability: string): number {
  return RANK[availability.toLowerCase()] ?? 5;
}

/** setPresence: the pairs the reference lists as supported (§1.2). */
export const SET_PRESENCE_PAIRS: ReadonlyArray<PresencePair> = [
  { availability: 'Available', activity: 'Available' },
  { availability: 'Busy', activity: 'InACall' },
  { availability: 'Busy', activity: 'InAConferenceCall' },
  { availability: 'Away', activity: 'Away' },
  { availability: 'DoNotDisturb', activity: 'Presenting' },
];

/** setUserPreferredPresence: supported pairs (§1.3). */
export const PREFERRED_PAIRS: ReadonlyArray<PresencePair> = [
  { availability: 'Available', activity: 'Available' },
  { availability: 'Busy', activity: 'Busy' },
  { availability: 'DoNotDisturb', activity: 'DoNotDisturb' },
  { availability: 'BeRightBack', activity: 'BeRightBack' },
  { availability: 'Away', activity: 'Away' },
  { availability: 'Offline', activity: 'OffWork' },
];

/** The pair as listed (canonical casing), or undefined when it is not allowed. */
export function findPair(list: ReadonlyArray<PresencePair>, availability: string, activity: string): PresencePair | undefined {
  const a = availability.toLowerCase();
  const b = activity.toLowerCase();
  return list.find((p) => p.availability.toLowerCase() === a && p.activity.toLowerCase() === b);
}

export function newPresenceState(): UserPresenceState {
  return { own: null, outOfOffice: false, outOfOfficeMessage: null, preferred: null, sessions: new Map(), lastKey: '', sequence: 0 };
}

/** Drops expired app sessions and preferred presence. */
export function expire(state: UserPresenceState, now: number): void {
  for (const [id, s] of state.sessions) if (s.expiresAt <= now) state.sessions.delete(id);
  if (state.preferred && state.preferred.expiresAt <= now) state.preferred = null;
}

export function aggregate(state: UserPresenceState, now: number): AggregatedPresence {
  expire(state, now);
  const candidates: PresencePair[] = [...state.sessions.values()];
  if (state.own && state.own.availability.toLowerCase() !== 'offline') candidates.unshift(state.own);
  let result: PresencePair;
  if (candidates.length === 0) {
    // Preferred presence only takes effect while at least one session exists (§1.3).
    result = { availability: 'Offline', activity: 'Offline' };
  } else if (state.preferred) {
    result = { availability: state.preferred.availability, activity: state.preferred.activity };
  } else {
    result = candidates.reduce((best, c) => (sessionRank(c.availability) > sessionRank(best.availability) ? c : best));
    result = { availability: result.availability, activity: result.activity };
  }
  // Out of office: plain states show activity OutOfOffice ("Available, out of office"); calls keep theirs (+ OOF flag).
  if (state.outOfOffice && result.activity.toLowerCase() === result.availability.toLowerCase()) {
    result = { availability: result.availability, activity: 'OutOfOffice' };
  }
  return { ...result, outOfOffice: state.outOfOffice, outOfOfficeMessage: state.outOfOfficeMessage };
}

/** Aggregates and bumps the sequence number when the visible presence changed. */
export function currentPresence(state: UserPresenceState, now: number, sequence: PresenceSequence): AggregatedPresence & { sequence: number; changed: boolean } {
  const agg = aggregate(state, now);
  const key = `${agg.availability}|${agg.activity}|${agg.outOfOffice}|${agg.outOfOfficeMessage ?? ''}`;
  const changed = key !== state.lastKey;
  if (changed) {
    state.lastKey = key;
    state.sequence = sequence.next();
  }
  return { ...agg, sequence: state.sequence, changed };
}

/**
 * Graph's presence stamps for one simulated tenant: they only grow, for every user, until restart (a backend
 * reset). Per simulator, so two simulators in one process (tests, the demo) never see each other's stamps.
 */
export class PresenceSequence {
  private counter = 0;
  private width = 20;

  next(): number {
    this.counter += 1;
    return this.counter;
  }

  /** Simulates a reset of Graph's presence stamps: the counter starts again at `next`, optionally with another width. */
  restart(next: number, width = this.width): void {
    this.counter = Math.max(0, Math.floor(next) - 1);
    this.width = Math.min(40, Math.max(1, Math.floor(width)));
  }

  /** The wire form: a lexicographically sortable string stamp (fixed width), as the reference describes. */
  format(seq: number): string {
    return String(seq).padStart(this.width, '0');
  }
}

/** ISO 8601 duration (PTnHnMnS, also PnD) to milliseconds; undefined when malformed. */
export function parseIsoDuration(text: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return undefined;
  const [, d, h, mi, s] = m;
  if (!d && !h && !mi && !s) return undefined;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}
