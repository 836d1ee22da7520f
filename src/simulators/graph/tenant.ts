// The simulated Entra tenant: apps (with their consented permissions) and users.
// Loaded from a tenant file, generated, or built from a STARFACE users file so both simulators share people.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { generateUsers as generateStarfaceUsers } from '../starface/users.js';

const AppSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  displayName: z.string().optional(),
  /** Delegated permissions the admin has consented to (scp claim). */
  delegated: z.array(z.string()).default([]),
  /** Application permissions granted (roles claim). */
  application: z.array(z.string()).default([]),
  /** Registered redirect URIs; `http://localhost` matches any port, as Entra does for native apps. */
  redirectUris: z.array(z.string()).default(['http://localhost']),
  /** PEM certificates registered as credentials (for certificate client assertions). */
  certificates: z.array(z.string()).default([]),
});

const UserSchema = z.object({
  id: z.string().min(1),
  mail: z.string().nullable().default(null),
  userPrincipalName: z.string().min(1),
  displayName: z.string().default(''),
  proxyAddresses: z.array(z.string()).default([]),
  givenName: z.string().nullable().optional(),
  surname: z.string().nullable().optional(),
  /** false = no Teams licence (or a guest): presence is PresenceUnknown and setPresence fails. Unset = the profile decides. */
  teamsLicensed: z.boolean().optional(),
});

export const TenantSchema = z.object({
  tenantId: z.string().min(1),
  displayName: z.string().optional(),
  apps: z.array(AppSchema).min(1, 'a tenant needs at least one app in "apps"'),
  users: z.array(UserSchema).default([]),
});

export type SimApp = z.infer<typeof AppSchema>;
export type SimUser = z.infer<typeof UserSchema>;
export type SimTenant = z.infer<typeof TenantSchema>;
export type TenantInput = z.input<typeof TenantSchema>;

const StarfaceUsersSchema = z.object({
  users: z.array(z.object({
    login: z.string(),
    email: z.string().optional().nullable(),
    firstName: z.string().optional().nullable(),
    familyName: z.string().optional().nullable(),
  }).passthrough()),
});
export type StarfaceUserLike = z.infer<typeof StarfaceUsersSchema>['users'][number];

export const DEFAULT_DELEGATED = ['User.Read', 'User.ReadBasic.All', 'Presence.Read', 'Presence.Read.All', 'Presence.ReadWrite'];
export const DEFAULT_APPLICATION = ['User.Read.All', 'Presence.Read.All', 'Presence.ReadWrite.All'];

export function parseTenant(raw: unknown, source = 'tenant file'): SimTenant {
  const r = TenantSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` at "${issue.path.join('.')}"` : '';
    throw new Error(`The ${source} is not valid${where}: ${issue?.message ?? 'unknown problem'}. ` +
      'Expected {"tenantId":…, "apps":[{"clientId":…, "clientSecret":…, "delegated":[…], "application":[…]}], "users":[…]}.');
  }
  const ids = new Set<string>();
  for (const u of r.data.users) {
    if (ids.has(u.id.toLowerCase())) throw new Error(`The ${source} lists the user id "${u.id}" twice.`);
    ids.add(u.id.toLowerCase());
  }
  return r.data;
}

export function parseStarfaceUsers(raw: unknown, source = 'users file'): StarfaceUserLike[] {
  const r = StarfaceUsersSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(`The ${source} is not a STARFACE users file: expected {"users":[{"login":…, "email":…, ` +
      `"firstName":…, "familyName":…}]} (${r.error.issues[0]?.message ?? 'invalid'}).`);
  }
  return r.data.users;
}

/** A GUID derived from a string, so the same person gets the same object id in every run. */
export function stableGuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Graph users for the people of a STARFACE users file (matched by e-mail; people without one are skipped). */
export function usersFromStarface(users: StarfaceUserLike[]): SimUser[] {
  const seen = new Set<string>();
  const out: SimUser[] = [];
  for (const u of users) {
    const mail = u.email?.trim();
    if (!mail || seen.has(mail.toLowerCase())) continue;
    seen.add(mail.toLowerCase());
    const givenName = u.firstName ?? null;
    const surname = u.familyName ?? null;
    out.push({
      id: stableGuid(`user:${mail.toLowerCase()}`),
      mail,
      userPrincipalName: mail,
      displayName: [givenName, surname].filter(Boolean).join(' ') || u.login,
      proxyAddresses: [`SMTP:${mail}`],
      givenName,
      surname,
    });
  }
  return out;
}

/**
 * N generated people: exactly the N ordinary users of `presence-bridge sim starface --users N` (same names and
 * e-mail addresses, without the PBX admin account), so both simulators share one set of people by e-mail.
 */
export function generateUsers(count: number): SimUser[] {
  return usersFromStarface(generateStarfaceUsers(count).filter((u) => !u.admin));
}

/** A fresh tenant with one app holding the permissions Presence Bridge needs, and the given users. */
export function generateTenant(users: SimUser[]): SimTenant {
  return {
    tenantId: randomUUID(),
    displayName: 'Contoso (simulated)',
    apps: [{
      clientId: randomUUID(),
      clientSecret: randomBytes(24).toString('base64url'),
      displayName: 'Presence Bridge',
      delegated: [...DEFAULT_DELEGATED],
      application: [...DEFAULT_APPLICATION],
      redirectUris: ['http://localhost'],
      certificates: [],
    }],
    users,
  };
}
