// The ownership journal: per user, what the bridge wrote on each side, when, and the value it replaced.
// It is what lets the bridge
//   - tell its own writes from the user's (a PBX value that differs from what we wrote is a manual change),
//   - put back what it changed (stop, deselect, quit with restore),
//   - continue after a crash without leaving anybody stuck in DND.
// Persistence is write-behind: changes mark the journal dirty and one atomic write per flush interval saves
// them all (2,000 users must not mean 2,000 file writes per cycle). The one write that must never be lost —
// "the bridge is about to switch DND on" — is flushed before it is made (see `flushNow`).
import { rename } from 'node:fs/promises';
import { z } from 'zod';
import { readIfExists, writeFileAtomic } from '../platform/atomic-file.js';

export const JOURNAL_VERSION = 1;

const IsoTime = z.string();

/** A value the bridge wrote on the PBX, with the value that was there before the bridge first took it over. */
const PbxFieldSchema = <T extends z.ZodType>(value: T) =>
  z.object({
    value,
    /** The value before the bridge changed it (null = unknown, e.g. the PBX does not report it). */
    before: value.nullable(),
    at: IsoTime,
    /** Written before the PBX call returned: the write may or may not have happened. */
    pending: z.boolean().optional(),
  });

const JournalUserSchema = z.object({
  login: z.string(),
  microsoftId: z.string().optional(),
  dnd: PbxFieldSchema(z.boolean()).optional(),
  chatText: PbxFieldSchema(z.string()).optional(),
  chatPresence: PbxFieldSchema(z.string()).optional(),
  /** The bridge's own Teams presence session (reverse direction), while it exists. */
  teamsSession: z
    .object({ availability: z.string(), activity: z.string(), at: IsoTime, refreshedAt: IsoTime.optional() })
    .optional(),
  /** When the bridge last cleared its Teams session: its echo may still show in a presence read shortly after. */
  teamsSessionCleared: z.object({ availability: z.string(), activity: z.string(), at: IsoTime }).optional(),
  /** A DND the user set on the phone (respect-manual mode leaves DND alone until it is cleared). */
  manualDnd: z.object({ value: z.boolean(), since: IsoTime }).optional(),
});
export type JournalUser = z.output<typeof JournalUserSchema>;
export type JournalPbxField<V> = { value: V; before: V | null; at: string; pending?: boolean };

const JournalFileSchema = z.object({
  version: z.literal(JOURNAL_VERSION),
  savedAt: IsoTime,
  users: z.record(z.string(), JournalUserSchema),
});

export interface JournalOptions {
  file: string;
  /** Write-behind delay: changes within this time share one file write. Default 250 ms. */
  flushDelayMs?: number;
  /** Called when a background flush fails (the journal retries on the next change or flush). */
  onError?: (error: unknown) => void;
  now?: () => Date;
}

export interface JournalLoadResult {
  journal: Journal;
  /** Readable notes, e.g. a corrupt journal that was moved aside. */
  problems: string[];
}

export class Journal {
  private users = new Map<string, JournalUser>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;
  private writes = 0;
  private readonly flushDelayMs: number;
  private readonly now: () => Date;

  private constructor(private readonly opts: JournalOptions) {
    this.flushDelayMs = opts.flushDelayMs ?? 250;
    this.now = opts.now ?? (() => new Date());
  }

  /** Loads the journal file (missing = empty). A corrupt file is moved aside and reported, never fatal. */
  static async open(opts: JournalOptions): Promise<JournalLoadResult> {
    const j = new Journal(opts);
    const problems: string[] = [];
    const text = await readIfExists(opts.file);
    if (text !== undefined) {
      let parsed: z.output<typeof JournalFileSchema> | undefined;
      try {
        const r = JournalFileSchema.safeParse(JSON.parse(text));
        if (r.success) parsed = r.data;
      } catch {
        parsed = undefined;
      }
      if (parsed) {
        for (const [login, u] of Object.entries(parsed.users)) j.users.set(login, { ...u, login });
      } else {
        const aside = `${opts.file}.corrupt-${Date.now()}`;
        await rename(opts.file, aside).catch(() => undefined);
        problems.push(
          `The ownership journal ${opts.file} was unreadable and was moved to ${aside}. ` +
            'The bridge starts without it: check DND of your users once, values it set before may not be restored.',
        );
      }
    }
    return { journal: j, problems };
  }

