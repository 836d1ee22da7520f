// MSAL token cache kept in the secret vault (never in a plain file): an ICachePlugin over a SecretStore.
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { SecretStore } from '../platform/vault.js';

export const MSAL_CACHE_SECRET = 'msal.cache';

export class SecretStoreCachePlugin implements ICachePlugin {
  /** What we last loaded or saved, so an unchanged cache is not written to the vault again. */
  private last: string | undefined;

  constructor(private readonly store: Pick<SecretStore, 'get' | 'set' | 'delete'>, private readonly name = MSAL_CACHE_SECRET) {}

  async beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
    let data: string | undefined;
    try {
      data = await this.store.get(this.name);
    } catch (e) {
      throw new Error(`Cannot read the saved Microsoft sign-in from the secret vault: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    // Always load: MSAL clears its in-memory cache before a silent lookup and expects us to refill it.
    if (data !== undefined) ctx.tokenCache.deserialize(data);
    this.last = data;
  }

  async afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
    if (!ctx.cacheHasChanged) return;
    const data = ctx.tokenCache.serialize();
    if (data === this.last) return;
    try {
      await this.store.set(this.name, data);
      this.last = data;
    } catch (e) {
      throw new Error(`Cannot save the Microsoft sign-in in the secret vault: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}
