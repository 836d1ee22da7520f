// Simulated PBX accounts: the users file (`--users-file`), generated users (`--users N`), and the hashes the
// PBX keeps. Like a real PBX the simulator checks credentials against hex(SHA512(password)); it keeps the
// plain password only for what a directory or identity provider would check instead (Active Directory tokens
// and REST secrets, the OAuth password grant) and for legacy MD5 tokens.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { sha512Hex, uciAdToken, uciMd5Token, uciTokenFromHash } from './wire.js';

export const UsersFileSchema = z.object({
  users: z.array(z.object({
    login: z.string().regex(/^[^\s:*]+$/, 'login IDs contain no spaces, ":" or "*"'),
    password: z.string().min(1),
    email: z.string().default(''),
    firstName: z.string().default(''),
    familyName: z.string().default(''),
    groups: z.array(z.string().min(1)).default([]),
    admin: z.boolean().default(false),
    /** Optional: false = the user lacks the UCI right (login refused with UciIllegalAccessException). */
    uci: z.boolean().optional(),
    /** Optional: false = the user lacks the right "API Zugriff mit OAuth Password Grant" (STARFACE 10, §3.4). */
    oauth: z.boolean().optional(),
    language: z.string().optional(),
  })).min(1, 'the users file needs at least one user'),
});
export type UsersFile = z.input<typeof UsersFileSchema>;
export type SimUserInput = z.input<typeof UsersFileSchema>['users'][number];

export interface SimUser {
  id: number;
  login: string;
  email: string;
  firstName: string;
  familyName: string;
  language: string;
  admin: boolean;
  uciAllowed: boolean;
  oauthAllowed: boolean;
  groups: string[];
  /** Kept for the ActiveDirectory REST secret and MD5 tokens only; never returned by REST. */
  password: string;
  pwSha512Hex: string;
  /** Expected `de.vertico.starface.auth` values, precomputed so a request costs one map lookup. */
  uciToken: string;
  md5Token: string;
  /** The UCI token of an Active Directory user (option adUsers). */
  adToken: string;
  dnd: boolean;
  chatPresence: string;
  chatPresenceMessage: string;
  avatarHash: string;
  redirectAlwaysActive: boolean;
  phoneRegistered: boolean;
  personId: string;
}

export interface SimGroup {
  id: number;
  groupId: string;
  name: string;
  internalNumber: string;
  externalNumber: string;
  chatGroup: boolean;
  voicemail: boolean;
  members: Set<number>;
}

export function buildUsers(inputs: SimUserInput[]): { users: SimUser[]; groups: SimGroup[] } {
  const parsed = UsersFileSchema.parse({ users: inputs }).users;
  const seen = new Set<string>();
  const users: SimUser[] = [];
  const groups = new Map<string, SimGroup>();
  parsed.forEach((u, i) => {
    if (seen.has(u.login)) throw new Error(`Users file: login "${u.login}" appears twice; login IDs must be unique.`);
    seen.add(u.login);
    const pwSha512Hex = sha512Hex(u.password);
    const user: SimUser = {
      id: i + 1,
      login: u.login,
      email: u.email,
      firstName: u.firstName,
      familyName: u.familyName,
      language: u.language ?? 'de',
      admin: u.admin,
      uciAllowed: u.uci ?? true,
      oauthAllowed: u.oauth ?? true,
      groups: [...new Set(u.groups)],
      password: u.password,
      pwSha512Hex,
      uciToken: uciTokenFromHash(u.login, pwSha512Hex),
      md5Token: uciMd5Token(u.login, u.password),
      adToken: uciAdToken(u.login, u.password),
      dnd: false,
      chatPresence: 'AVAILABLE',
      chatPresenceMessage: '',
      avatarHash: sha512Hex(`avatar:${u.login}`).slice(0, 32),
      redirectAlwaysActive: false,
      phoneRegistered: true,
      personId: `person-${i + 1}`,
    };
    users.push(user);
    for (const name of user.groups) {
      let g = groups.get(name);
      if (!g) {
        const id = 1000 + groups.size + 1;
        g = {
          id, groupId: `group-${id}`, name, internalNumber: String(id - 1000 + 700), externalNumber: '',
          chatGroup: false, voicemail: true, members: new Set(),
        };
        groups.set(name, g);
      }
      g.members.add(user.id);
    }
  });
  return { users, groups: [...groups.values()] };
}

const FIRST = ['Max', 'Anna', 'Lukas', 'Sophie', 'Jonas', 'Marie', 'Felix', 'Lea', 'Paul', 'Emma', 'Leon', 'Mia', 'Noah', 'Hannah', 'Elias', 'Lena', 'Ben', 'Clara', 'Finn', 'Laura'];
const LAST = ['Muster', 'Schmidt', 'Mueller', 'Weber', 'Fischer', 'Wagner', 'Becker', 'Hoffmann', 'Schulz', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Schwarz', 'Braun', 'Zimmermann', 'Krueger', 'Hartmann', 'Lange'];
export const GENERATED_GROUPS = ['Support', 'Sales', 'Development'];

/**
 * N ordinary users plus one admin, deterministic so other tools can rely on them:
 * admin `0001` / `Pass0001`; user i (1..N) login `String(1000 + i)`, password `Pass<login>`,
 * e-mail `first.last@example.com` (with the login appended once the 400 name pairs are used up),
 * groups `Support` / `Sales` / `Development` in turn.
 */
export function generateUsers(count: number): SimUserInput[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`--users must be a whole number ≥ 0 (got ${count}).`);
  const out: SimUserInput[] = [{
    login: '0001', password: 'Pass0001', email: 'admin@example.com', firstName: 'Admin', familyName: 'PBX', groups: [], admin: true,
  }];
  for (let i = 1; i <= count; i++) {
    const login = String(1000 + i);
    const first = FIRST[(i - 1) % FIRST.length]!;
    const last = LAST[Math.floor((i - 1) / FIRST.length) % LAST.length]!;
    const pairUsed = i > FIRST.length * LAST.length;
    const email = `${first}.${last}${pairUsed ? login : ''}@example.com`.toLowerCase();
    out.push({ login, password: `Pass${login}`, email, firstName: first, familyName: last, groups: [GENERATED_GROUPS[(i - 1) % GENERATED_GROUPS.length]!], admin: false });
  }
  return out;
}

export async function loadUsersFile(path: string): Promise<SimUserInput[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read users file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`Users file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const r = UsersFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`Users file ${path} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}. Expected {"users":[{"login","password","email","firstName","familyName","groups":[…],"admin":false}]}.`);
  }
  return r.data.users;
}
