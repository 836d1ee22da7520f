// Writing a user's PBX state and keeping the journal true to it: every write (DND on and off, chat text, chat
// presence) is recorded with the value it replaces before it is sent, so a crash between the PBX call and the
// journal never leaves a value behind that the bridge does not know it set. Also the translation of a UCI
// state read into the engine's view of the PBX (`knownFromState`).
import { audit, whoParams, type AuditCode, type AuditWhy } from '../core/audit.js';
import { applyWrites, PBX_FIELDS, type KnownPbxState, type PbxField, type PbxWrite } from '../core/diff.js';
import {
  confirmPbxWrite, hasUnconfirmedWrites, recordPbxIntent, settlePbxWrites, withdrawPbxWrite, type JournalEntry,
} from '../core/journal.js';
import { CHAT_PRESENCES, type ChatPresence } from '../core/status-rows.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { JournalStore } from './journal.js';
import { UciUnsupportedError } from '../starface/errors.js';
import type { PbxPort, UciUserState } from './ports.js';
import { errText, type SyncCounters } from './status-reporter.js';
import { coded } from '../core/messages/log-line.js';

/** The PBX state as the engine knows it from a UCI state read; DND only when the PBX reported it. */
export function knownFromState(s: UciUserState | undefined): KnownPbxState {
  if (!s) return {};
  const k: KnownPbxState = { chatText: s.chatPresenceMessage };
  if (s.dndFrom === 'pbx' && s.dnd !== undefined) k.dnd = s.dnd;
  if ((CHAT_PRESENCES as readonly string[]).includes(s.chatPresence)) k.chatPresence = s.chatPresence as ChatPresence;
  return k;
}

/** Sends one write over the user's UCI session. */
export async function sendPbxWrite(pbx: PbxPort, login: string, w: PbxWrite): Promise<void> {
  switch (w.field) {
    case 'dnd':
      return pbx.setDnd(login, w.value);
    case 'chatText':
      return pbx.setChatText(login, w.value);
    case 'chatPresence':
      return pbx.setChatPresence(login, w.value);
    case 'telephonyInCall':
      throw new UciUnsupportedError('This STARFACE offers no way to set the telephony state; "show as in call" is ignored.');
  }
}

export interface PbxWriterOptions {
  pbx: PbxPort;
  journal: JournalStore;
  clock: Clock;
  log: Logger;
  counters: SyncCounters;
  /** A write failed (after it was logged and counted): show it on the user's row. */
  failed?: (login: string, field: PbxField, error: unknown) => void;
}

/** The part of a user's runtime a write reads and updates. */
export interface WriteTarget {
  user: { login: string; microsoftId: string; email?: string; displayName?: string };
  /** The PBX state as known; a write whose outcome is unknown makes its field unknown. */
  known: KnownPbxState;
}

/**
 * The forward direction's writes with their journal records. Every write is recorded before it is sent (with
 * the value it replaces) and flushed to disk — the intents of one user's writes share one flush, and users
 * share flushes too (group commit) — so a crash at any point leaves the journal knowing every write that may
 * have reached the PBX.
 */
export class PbxWriter {
  /** Users whose writes this process is making right now (a read meanwhile may predate them). */
  private readonly writing = new Set<string>();
  /**
   * Writes a poll cycle planned and recorded ahead, not sent yet, with the journal change that holds them.
   * `recorded`: the fields whose intent this process recorded — a field that already held the same unconfirmed
   * write (left by a crash) is not among them: that record may have taken effect and is never taken back here.
   */
  private readonly unsent = new Map<string, { values: Map<PbxField, PbxWrite['value']>; recorded: Set<PbxField>; change: number }>();

  constructor(private readonly o: PbxWriterOptions) {}

  /** The sync stopped: intents recorded ahead and never sent stay in the journal as "may have taken effect". */
  reset(): void {
    this.unsent.clear();
  }

  /** Whether writes for the user are under way in this process. */
  inFlight(login: string): boolean {
    return this.writing.has(login);
  }

  /**
   * A poll cycle records the writes it plans (in the journal) before it queues them, so the intents of every
   * user of a cycle share one journal flush; the apply worker then finds them on disk.
   */
  recordAhead(rt: WriteTarget, writes: readonly PbxWrite[], entry: JournalEntry): void {
    const { journal } = this.o;
    const login = rt.user.login;
    const ahead = this.unsent.get(login);
    // Planned again by a later cycle before the worker ran (e.g. the session is still logging in): they stand.
    if (ahead && writes.every((w) => ahead.values.get(w.field) === w.value)) return;
    let next = this.withoutUnsent(login, entry);
    const recorded = new Set<PbxField>();
    for (const w of writes) {
      const before = next.pbx[w.field];
      next = recordPbxIntent(next, w, rt.known[w.field], this.o.clock.now());
      if (next.pbx[w.field] !== before) recorded.add(w.field);
    }
    journal.setMicrosoftId(login, rt.user.microsoftId);
    journal.set(login, next);
    this.unsent.set(login, { values: new Map(writes.map((w) => [w.field, w.value])), recorded, change: journal.changeOf(login) });
  }

