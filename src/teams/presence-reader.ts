// Reads the presence of many users with POST /communications/getPresencesByUserId, at most 650 ids per
// request (so N users cost ceil(N/650) requests). Values are open strings (core/presence normalizes them);
// sequenceNumber drops data older than what we already have, unless the stamps were evidently reset.
import { BridgeError, retryAfterOf } from '../core/errors.js';
import { presenceFromGraph, type Presence } from '../core/presence.js';
import type { Logger } from '../platform/logger.js';
import { silentLogger } from '../platform/logger.js';
import { GraphAnswerError } from './errors.js';
import type { GraphClient } from './graph-client.js';
import { coded } from '../core/messages/log-line.js';

export const MAX_IDS_PER_REQUEST = 650;

export interface PresenceReadResult {
  /** Current presence per requested user id (as requested), including users whose data did not change. */
  presences: Map<string, Presence>;
  /** Ids whose answer was older (lower sequenceNumber) than what we had; their previous value is kept. */
  stale: string[];
  /** Requested ids Graph did not answer for. */
  missing: string[];
  /** getPresencesByUserId calls made for this read. */
  requests: number;
}

/** Some chunks failed (after retries); `partial` holds what was read. Carries retryAfterMs for the scheduler. */
export class PresenceReadError extends BridgeError {
  override readonly name = 'PresenceReadError';
  readonly code = 'presence-read-failed';
  constructor(readonly partial: PresenceReadResult, readonly failedIds: string[], cause: unknown) {
    const retryAfterMs = retryAfterOf(cause);
    super(`Reading Teams presence failed for ${failedIds.length} of ${failedIds.length + partial.presences.size} users: ` +
      `${cause instanceof Error ? cause.message : String(cause)}`, { cause, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
}

export interface PresenceReaderOptions {
  graph: GraphClient;
  /** Ids per request, 1..650; default 650. */
  chunkSize?: number;
  /** Requests in flight at once; default 4. */
  concurrency?: number;
  /** Reads in a row with a lower sequenceNumber after which it is taken as a reset; default 3. */
  resetAfterReads?: number;
  logger?: Logger;
}

/** sequenceNumber is a lexicographically sortable string; a missing one cannot be ordered and is accepted. */
export function isOlder(next: Presence, previous: Presence | undefined): boolean {
  return !!previous?.sequenceNumber && !!next.sequenceNumber && next.sequenceNumber < previous.sequenceNumber;
}

/** How many reads in a row must show a lower stamp before it counts as a reset of Graph's stamps; default 3. */
export const DEFAULT_RESET_AFTER_READS = 3;

export type SequenceVerdict = 'newer' | 'stale' | 'reset-width' | 'reset-persisted';

/**
 * Whether to take a presence whose stamp is lower than the last accepted one. Width and resets of the stamp are
 * undocumented, so a lower stamp must never freeze a user forever: a stamp of another width is a reset at
 * once; a lower one is a reset when it persists for `resetAfterReads` reads in a row (one late answer does not).
 */
export function sequenceVerdict(next: string | undefined, previous: string | undefined, lowerReadsSoFar: number, resetAfterReads = DEFAULT_RESET_AFTER_READS): SequenceVerdict {
  if (!next || !previous || next >= previous) return 'newer';
  if (next.length !== previous.length) return 'reset-width';
  return lowerReadsSoFar + 1 >= resetAfterReads ? 'reset-persisted' : 'stale';
}

/** The presence objects of a getPresencesByUserId (or single GET) answer, whatever wrapper it comes in. */
export function presenceItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    const v = (body as Record<string, unknown>).value;
    if (Array.isArray(v)) return v;
    if ('availability' in body || 'activity' in body) return [body];
  }
  return [];
}

interface Accepted {
  presence: Presence;
  /** Reads in a row whose stamp was lower than this one's (see sequenceVerdict). */
  lowerReads: number;
}

/**
 * A getPresencesByUserId answer: the presences of the requested ids (by requested spelling), normalized. Items
 * without a string id or for ids not asked for are ignored; a body of no known shape is a GraphAnswerError.
 */
export function readPresenceBatch(body: unknown, requestedIds: readonly string[]): Map<string, Presence> {
  const known = Array.isArray(body) || (typeof body === 'object' && body !== null && (Array.isArray((body as Record<string, unknown>).value) || 'availability' in body || 'activity' in body));
  if (!known) throw new GraphAnswerError('getPresencesByUserId', 'no "value" list of presences');
  const requested = new Map(requestedIds.map((id) => [id.toLowerCase(), id]));
  const out = new Map<string, Presence>();
  for (const raw of presenceItems(body)) {
    const rawId = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : undefined;
    if (typeof rawId !== 'string') continue;
    const id = requested.get(rawId.toLowerCase());
    if (id === undefined || out.has(id)) continue; // not asked for (or twice): ignore rather than trust
    out.set(id, presenceFromGraph(raw));
  }
  return out;
}

export class PresenceReader {
  private readonly last = new Map<string, Accepted>();
  private readonly chunkSize: number;
  private readonly concurrency: number;
  private readonly log: Logger;

