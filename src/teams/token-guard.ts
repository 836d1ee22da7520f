// Two guards around token acquisition (reference: issue 13 item 2):
//  - a token Graph answered 401 to is never handed out again, even while MSAL's cache still holds it;
//  - a sign-in service that fails for a moment (5xx, 429, no connection) is retried within seconds, instead of
//    MSAL's 60 s lock after one 5xx, during which every cycle would send the revoked token to Graph.
import { createHash } from 'node:crypto';
import { TokenEndpointBusyError } from './msal-network.js';
import { backoffMs, sleep } from './throttle.js';

export interface TokenRetryPolicy {
  /** Attempts per token request, the first included; default 4 (waits of about 1, 2 and 4 s between). */
  attempts: number;
  /** Backoff base; default 1 s. */
  baseMs: number;
  /** A Retry-After longer than this is not waited for inline: the request fails with retryAfterMs. Default 10 s. */
  maxWaitMs: number;
}

export const DEFAULT_TOKEN_RETRY: TokenRetryPolicy = { attempts: 4, baseMs: 1_000, maxWaitMs: 10_000 };

/** Fingerprints (never the tokens themselves) of the tokens Graph rejected; the newest few are kept. */
export class RejectedTokens {
  private readonly seen: string[] = [];

  constructor(private readonly max = 32) {}

  add(token: string): void {
    const f = fingerprint(token);
    if (this.seen.includes(f)) return;
    this.seen.push(f);
    if (this.seen.length > this.max) this.seen.shift();
  }

  has(token: string): boolean {
    return this.seen.includes(fingerprint(token));
  }
}

function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}

/** A temporary failure of the sign-in service: worth retrying. */
export function isTemporarySignInFailure(e: unknown): e is TokenEndpointBusyError {
  return e instanceof TokenEndpointBusyError;
}

/** The wait before the next attempt, or undefined when the caller should give up now (too long, or no attempts left). */
export function retryDelay(e: unknown, attempt: number, policy: TokenRetryPolicy): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  const retryAfter = e instanceof TokenEndpointBusyError ? e.retryAfterMs : undefined;
  const wait = retryAfter ?? backoffMs(attempt, policy.baseMs, policy.maxWaitMs);
  return wait > policy.maxWaitMs ? undefined : wait;
}

/**
 * Runs a token request until it succeeds, fails for good, or the retries for temporary failures are used up.
 * `fresh` tells the request to bypass the cache (after a rejected token came out of it).
 */
export async function acquireGuarded(
  request: (fresh: boolean) => Promise<string>,
  opts: { rejected: RejectedTokens; forceRefresh: boolean; policy: TokenRetryPolicy; onRetry?: (e: unknown, waitMs: number, attempt: number) => void },
): Promise<string> {
  let fresh = opts.forceRefresh;
  for (let attempt = 1; ; attempt++) {
    let token: string;
    try {
      token = await request(fresh);
    } catch (e) {
      const wait = isTemporarySignInFailure(e) ? retryDelay(e, attempt, opts.policy) : undefined;
      if (wait === undefined) throw e;
      opts.onRetry?.(e, wait, attempt);
      await sleep(wait);
      continue;
    }
    if (!opts.rejected.has(token)) return token;
    // The cache handed out a token Graph already refused: ask the service for a new one instead.
    if (fresh) throw new RejectedTokenError();
    fresh = true;
    attempt--;
  }
}

/** The sign-in service issued a token Graph had already rejected, even when asked for a new one. */
export class RejectedTokenError extends Error {
  override readonly name = 'RejectedTokenError';
  constructor() {
    super('Microsoft Entra ID handed out a token that Microsoft Graph had already rejected; the bridge will not send it. Check the app registration and this computer\'s clock.');
  }
}
