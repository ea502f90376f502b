import type { RateLimit, SyncRateLimitStore } from './rate-limit-store.js';
import { TokenBucket, type TakeResult } from './token-bucket.js';

/** The in-process store: one TokenBucket per key, answered synchronously. */
export function createMemoryRateLimitStore(): SyncRateLimitStore {
  const buckets = new Map<string, TokenBucket>();
  /** Pauses that arrived for keys nothing has taken from yet. */
  const pendingPauses = new Map<string, number>();

  function resolveBucket(key: string, limit: RateLimit, now: number): TokenBucket {
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(limit.capacity, limit.refillPerMs, now);
      const pausedUntil = pendingPauses.get(key);
      if (pausedUntil !== undefined) {
        pendingPauses.delete(key);
        bucket.pauseUntil(pausedUntil, now);
      }
      buckets.set(key, bucket);
    } else if (bucket.capacity !== limit.capacity || bucket.refillPerMs !== limit.refillPerMs) {
      bucket.resize(limit.capacity, limit.refillPerMs, now);
    }
    return bucket;
  }

  function takeSync(key: string, cost: number, limit: RateLimit, now: number): TakeResult {
    return resolveBucket(key, limit, now).tryTake(cost, now);
  }

  function adjustSync(key: string, delta: number, limit: RateLimit, now: number): void {
    const bucket = resolveBucket(key, limit, now);
    if (delta >= 0) bucket.give(delta, now);
    else bucket.take(-delta, now);
  }

  function pauseSync(key: string, untilMs: number, now?: number): void {
    const bucket = buckets.get(key);
    if (bucket !== undefined) bucket.pauseUntil(untilMs, now);
    else if (untilMs > (now ?? Number.NEGATIVE_INFINITY) && untilMs > (pendingPauses.get(key) ?? Number.NEGATIVE_INFINITY))
      pendingPauses.set(key, untilMs);
  }

  function estimateWaitMsSync(key: string, cost: number, limit: RateLimit, now: number): number {
    return resolveBucket(key, limit, now).estimateWaitMs(cost, now);
  }

  return {
    takeSync,
    adjustSync,
    pauseSync,
    estimateWaitMsSync,
    take: (key, cost, limit, now) => Promise.resolve(takeSync(key, cost, limit, now)),
    adjust: (key, delta, limit, now) => Promise.resolve(adjustSync(key, delta, limit, now)),
    pause: (key, untilMs, now) => Promise.resolve(pauseSync(key, untilMs, now)),
  };
}
