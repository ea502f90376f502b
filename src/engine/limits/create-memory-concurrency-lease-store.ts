import type { ConcurrencyLeaseStore, LeaseAttempt } from './concurrency-lease-store.js';

export interface MemoryConcurrencyLeaseStoreOptions {
  /** The clock leases expire by (tests pass a fake one); default Date.now. */
  now?: () => number;
}

/**
 * ConcurrencyLeaseStore in one process: the reference for the Redis one (same answers, same expiry
 * rules) and the store that two limiters share in tests to stand for two replicas. An expired lease
 * is gone for good: renewing it does not bring it back, as it would not in Redis.
 */
export function createMemoryConcurrencyLeaseStore(options: MemoryConcurrencyLeaseStoreOptions = {}): ConcurrencyLeaseStore {
  const now = options.now ?? Date.now;
  /** Per key: lease id → when it expires. */
  const leases = new Map<string, Map<string, number>>();
  let nextId = 0;

  function liveLeases(key: string, at: number): Map<string, number> {
    let live = leases.get(key);
    if (live === undefined) {
      live = new Map();
      leases.set(key, live);
    }
    for (const [id, expiresAt] of live) if (expiresAt <= at) live.delete(id);
    return live;
  }

  function tryAcquire(key: string, limit: number, leaseMs: number): LeaseAttempt {
    const at = now();
    const live = liveLeases(key, at);
    if (live.size < limit) {
      const leaseId = `lease-${++nextId}`;
      live.set(leaseId, at + leaseMs);
      return { ok: true, leaseId };
    }
    let earliest = Number.POSITIVE_INFINITY;
    for (const expiresAt of live.values()) if (expiresAt < earliest) earliest = expiresAt;
    return { ok: false, retryInMs: Math.max(1, Math.ceil(earliest - at)) };
  }

  function renew(key: string, leaseIds: readonly string[], leaseMs: number): void {
    const at = now();
    const live = liveLeases(key, at);
    for (const id of leaseIds) if (live.has(id)) live.set(id, at + leaseMs);
  }

  return {
    tryAcquire: (key, limit, leaseMs) => Promise.resolve(tryAcquire(key, limit, leaseMs)),
    renew: (key, leaseIds, leaseMs) => Promise.resolve(renew(key, leaseIds, leaseMs)),
    release: (key, leaseId) => {
      leases.get(key)?.delete(leaseId);
      return Promise.resolve();
    },
  };
}
