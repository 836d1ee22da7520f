import type {
  AuthStatus, ControlClient, ControlEvent, PbxCapabilitiesView, Roster, SyncStatus, UserLiveState,
} from '../api/types.js';
import { toCallError } from '../api/types.js';
import { Store } from './store.js';

export type HostConnection = 'connecting' | 'connected' | 'disconnected';

export interface LiveState {
  connection: HostConnection;
  /** Why the host is unreachable (readable), while disconnected. */
  connectionError: string | null;
  sync: SyncStatus | null;
  /**
   * Whether `sync` (and the rest of the snapshot) is current. False from the moment the connection to the host
   * drops until a fresh snapshot arrives after it is back: until then the last known state may be wrong.
   */
  syncKnown: boolean;
  auth: AuthStatus | null;
  capabilities: PbxCapabilitiesView | null;
  /** Every synced user, sorted by display name then login. Replaced (never mutated) on change. */
  users: readonly UserLiveState[];
  roster: Roster | null;
}

const initial: LiveState = {
  connection: 'connecting', connectionError: null, sync: null, syncKnown: false, auth: null, capabilities: null, users: [], roster: null,
};

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
function byName(a: UserLiveState, b: UserLiveState): number {
  return collator.compare(a.displayName ?? a.login, b.displayName ?? b.login) || collator.compare(a.login, b.login);
}

/**
 * Live view of the engine: `state.snapshot` once, then `state.*`, `auth.changed` and `roster.changed` events.
 * When the host goes away and comes back, the snapshot is fetched again (events may have been missed).
 */
export class LiveStore {
  readonly store = new Store<LiveState>(initial, 50);
  private readonly users = new Map<string, UserLiveState>();
  private usersDirty = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  /** Counts connection losses, so a snapshot requested before a loss cannot mark the state current after it. */
  private epoch = 0;

  constructor(private readonly client: ControlClient, private readonly retryMs = 2000) {}

  start(): void {
    this.unsubscribe = this.client.subscribe((e) => this.onEvent(e));
    void this.refresh();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.retryTimer);
    clearTimeout(this.flushTimer);
  }

  /** Fetches snapshot and roster; on failure marks the host unreachable and retries. */
  async refresh(): Promise<void> {
    clearTimeout(this.retryTimer);
    const epoch = this.epoch;
    try {
      const [snap, roster] = await Promise.all([
        this.client.call('state.snapshot', {}),
        this.client.call('roster.get', {}).catch(() => null),
      ]);
      if (epoch !== this.epoch) return; // the connection dropped meanwhile: this snapshot may be outdated
      this.users.clear();
      for (const u of snap.users) this.users.set(u.login, u);
      this.usersDirty = true;
      this.store.set((s) => ({
        ...s,
        connectionError: null,
        sync: snap.sync,
        // Current only while the event stream is up (or still starting): without it no change would arrive.
        syncKnown: s.connection !== 'disconnected',
        auth: snap.auth,
        capabilities: snap.capabilities,
        roster: roster ?? s.roster,
        users: this.sortedUsers(),
      }));
    } catch (err) {
      if (this.stopped) return;
      this.store.set((s) => ({ ...s, connectionError: toCallError(err).message }));
      this.retryTimer = setTimeout(() => void this.refresh(), this.retryMs);
    }
  }

  /**
   * The event stream's state, from the client. Each (re)connect fetches the snapshot again: events sent while
   * the stream was down are lost, the snapshot is not.
   */
  setConnection(connection: HostConnection, error?: string): void {
    const was = this.store.get().connection;
    // Once the host is out of reach the last state it reported may no longer be true (sync may have stopped,
    // or the host itself is gone): it is unknown until a fresh snapshot arrives after reconnecting.
    const lost = connection === 'disconnected' || (connection !== 'connected' && was === 'connected');
    if (lost) this.epoch++;
    this.store.set((s) => ({
      ...s, connection, connectionError: connection === 'connected' ? null : (error ?? s.connectionError),
      syncKnown: lost ? false : s.syncKnown,
    }));
    if (connection === 'connected' && was !== 'connected') void this.refresh();
  }

  private onEvent(e: ControlEvent): void {
    switch (e.type) {
      case 'state.user':
        this.users.set(e.data.login, e.data);
        this.usersDirty = true;
        this.scheduleUsersFlush();
        break;
      case 'state.sync':
        this.store.set((s) => ({ ...s, sync: e.data }));
        break;
      case 'auth.changed':
        this.store.set((s) => ({ ...s, auth: e.data }));
        break;
      case 'roster.changed': {
        // Issue 15 item 3: the board follows the roster — users no longer synced leave it at once.
        const synced = new Set(e.data.users.filter((u) => u.status === 'matched').map((u) => u.login));
        for (const login of [...this.users.keys()]) {
          if (!synced.has(login)) {
            this.users.delete(login);
            this.usersDirty = true;
          }
        }
        this.store.set((s) => ({ ...s, roster: e.data, ...(this.usersDirty ? { users: this.sortedUsers() } : {}) }));
        break;
      }
      default:
        break;
    }
  }

  /** Applies a SyncStatus returned by sync.start/stop without waiting for the event. */
  applySync(sync: SyncStatus): void {
    this.store.set((s) => ({ ...s, sync }));
  }

  applyAuth(auth: AuthStatus): void {
    this.store.set((s) => ({ ...s, auth }));
  }

  private scheduleUsersFlush(): void {
    if (this.flushTimer !== undefined) return;
    // Sorting 2,000 users is cheap, but not 2,000 times in a burst: coalesce.
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (!this.usersDirty) return;
      const users = this.sortedUsers();
      this.store.set((s) => ({ ...s, users }));
    }, 50);
  }

  private sortedUsers(): UserLiveState[] {
    this.usersDirty = false;
    return [...this.users.values()].sort(byName);
  }
}
