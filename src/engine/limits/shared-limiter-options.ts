import type { ConcurrencyLeaseStore } from './concurrency-lease-store.js';

/**
 * The fleet-wide concurrency options a provider's limiter gets from the engine (names as in the
 * issue-14 contract: ProviderLimitSettings.maxConcurrencyGlobal, ProviderLimiterOptions.leaseStore
 * and leaseMs). They are spread into the limiter's options; the limiter enforces them once its
 * fleet-wide concurrency policy is in (feat/limiter-policies), and ignores them until then.
 */
export interface SharedLimiterOptions {
  leaseStore?: ConcurrencyLeaseStore;
  leaseMs?: number;
  maxConcurrencyGlobal?: number;
}

/** What the engine hands to every provider runtime it builds: the lease store and its lease time. */
export interface FleetConcurrency {
  leaseStore: ConcurrencyLeaseStore;
  leaseMs: number;
}
