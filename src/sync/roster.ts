// The roster: which STARFACE users are synced, and with which Microsoft account.
// Selection: all STARFACE users, or one group's members, plus extra login IDs. Matching: by e-mail address
// against the Microsoft directory (mail first, then userPrincipalName, then SMTP proxyAddresses; case-insensitive).
// A user is only synced when nothing about the match is doubtful; everything else is a conflict with its reason,
// because syncing the wrong person's DND is worse than syncing nobody.
import type { Message } from '../core/errors.js';
import { renderMessage } from '../core/messages/index.js';
import type { Roster, RosterConflictReason, RosterUser } from '../core/roster.js';
import { DirectoryIndex, type DirectoryUser } from '../teams/directory.js';

/** A STARFACE user as the REST directory lists it. */
export interface DirectoryPbxUser {
  login: string;
  email?: string | null;
  firstName?: string | null;
  familyName?: string | null;
}

/** A STARFACE group with the login IDs of its members. */
export interface DirectoryPbxGroup {
  id: string;
  name: string;
  memberLogins: readonly string[];
}

export interface UserSelection {
  selection: 'all' | 'group';
  /** Group id or name (id first, then name, case-insensitive). */
  group?: string | undefined;
  extraLoginIds: readonly string[];
}

export interface RosterInput {
  users: UserSelection;
  pbxUsers: readonly DirectoryPbxUser[];
  pbxGroups: readonly DirectoryPbxGroup[];
  microsoftUsers: readonly DirectoryUser[];
  /** Logins whose UCI password is in the vault. */
  loginsWithPassword: ReadonlySet<string>;
  /**
   * The PBX administrator account the bridge logs in with (settings starface.adminLogin). "All users" leaves it
   * out: it is the bridge's own service login, not a person whose DND should follow Teams. Listing it as an extra
   * login ID selects it anyway.
   */
  adminLogin?: string | undefined;
}

/** A user the engine syncs. */
export interface MatchedUser {
  login: string;
  email: string;
  displayName?: string;
  microsoftId: string;
}

export interface RosterResult {
  /** For the UI (control contract shape): every selected user, matched or conflict. */
  roster: Roster;
  /** The users to sync, in login order. */
  matched: MatchedUser[];
  /** Problems with the selection itself (missing group, unknown extra login), readable and with what to do. */
  problems: string[];
  /** The same as codes (the UI renders them in its language); `problems` is their English text. */
  problemCodes: Message[];
}

const normEmail = (e: string): string => e.trim().toLowerCase();

function pbxDisplayName(u: DirectoryPbxUser): string | undefined {
  const name = [u.firstName, u.familyName].filter((p): p is string => !!p && p.trim() !== '').join(' ').trim();
  return name || undefined;
}

/** Finds the selected group by id, then by name (case-insensitive). */
export function findGroup(groups: readonly DirectoryPbxGroup[], idOrName: string): DirectoryPbxGroup | undefined {
  const wanted = idOrName.trim();
  return groups.find((g) => g.id === wanted) ?? groups.find((g) => g.name.trim().toLowerCase() === wanted.toLowerCase());
}

