import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryConcurrencyLeaseStore } from './create-memory-concurrency-lease-store.js';

describe('createMemoryConcurrencyLeaseStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('grants up to the limit per key, then says when the earliest lease expires', async () => {
    const store = createMemoryConcurrencyLeaseStore();
    const first = await store.tryAcquire('p', 2, 1000);
    vi.setSystemTime(300);
    const second = await store.tryAcquire('p', 2, 1000);
    expect(first.ok && second.ok).toBe(true);
    expect(await store.tryAcquire('p', 2, 1000)).toEqual({ ok: false, retryInMs: 700 });
    // Another key has its own slots.
    expect((await store.tryAcquire('q', 2, 1000)).ok).toBe(true);
  });

  it('release frees a slot at once; renew keeps a lease alive; an expired lease is not revived', async () => {
    const store = createMemoryConcurrencyLeaseStore();
    const a = await store.tryAcquire('p', 1, 1000);
    if (!a.ok) throw new Error('expected a lease');
    vi.setSystemTime(900);
    await store.renew('p', [a.leaseId], 1000);
    vi.setSystemTime(1500);
    expect((await store.tryAcquire('p', 1, 1000)).ok).toBe(false);
    await store.release('p', a.leaseId);
    const b = await store.tryAcquire('p', 1, 1000);
    if (!b.ok) throw new Error('expected a lease after the release');
    vi.setSystemTime(2500);
    // b expired at 2500: renewing it now does not bring it back.
    await store.renew('p', [b.leaseId], 1000);
    expect((await store.tryAcquire('p', 1, 1000)).ok).toBe(true);
  });
});
