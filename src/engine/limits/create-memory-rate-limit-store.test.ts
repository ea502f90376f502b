import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from './create-memory-rate-limit-store.js';
import { isSyncRateLimitStore } from './rate-limit-store.js';
import { TAKE_OK } from './token-bucket.js';

const LIMIT = { capacity: 2, refillPerMs: 1 / 1000 };

describe('createMemoryRateLimitStore', () => {
  it('keeps one bucket per key, created full on first use', () => {
    const store = createMemoryRateLimitStore();
    expect(store.takeSync('a', 2, LIMIT, 0)).toBe(TAKE_OK);
    expect(store.takeSync('a', 1, LIMIT, 0)).toEqual({ ok: false, waitMs: 1000 });
    expect(store.takeSync('b', 2, LIMIT, 0)).toEqual({ ok: true });
  });

  it('answers the async interface with the same buckets', async () => {
    const store = createMemoryRateLimitStore();
    expect(isSyncRateLimitStore(store)).toBe(true);
    await expect(store.take('a', 2, LIMIT, 0)).resolves.toEqual({ ok: true });
    await expect(store.take('a', 1, LIMIT, 500)).resolves.toEqual({ ok: false, waitMs: 500 });
    await store.adjust('a', 1, LIMIT, 500);
    expect(store.takeSync('a', 1, LIMIT, 500)).toEqual({ ok: true });
    await store.pause('a', 10_000, 500);
    expect(store.takeSync('a', 0, LIMIT, 9000)).toEqual({ ok: false, waitMs: 1000 });
  });

  it('adjust charges (negative delta, may go into debt) and refunds (capped)', () => {
    const store = createMemoryRateLimitStore();
    store.adjustSync('a', -5, LIMIT, 0);
    expect(store.takeSync('a', 0, LIMIT, 0)).toEqual({ ok: false, waitMs: 3000 });
    store.adjustSync('a', 100, LIMIT, 0);
    expect(store.estimateWaitMsSync('a', 2, LIMIT, 0)).toBe(0);
    expect(store.estimateWaitMsSync('a', 3, LIMIT, 0)).toBe(1000);
  });

  it('a changed limit resizes the bucket keeping its fill ratio', () => {
    const store = createMemoryRateLimitStore();
    expect(store.takeSync('a', 1, { capacity: 10, refillPerMs: 0.001 }, 0)).toEqual({ ok: true });
    store.adjustSync('a', -4, { capacity: 10, refillPerMs: 0.001 }, 0);
    // Half full: resized to 100, 50 are there.
    const bigger = { capacity: 100, refillPerMs: 0.01 };
    expect(store.takeSync('a', 50, bigger, 0)).toEqual({ ok: true });
    expect(store.takeSync('a', 1, bigger, 0)).toEqual({ ok: false, waitMs: 100 });
  });

  it('a pause for a key nothing has used yet applies once it is created', () => {
    const store = createMemoryRateLimitStore();
    store.pauseSync('fresh', 2000, 0);
    expect(store.takeSync('fresh', 1, LIMIT, 1000)).toEqual({ ok: false, waitMs: 2000 });
    expect(store.takeSync('fresh', 1, LIMIT, 3000)).toEqual({ ok: true });
  });
});
