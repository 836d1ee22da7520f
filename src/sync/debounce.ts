// Debounce of Teams → STARFACE changes (issue 17 item 2, sync.debounceCycles; 0 = off): at short poll intervals
// a Teams status can flicker (a call that ends at once, a meeting join and leave); a changed desired PBX state is
// held until it has been read in debounceCycles more cycles, so a state that flickers back in time costs no PBX
// write. The price is that many poll intervals of delay for every real change.
import type { DesiredPbxState } from '../core/desired-state.js';

export class ChangeDebouncer {
  /** Per user: the desired state waiting, and in how many consecutive cycles it was read. */
  private readonly pending = new Map<string, { key: string; seen: number }>();

  constructor(private readonly cycles: () => number) {}

  /**
   * A cycle read `next` for the user while `applied` is what the bridge acts on: true while the change must
   * still wait. No wait without a change, for a user's first state, or with debounce off.
   */
  hold(login: string, next: DesiredPbxState, applied: DesiredPbxState | undefined): boolean {
    const n = this.cycles();
    const key = keyOf(next);
    if (n <= 0 || applied === undefined || key === keyOf(applied)) {
      this.pending.delete(login);
      return false;
    }
    const p = this.pending.get(login);
    if (!p || p.key !== key) {
      this.pending.set(login, { key, seen: 1 });
      return true;
    }
    p.seen++;
    if (p.seen > n) {
      this.pending.delete(login);
      return false;
    }
    return true;
  }

  get waiting(): number {
    return this.pending.size;
  }
}

function keyOf(d: DesiredPbxState): string {
  return JSON.stringify([d.dnd, d.chatText, d.chatPresence, d.telephonyInCall]);
}
