// The simulator's in-memory world: the tenant's users (indexed for e-mail lookup) and their presence.
import {
  currentPresence, newPresenceState, PresenceSequence,
  type AggregatedPresence, type UserPresenceState,
} from './presence-model.js';
import { GRAPH_PROFILES, type GraphProfile } from './profiles.js';
import type { SimApp, SimTenant, SimUser } from './tenant.js';

export interface GraphPresence {
  id: string;
  availability: string;
  activity: string;
  statusMessage: null;
  outOfOfficeSettings: { message: string | null; isOutOfOffice: boolean };
  sequenceNumber: string | null;
}

export type PresenceListener = (user: SimUser, presence: AggregatedPresence & { sequence: number }) => void;

export class SimWorld {
  readonly usersById = new Map<string, SimUser>();
  private readonly usersByAddress = new Map<string, SimUser>();
  private readonly presence = new Map<string, UserPresenceState>();
  readonly sequence = new PresenceSequence();
  private readonly listeners = new Set<PresenceListener>();
  private unlicensed = new Set<string>();
  private currentProfile: GraphProfile = GRAPH_PROFILES.default;

  constructor(readonly tenant: SimTenant, readonly now: () => number = Date.now) {
    this.profile = GRAPH_PROFILES.default;
    for (const u of tenant.users) {
      this.usersById.set(u.id.toLowerCase(), u);
      // Lookup order mirrors the client's: mail, then UPN, then proxy addresses; first writer wins.
      const keys = [u.mail, u.userPrincipalName, ...u.proxyAddresses.map((p) => p.replace(/^smtp:/i, ''))];
      for (const k of keys) if (k && !this.usersByAddress.has(k.toLowerCase())) this.usersByAddress.set(k.toLowerCase(), u);
    }
  }

  /** The real-world variant the simulator plays (see profiles.ts). */
  get profile(): GraphProfile {
    return this.currentProfile;
  }

  set profile(p: GraphProfile) {
    this.currentProfile = p;
    // A user's licence comes from the tenant file; otherwise the profile decides (every Nth user has none).
    this.unlicensed = new Set(this.tenant.users
      .filter((u, i) => u.teamsLicensed === false || (u.teamsLicensed === undefined && p.unlicensedEvery > 0 && i % p.unlicensedEvery === p.unlicensedEvery - 1))
      .map((u) => u.id.toLowerCase()));
  }

  /** Users without a Teams licence (and guests) have no Teams presence at all. */
  hasTeams(user: SimUser): boolean {
    return !this.unlicensed.has(user.id.toLowerCase());
  }

  get users(): SimUser[] {
    return this.tenant.users;
  }

  app(clientId: string): SimApp | undefined {
    return this.tenant.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  }

  userById(id: string): SimUser | undefined {
    return this.usersById.get(id.toLowerCase());
  }

  /** By object id, mail, UPN or proxy address (case-insensitive). */
  findUser(idOrEmail: string): SimUser | undefined {
    const k = idOrEmail.trim().toLowerCase();
    return this.usersById.get(k) ?? this.usersByAddress.get(k.replace(/^smtp:/, ''));
  }

  state(userId: string): UserPresenceState {
    const k = userId.toLowerCase();
    let s = this.presence.get(k);
    if (!s) {
      s = newPresenceState();
      this.presence.set(k, s);
    }
    return s;
  }

  /** The aggregated presence; notifies listeners when it changed since it was last looked at. */
  aggregated(user: SimUser): AggregatedPresence & { sequence: number } {
    const p = currentPresence(this.state(user.id), this.now(), this.sequence);
    if (p.changed) for (const l of this.listeners) l(user, p);
    return p;
  }

  graphPresence(user: SimUser): GraphPresence {
    if (!this.hasTeams(user)) {
      return { id: user.id, availability: 'PresenceUnknown', activity: 'PresenceUnknown', statusMessage: null, outOfOfficeSettings: { message: null, isOutOfOffice: false }, sequenceNumber: null };
    }
    const p = this.aggregated(user);
    return {
      id: user.id,
      availability: p.availability,
      activity: p.activity,
      statusMessage: null,
      outOfOfficeSettings: { message: p.outOfOfficeMessage, isOutOfOffice: p.outOfOffice },
      sequenceNumber: this.sequence.format(p.sequence),
    };
  }

  /** A reset of the presence stamps (undocumented, but possible): every user gets a new, lower stamp. */
  restartSequence(next: number, width?: number): void {
    this.sequence.restart(next, width);
    for (const state of this.presence.values()) state.sequence = this.sequence.next();
  }

  /** Call after mutating a user's presence state so listeners hear about it right away. */
  touched(user: SimUser): void {
    this.aggregated(user);
  }

  onPresenceChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
