// Desired vs. baseline PBX state → the minimal list of writes: one per changed field, none when equal.
import type { DesiredPbxState } from './desired-state.js';
import type { ChatPresence } from './status-rows.js';

/** What is known about a user's PBX state; undefined = unknown. */
export interface KnownPbxState {
  dnd?: boolean;
  chatText?: string;
  chatPresence?: ChatPresence;
  telephonyInCall?: boolean;
}

export type PbxField = keyof KnownPbxState;

/** Fields in write order: DND first (it decides whether the phone rings), then what colleagues see. */
export const PBX_FIELDS: readonly PbxField[] = ['dnd', 'chatText', 'chatPresence', 'telephonyInCall'];

export type PbxWrite =
  | { field: 'dnd'; value: boolean }
  | { field: 'chatText'; value: string }
  | { field: 'chatPresence'; value: ChatPresence }
  | { field: 'telephonyInCall'; value: boolean };

/**
 * Writes that bring `baseline` to `desired`. A field left undefined in `desired` is never written; an unknown
 * baseline field is written. Exception: `telephonyInCall: false` is only written to take back a `true` in the
 * baseline — with an unknown baseline the bridge never claimed the state, so there is nothing to take back.
 */
export function diffPbxState(desired: DesiredPbxState, baseline: KnownPbxState): PbxWrite[] {
  const writes: PbxWrite[] = [];
  if (desired.dnd !== undefined && desired.dnd !== baseline.dnd) writes.push({ field: 'dnd', value: desired.dnd });
  if (desired.chatText !== undefined && desired.chatText !== baseline.chatText) writes.push({ field: 'chatText', value: desired.chatText });
  if (desired.chatPresence !== undefined && desired.chatPresence !== baseline.chatPresence) {
    writes.push({ field: 'chatPresence', value: desired.chatPresence });
  }
  if (desired.telephonyInCall !== undefined && desired.telephonyInCall !== (baseline.telephonyInCall ?? false)) {
    writes.push({ field: 'telephonyInCall', value: desired.telephonyInCall });
  }
  return writes;
}

/** The PBX state after the writes succeeded (to keep `known` current without re-reading the PBX). */
export function applyWrites(known: KnownPbxState, writes: readonly PbxWrite[]): KnownPbxState {
  const next: KnownPbxState = { ...known };
  for (const w of writes) {
    switch (w.field) {
      case 'dnd':
        next.dnd = w.value;
        break;
      case 'chatText':
        next.chatText = w.value;
        break;
      case 'chatPresence':
        next.chatPresence = w.value;
        break;
      case 'telephonyInCall':
        next.telephonyInCall = w.value;
        break;
    }
  }
  return next;
}
