import { isSyncRateLimitStore, type RateLimit, type RateLimitStore, type SyncRateLimitStore } from './rate-limit-store.js';
import type { TakeResult } from './token-bucket.js';

/**
 * One per-minute budget of a provider in a RateLimitStore: its requests (cost 1 a call) or its
 * tokens (the call's estimate). Off when the config sets no limit; the limiter then skips it. Takes
 * are synchronous when the store can answer so (the in-memory store): the hot path has no promise.
 */
export class StoreBucket {
  private limitValue: RateLimit | undefined;
  private readonly syncStore: SyncRateLimitStore | undefined;

  constructor(
    private readonly store: RateLimitStore,
    readonly key: string,
    perMinute: number | undefined,
  ) {
    this.syncStore = isSyncRateLimitStore(store) ? store : undefined;
    this.limitValue = toLimit(perMinute);
  }

  /** The limit, undefined when this budget is off. */
  get limit(): RateLimit | undefined {
    return this.limitValue;
  }

  /** Whether takes can be answered synchronously (takeSync, estimateWaitMsSync). */
  get isSync(): boolean {
    return this.syncStore !== undefined;
  }

  setPerMinute(perMinute: number | undefined): void {
    this.limitValue = toLimit(perMinute);
  }

  /** Whether `cost` is more than the bucket can ever hold: such a call can only be refused. */
  exceedsCapacity(cost: number): boolean {
    return this.limitValue !== undefined && cost > this.limitValue.capacity;
  }

  /** Only with a sync store and a limit set. */
  takeSync(cost: number, now: number): TakeResult {
    return (this.syncStore as SyncRateLimitStore).takeSync(this.key, cost, this.limitValue as RateLimit, now);
  }

  /** Only with a limit set. */
  take(cost: number, now: number): Promise<TakeResult> {
    return this.store.take(this.key, cost, this.limitValue as RateLimit, now);
  }

  /** Only with a sync store and a limit set: when `cost` tokens will be there, taking none. */
  estimateWaitMsSync(cost: number, now: number): number {
    return (this.syncStore as SyncRateLimitStore).estimateWaitMsSync(this.key, cost, this.limitValue as RateLimit, now);
  }

  /**
   * Gives back (delta > 0) or charges (delta < 0) tokens. A failed shared store only leaves the
   * budget slightly off, which the call itself must not pay for: the error is dropped.
   */
  adjust(delta: number, now: number): void {
    const limit = this.limitValue;
    if (limit === undefined || delta === 0) return;
    if (this.syncStore !== undefined) this.syncStore.adjustSync(this.key, delta, limit, now);
    else this.store.adjust(this.key, delta, limit, now).catch(ignoreStoreError);
  }

  /** Nothing is taken before `until` (a provider-wide retry-after, for every replica sharing the store). */
  pause(until: number, now: number): void {
    if (this.syncStore !== undefined) this.syncStore.pauseSync(this.key, until, now);
    else this.store.pause(this.key, until, now).catch(ignoreStoreError);
  }
}

function toLimit(perMinute: number | undefined): RateLimit | undefined {
  return perMinute === undefined ? undefined : { capacity: perMinute, refillPerMs: perMinute / 60_000 };
}

function ignoreStoreError(): void {}
