// The ownership journal entry of one user: what the bridge wrote on each side, when, and the value it replaced.
// Plain JSON (persisted atomically by sync/); every function returns a new entry and never changes its input.
import { z } from 'zod';
import { sameValue } from './presence.js';
import type { TeamsSessionState } from './desired-state.js';
import type { KnownPbxState, PbxField, PbxWrite } from './diff.js';
import { CHAT_PRESENCES, type ChatPresence } from './status-rows.js';

export interface ConfirmedValue<T> {
  /** What the bridge last wrote. */
  value: T;
  /** When (ms since epoch, from the clock passed in). */
  at: number;
  /**
   * The value the bridge replaced: the last value on the PBX that the bridge did not write itself (so a user's
   * own change between two bridge writes becomes the value to restore). Absent = unknown.
   */
  replaced?: T;
}

export interface WrittenValue<T> extends ConfirmedValue<T> {
  /**
   * The write was recorded before it was sent and has not been confirmed since (write-ahead): it may or may not
   * have taken effect. A read of the PBX settles it (see settlePbxWrites); until then the value counts as
   * possibly written: restore puts the replaced value back, and the forward direction writes again.
   */
  unconfirmed?: true;
  /**
   * For an unconfirmed write: the record it replaced (absent: none), which holds again if the write never
   * happened — itself possibly unconfirmed (a write after a crash over one whose outcome is still unknown).
   */
  previous?: ConfirmedValue<T> & { unconfirmed?: true };
}

export interface PbxJournal {
  dnd?: WrittenValue<boolean>;
  chatText?: WrittenValue<string>;
  chatPresence?: WrittenValue<ChatPresence>;
  telephonyInCall?: WrittenValue<boolean>;
}

/** A DND the user set (or cleared) on the phone against the bridge, in 'respect-manual' mode. */
export interface ManualOverride {
  value: boolean;
  since: number;
}

/** The bridge's own Teams presence session for the user (setPresence with the app's client ID). */
export interface TeamsSessionRecord extends TeamsSessionState {
  setAt: number;
  refreshedAt: number;
  /**
   * Recorded before setPresence was sent and not confirmed since: the request may have reached Microsoft (a
   * timeout, an unreadable answer, a crash), so the session may exist. It counts for the echo guard and is
   * cleared on hang-up like a confirmed one (clearPresence answering 404 is fine).
   */
  unconfirmed?: true;
}

export interface JournalEntry {
  /** STARFACE login ID (the roster key). */
  user: string;
  pbx: PbxJournal;
  manualDnd?: ManualOverride;
  /** Active session; absent = the bridge holds no Teams session for the user. */
  teamsSession?: TeamsSessionRecord;
  /** The last session the bridge cleared, kept briefly so its echo in the next presence read is recognised. */
  teamsCleared?: TeamsSessionState & { at: number };
  /**
   * A restore was asked for (stop with restore, a change of PBX) and is not done yet: it is finished at the next
   * chance, even with sync off and whatever restoreOnStop says.
   */
  restoreDue?: true;
  updatedAt: number;
}

export function newJournalEntry(user: string, now: number): JournalEntry {
  return { user, pbx: {}, updatedAt: now };
}

function writtenAfter<T>(prev: WrittenValue<T> | undefined, value: T, before: T | undefined, now: number): WrittenValue<T> {
  // Our previous value still in place (or unknown) → the value we replaced is still the one from before.
  const stillOurs = prev !== undefined && (before === undefined || before === prev.value);
  const replaced = stillOurs ? prev.replaced : before;
  return replaced === undefined ? { value, at: now } : { value, at: now, replaced };
}

/**
 * Records a successful PBX write. `before` is the field's PBX value just before the write (undefined = unknown;
 * typically `known[write.field]`). A DND write ends any manual override (the bridge only writes DND when no
 * override holds).
 */
