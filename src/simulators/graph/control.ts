// The simulator's control API under /_sim/: drive users' own Teams state, approve device codes, inject
// faults, read request statistics. Used by tests, benchmarks and the demo.
import { z } from 'zod';
import { HttpError } from './http-util.js';
import { FaultSpecSchema } from './faults.js';
import { aggregate } from './presence-model.js';
import type { SimUser } from './tenant.js';
import type { SimWorld } from './world.js';

export const OwnPresenceSchema = z.object({
  /** null or "Offline" = the user's Teams client is signed out. */
  availability: z.string().min(1).nullable(),
  activity: z.string().min(1).optional(),
  outOfOffice: z.boolean().optional(),
  outOfOfficeMessage: z.string().nullable().optional(),
  /** Set as the user's preferred presence (what they pick in the Teams status menu) instead of the client state. */
  preferred: z.boolean().optional(),
}).strict();
export type OwnPresence = z.input<typeof OwnPresenceSchema>;

export interface PresenceView {
  id: string;
  mail: string | null;
  userPrincipalName: string;
  own: { availability: string; activity: string } | null;
  outOfOffice: boolean;
  preferred: { availability: string; activity: string; expiresAt: string } | null;
  sessions: Array<{ sessionId: string; availability: string; activity: string; setAt: string; expiresAt: string }>;
  presence: { availability: string; activity: string; outOfOffice: boolean; sequenceNumber: string };
}

export function setOwnPresence(world: SimWorld, user: SimUser, input: unknown): void {
  const r = OwnPresenceSchema.safeParse(input);
  if (!r.success) {
    throw new HttpError(400, 'BadRequest', `Expected {"availability":…, "activity":…, "outOfOffice":bool}: ${r.error.issues[0]?.message ?? 'invalid'} at "${r.error.issues[0]?.path.join('.') ?? ''}".`);
  }
  const v = r.data;
  const state = world.state(user.id);
  if (v.preferred) {
    state.preferred = v.availability === null ? null
      : { availability: v.availability, activity: v.activity ?? v.availability, expiresAt: world.now() + 7 * 24 * 3600_000 };
  } else {
    state.own = v.availability === null ? null : { availability: v.availability, activity: v.activity ?? v.availability };
  }
  if (v.outOfOffice !== undefined) state.outOfOffice = v.outOfOffice;
  if (v.outOfOfficeMessage !== undefined) state.outOfOfficeMessage = v.outOfOfficeMessage;
  world.touched(user);
}

export function presenceView(world: SimWorld, user: SimUser): PresenceView {
  const state = world.state(user.id);
  const p = world.aggregated(user);
  aggregate(state, world.now()); // drops expired sessions before listing them
  const iso = (t: number): string => new Date(t).toISOString();
  return {
    id: user.id,
    mail: user.mail,
    userPrincipalName: user.userPrincipalName,
    own: state.own ? { ...state.own } : null,
    outOfOffice: state.outOfOffice,
    preferred: state.preferred ? { availability: state.preferred.availability, activity: state.preferred.activity, expiresAt: iso(state.preferred.expiresAt) } : null,
    sessions: [...state.sessions.values()].map((s) => ({
      sessionId: s.sessionId, availability: s.availability, activity: s.activity, setAt: iso(s.setAt), expiresAt: iso(s.expiresAt),
    })),
    presence: { availability: p.availability, activity: p.activity, outOfOffice: p.outOfOffice, sequenceNumber: world.sequence.format(p.sequence) },
  };
}

export function parseFaultSpec(input: unknown): z.output<typeof FaultSpecSchema> {
  const r = FaultSpecSchema.safeParse(input ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HttpError(400, 'BadRequest', `Invalid fault specification at "${i?.path.join('.') ?? ''}": ${i?.message ?? 'invalid'}. ` +
      'Keys: throttle {count, retryAfterSeconds, endpoints}, errors {count, status, retryAfterSeconds, endpoints}, unreadableAnswers {count, body, contentType, endpoints}, resetAfterEffect {count, endpoints}, latencyMs, revokeTokens, presenceBudget {limit, windowSeconds}.');
  }
  return r.data;
}
