// Which PBX and which Microsoft tenant the journal's entries belong to, and what becomes of them when the
// settings point the bridge elsewhere (another PBX address, another tenant or app registration).
//
// The journal file records its connection (journal.ts JournalConnection). When the bridge connects with
// settings for another PBX, the PBX values in the journal were written to the old one: they move to a
// leftover journal of that PBX (journal.pbx-<hash>.json, next to journal.json) with what reaches it again,
// and are restored there in the background (leftover-restore.ts) — as soon as it answers, at every start
// until done. Switching back to a PBX with a leftover journal brings its users back, due for restore. Teams
// sessions of another tenant are dropped: the bridge stops refreshing them and Teams ends them within
// 5 minutes. No secret is written: the UCI passwords stay in the vault, looked up by login.
import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEntry } from '../core/journal.js';
import type { Settings } from '../core/settings.js';
import type { Logger } from '../platform/logger.js';
import { JournalStore, type JournalConnection } from './journal.js';
import { coded } from '../core/messages/log-line.js';

/** The PBX an address means: scheme, host (lower case), port (default dropped), path without a trailing slash. */
export function pbxKey(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.trim().toLowerCase();
  }
}

/** The tenant and app registration a Teams session belongs to. */
export function teamsKey(s: Settings): string {
  const ms = s.microsoft;
  return `${pbxKey(ms.graphBaseUrl)}|${ms.tenantId.toLowerCase()}|${ms.clientId.toLowerCase()}`;
}

/** The connection the settings describe, as the journal records it (the proxy's user and password left out). */
export function connectionOf(s: Settings): JournalConnection {
  const network: Record<string, unknown> = { ...s.network };
  if (s.network.proxyUrl) network.proxyUrl = withoutCredentials(s.network.proxyUrl);
  return { pbx: pbxKey(s.starface.baseUrl), teams: teamsKey(s), starface: { ...s.starface }, network };
}

/** What a change of settings switches: the PBX, the tenant (or app registration), both or neither. */
export function switchOf(prev: Settings, next: Settings): { pbx: boolean; teams: boolean } {
  return { pbx: pbxKey(prev.starface.baseUrl) !== pbxKey(next.starface.baseUrl), teams: teamsKey(prev) !== teamsKey(next) };
}

/** Where the values left on a PBX are kept: next to journal.json, one file per PBX. */
export function leftoverFile(journalFile: string, pbx: string): string {
  const hash = createHash('sha256').update(pbx).digest('hex').slice(0, 12);
  return path.join(path.dirname(journalFile), `${path.basename(journalFile, '.json')}.pbx-${hash}.json`);
}

/** Every leftover journal next to the journal. */
export async function leftoverFiles(journalFile: string): Promise<string[]> {
  const dir = path.dirname(journalFile);
  const prefix = `${path.basename(journalFile, '.json')}.pbx-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix) && /\.pbx-[0-9a-f]{12}\.json$/.test(n)).map((n) => path.join(dir, n));
}

const hasPbxValues = (e: JournalEntry): boolean => Object.keys(e.pbx).length > 0;

/**
 * Makes the journal belong to the connection `current`: PBX values of another PBX move to its leftover journal,
 * Teams sessions of another tenant are dropped, and a leftover journal of the current PBX comes back (its users
 * due for restore). Safe to run again after a crash half-way: each step is written before the next.
 */
export async function adoptJournal(journal: JournalStore, current: JournalConnection, log: Logger): Promise<void> {
  const recorded = journal.connection;
  if (recorded && recorded.pbx !== current.pbx && journal.all().some(hasPbxValues)) {
    await moveToLeftover(journal, recorded, log);
  }
  if (recorded && recorded.teams !== current.teams) {
    const sessions = journal.all().filter((e) => e.teamsSession);
    for (const e of sessions) {
      const rest = { ...e };
      delete rest.teamsSession;
      delete rest.teamsCleared;
      journal.set(e.user, rest);
    }
    if (sessions.length) log.warn('Teams presence sessions of the previous tenant are left to expire (within 5 minutes)', coded('log-switch-teams-sessions-left', { users: sessions.length }));
  }
  await takeBackLeftover(journal, current.pbx, log);
  journal.connection = current;
  await journal.flushNow();
}

/** Moves the PBX values of the journal to the leftover journal of the PBX they were written to. */
async function moveToLeftover(journal: JournalStore, recorded: JournalConnection, log: Logger): Promise<void> {
  const { journal: leftover } = await JournalStore.open({ file: leftoverFile(journal.file, recorded.pbx) });
  leftover.connection = recorded;
  const moved = journal.all().filter(hasPbxValues);
  for (const e of moved) {
    const merged: JournalEntry = { user: e.user, pbx: { ...leftover.get(e.user)?.pbx, ...e.pbx }, restoreDue: true, updatedAt: e.updatedAt };
    if (e.manualDnd) merged.manualDnd = e.manualDnd;
    leftover.set(e.user, merged);
  }
  await leftover.close();
  for (const e of moved) {
    const rest: JournalEntry = { ...e, pbx: {} };
    delete rest.manualDnd;
    delete rest.restoreDue;
    journal.set(e.user, rest);
  }
  await journal.flushNow();
  log.warn('The PBX address changed: values the bridge set on the previous PBX are restored there as soon as it answers', {
    ...coded('log-switch-pbx-changed', { pbx: String(recorded.starface.baseUrl ?? recorded.pbx), users: moved.length }),
  });
}

/** Switched back to a PBX with values left on it: they are the journal's again, due for restore. */
async function takeBackLeftover(journal: JournalStore, pbx: string, log: Logger): Promise<void> {
  const file = leftoverFile(journal.file, pbx);
  const { journal: leftover } = await JournalStore.open({ file });
  const entries = leftover.all();
  if (entries.length > 0) {
    for (const e of entries) {
      const mine = journal.get(e.user);
      journal.set(e.user, { ...(mine ?? e), pbx: { ...e.pbx, ...mine?.pbx }, restoreDue: true, updatedAt: e.updatedAt });
    }
    await journal.flushNow();
    log.info('Back on a PBX with values the bridge left there: they are restored', coded('log-switch-pbx-back', { users: entries.length }));
  }
  await rm(file, { force: true });
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '';
  }
}