export function recordPbxWrite(entry: JournalEntry, write: PbxWrite, before: PbxWrite['value'] | undefined, now: number): JournalEntry {
  // A value of the wrong type (e.g. from a mixed-up field) counts as unknown rather than poisoning the journal.
  const prior = typeof before === typeof write.value ? before : undefined;
  const pbx: PbxJournal = { ...entry.pbx };
  switch (write.field) {
    case 'dnd':
      pbx.dnd = writtenAfter(pbx.dnd, write.value, prior as boolean | undefined, now);
      break;
    case 'chatText':
      pbx.chatText = writtenAfter(pbx.chatText, write.value, prior as string | undefined, now);
      break;
    case 'chatPresence':
      pbx.chatPresence = writtenAfter(pbx.chatPresence, write.value, prior as ChatPresence | undefined, now);
      break;
    case 'telephonyInCall':
      pbx.telephonyInCall = writtenAfter(pbx.telephonyInCall, write.value, prior as boolean | undefined, now);
      break;
  }
  const next: JournalEntry = { ...entry, pbx, updatedAt: now };
  if (write.field === 'dnd') delete next.manualDnd;
  return next;
}

function confirmedPart<T>(w: WrittenValue<T>): ConfirmedValue<T> {
  return w.replaced === undefined ? { value: w.value, at: w.at } : { value: w.value, at: w.at, replaced: w.replaced };
}

/**
 * Records a write the bridge is about to send (write-ahead), unconfirmed until the PBX answers or a read shows
 * it. The value it replaces is worked out as for a confirmed write; the record it supersedes is kept so a
 * write that never happened can be taken back exactly (withdrawPbxWrite).
 */
export function recordPbxIntent(entry: JournalEntry, write: PbxWrite, before: PbxWrite['value'] | undefined, now: number): JournalEntry {
  const prev = entry.pbx[write.field] as WrittenValue<PbxWrite['value']> | undefined;
  // The same write is already recorded and not confirmed (recorded ahead, or left by a crash): it stands.
  if (prev?.unconfirmed && prev.value === write.value) return entry;
  const next = recordPbxWrite(entry, write, before, now);
  const written = { ...(next.pbx[write.field] as WrittenValue<PbxWrite['value']>), unconfirmed: true as const };
  // An earlier write whose outcome is still unknown may have taken effect: if this one never happens, that one
  // holds again, still unconfirmed (only one level is kept).
  if (prev) written.previous = prev.unconfirmed ? { ...confirmedPart(prev), unconfirmed: true } : confirmedPart(prev);
  return { ...next, pbx: { ...next.pbx, [write.field]: written } };
}

/** The PBX took the write: the record is a plain, confirmed one. */
export function confirmPbxWrite(entry: JournalEntry, field: PbxField, now: number): JournalEntry {
  const w = entry.pbx[field] as WrittenValue<PbxWrite['value']> | undefined;
  if (!w?.unconfirmed) return entry;
  return { ...entry, pbx: { ...entry.pbx, [field]: confirmedPart(w) }, updatedAt: now };
}

/** The write never happened (not sent, or the PBX shows it did not take effect): back to the record before it. */
export function withdrawPbxWrite(entry: JournalEntry, field: PbxField, now: number): JournalEntry {
  const w = entry.pbx[field] as WrittenValue<PbxWrite['value']> | undefined;
  if (!w?.unconfirmed) return entry;
  const pbx: PbxJournal = { ...entry.pbx };
  if (w.previous) (pbx as Record<PbxField, ConfirmedValue<unknown>>)[field] = w.previous;
  else delete pbx[field];
  return { ...entry, pbx, updatedAt: now };
}

/** Whether any PBX write of the entry is still unconfirmed. */
export function hasUnconfirmedWrites(entry: JournalEntry): boolean {
  return Object.values(entry.pbx).some((w) => (w as WrittenValue<unknown> | undefined)?.unconfirmed === true);
}

/**
 * Settles unconfirmed writes against a fresh read of the PBX (`known`; undefined fields stay unconfirmed, e.g. a
 * DND the PBX does not report): the PBX shows the value → the write took effect; it shows another value → the
 * write did not take effect (or the user changed it since), and the record before it holds again.
 */
export function settlePbxWrites(entry: JournalEntry, known: KnownPbxState, now: number): JournalEntry {
  let next = entry;
  for (const [field, w] of Object.entries(entry.pbx) as [PbxField, WrittenValue<unknown>][]) {
    if (!w?.unconfirmed || field === 'telephonyInCall') continue;
    const seen = known[field];
    if (seen === undefined) continue;
    next = seen === w.value ? confirmPbxWrite(next, field, now) : withdrawPbxWrite(next, field, now);
  }
  return next;
}

