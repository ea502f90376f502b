/** The outcome of asking for a fleet-wide slot. */
export type LeaseAttempt = { ok: true; leaseId: string } | { ok: false; retryInMs: number };

/**
 * Fleet-wide concurrency slots (`max_concurrency_global`): at most `limit` live leases per key across
 * every replica. A lease expires `leaseMs` after it was taken or last renewed, so a replica that dies
 * gives its slots back by itself. Every promise settles on its own (the store's command timeout);
 * a rejection is a RateLimitStoreError.
 */
export interface ConcurrencyLeaseStore {
  /** Takes a slot when fewer than `limit` live leases exist; else says when the earliest one expires. */
  tryAcquire(key: string, limit: number, leaseMs: number): Promise<LeaseAttempt>;
  /** Extends these leases by `leaseMs` from now (the holder calls it every leaseMs / 3). */
  renew(key: string, leaseIds: readonly string[], leaseMs: number): Promise<void>;
  /** Gives a slot back at once. */
  release(key: string, leaseId: string): Promise<void>;
}
