// The Microsoft directory: every user with the fields needed to match people by e-mail, paged with
// $top=999 through @odata.nextLink; and an e-mail lookup (mail, then UPN, then SMTP proxy addresses).
import { GraphAnswerError } from './errors.js';
import type { GraphClient } from './graph-client.js';

export interface DirectoryUser {
  id: string;
  displayName: string | null;
  mail: string | null;
  userPrincipalName: string | null;
  proxyAddresses: string[];
}

export const USER_SELECT = 'id,mail,userPrincipalName,proxyAddresses,displayName';
export const USER_PAGE_SIZE = 999;

interface UsersPage {
  value?: unknown;
  '@odata.nextLink'?: unknown;
}

/** One /users page: its users (entries without an id are skipped) and the next link. GraphAnswerError otherwise. */
export function readUsersPage(body: unknown): { users: DirectoryUser[]; nextLink: string | undefined } {
  const page = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as UsersPage;
  if (!Array.isArray(page.value)) throw new GraphAnswerError('users', 'no "value" list of users');
  const users: DirectoryUser[] = [];
  for (const raw of page.value) {
    const u = toDirectoryUser(raw);
    if (u) users.push(u);
  }
  const link = page['@odata.nextLink'];
  return { users, nextLink: typeof link === 'string' && link ? link : undefined };
}

/** Reads all users of the tenant (application permission User.Read.All). */
export async function listDirectoryUsers(graph: GraphClient, signal?: AbortSignal): Promise<DirectoryUser[]> {
  const users: DirectoryUser[] = [];
  let next: string | undefined = `/users?$select=${USER_SELECT}&$top=${USER_PAGE_SIZE}`;
  const seenLinks = new Set<string>();
  while (next) {
    const page = readUsersPage(await graph.get<unknown>(next, signal));
    users.push(...page.users);
    next = page.nextLink;
    if (next) {
      // A server that hands out the same link twice would otherwise keep us paging forever.
      if (seenLinks.has(next)) throw new GraphAnswerError('users', 'the same @odata.nextLink twice');
      seenLinks.add(next);
    }
  }
  return users;
}

function toDirectoryUser(raw: unknown): DirectoryUser | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || !o.id) return undefined;
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return {
    id: o.id,
    displayName: str(o.displayName),
    mail: str(o.mail),
    userPrincipalName: str(o.userPrincipalName),
    proxyAddresses: Array.isArray(o.proxyAddresses) ? o.proxyAddresses.filter((p): p is string => typeof p === 'string') : [],
  };
}

export type EmailMatch =
  | { status: 'found'; user: DirectoryUser; via: 'mail' | 'userPrincipalName' | 'proxyAddresses' }
  | { status: 'ambiguous'; users: DirectoryUser[]; via: 'mail' | 'userPrincipalName' | 'proxyAddresses' }
  | { status: 'not-found' };

/** E-mail → user, in the reference's order: mail, then userPrincipalName, then SMTP proxy addresses. */
export class DirectoryIndex {
  private readonly byId = new Map<string, DirectoryUser>();
  private readonly maps = {
    mail: new Map<string, DirectoryUser[]>(),
    userPrincipalName: new Map<string, DirectoryUser[]>(),
    proxyAddresses: new Map<string, DirectoryUser[]>(),
  };

  constructor(readonly users: readonly DirectoryUser[]) {
    const add = (map: Map<string, DirectoryUser[]>, key: string | null, u: DirectoryUser): void => {
      if (!key) return;
      const k = key.trim().toLowerCase();
      const list = map.get(k);
      if (!list) map.set(k, [u]);
      else if (!list.includes(u)) list.push(u);
    };
    for (const u of users) {
      this.byId.set(u.id.toLowerCase(), u);
      add(this.maps.mail, u.mail, u);
      add(this.maps.userPrincipalName, u.userPrincipalName, u);
      for (const p of u.proxyAddresses) {
        // Only SMTP addresses (SMTP: primary, smtp: secondary); x500:, sip: and others are not e-mail.
        const m = /^smtp:(.+)$/i.exec(p.trim());
        if (m) add(this.maps.proxyAddresses, m[1]!, u);
      }
    }
  }

  byObjectId(id: string): DirectoryUser | undefined {
    return this.byId.get(id.toLowerCase());
  }

  findByEmail(email: string): EmailMatch {
    const k = email.trim().toLowerCase();
    if (!k) return { status: 'not-found' };
    for (const via of ['mail', 'userPrincipalName', 'proxyAddresses'] as const) {
      const list = this.maps[via].get(k);
      if (!list?.length) continue;
      return list.length === 1 ? { status: 'found', user: list[0]!, via } : { status: 'ambiguous', users: [...list], via };
    }
    return { status: 'not-found' };
  }
}
