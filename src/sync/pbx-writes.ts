// Writing a user's PBX state and keeping the journal true to it: what the bridge writes is recorded with the
// value it replaced; a DND-on write is recorded (and flushed) before it is sent, so a crash between the PBX
// call and the journal never leaves an unknown DND behind. Also the translation of a UCI state read into the
// engine's view of the PBX (`knownFromState`).
import type { KnownPbxState, PbxWrite } from '../core/diff.js';
import { applyWrites } from '../core/diff.js';
import { forgetPbxField, recordPbxWrite, type JournalEntry } from '../core/journal.js';
import { CHAT_PRESENCES, type ChatPresence } from '../core/status-rows.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { JournalStore } from './journal.js';
import type { PbxPort, UciUserState } from './ports.js';
import type { SyncCounters } from './status-reporter.js';

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
    case 'telephonyInCall': {
      const err = new Error('This STARFACE offers no way to set the telephony state; "show as in call" is ignored.');
      err.name = 'UciUnsupportedError';
      throw err;
    }
  }
}

export interface PbxWriterOptions {
  pbx: PbxPort;
  journal: JournalStore;
  clock: Clock;
  log: Logger;
  counters: SyncCounters;
}

/** The forward direction's writes with their journal records. */
export class PbxWriter {
  /** Users whose write-ahead DND write this process is making right now. */
  private readonly dndInFlight = new Set<string>();

  constructor(private readonly o: PbxWriterOptions) {}

  /** Whether a write-ahead DND write for the user is under way in this process. */
  inFlight(login: string): boolean {
    return this.dndInFlight.has(login);
  }

  /**
   * Writes `w` for the user whose PBX state is `known` and records it in `entry`; returns the new entry and
   * the known state after the write. Throws (with the journal as before) when the write fails.
   */
  async write(login: string, microsoftId: string, known: KnownPbxState, w: PbxWrite, entry: JournalEntry): Promise<{ entry: JournalEntry; known: KnownPbxState }> {
    const { journal } = this.o;
    const next = recordPbxWrite(entry, w, known[w.field], this.o.clock.now());
    journal.setMicrosoftId(login, microsoftId);
    const dndOn = w.field === 'dnd' && w.value === true;
    if (dndOn) {
      // Write-ahead: a crash between the PBX write and the journal must never leave an unknown DND behind.
      journal.set(login, next);
      journal.markPending(login);
      this.dndInFlight.add(login);
    }
    try {
      if (dndOn) await journal.flushNow();
      await sendPbxWrite(this.o.pbx, login, w);
    } catch (err) {
      if (dndOn) {
        journal.set(login, entry);
        journal.clearPending(login);
      }
      throw err;
    } finally {
      this.dndInFlight.delete(login);
    }
    journal.set(login, next);
    if (dndOn) journal.clearPending(login);
    this.o.counters.pbxWrites++;
    this.o.log.debug('PBX write', { user: login, field: w.field, value: w.field === 'chatText' ? `${String(w.value).length} chars` : w.value });
    return { entry: next, known: applyWrites(known, [w]) };
  }

  /**
   * A DND write recorded ahead of a crash: if the PBX does not show it, the write never happened, so the
   * record goes (rather than reading the difference as the user's own change); if it does, it is confirmed.
   */
  confirmPendingDnd(login: string, pbxDnd: boolean): void {
    const { journal } = this.o;
    const entry = journal.get(login);
    if (entry?.pbx.dnd && entry.pbx.dnd.value !== pbxDnd) {
      journal.set(login, forgetPbxField(entry, 'dnd', this.o.clock.now()));
      this.o.log.info('A DND write interrupted by a restart did not reach the PBX; planning it again', { user: login });
    }
    journal.clearPending(login);
  }
}