  /** The entry without the intents recorded ahead and not sent: what the worker plans against. */
  withoutUnsent(login: string, entry: JournalEntry): JournalEntry {
    const ahead = this.unsent.get(login);
    if (!ahead) return entry;
    let next = entry;
    for (const field of ahead.recorded) next = withdrawPbxWrite(next, field, this.o.clock.now());
    return next;
  }

  /** The worker writes nothing after all (not connected, nothing left to write): the intents recorded ahead go. */
  dropUnsent(login: string): void {
    const entry = this.o.journal.get(login);
    if (entry) this.o.journal.set(login, this.withoutUnsent(login, entry));
    this.unsent.delete(login);
  }

  /**
   * Writes `writes` in order for the user and keeps the journal true to them. `planned` is the entry to record
   * them in; `stored` the journal's entry when planning changed nothing but the writes: then, if the writes are
   * among the ones recorded ahead, those intents stand (the others are taken back) and are on disk already.
   * Every intent is on disk before its write is sent. A failed write stays
   * recorded as unconfirmed — it may have taken effect (timeout, connection reset) — and makes its field
   * unknown; the writes after it were never sent and are taken back. Then it throws.
   */
  async write(rt: WriteTarget, writes: readonly PbxWrite[], planned: JournalEntry, stored?: JournalEntry, why?: AuditWhy): Promise<JournalEntry> {
    const { journal, clock, log, counters } = this.o;
    const login = rt.user.login;
    const ahead = this.unsent.get(login);
    this.unsent.delete(login);
    let next: JournalEntry;
    let onDisk: number;
    if (stored && ahead && writes.every((w) => ahead.values.get(w.field) === w.value)) {
      next = stored;
      for (const field of ahead.recorded) if (!writes.some((w) => w.field === field)) next = withdrawPbxWrite(next, field, clock.now());
      journal.set(login, next);
      onDisk = ahead.change;
    } else {
      next = planned;
      for (const w of writes) next = recordPbxIntent(next, w, rt.known[w.field], clock.now());
      journal.setMicrosoftId(login, rt.user.microsoftId);
      journal.set(login, next);
      onDisk = journal.changeOf(login);
    }
    this.writing.add(login);
    try {
      try {
        await journal.flushUpTo(onDisk);
      } catch (err) {
        for (const w of writes) next = withdrawPbxWrite(next, w.field, clock.now());
        journal.set(login, next);
        throw err;
      }
      for (const [i, w] of writes.entries()) {
        try {
          await sendPbxWrite(this.o.pbx, login, w);
        } catch (err) {
          const known = { ...rt.known };
          delete known[w.field];
          rt.known = known;
          for (const later of writes.slice(i + 1)) next = withdrawPbxWrite(next, later.field, clock.now());
          journal.set(login, next);
          counters.failedWrites++;
          log.warn('Writing to the PBX failed; the value counts as unknown until the PBX is read again', { user: login, ...coded('log-pbx-write-failed', { field: w.field, error: errText(err) }) });
          this.o.failed?.(login, w.field, err);
          throw err;
        }
        const old = rt.known[w.field];
        next = confirmPbxWrite(next, w.field, clock.now());
        rt.known = applyWrites(rt.known, [w]);
        journal.set(login, next);
        counters.pbxWrites++;
        if (w.field !== 'telephonyInCall') {
          audit(log, `audit.${w.field}` satisfies AuditCode, { ...whoParams(rt.user), old: old ?? null, new: w.value, ...(why ?? {}) });
        }
      }
    } finally {
      this.writing.delete(login);
    }
    return next;
  }

  /**
   * A read of the user's PBX state: writes recorded ahead whose outcome is not known (a crash, a timeout) are
   * settled — confirmed where the PBX shows them, taken back where it does not. Skipped while this process
   * writes for the user or is about to (the read may predate the write).
   */
  settle(login: string, read: KnownPbxState): void {
    const { journal } = this.o;
    const entry = journal.get(login);
    if (!entry || this.writing.has(login) || this.unsent.has(login) || !hasUnconfirmedWrites(entry)) return;
    const next = settlePbxWrites(entry, read, this.o.clock.now());
    if (next === entry) return;
    for (const field of PBX_FIELDS) {
      if (entry.pbx[field]?.unconfirmed && next.pbx[field]?.value !== entry.pbx[field]?.value) {
        this.o.log.info('A write interrupted by a restart or a failure did not reach the PBX; planning it again', { user: login, ...coded('log-pbx-write-replanned', { field }) });
      }
    }
    journal.set(login, next);
  }
}
