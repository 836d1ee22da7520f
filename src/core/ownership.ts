// Never fight the user: decisions over a user's journal entry. Pure and deterministic; the clock comes in as `now`.
//
// Modes (settings.sync.ownershipMode):
// - 'teams-leads': the PBX follows Teams. Every field is compared with the PBX state as read (falling back to
//   what the bridge last wrote), so a DND the user pressed on the phone is overwritten — the classic behaviour.
// - 'respect-manual': a DND on the PBX that the bridge did not write is the user's. The bridge leaves DND alone
//   until the override ends, then resumes:
//     manual ON  (user pressed DND; the bridge had not set it) ends when PBX DND is off again (the user cleared
//                it, i.e. back to what the bridge last wrote / off);
//     manual OFF (user cleared a DND the bridge had set) ends when PBX DND is on again (back to what the bridge
//                wrote), or when the rule no longer wants DND (the reason for the conflict has passed; the
//                bridge then stops claiming the DND it had set, as the user already cleared it).
//   Chat text and chat presence are written when the desired value changes (compared with what the bridge last
//   wrote), not whenever the PBX differs: a text the user or the UCC client set stays until the next Teams change.
import type { OwnershipMode } from './settings.js';
import { sameValue, type Presence } from './presence.js';
import type { DesiredPbxState, TeamsSessionState } from './desired-state.js';
import { diffPbxState, PBX_FIELDS, type KnownPbxState, type PbxField, type PbxWrite } from './diff.js';
import { settlePbxWrites, type JournalEntry, type WrittenValue } from './journal.js';

// ---------------------------------------------------------------------------------------------------------------
// DND ownership

export interface DndOwnership {
  /** The entry with the manual-override state updated (persist it even when nothing is written). */
  entry: JournalEntry;
  /** True while a manual override holds: do not write DND. */
  leaveAlone: boolean;
}

/**
 * Updates the manual-override state from the PBX DND as read now (`knownDnd`; undefined = unknown, nothing can
 * be detected) and the DND the rule wants (`desiredDnd`; undefined = leave). Pass `knownDnd` as the PBX shows it
 * after the bridge's own successful writes (see applyWrites), or a stale read looks like a user change.
 */
export function dndOwnership(mode: OwnershipMode, entry: JournalEntry, knownDnd: boolean | undefined, desiredDnd: boolean | undefined, now: number): DndOwnership {
  if (mode === 'teams-leads') {
    if (entry.manualDnd === undefined) return { entry, leaveAlone: false };
    const next = { ...entry, updatedAt: now };
    delete next.manualDnd;
    return { entry: next, leaveAlone: false };
  }
  // Unknown PBX value, or a DND write of the bridge's whose outcome is not known yet: nothing can be detected.
  if (knownDnd === undefined || entry.pbx.dnd?.unconfirmed) return { entry, leaveAlone: entry.manualDnd !== undefined };

  let next = entry;
  const last = entry.pbx.dnd?.value;
  const manual = entry.manualDnd;
  let holds = manual !== undefined;
  let adopt = false;

  if (manual) {
    const ended = manual.value ? knownDnd === false : knownDnd === true || desiredDnd === false;
    if (ended) {
      holds = false;
      next = { ...next, updatedAt: now };
      delete next.manualDnd;
      adopt = !manual.value && knownDnd === false && last === true;
    }
  } else if (knownDnd === true && last !== true) {
    next = { ...next, manualDnd: { value: true, since: now }, updatedAt: now };
    holds = true;
  } else if (knownDnd === false && last === true) {
    if (desiredDnd === false) adopt = true; // user and rule agree; nothing to fight over
    else {
      next = { ...next, manualDnd: { value: false, since: now }, updatedAt: now };
      holds = true;
    }
  }

  if (adopt) {
    // The user cleared the DND the bridge had set: that DND is no longer the bridge's to restore or defend.
    const pbx = { ...next.pbx };
    delete pbx.dnd;
    next = { ...next, pbx, updatedAt: now };
  }
  return { entry: next, leaveAlone: holds };
}

// ---------------------------------------------------------------------------------------------------------------
// Teams → STARFACE writes

export interface PbxPlanInput {
  mode: OwnershipMode;
  entry: JournalEntry;
  desired: DesiredPbxState;
  /** PBX state as read (after the bridge's own successful writes); undefined fields = unknown. */
  known: KnownPbxState;
  now: number;
}

export interface PbxPlan {
  /**
   * Writes in order. After each succeeds: `entry = recordPbxWrite(entry, w, known[w.field], now)` and update
   * known (applyWrites). An idle cycle (nothing changed) yields none.
   */
  writes: PbxWrite[];
  /** Entry with the ownership state updated; persist it (it may change even with no writes). */
  entry: JournalEntry;
  /** DND was not written because of a manual override (show it in the UI). */
  dndLeftAlone: boolean;
}

