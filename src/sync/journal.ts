// The ownership journal: per user, what the bridge wrote on each side, when, and the value it replaced.
// It is what lets the bridge
//   - tell its own writes from the user's (a PBX value that differs from what we wrote is a manual change),
//   - put back what it changed (stop, deselect, quit with restore),
//   - continue after a crash without leaving anybody stuck in DND.
// Persistence is write-behind: changes mark the journal dirty and one atomic write per flush interval saves
// them all (2,000 users must not mean 2,000 file writes per cycle). What must never be lost — "the bridge is
// about to write this PBX value" (core/journal.ts recordPbxIntent) — is flushed before the write is sent (see
// `flushNow`), and those flushes are group commits: every intent recorded in the same tick, or while a file
// write is under way, shares the next write (a first apply with hundreds of writes costs a handful of fsyncs,
// not one per user).
import { rename } from 'node:fs/promises';
import { isJournalEntryEmpty, newJournalEntry, parseJournal, type Journal, type JournalEntry } from '../core/journal.js';
import type { Message } from '../core/errors.js';
import { renderMessage } from '../core/messages/index.js';
import { readIfExists, writeFileAtomic } from '../platform/atomic-file.js';
import { systemClock, type Clock, type TimerHandle } from '../platform/clock.js';

export const JOURNAL_FILE_VERSION = 1;

/**
 * Which PBX and which Microsoft tenant the entries belong to, and what reaches that PBX again — no secrets: the
 * UCI passwords stay in the vault (by login). See connection-switch.ts.
 */
export interface JournalConnection {
  /** The PBX the PBX values were written to (its normalised address). */
  pbx: string;
  /** The tenant and app registration the Teams sessions belong to. */
  teams: string;
  /** The settings sections needed to reach that PBX (starface, network), as they were. */
  starface: Record<string, unknown>;
  network: Record<string, unknown>;
}

interface JournalFile {
  version: number;
  savedAt: string;
  connection?: JournalConnection;
  entries: Journal;
  /** login → Microsoft object id, so a Teams session can be cleared even after the user left the roster. */
  microsoftIds?: Record<string, string>;
  /**
   * Files of earlier versions: users with a DND write recorded ahead of the PBX call and not confirmed. Read as
   * an unconfirmed DND record (today every unconfirmed write is marked in its entry); never written.
   */
  pending?: string[];
}

export interface JournalOptions {
  file: string;
  /** Write-behind delay: changes within this time share one file write. Default 250 ms. */
  flushDelayMs?: number;
  /** Called when a background flush fails (the journal retries on the next change or flush). */
  onError?: (error: unknown) => void;
  /** Time and the write-behind timer. Default: the system clock. */
  clock?: Clock;
}

export interface JournalLoadResult {
  journal: JournalStore;
  /** Readable notes in English, e.g. a corrupt journal that was moved aside (`notes` rendered). */
  problems: string[];
  /** The same notes as coded messages (journal-moved-aside, journal-entry-dropped), one per problem. */
  notes: Message[];
}

export class JournalStore {
  private entries = new Map<string, JournalEntry>();
  private readonly ids = new Map<string, string>();
  private conn: JournalConnection | undefined;
  private dirty = false;
  /** Counts changes; `savedSeq` is the highest count known to be on disk. */
  private changeSeq = 0;
  private savedSeq = 0;
  /** The change count of each user's last change (what flushNow(login) waits for). */
  private readonly userSeq = new Map<string, number>();
  private timer: TimerHandle | undefined;
  private writing: Promise<void> | undefined;
  /** The next group-commit write, still collecting callers (not started). */
  private commit: Promise<void> | undefined;
  private closed = false;
  private writes = 0;
  private readonly flushDelayMs: number;
  private readonly clock: Clock;

  private constructor(private readonly opts: JournalOptions) {
    this.flushDelayMs = opts.flushDelayMs ?? 250;
    this.clock = opts.clock ?? systemClock;
  }

  /** Loads the journal file (missing = empty). A corrupt file is moved aside and reported, never fatal. */
  static async open(opts: JournalOptions): Promise<JournalLoadResult> {
    const j = new JournalStore(opts);
    const notes: Message[] = [];
    const result = (): JournalLoadResult => ({ journal: j, problems: notes.map((n) => renderMessage('en', n)), notes });
    const text = await readIfExists(opts.file);
    if (text === undefined) return result();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const file = raw as Partial<JournalFile> | undefined;
    if (!file || typeof file !== 'object' || file.version !== JOURNAL_FILE_VERSION || typeof file.entries !== 'object') {
      const aside = `${opts.file}.corrupt-${j.clock.now()}`;
      await rename(opts.file, aside).catch(() => undefined);
      notes.push({ code: 'journal-moved-aside', params: { file: opts.file, backup: aside } });
      return result();
    }
    if (file.connection && typeof file.connection === 'object' && typeof file.connection.pbx === 'string' && typeof file.connection.teams === 'string') {
      j.conn = file.connection;
    }
    const { journal, invalid } = parseJournal(file.entries);
    for (const [login, entry] of Object.entries(journal)) j.entries.set(login, entry);
    for (const [login, id] of Object.entries(file.microsoftIds ?? {})) if (typeof id === 'string' && journal[login]) j.ids.set(login, id);
    for (const login of Array.isArray(file.pending) ? file.pending : []) {
      const dnd = typeof login === 'string' ? j.entries.get(login)?.pbx.dnd : undefined;
      if (dnd && !dnd.unconfirmed) j.entries.set(login, { ...j.entries.get(login)!, pbx: { ...j.entries.get(login)!.pbx, dnd: { ...dnd, unconfirmed: true } } });
    }
    for (const bad of invalid) notes.push({ code: 'journal-entry-dropped', params: { key: bad.key, reason: bad.reason } });
    return result();
  }

