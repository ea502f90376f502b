import { randomUUID } from 'node:crypto';
import { RateLimitedError } from '../../../spec/errors.js';
import type { ConcurrencyLeaseStore, LeaseAttempt } from '../concurrency-lease-store.js';
import type { FailoverStoreOptions } from './create-failover-rate-limit-store.js';
import { createStoreFailover, DEFAULT_STORE_PROBE_INTERVAL_MS } from './create-store-failover.js';

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
    const retryAfterMs = options.probeIntervalMs ?? DEFAULT_STORE_PROBE_INTERVAL_MS;
    throw new RateLimitedError({
      message: `${key}: the shared limit store is unavailable and limits.on_store_error is fail_closed, so no call is admitted under max_concurrency_global until it answers again; retry in ${retryAfterMs} ms`,
      provider: key,
      origin: 'engine',
      retryAfterMs,
    });
  };

  return {
    async tryAcquire(key, limit, leaseMs) {
      if (failover.shouldTry()) {
        try {
          const attempt = await primary.tryAcquire(key, limit, leaseMs);
          failover.succeeded();
          return attempt;
        } catch (error) {
          failover.failed('try_acquire', error);
        }
      }
      return acquireLocally(key);
    },
    async renew(key, leaseIds, leaseMs) {
      const shared = leaseIds.filter((id) => !id.startsWith(LOCAL_LEASE));
      if (shared.length === 0 || !failover.available) return;
      try {
        await primary.renew(key, shared, leaseMs);
        failover.succeeded();
      } catch (error) {
        failover.failed('renew', error);
      }
    },
    async release(key, leaseId) {
      if (leaseId.startsWith(LOCAL_LEASE) || !failover.available) return;
      try {
        await primary.release(key, leaseId);
        failover.succeeded();
      } catch (error) {
        failover.failed('release', error);
      }
    },
  };
}
