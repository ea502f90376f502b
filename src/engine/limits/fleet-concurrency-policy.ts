import type { ConcurrencyLeaseStore, LeaseAttempt } from './concurrency-lease-store.js';

/** Used when the limiter's options do not set `leaseMs`. */
export const DEFAULT_LEASE_MS = 10_000;

/**
 * Longest the queue waits on a full fleet before asking again: the store says when the earliest
 * lease expires, but another replica usually releases its slot long before.
 */
const MAX_RETRY_MS = 250;

/**
 * The fleet-wide concurrency cap (`max_concurrency_global`): an admitted call holds a lease from a
 * shared store besides its local slot. The leases this replica holds are renewed together, one
 * `renew` per leaseMs / 3 on one unref'd timer (not one per call), so a replica that dies stops
 * renewing and its slots come back to the fleet within leaseMs.
 */
export class FleetConcurrencyPolicy {
  private limitValue: number | undefined;
  private readonly live = new Set<string>();
  private renewTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: ConcurrencyLeaseStore,
    private readonly key: string,
    readonly leaseMs: number,
    limit: number | undefined,
  ) {
    this.limitValue = limit;
  }

  /** Off (undefined) when the config sets no `max_concurrency_global`. */
  get limit(): number | undefined {
    return this.limitValue;
  }

  set limit(limit: number | undefined) {
    this.limitValue = limit;
  }

  /** Leases this replica holds now. */
  get held(): number {
    return this.live.size;
  }

  /** Asks the store for a slot; a "no" comes with a retry time capped at MAX_RETRY_MS. Only while on. */
  async tryAcquire(): Promise<LeaseAttempt> {
    const attempt = await this.store.tryAcquire(this.key, this.limitValue as number, this.leaseMs);
    if (attempt.ok) return attempt;
    return { ok: false, retryInMs: Math.min(MAX_RETRY_MS, Math.max(1, Math.ceil(attempt.retryInMs))) };
  }

  /** An admitted call keeps the lease: renewed from now on until released. */
  hold(leaseId: string): void {
    this.live.add(leaseId);
    if (this.renewTimer === undefined) {
      this.renewTimer = setInterval(() => this.renew(), Math.max(1, Math.floor(this.leaseMs / 3)));
      this.renewTimer.unref();
    }
  }

  /** Gives a lease back (held or not): the slot is free for every replica at once. */
  release(leaseId: string): void {
    if (this.live.delete(leaseId) && this.live.size === 0 && this.renewTimer !== undefined) {
      clearInterval(this.renewTimer);
      this.renewTimer = undefined;
    }
    // A failed release only keeps the slot until the lease expires.
    this.store.release(this.key, leaseId).catch(ignoreStoreError);
  }

  private renew(): void {
    // A failed renewal is retried on the next tick; the leases last leaseMs, three ticks.
    if (this.live.size !== 0) this.store.renew(this.key, [...this.live], this.leaseMs).catch(ignoreStoreError);
  }
}

function ignoreStoreError(): void {}