/** The baseline each field is compared with (see the mode description at the top of this file). */
export function pbxBaseline(mode: OwnershipMode, entry: JournalEntry, known: KnownPbxState): KnownPbxState {
  // A write whose outcome is unknown is no baseline: only a read of the PBX is (unknown → written again).
  const ours: typeof entry.pbx = {};
  for (const [field, w] of Object.entries(entry.pbx) as [PbxField, WrittenValue<never>][]) {
    if (!w.unconfirmed) (ours as Record<PbxField, WrittenValue<never>>)[field] = w;
  }
  const base: KnownPbxState = {};
  const dnd = known.dnd ?? ours.dnd?.value;
  if (dnd !== undefined) base.dnd = dnd;
  const chatText = mode === 'teams-leads' ? (known.chatText ?? ours.chatText?.value) : (ours.chatText?.value ?? known.chatText);
  if (chatText !== undefined) base.chatText = chatText;
  const chatPresence = mode === 'teams-leads' ? (known.chatPresence ?? ours.chatPresence?.value) : (ours.chatPresence?.value ?? known.chatPresence);
  if (chatPresence !== undefined) base.chatPresence = chatPresence;
  // The PBX's telephony state reflects real calls; only the bridge's own claim counts.
  if (ours.telephonyInCall !== undefined) base.telephonyInCall = ours.telephonyInCall.value;
  return base;
}

export function planPbxWrites(input: PbxPlanInput): PbxPlan {
  const { mode, desired, known, now } = input;
  const own = dndOwnership(mode, input.entry, known.dnd, desired.dnd, now);
  const effective: DesiredPbxState = { ...desired };
  if (own.leaveAlone) delete effective.dnd;
  const writes = diffPbxState(effective, pbxBaseline(mode, own.entry, known));
  return { writes, entry: own.entry, dndLeftAlone: own.leaveAlone };
}

// ---------------------------------------------------------------------------------------------------------------
// STARFACE → Teams session

/** How long after clearing its session the bridge still treats that state in a presence read as its echo. */
export const DEFAULT_ECHO_GRACE_MS = 20_000;

function sameSession(a: TeamsSessionState, b: TeamsSessionState): boolean {
  return sameValue(a.availability, b.availability) && sameValue(a.activity, b.activity);
}

/**
 * True when a Teams presence read is the bridge's own session coming back (while it holds the session, or
 * within `graceMs` after clearing it) — not a change by the user, so it must not drive the PBX.
 */
export function isTeamsEcho(entry: JournalEntry, presence: Presence, now: number, graceMs: number = DEFAULT_ECHO_GRACE_MS): boolean {
  const seen = { availability: presence.availability, activity: presence.activity };
  if (entry.teamsSession && sameSession(entry.teamsSession, seen)) return true;
  const cleared = entry.teamsCleared;
  return cleared !== undefined && now - cleared.at <= graceMs && sameSession(cleared, seen);
}

export type TeamsSessionAction =
  | { kind: 'none' }
  | { kind: 'set'; session: TeamsSessionState }
  | { kind: 'refresh'; session: TeamsSessionState }
  | { kind: 'clear' };

/**
 * What to do with the user's Teams session: set a new state, refresh the held one (setPresence again before
 * it expires; `refreshMs` from settings.sync.teamsSessionRefreshSeconds), clear it, or nothing.
 */
export function teamsSessionAction(entry: JournalEntry, desired: TeamsSessionState | null, now: number, refreshMs: number): TeamsSessionAction {
  const held = entry.teamsSession;
  if (desired === null) return held ? { kind: 'clear' } : { kind: 'none' };
  if (!held || !sameSession(held, desired)) return { kind: 'set', session: { availability: desired.availability, activity: desired.activity } };
  if (now - held.refreshedAt >= refreshMs) return { kind: 'refresh', session: { availability: held.availability, activity: held.activity } };
  return { kind: 'none' };
}

// ---------------------------------------------------------------------------------------------------------------
// Restore (stop, deselect, quit with restore, or a switch turned off)

export interface RestorePlan {
  /** Writes that put back what the bridge replaced; after each succeeds, forgetPbxField(entry, w.field, now). */
  pbxWrites: PbxWrite[];
  /** The bridge holds a Teams session for the user: clearPresence it, then recordTeamsSessionCleared. */
  clearTeamsSession: boolean;
  /** Fields the bridge wrote but leaves as they are (the user changed them since); forget them. */
  leftAsIs: PbxField[];
}

/**
 * What to write back for a user. A field is restored only while the bridge's value is still in place (known
 * equals what it wrote, or known is unknown — after a crash the PBX may not be read yet, and a DND must never
 * stay stuck). Targets: the value the bridge replaced; for DND and "in call" an unknown value means off. A chat
 * text or presence whose previous value is unknown is left as is. A DND under manual override is the user's.
 */
export function restorePlan(unsettled: JournalEntry, known: KnownPbxState, fields: readonly PbxField[] = PBX_FIELDS): RestorePlan {
  // A write whose outcome is unknown and that the PBX does not show otherwise may have taken effect: it is
  // restored like a confirmed one (writes are idempotent). Callers settle the stored entry the same way.
  const entry = settlePbxWrites(unsettled, known, unsettled.updatedAt);
  const pbxWrites: PbxWrite[] = [];
  const leftAsIs: PbxField[] = [];
  for (const field of PBX_FIELDS) {
    if (!fields.includes(field)) continue;
    const written = entry.pbx[field];
    if (!written) continue;
    const current = field === 'telephonyInCall' ? undefined : known[field];
    const userOwned = (current !== undefined && current !== written.value) || (field === 'dnd' && entry.manualDnd !== undefined);
    if (userOwned) {
      leftAsIs.push(field);
      continue;
    }
    const target = written.replaced ?? (field === 'dnd' || field === 'telephonyInCall' ? false : undefined);
    if (target === undefined || target === written.value) {
      leftAsIs.push(field);
      continue;
    }
    pbxWrites.push({ field, value: target } as PbxWrite);
  }
  return { pbxWrites, clearTeamsSession: entry.teamsSession !== undefined, leftAsIs };
}
