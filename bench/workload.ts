// What the benchmark does to the simulated people: their Teams presence before the engine starts, the
// Teams → STARFACE changes (each one flips the DND flag the default rules derive, so every change has a
// visible PBX result to time), and scripted STARFACE calls for the reverse direction.
import { defaultRuleFor, type BuiltInRowId } from '../src/core/status-rows.js';
import { rng } from './stats.js';

export interface TeamsState {
  /** The status row the default rules classify it into. */
  row: BuiltInRowId;
  availability: string;
  activity: string;
}

/** The states the generator uses, with the row each falls into (see ../shared/design/status-rows.md). */
export const STATES: readonly TeamsState[] = [
  { row: 'available', availability: 'Available', activity: 'Available' },
  { row: 'away', availability: 'Away', activity: 'Away' },
  { row: 'busy-in-meeting', availability: 'Busy', activity: 'InAMeeting' },
  { row: 'dnd', availability: 'DoNotDisturb', activity: 'DoNotDisturb' },
];

/** What the PBX should show for a state under the default rules (German chat texts). */
export function expectedPbx(state: TeamsState): { dnd: boolean; chatText: string } {
  const rule = defaultRuleFor(state.row, 'de');
  if (rule.dnd === 'unchanged') throw new Error(`The benchmark needs rows with a defined DND value; "${state.row}" leaves it unchanged.`);
  return { dnd: rule.dnd === 'on', chatText: rule.chatText };
}

export interface Workload {
  /** Users that get Teams presence changes (forward direction). */
  forwardUsers: string[];
  /** Users that get STARFACE calls (reverse direction); their own Teams presence stays Available. */
  callUsers: string[];
  /** Initial Teams state per login (set before the engine starts). */
  initial: Map<string, TeamsState>;
}

/**
 * Splits the synced users: a tenth (at least 2, at most 100) receive calls, the rest presence changes.
 * Initial presence: 60 % Available, 15 % Away, 15 % in a meeting, 10 % Do not disturb — so the first sync
 * writes a chat text for everyone and DND for a quarter, like a fresh install in a real office.
 */
export function planWorkload(logins: readonly string[], seed: number): Workload {
  const random = rng(seed);
  const callCount = Math.min(100, Math.max(2, Math.round(logins.length / 10)));
  const callUsers = logins.slice(0, callCount);
  const forwardUsers = logins.slice(callCount);
  const initial = new Map<string, TeamsState>();
  for (const login of callUsers) initial.set(login, STATES[0]!);
  for (const login of forwardUsers) {
    const r = random();
    initial.set(login, r < 0.6 ? STATES[0]! : r < 0.75 ? STATES[1]! : r < 0.9 ? STATES[2]! : STATES[3]!);
  }
  return { forwardUsers, callUsers, initial };
}

/** A new state for a user whose DND is `dnd` now: always one that flips DND, chosen at random. */
export function nextState(current: TeamsState, random: () => number): TeamsState {
  const flip = !expectedPbx(current).dnd;
  const candidates = STATES.filter((s) => expectedPbx(s).dnd === flip);
  return candidates[Math.floor(random() * candidates.length)]!;
}

/**
 * Start offsets (ms) for `count` events spread over `durationMs`: evenly spaced slots, each with a random
 * position inside its slot, so the events fall at every phase of the poll cycle.
 */
export function spreadOffsets(count: number, durationMs: number, random: () => number): number[] {
  if (count <= 0) return [];
  const slot = durationMs / count;
  return Array.from({ length: count }, (_, i) => Math.round(i * slot + random() * slot));
}
