// What a save would do (issue 15 item 2), before it is made: a save that stops a running sync (an empty client ID,
// sync switched off) or changes how many users are synced (a group that does not exist selects 0) is shown to the
// admin, who confirms it (control method settings.preview; the settings page's confirmation dialog).
import { z } from 'zod';
import { missingForSync, type Settings } from './settings.js';
import type { SyncState } from './engine-state.js';

export const SaveEffectSchema = z.discriminatedUnion('code', [
  /** The sync runs now and would stop: `users` are no longer synced (and are restored if the settings say so). */
  z.object({ code: z.literal('sync-stops'), params: z.object({ users: z.number().int().min(0) }) }),
  /** The new user selection selects nobody (e.g. a group that does not exist). */
  z.object({ code: z.literal('users-zero'), params: z.object({ from: z.number().int().min(0) }) }),
  /** The number of synced users changes. */
  z.object({ code: z.literal('users-change'), params: z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }) }),
]);
export type SaveEffect = z.output<typeof SaveEffectSchema>;

/** States in which the bridge syncs (or tries to): stopping from here is a change the admin should confirm. */
const SYNCING: readonly SyncState[] = ['starting', 'running', 'paused', 'signed-out', 'degraded', 'error'];

export interface PreviewInput {
  prev: Settings;
  next: Settings;
  syncState: SyncState | undefined;
  /** Users synced now (the roster's matched users). */
  usersNow: number;
  /** Users the new selection would sync; null when that cannot be known (PBX unreachable). */
  countUsers: (next: Settings) => Promise<number | null>;
}

export async function previewSave(o: PreviewInput): Promise<{ effects: SaveEffect[]; usersNow: number; usersAfter: number | null }> {
  const effects: SaveEffect[] = [];
  const syncing = o.syncState !== undefined && SYNCING.includes(o.syncState) && o.prev.sync.enabled;
  // Stops: switched off, or settings that were complete lose a value sync needs (e.g. an emptied client ID).
  const stops = syncing && (!o.next.sync.enabled || (missingForSync(o.prev).length === 0 && missingForSync(o.next).length > 0));
  if (stops) effects.push({ code: 'sync-stops', params: { users: o.usersNow } });
  const selectionChanged = JSON.stringify(o.prev.users) !== JSON.stringify(o.next.users);
  const usersAfter = selectionChanged ? await o.countUsers(o.next).catch(() => null) : o.usersNow;
  if (!stops && usersAfter !== null && usersAfter !== o.usersNow) {
    effects.push(usersAfter === 0 ? { code: 'users-zero', params: { from: o.usersNow } } : { code: 'users-change', params: { from: o.usersNow, to: usersAfter } });
  }
  return { effects, usersNow: o.usersNow, usersAfter };
}
