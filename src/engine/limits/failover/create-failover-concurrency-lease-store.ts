import { randomUUID } from 'node:crypto';
import type { ConcurrencyLeaseStore, LeaseAttempt } from '../concurrency-lease-store.js';
import type { FailoverStoreOptions } from './create-failover-rate-limit-store.js';
import { createStoreFailover } from './create-store-failover.js';

/** Lease ids handed out while the shared store is away; renew and release skip them. */
const LOCAL_LEASE = 'local:';

/**
 * The shared lease store, with what happens when it does not answer. fail_open: an acquire goes
 * through (a local lease id), relying on the per-replica `max_concurrency`; fail_closed: it rejects
 * with a RateLimitedError saying the shared limit store is unavailable. Renewals that fail are only
 * counted: the lease then expires in Redis by itself, which frees the slot rather than holding it.
 */
export function createFailoverConcurrencyLeaseStore(
  primary: ConcurrencyLeaseStore,
  options: Omit<FailoverStoreOptions, 'expectedReplicas'>,
): ConcurrencyLeaseStore {
  const failover = createStoreFailover({
    store: 'concurrency_lease',
    onStoreError: options.onStoreError,
    fallback:
      options.onStoreError === 'fail_open'
        ? 'max_concurrency_global is not enforced (max_concurrency still is)'
        : 'calls to providers with max_concurrency_global are refused with rate_limited',
    ...(options.probeIntervalMs !== undefined && { probeIntervalMs: options.probeIntervalMs }),
    ...(options.now !== undefined && { now: options.now }),
  });

  const acquireLocally = (key: string): LeaseAttempt => {
    if (options.onStoreError === 'fail_open') return { ok: true, leaseId: `${LOCAL_LEASE}${randomUUID()}` };
    throw failover.unavailableError(key, 'no call is admitted under max_concurrency_global');
  };

  return {
    async tryAcquire(key, limit, leaseMs) {
      if (failover.shouldTry()) {
        const answer = await failover.attempt('try_acquire', () => primary.tryAcquire(key, limit, leaseMs));
        if (answer !== undefined) return answer.value;
      }
      return acquireLocally(key);
    },
    async renew(key, leaseIds, leaseMs) {
      const shared = leaseIds.filter((id) => !id.startsWith(LOCAL_LEASE));
      if (shared.length === 0 || !failover.available) return;
      await failover.attempt('renew', () => primary.renew(key, shared, leaseMs));
    },
    async release(key, leaseId) {
      if (leaseId.startsWith(LOCAL_LEASE) || !failover.available) return;
      await failover.attempt('release', () => primary.release(key, leaseId));
    },
  };
}
