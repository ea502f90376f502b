import { createMemoryRateLimitStore } from '../create-memory-rate-limit-store.js';
import type { RateLimit, RateLimitStore } from '../rate-limit-store.js';
import type { TakeResult } from '../token-bucket.js';
import { createStoreFailover, type OnStoreError } from './create-store-failover.js';
import { describeLocalShare, localShareOf } from './local-share-of.js';

export interface FailoverStoreOptions {
  onStoreError: OnStoreError;
  /** How many replicas share the limits (`limits.expected_replicas`, default 1). */
  expectedReplicas?: number;
  /** At most this often a failed store is tried again (default 3 s). */
  probeIntervalMs?: number;
  now?: () => number;
}

/**
 * The shared store, with what happens when it does not answer. fail_open: the replica answers
 * from local buckets at limit / expected_replicas (so the fleet stays near its budget) and goes
 * back to the shared store as soon as a probe succeeds; fail_closed: a take rejects with a
 * RateLimitedError that says the shared limit store is unavailable (the caller gets 429).
 * Refunds and pauses go to the shared store while it answers and to the local buckets always,
 * so a pause also holds during an outage.
 */
export function createFailoverRateLimitStore(primary: RateLimitStore, options: FailoverStoreOptions): RateLimitStore {
  const replicas = options.expectedReplicas ?? 1;
  const local = createMemoryRateLimitStore();
  const failover = createStoreFailover({
    store: 'rate_limit',
    onStoreError: options.onStoreError,
    fallback:
      options.onStoreError === 'fail_open'
        ? `local buckets at ${describeLocalShare(replicas)} of each limit`
        : 'calls are refused with rate_limited',
    ...(options.probeIntervalMs !== undefined && { probeIntervalMs: options.probeIntervalMs }),
    ...(options.now !== undefined && { now: options.now }),
  });

  const takeLocally = (key: string, cost: number, limit: RateLimit, now: number): TakeResult => {
    if (options.onStoreError === 'fail_open') return local.takeSync(key, cost, localShareOf(limit, replicas), now);
    const provider = key.slice(0, Math.max(0, key.lastIndexOf(':'))) || key;
    throw failover.unavailableError(provider, 'no call is admitted');
  };

  return {
    async take(key, cost, limit, now) {
      if (failover.shouldTry()) {
        const answer = await failover.attempt('take', () => primary.take(key, cost, limit, now));
        if (answer !== undefined) return answer.value;
      }
      return takeLocally(key, cost, limit, now);
    },
    async adjust(key, delta, limit, now) {
      if (options.onStoreError === 'fail_open' && !failover.available) {
        local.adjustSync(key, delta, localShareOf(limit, replicas), now);
        return;
      }
      if (failover.available) await failover.attempt('adjust', () => primary.adjust(key, delta, limit, now));
    },
    async pause(key, untilMs, now) {
      local.pauseSync(key, untilMs, now);
      if (failover.available) await failover.attempt('pause', () => primary.pause(key, untilMs, now));
    },
  };
}