  constructor(private readonly opts: PresenceReaderOptions) {
    this.chunkSize = Math.min(MAX_IDS_PER_REQUEST, Math.max(1, Math.floor(opts.chunkSize ?? MAX_IDS_PER_REQUEST)));
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
    this.log = (opts.logger ?? silentLogger).child({ component: 'presence-reader' });
  }

  /** The last accepted presence of a user, if any. */
  lastKnown(id: string): Presence | undefined {
    return this.last.get(id.toLowerCase())?.presence;
  }

  /** Forget users no longer synced (keeps the sequence map small). */
  forget(ids: Iterable<string>): void {
    for (const id of ids) this.last.delete(id.toLowerCase());
  }

  async read(userIds: readonly string[], signal?: AbortSignal): Promise<PresenceReadResult> {
    const unique = [...new Map(userIds.map((id) => [id.toLowerCase(), id])).values()];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += this.chunkSize) chunks.push(unique.slice(i, i + this.chunkSize));
    const result: PresenceReadResult = { presences: new Map(), stale: [], missing: [], requests: 0 };
    const failed: string[] = [];
    let firstError: unknown;

    let nextChunk = 0;
    const worker = async (): Promise<void> => {
      while (nextChunk < chunks.length) {
        const chunk = chunks[nextChunk++]!;
        try {
          result.requests += 1;
          const body = await this.opts.graph.post<unknown>('/communications/getPresencesByUserId', { ids: chunk }, signal);
          this.accept(chunk, body, result);
        } catch (e) {
          if (signal?.aborted) throw e;
          failed.push(...chunk);
          firstError ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
    if (firstError !== undefined) {
      this.log.warn('Presence read incomplete', coded('log-presence-read-incomplete', { failedUsers: failed.length, error: firstError instanceof Error ? firstError.message : String(firstError) }));
      throw new PresenceReadError(result, failed, firstError);
    }
    return result;
  }

  private accept(chunk: string[], body: unknown, result: PresenceReadResult): void {
    const answered = readPresenceBatch(body, chunk);
    for (const id of chunk) if (!answered.has(id)) result.missing.push(id);
    for (const [id, next] of answered) {
      const prev = this.last.get(id.toLowerCase());
      const verdict = sequenceVerdict(next.sequenceNumber, prev?.presence.sequenceNumber, prev?.lowerReads ?? 0, this.opts.resetAfterReads);
      if (verdict === 'stale') {
        prev!.lowerReads += 1;
        result.stale.push(id);
        result.presences.set(id, prev!.presence);
        continue;
      }
      if (verdict !== 'newer') {
        this.log.warn('Teams presence stamp went back; taking it as a reset of Graph\'s stamps', {
          userId: id, reason: verdict === 'reset-width' ? 'the stamp changed its width' : `lower for ${prev!.lowerReads + 1} reads in a row`,
          previous: prev!.presence.sequenceNumber, next: next.sequenceNumber, ...coded('log-presence-stamp-reset'),
        });
      }
      this.last.set(id.toLowerCase(), { presence: next, lowerReads: 0 });
      result.presences.set(id, next);
    }
  }
}