/** Evaluates the selection and the e-mail matching. Pure: the engine loads the directories and passes them in. */
export function buildRoster(input: RosterInput): RosterResult {
  const problemCodes: Message[] = [];
  const byLogin = new Map(input.pbxUsers.map((u) => [u.login, u]));

  // 1. Selection.
  const selected = new Set<string>();
  const admin = input.adminLogin?.trim() || undefined;
  let adminLeftOut = false;
  if (input.users.selection === 'all') {
    for (const u of input.pbxUsers) {
      if (u.login === admin) adminLeftOut = true;
      else selected.add(u.login);
    }
  } else if (!input.users.group) {
    problemCodes.push({ code: 'roster-no-group' });
  } else {
    const group = findGroup(input.pbxGroups, input.users.group);
    if (!group) {
      const names = input.pbxGroups.map((g) => g.name).slice(0, 10).join(', ');
      problemCodes.push({ code: 'roster-group-missing', params: { group: input.users.group, groups: names || '–' } });
    } else {
      for (const login of group.memberLogins) {
        if (byLogin.has(login)) selected.add(login);
      }
    }
  }
  for (const login of input.users.extraLoginIds) {
    if (byLogin.has(login)) {
      selected.add(login);
      if (login === admin) adminLeftOut = false;
    } else problemCodes.push({ code: 'roster-extra-login-unknown', params: { login } });
  }

  // 2. Duplicate e-mail addresses among the selected users.
  const emailCount = new Map<string, number>();
  for (const login of selected) {
    const e = byLogin.get(login)?.email;
    if (e && e.trim()) emailCount.set(normEmail(e), (emailCount.get(normEmail(e)) ?? 0) + 1);
  }

  // 3. Matching.
  const index = new DirectoryIndex(input.microsoftUsers);
  type Draft = RosterUser & { via?: string };
  const drafts: Draft[] = [];
  for (const login of [...selected].sort(compareLogins)) {
    const u = byLogin.get(login)!;
    const email = u.email?.trim() ?? '';
    const displayName = pbxDisplayName(u);
    const base: Draft = { login, email, status: 'conflict', ...(displayName ? { displayName } : {}) };
    const conflict = (reason: RosterConflictReason, detail: string): Draft => ({ ...base, status: 'conflict', reason, detail });
    if (!email) {
      drafts.push(conflict('no-email', 'The STARFACE user has no e-mail address: enter it in the STARFACE user settings.'));
      continue;
    }
    if ((emailCount.get(normEmail(email)) ?? 0) > 1) {
      const others = [...selected].filter((l) => l !== login && normEmail(byLogin.get(l)?.email ?? '') === normEmail(email));
      drafts.push(conflict('duplicate-email', `${email} is also the e-mail address of STARFACE user ${others.join(', ')}: give each user their own address, or exclude the shared one.`));
      continue;
    }
    const hit = index.findByEmail(email);
    if (hit.status === 'not-found') {
      drafts.push(conflict('no-microsoft-account', `No Microsoft account has ${email} as mail, user principal name or proxy address: fix the address on either side.`));
      continue;
    }
    if (hit.status === 'ambiguous') {
      drafts.push(conflict('duplicate-email', `${email} belongs to ${hit.users.length} Microsoft accounts (${hit.via}): make it unique in Entra ID.`));
      continue;
    }
    const ms = hit.user;
    const name = displayName ?? (ms.displayName?.trim() || undefined);
    const withAccount: Draft = { ...base, microsoftId: ms.id, via: hit.via, ...(name ? { displayName: name } : {}) };
    if (!input.loginsWithPassword.has(login)) {
      drafts.push({
        ...withAccount,
        reason: 'no-uci-password',
        detail: 'The UCI password of this STARFACE user is not stored: enter it in Connections (or import a CSV).',
      });
      continue;
    }
    drafts.push({ ...withAccount, status: 'matched' });
  }

  // 4. Two STARFACE users that reach the same Microsoft account through different addresses.
  const perAccount = new Map<string, Draft[]>();
  for (const d of drafts) {
    if (d.status !== 'matched' || !d.microsoftId) continue;
    const list = perAccount.get(d.microsoftId) ?? [];
    list.push(d);
    perAccount.set(d.microsoftId, list);
  }
  for (const list of perAccount.values()) {
    if (list.length < 2) continue;
    for (const d of list) {
      const others = list.filter((o) => o !== d).map((o) => o.login).join(', ');
      d.status = 'conflict';
      d.reason = 'duplicate-email';
      d.detail = `Matches the same Microsoft account as STARFACE user ${others}: give each user their own address.`;
    }
  }

  const users: RosterUser[] = drafts.map(({ via: _via, ...u }) => u);
  const matched: MatchedUser[] = users
    .filter((u) => u.status === 'matched')
    .map((u) => ({ login: u.login, email: u.email, microsoftId: u.microsoftId!, ...(u.displayName ? { displayName: u.displayName } : {}) }));
  const conflicts = users.length - matched.length;
  const problems = problemCodes.map((m) => renderMessage('en', m));
  const roster: Roster = { users, counts: { matched: matched.length, conflicts }, ...(adminLeftOut ? { adminLeftOut: admin } : {}) };
  return { roster, matched, problems, problemCodes };
}

/** Numeric logins in numeric order, others after them alphabetically. */
function compareLogins(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b) || a.localeCompare(b);
  if (na !== nb) return na ? -1 : 1;
  return a.localeCompare(b);
}

export interface RosterChange {
  added: MatchedUser[];
  removed: MatchedUser[];
  /** Same login, different Microsoft account or e-mail. */
  changed: { before: MatchedUser; after: MatchedUser }[];
}

/** What changed between two evaluations (removed users get their state restored by the engine). */
export function diffMatched(before: readonly MatchedUser[], after: readonly MatchedUser[]): RosterChange {
  const prev = new Map(before.map((u) => [u.login, u]));
  const next = new Map(after.map((u) => [u.login, u]));
  const added: MatchedUser[] = [];
  const removed: MatchedUser[] = [];
  const changed: { before: MatchedUser; after: MatchedUser }[] = [];
  for (const [login, u] of next) {
    const p = prev.get(login);
    if (!p) added.push(u);
    else if (p.microsoftId !== u.microsoftId || p.email !== u.email) changed.push({ before: p, after: u });
  }
  for (const [login, u] of prev) if (!next.has(login)) removed.push(u);
  return { added, removed, changed };
}
