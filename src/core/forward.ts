// One user's Teams → STARFACE step, composed from the pure parts: echo guard → classify → rule → desired state
// → ownership → minimal writes. The engine (sync/) does the I/O around it.
import { classifyWithReason, type MatchLevel } from './classify.js';
import { desiredPbxState, type DesiredPbxState } from './desired-state.js';
import type { KnownPbxState } from './diff.js';
import type { JournalEntry } from './journal.js';
import { DEFAULT_ECHO_GRACE_MS, isTeamsEcho, planPbxWrites, type PbxPlan } from './ownership.js';
import type { SettableCapabilities } from './pbx-state.js';
import type { Presence } from './presence.js';
import { effectiveRows, ruleForRow } from './rules.js';
import type { Settings } from './settings.js';
import type { StatusRow } from './status-rows.js';

export type ForwardSettings = Pick<Settings, 'rules' | 'customRows' | 'switches'> & { sync: Pick<Settings['sync'], 'ownershipMode'> };

export interface ForwardInput {
  presence: Presence;
  settings: ForwardSettings;
  /** effectiveRows(settings), computed once per cycle; computed here when omitted. */
  rows?: readonly StatusRow[];
  caps: SettableCapabilities;
  entry: JournalEntry;
  known: KnownPbxState;
  now: number;
  echoGraceMs?: number;
}

export interface ForwardPlan extends PbxPlan {
  rowId: string;
  level: MatchLevel;
  /** The presence is the bridge's own Teams session: nothing is planned for the PBX. */
  echo: boolean;
  desired: DesiredPbxState;
}

export function planForward(input: ForwardInput): ForwardPlan {
  const rows = input.rows ?? effectiveRows(input.settings);
  const { rowId, level } = classifyWithReason(input.presence, rows);
  if (isTeamsEcho(input.entry, input.presence, input.now, input.echoGraceMs ?? DEFAULT_ECHO_GRACE_MS)) {
    return { rowId, level, echo: true, desired: {}, writes: [], entry: input.entry, dndLeftAlone: input.entry.manualDnd !== undefined };
  }
  const desired = desiredPbxState(ruleForRow(input.settings, rowId), input.settings.switches, input.caps);
  const plan = planPbxWrites({ mode: input.settings.sync.ownershipMode, entry: input.entry, desired, known: input.known, now: input.now });
  return { rowId, level, echo: false, desired, ...plan };
}
