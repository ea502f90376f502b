import type { TakeResult } from './token-bucket.js';

/** The limit a key is held to: a bucket of `capacity` tokens refilled at `refillPerMs`. */
export interface RateLimit {
  capacity: number;
  refillPerMs: number;
}

/**
 * Where token buckets live: in memory for one process, or (later) Redis for a budget shared by
 * every gateway replica. Keys are created on first use with the limit given; when a later call
 * passes a different limit (config reload), the bucket is resized keeping its fill ratio.
 * Every promise must settle on its own (a network-backed store needs its own timeout); a rejection
 * should be a RateLimitStoreError, which the limiter reads as "not admitted yet, ask again soon".
 * The limiter sends the takes of several queued calls at once, in queue order, and admits them in
 * that order: a store must run one caller's commands in the order they were sent (one connection).
 */
export interface RateLimitStore {
  /** Takes `cost` tokens from `key` when available. */
  take(key: string, cost: number, limit: RateLimit, now: number): Promise<TakeResult>;
  /** Adds `delta` tokens (refund) or removes `-delta` (charge; may leave a debt). */
  adjust(key: string, delta: number, limit: RateLimit, now: number): Promise<void>;
  /**
   * Nothing is taken from `key` before `untilMs` (a provider's retry-after); the key is emptied and
   * refills only from then on. `now` lets the store count the refill due up to the pause.
   */
  pause(key: string, untilMs: number, now?: number): Promise<void>;
}

/**
 * A store that can answer synchronously. The limiter uses these methods when present, so the
 * in-memory hot path has no promise and no allocation per call.
 */
export interface SyncRateLimitStore extends RateLimitStore {
  takeSync(key: string, cost: number, limit: RateLimit, now: number): TakeResult;
  adjustSync(key: string, delta: number, limit: RateLimit, now: number): void;
  pauseSync(key: string, untilMs: number, now?: number): void;
  /** Milliseconds until `cost` tokens will have accumulated (ignores the capacity); no tokens are taken. */
  estimateWaitMsSync(key: string, cost: number, limit: RateLimit, now: number): number;
}

export function isSyncRateLimitStore(store: RateLimitStore): store is SyncRateLimitStore {
  return typeof (store as Partial<SyncRateLimitStore>).takeSync === 'function';
}