  get(login: string): JournalUser | undefined {
    return this.users.get(login);
  }

  logins(): string[] {
    return [...this.users.keys()];
  }

  all(): JournalUser[] {
    return [...this.users.values()];
  }

  /** Number of file writes so far (for tests and stats). */
  get fileWrites(): number {
    return this.writes;
  }

  /** Changes one user's entry. Returning undefined or an entry with nothing left in it removes the user. */
  update(login: string, fn: (current: JournalUser) => JournalUser | undefined): JournalUser | undefined {
    const current = this.users.get(login) ?? { login };
    const next = fn(structuredClone(current));
    if (!next || isEmpty(next)) {
      if (this.users.delete(login)) this.markDirty();
      return undefined;
    }
    this.users.set(login, { ...next, login });
    this.markDirty();
    return next;
  }

  /**
   * Records that the bridge writes a PBX field. The first takeover remembers `before`; later writes keep the
   * original `before`, so restore goes back to the value the user had before the bridge touched it.
   */
  recordPbxWrite<K extends 'dnd' | 'chatText' | 'chatPresence'>(
    login: string,
    field: K,
    value: NonNullable<JournalUser[K]>['value'],
    currentPbxValue: NonNullable<JournalUser[K]>['value'] | null,
    opts: { pending?: boolean } = {},
  ): void {
    this.update(login, (u) => {
      const prev = u[field] as JournalPbxField<unknown> | undefined;
      const before = prev ? prev.before : currentPbxValue;
      const rec: JournalPbxField<unknown> = { value, before, at: this.now().toISOString() };
      if (opts.pending) rec.pending = true;
      (u as Record<string, unknown>)[field] = rec;
      return u;
    });
  }

  /** Forgets what the bridge wrote for a field (after restore, or when the user took the field over). */
  forgetPbxField(login: string, field: 'dnd' | 'chatText' | 'chatPresence'): void {
    if (!this.users.get(login)?.[field]) return;
    this.update(login, (u) => {
      delete u[field];
      return u;
    });
  }

  forget(login: string): void {
    if (this.users.delete(login)) this.markDirty();
  }

  /** Resolves once everything changed so far is on disk. Concurrent callers share one write. */
  async flushNow(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Wait for a write in progress (it may not contain our change), then write again if still dirty.
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    await this.write();
  }

  /** Flushes and stops the background timer. */
  async close(): Promise<void> {
    await this.flushNow();
    this.closed = true;
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.writing) {
        // A write is in progress; run again after it.
        void this.writing.then(() => this.markDirtyIfNeeded());
        return;
      }
      void this.write().catch((err: unknown) => this.opts.onError?.(err));
    }, this.flushDelayMs);
    this.timer.unref?.();
  }

  private markDirtyIfNeeded(): void {
    if (this.dirty) {
      this.dirty = false; // markDirty sets it again and arms the timer
      this.markDirty();
    }
  }

  private write(): Promise<void> {
    this.dirty = false;
    const body: z.input<typeof JournalFileSchema> = {
      version: JOURNAL_VERSION,
      savedAt: this.now().toISOString(),
      users: Object.fromEntries(this.users),
    };
    const data = JSON.stringify(body);
    const p = (async () => {
      try {
        await writeFileAtomic(this.opts.file, data, { mode: 0o600 });
        this.writes++;
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

function isEmpty(u: JournalUser): boolean {
  return !u.dnd && !u.chatText && !u.chatPresence && !u.teamsSession && !u.teamsSessionCleared && !u.manualDnd;
}
