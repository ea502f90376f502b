import type { RateLimit } from '../rate-limit-store.js';

/** The smallest local refill: one token a minute, so a bucket always comes back. */
const MIN_REFILL_PER_MS = 1 / 60_000;

/**
 * One replica's share of a fleet limit while the shared store is away: capacity and refill divided
 * by the expected replicas, never below one token (and one a minute), so the fleet as a whole
 * stays near the budget it would have had in Redis.
 */
export function localShareOf(limit: RateLimit, replicas: number): RateLimit {
  if (replicas <= 1) return limit;
  return {
    capacity: Math.max(1, limit.capacity / replicas),
    refillPerMs: Math.max(MIN_REFILL_PER_MS, limit.refillPerMs / replicas),
  };
}

export function describeLocalShare(replicas: number): string {
  return replicas <= 1 ? 'the whole' : `1/${replicas}`;
}
