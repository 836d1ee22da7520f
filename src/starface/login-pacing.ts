// How often the bridge may log a user in (issue 13 item 1: one bad character once caused ~1,000 PBX logins a
// second). Whatever made a session lose its login, a user's logins are spaced by an exponential backoff with
// jitter — the first re-login after a stable session at once (a PBX restart), then `initialMs`·2ⁿ after each
// login that did not give a stable session, up to `maxMs` — and every user's re-logins draw from one global budget (a token bucket per pool, i.e. per PBX).
import { systemClock, type Clock } from '../platform/clock.js';

export interface LoginPacingSettings {
  /** Spacing after a login; doubles per further login that did not give a stable session. */
  initialMs: number;
  /** Ceiling of the spacing (after repeated failures: one login per user per this time). */
  maxMs: number;
  /** A session that stayed logged in this long counts as stable: the next loss re-logs in at once. */
  stableMs: number;
}

/** Per user: when the next login may start. */
export class LoginBackoff {
  private streak = 0;
  private nextAt = 0;
  private upSince: number | undefined;

  constructor(
    private readonly settings: LoginPacingSettings,
    private readonly clock: Clock = systemClock,
    private readonly random: () => number = Math.random,
  ) {}

  /** Milliseconds until the next login may start (0 = now). */
  waitMs(): number {
    return Math.max(0, this.nextAt - this.clock.now());
  }

  /** Logins in a row that did not give a stable session. */
  get failures(): number {
    return this.streak;
  }

  /** A login is being sent: the next one waits for the backoff of the streak so far (with up to 25 % jitter). */
  loginStarted(): void {
    const step = Math.min(this.settings.maxMs, this.settings.initialMs * 2 ** Math.min(this.streak, 30));
    this.nextAt = this.clock.now() + step * (1 + 0.25 * this.random());
    this.streak++;
    this.upSince = undefined;
  }

  connected(): void {
    this.upSince = this.clock.now();
  }

  /** The session was lost (or the login failed): a stable session resets the streak. */
  lost(): void {
    if (this.upSince !== undefined && this.clock.now() - this.upSince >= this.settings.stableMs) {
      this.streak = 0;
      this.nextAt = 0;
    }
    this.upSince = undefined;
  }
}

/** A token bucket shared by all sessions of a PBX: at most `perSecond` re-logins a second, bursts up to `burst`. */
export class LoginBudget {
  private tokens: number;
  private at: number;

  constructor(private readonly perSecond: number, private readonly burst: number, private readonly clock: Clock = systemClock) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error('The re-login budget needs a positive rate and a burst of at least 1.');
    this.tokens = burst;
    this.at = clock.now();
  }

  /** Takes a token and returns 0, or returns how long to wait for one (nothing taken). */
  take(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}
