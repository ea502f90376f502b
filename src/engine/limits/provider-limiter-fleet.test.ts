import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LiterLLMError, RateLimitedError } from '../../spec/errors.js';
import type { ConcurrencyLeaseStore } from './concurrency-lease-store.js';
import { observeSettlement as observe } from '../../testing/observe-settlement.js';
import { createMemoryConcurrencyLeaseStore } from './create-memory-concurrency-lease-store.js';
import { type Lease, ProviderLimiter, type ProviderLimiterOptions } from './provider-limiter.js';

function createReplica(leaseStore: ConcurrencyLeaseStore, options: Omit<ProviderLimiterOptions, 'provider'> = {}) {
  return new ProviderLimiter({
    provider: 'openai',
    now: () => Date.now(),
    leaseStore,
    maxConcurrencyGlobal: 4,
    maxConcurrency: 10,
    maxQueueWaitMs: 60_000,
    ...options,
  });
}

/** One replica's view of the shared store, with a switch that cuts it off as if the process died. */
function createReplicaLink(shared: ConcurrencyLeaseStore) {
  const link = { dead: false, tryAcquires: 0, renews: 0 };
  const never = new Promise<never>(() => {});
  const store: ConcurrencyLeaseStore = {
    tryAcquire: (...args) => {
      link.tryAcquires++;
      return link.dead ? never : shared.tryAcquire(...args);
    },
    renew: (...args) => {
      link.renews++;
      return link.dead ? never : shared.renew(...args);
    },
    release: (...args) => (link.dead ? never : shared.release(...args)),
  };
  return { store, link };
}

describe('ProviderLimiter with max_concurrency_global', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('never has more than N calls in flight across two replicas, and serves them all', async () => {
    const shared = createMemoryConcurrencyLeaseStore();
    const replicas = [createReplica(shared), createReplica(shared)];
    let inFlight = 0;
    let maxInFlight = 0;
    let done = 0;
    for (const [index, replica] of replicas.entries()) {
      for (let call = 0; call < 20; call++) {
        void replica.acquire().then((lease) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          setTimeout(
            () => {
              inFlight--;
              done++;
              lease.release();
            },
            50 + 10 * index,
          );
        });
      }
    }
    await vi.advanceTimersByTimeAsync(5_000);
    expect(done).toBe(40);
    expect(maxInFlight).toBe(4);
    expect(replicas.map((replica) => replica.inFlight)).toEqual([0, 0]);
  });

  it('a replica that stops renewing loses its leases after leaseMs; the other regains all N', async () => {
    const shared = createMemoryConcurrencyLeaseStore();
    const a = createReplicaLink(shared);
    const replicaA = createReplica(a.store, { leaseMs: 1000 });
    const replicaB = createReplica(shared, { leaseMs: 1000 });
    const held = Array.from({ length: 4 }, () => observe(replicaA.acquire()));
    await vi.advanceTimersByTimeAsync(1);
    expect(held.every((call) => call.value !== undefined)).toBe(true);
    // A alive for three lease times: its renewals keep B out.
    const waiting = Array.from({ length: 4 }, () => observe(replicaB.acquire()));
    await vi.advanceTimersByTimeAsync(3000);
    expect(waiting.some((call) => call.settled)).toBe(false);
    expect(a.link.renews).toBeGreaterThanOrEqual(8);
    // kill -9: no renewals, no releases.
    a.link.dead = true;
    await vi.advanceTimersByTimeAsync(700);
    expect(waiting.some((call) => call.settled)).toBe(false);
    await vi.advanceTimersByTimeAsync(600);
    expect(waiting.every((call) => call.value !== undefined)).toBe(true);
    expect(replicaB.inFlight).toBe(4);
    waiting.forEach((call) => (call.value as Lease).release());
  });

  it('waits the store retry time, capped, without busy polling; a release lets the other replica in', async () => {
    const shared = createMemoryConcurrencyLeaseStore();
    const b = createReplicaLink(shared);
    const replicaA = createReplica(shared);
    const replicaB = createReplica(b.store);
    const leases = await Promise.all(Array.from({ length: 4 }, () => replicaA.acquire()));
    const waiting = observe(replicaB.acquire());
    await vi.advanceTimersByTimeAsync(2000);
    expect(waiting.settled).toBe(false);
    // The leases expire in 10 s, but B asks again every 250 ms at most: about 8 times in 2 s.
    expect(b.link.tryAcquires).toBeGreaterThanOrEqual(6);
    expect(b.link.tryAcquires).toBeLessThanOrEqual(12);
    leases[0]!.release();
    await vi.advanceTimersByTimeAsync(250);
    expect(waiting.value).toBeDefined();
    // The local slot and the fleet lease come back on release, so A can take the slot again.
    waiting.value!.release();
    const again = observe(replicaA.acquire());
    await vi.advanceTimersByTimeAsync(1);
    expect(again.value).toBeDefined();
  });

  it('a full fleet refuses at the queue deadline, naming the global limit', async () => {
    const shared = createMemoryConcurrencyLeaseStore();
    const replicaA = createReplica(shared);
    const replicaB = createReplica(shared, { maxQueueWaitMs: 500 });
    await Promise.all(Array.from({ length: 4 }, () => replicaA.acquire()));
    const refused = observe(replicaB.acquire());
    await vi.advanceTimersByTimeAsync(500);
    expect(refused.error).toBeInstanceOf(RateLimitedError);
    expect(refused.error?.message).toMatch(
      /^openai global concurrency limit reached: 4 calls in flight across replicas; waited 500 ms in the queue/,
    );
    expect(replicaB.queued).toBe(0);
    expect(replicaB.inFlight).toBe(0);
  });

  it('renews every leaseMs / 3 with one call per key for all its leases, and stops when none is held', async () => {
    const shared = createMemoryConcurrencyLeaseStore();
    const renewed: number[] = [];
    const store: ConcurrencyLeaseStore = {
      ...shared,
      tryAcquire: (...args) => shared.tryAcquire(...args),
      release: (...args) => shared.release(...args),
      renew: (key, ids, leaseMs) => {
        renewed.push(ids.length);
        return shared.renew(key, ids, leaseMs);
      },
    };
    const replica = createReplica(store, { leaseMs: 900 });
    const leases = await Promise.all(Array.from({ length: 3 }, () => replica.acquire()));
    await vi.advanceTimersByTimeAsync(900);
    expect(renewed).toEqual([3, 3, 3]);
    leases.forEach((lease) => lease.release());
    await vi.advanceTimersByTimeAsync(900);
    expect(renewed).toHaveLength(3);
  });

  it('without a lease store, max_concurrency_global caps this replica (it is the whole fleet)', async () => {
    const limiter = new ProviderLimiter({ provider: 'openai', maxConcurrencyGlobal: 2, maxConcurrency: 10, maxQueueWaitMs: 0 });
    expect(limiter.tryAcquire()).toBeDefined();
    expect(limiter.tryAcquire()).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined();
    const error = (await limiter.acquire().catch((e: unknown) => e)) as LiterLLMError;
    expect(error.message).toMatch(/concurrency limit reached: 2 calls in flight/);
  });

  it('refuses a bad global cap or lease time', () => {
    const shared = createMemoryConcurrencyLeaseStore();
    expect(() => createReplica(shared, { maxConcurrencyGlobal: 0 })).toThrow(/max concurrency global/);
    expect(() => createReplica(shared, { leaseMs: 0 })).toThrow(/lease time/);
  });
});