/** Forgets what the bridge wrote to a field (after restoring it, or when the user took it over). */
export function forgetPbxField(entry: JournalEntry, field: PbxField, now: number): JournalEntry {
  const pbx: PbxJournal = { ...entry.pbx };
  delete pbx[field];
  return { ...entry, pbx, updatedAt: now };
}

/** Records a successful setPresence (a new session state, or a keep-alive refresh of the same one). */
export function recordTeamsSessionSet(entry: JournalEntry, session: TeamsSessionState, now: number): JournalEntry {
  const prev = entry.teamsSession;
  const same = prev !== undefined && sameValue(prev.availability, session.availability) && sameValue(prev.activity, session.activity);
  const next: JournalEntry = {
    ...entry,
    teamsSession: { availability: session.availability, activity: session.activity, setAt: same ? prev.setAt : now, refreshedAt: now },
    updatedAt: now,
  };
  delete next.teamsCleared;
  return next;
}

/** Records a setPresence the bridge is about to send (write-ahead): from now on the session may exist. */
export function recordTeamsSessionIntent(entry: JournalEntry, session: TeamsSessionState, now: number): JournalEntry {
  const next = recordTeamsSessionSet(entry, session, now);
  return { ...next, teamsSession: { ...next.teamsSession!, unconfirmed: true } };
}

/** Records a successful clearPresence (404 counts as success: the session is gone either way). */
export function recordTeamsSessionCleared(entry: JournalEntry, now: number): JournalEntry {
  const next: JournalEntry = { ...entry, updatedAt: now };
  const prev = entry.teamsSession;
  delete next.teamsSession;
  if (prev) next.teamsCleared = { availability: prev.availability, activity: prev.activity, at: now };
  return next;
}

/** True when the entry holds nothing the bridge would have to restore or clear. */
export function isJournalEntryEmpty(entry: JournalEntry): boolean {
  return Object.keys(entry.pbx).length === 0 && entry.teamsSession === undefined && entry.manualDnd === undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Loading a persisted journal

const time = z.number().finite();
const written = <T extends z.ZodType>(value: T) => z.object({
  value,
  at: time,
  replaced: value.optional(),
  unconfirmed: z.literal(true).optional(),
  previous: z.object({ value, at: time, replaced: value.optional(), unconfirmed: z.literal(true).optional() }).optional(),
});
const sessionState = { availability: z.string(), activity: z.string() };

export const JournalEntrySchema = z.object({
  user: z.string().min(1),
  pbx: z.object({
    dnd: written(z.boolean()).optional(),
    chatText: written(z.string()).optional(),
    chatPresence: written(z.enum(CHAT_PRESENCES)).optional(),
    telephonyInCall: written(z.boolean()).optional(),
  }),
  manualDnd: z.object({ value: z.boolean(), since: time }).optional(),
  teamsSession: z.object({ ...sessionState, setAt: time, refreshedAt: time, unconfirmed: z.literal(true).optional() }).optional(),
  teamsCleared: z.object({ ...sessionState, at: time }).optional(),
  restoreDue: z.literal(true).optional(),
  updatedAt: time,
});

/** Journal file content: one entry per user login ID. */
export type Journal = Record<string, JournalEntry>;

/**
 * Reads a persisted journal. Never throws: entries that do not parse are reported in `invalid` (with the reason)
 * so the caller can log them; everything else is kept, so one bad entry never loses the others' restore data.
 */
export function parseJournal(raw: unknown): { journal: Journal; invalid: { key: string; reason: string }[] } {
  const journal: Journal = {};
  const invalid: { key: string; reason: string }[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { journal, invalid: raw === undefined ? [] : [{ key: '', reason: 'journal is not an object' }] };
  }
  for (const [key, value] of Object.entries(raw)) {
    const r = JournalEntrySchema.safeParse(value);
    if (!r.success) {
      invalid.push({ key, reason: r.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ') });
      continue;
    }
    if (r.data.user !== key) {
      invalid.push({ key, reason: `entry is for user "${r.data.user}", not "${key}"` });
      continue;
    }
    journal[key] = stripUndefined(r.data) as JournalEntry;
  }
  return { journal, invalid };
}

function stripUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripUndefined);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, stripUndefined(x)]));
  }
  return v;
}