  get(login: string): JournalEntry | undefined {
    return this.entries.get(login);
  }

  /** The PBX and tenant the entries belong to (undefined: a file from before this was recorded). */
  get connection(): JournalConnection | undefined {
    return this.conn;
  }

  set connection(c: JournalConnection | undefined) {
    if (JSON.stringify(c) === JSON.stringify(this.conn)) return;
    this.conn = c;
    this.markDirty();
  }

  /** The file this journal is kept in. */
  get file(): string {
    return this.opts.file;
  }

  /** The user's entry, or a fresh empty one (not stored until `set`). */
  entry(login: string, now: number): JournalEntry {
    return this.entries.get(login) ?? newJournalEntry(login, now);
  }

  logins(): string[] {
    return [...this.entries.keys()];
  }

  all(): JournalEntry[] {
    return [...this.entries.values()];
  }

  /** Number of file writes so far (for tests and stats). */
  get fileWrites(): number {
    return this.writes;
  }

  /** Stores a user's entry; an entry with nothing left to restore, clear or recognise is removed. */
  set(login: string, entry: JournalEntry): void {
    if (this.entries.get(login) === entry) return;
    if (isJournalEntryEmpty(entry) && entry.teamsCleared === undefined) {
      if (this.entries.delete(login)) this.markDirty(login);
      return;
    }
    if (entry.teamsCleared !== undefined && isJournalEntryEmpty(entry) && this.clock.now() - entry.teamsCleared.at > 60_000) {
      // Only the echo marker is left and it is long past: nothing to keep.
      if (this.entries.delete(login)) this.markDirty(login);
      return;
    }
    this.entries.set(login, entry);
    this.markDirty(login);
  }

  forget(login: string): void {
    this.ids.delete(login);
    if (this.entries.delete(login)) this.markDirty(login);
  }

  /** The Microsoft object id the user had when the bridge last wrote for them. */
  microsoftId(login: string): string | undefined {
    return this.ids.get(login);
  }

  setMicrosoftId(login: string, id: string): void {
    if (this.ids.get(login) === id) return;
    this.ids.set(login, id);
    if (this.entries.has(login)) this.markDirty(login);
  }

  /**
   * Resolves once everything changed so far — with a login: everything up to that user's last change — is on
   * disk (rejects if the write fails). Group commit: callers of the same tick, and callers arriving while a file
   * write is under way, share the next write; a user whose change an earlier write already covered waits for none.
   */
  async flushNow(login?: string): Promise<void> {
    return this.flushUpTo(login === undefined ? this.changeSeq : this.changeOf(login));
  }

  /** The change count of the user's last change (0: none). */
  changeOf(login: string): number {
    return this.userSeq.get(login) ?? 0;
  }

  /** Resolves once every change up to this count (see changeOf) is on disk. */
  async flushUpTo(target: number): Promise<void> {
    while (this.savedSeq < target) {
      this.commit ??= this.groupCommit();
      await this.commit;
      // Nothing left to write although the count says otherwise cannot happen; never spin if it did.
      if (this.savedSeq < target && !this.dirty && !this.writing && !this.commit) return;
    }
  }

  /** Flushes and stops the background timer. */
  async close(): Promise<void> {
    await this.flushNow();
    this.closed = true;
  }

  /** One write for every caller that joined while it was pending; starts after this tick and any write under way. */
  private async groupCommit(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.writing) await this.writing;
    // From here on, a new caller waits for the next commit: its change may miss this one's snapshot.
    this.commit = undefined;
    if (this.timer) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty) await this.write();
  }

  private markDirty(login?: string): void {
    this.dirty = true;
    this.changeSeq++;
    if (login !== undefined) this.userSeq.set(login, this.changeSeq);
    this.armTimer();
  }

  private armTimer(): void {
    if (this.closed || this.timer) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.writing) {
        // A write is in progress; run again after it.
        void this.writing.then(() => this.markDirtyIfNeeded());
        return;
      }
      void this.write().catch((err: unknown) => this.opts.onError?.(err));
    }, this.flushDelayMs, { unref: true });
  }

  private markDirtyIfNeeded(): void {
    if (this.dirty) this.armTimer();
  }

  private write(): Promise<void> {
    this.dirty = false;
    const seq = this.changeSeq;
    const microsoftIds = Object.fromEntries([...this.ids].filter(([login]) => this.entries.has(login)));
    const body: JournalFile = {
      version: JOURNAL_FILE_VERSION, savedAt: new Date(this.clock.now()).toISOString(), ...(this.conn ? { connection: this.conn } : {}),
      entries: Object.fromEntries(this.entries), microsoftIds,
    };
    const data = JSON.stringify(body);
    const p = (async () => {
      try {
        await writeFileAtomic(this.opts.file, data, { mode: 0o600 });
        this.writes++;
        if (seq > this.savedSeq) this.savedSeq = seq;
      } catch (err) {
        this.dirty = true; // try again with the next flush
        throw err;
      } finally {
        this.writing = undefined;
      }
    })();
    this.writing = p.catch(() => undefined);
    return p;
  }
}
