import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TAKE_OK, TokenBucket } from './token-bucket.js';

/** 60 requests per minute: one token per second. */
const PER_SECOND = 1 / 1000;

describe('TokenBucket', () => {
  it('starts full and serves a burst up to the capacity', () => {
    const bucket = new TokenBucket(3, PER_SECOND, 0);
    expect(bucket.tryTake(1, 0)).toBe(TAKE_OK);
    expect(bucket.tryTake(2, 0)).toEqual({ ok: true });
    expect(bucket.tryTake(1, 0)).toEqual({ ok: false, waitMs: 1000 });
  });

  it('refills continuously and says when n tokens will be there', () => {
    const bucket = new TokenBucket(10, PER_SECOND, 0);
    bucket.take(10);
    expect(bucket.tryTake(3, 250)).toEqual({ ok: false, waitMs: 2750 });
    expect(bucket.tryTake(3, 2999)).toEqual({ ok: false, waitMs: 1 });
    expect(bucket.tryTake(3, 3000)).toEqual({ ok: true });
    expect(bucket.available(3000)).toBeCloseTo(0, 9);
  });

  it('never refills above the capacity', () => {
    const bucket = new TokenBucket(5, PER_SECOND, 0);
    expect(bucket.available(1_000_000)).toBe(5);
    bucket.give(100);
    expect(bucket.available(1_000_000)).toBe(5);
  });

  it('a request larger than the capacity can never be served', () => {
    const bucket = new TokenBucket(5, PER_SECOND, 0);
    expect(bucket.tryTake(6, 0)).toEqual({ ok: false, waitMs: Number.POSITIVE_INFINITY });
    expect(bucket.available(0)).toBe(5);
  });

  it('take may leave a debt that blocks everyone until repaid', () => {
    const bucket = new TokenBucket(10, PER_SECOND, 0);
    bucket.take(15, 0);
    expect(bucket.available(0)).toBe(-5);
    // Even a zero-cost call waits for the debt to be repaid.
    expect(bucket.tryTake(0, 0)).toEqual({ ok: false, waitMs: 5000 });
    expect(bucket.tryTake(2, 1000)).toEqual({ ok: false, waitMs: 6000 });
    expect(bucket.tryTake(2, 7000)).toEqual({ ok: true });
  });

  it('give refunds up to the capacity', () => {
    const bucket = new TokenBucket(10, PER_SECOND, 0);
    bucket.take(8, 0);
    bucket.give(3, 0);
    expect(bucket.available(0)).toBe(5);
    bucket.give(50, 0);
    expect(bucket.available(0)).toBe(10);
  });

  it('pauseUntil admits nothing before the timestamp, then refills from empty', () => {
    const bucket = new TokenBucket(10, PER_SECOND, 0);
    bucket.pauseUntil(5000, 0);
    expect(bucket.tryTake(1, 0)).toEqual({ ok: false, waitMs: 6000 });
    expect(bucket.tryTake(1, 4999)).toEqual({ ok: false, waitMs: 1001 });
    // No accrual during the pause: at 5000 the bucket is still empty.
    expect(bucket.tryTake(1, 5000)).toEqual({ ok: false, waitMs: 1000 });
    expect(bucket.tryTake(1, 6000)).toEqual({ ok: true });
    expect(bucket.pausedUntil).toBe(5000);
  });

  it('a shorter pause never cuts a longer one short', () => {
    const bucket = new TokenBucket(10, PER_SECOND, 0);
    bucket.pauseUntil(5000, 0);
    bucket.pauseUntil(1000, 0);
    expect(bucket.pausedUntil).toBe(5000);
    expect(bucket.tryTake(0, 4000)).toEqual({ ok: false, waitMs: 1000 });
  });

  it('a pause keeps an existing debt', () => {
    const bucket = new TokenBucket(10, PER_SECOND, 0);
    bucket.take(12, 0);
    bucket.pauseUntil(1000, 0);
    expect(bucket.available(1000)).toBe(-2);
    expect(bucket.tryTake(1, 1000)).toEqual({ ok: false, waitMs: 3000 });
  });

  it('resize keeps the fill ratio (and a debt ratio)', () => {
    const bucket = new TokenBucket(100, PER_SECOND, 0);
    bucket.take(75, 0);
    bucket.resize(200, 2 * PER_SECOND, 0);
    expect(bucket.capacity).toBe(200);
    expect(bucket.refillPerMs).toBe(2 * PER_SECOND);
    expect(bucket.available(0)).toBe(50);
    expect(bucket.available(1000)).toBe(52);
    bucket.take(102, 1000);
    bucket.resize(100, PER_SECOND, 1000);
    expect(bucket.available(1000)).toBe(-25);
  });

  it('refuses limits that make no sense', () => {
    expect(() => new TokenBucket(-1, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(10, Number.NaN)).toThrow(/refill rate/);
    expect(() => new TokenBucket(Number.POSITIVE_INFINITY, 1)).toThrow(/capacity/);
  });

  it('estimateWaitMs ignores the capacity (for the k-th queued call)', () => {
    const bucket = new TokenBucket(2, PER_SECOND, 0);
    expect(bucket.estimateWaitMs(2, 0)).toBe(0);
    expect(bucket.estimateWaitMs(5, 0)).toBe(3000);
    expect(bucket.available(0)).toBe(2);
  });

  it('over any schedule, tokens taken in a window never exceed capacity + rate × window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 600 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 10 })), { maxLength: 200 }),
        (capacity, perMinute, steps) => {
          const rate = perMinute / 60_000;
          const bucket = new TokenBucket(capacity, rate, 0);
          let now = 0;
          const taken: Array<[time: number, n: number]> = [];
          for (const [delay, n] of steps) {
            now += delay;
            const result = bucket.tryTake(n, now);
            if (result.ok) taken.push([now, n]);
            else if (n <= capacity) {
              // The promised wait is exact: one ms earlier is too early, at waitMs it succeeds.
              expect(result.waitMs).toBeGreaterThan(0);
              const level = bucket.available(now);
              const probe = (at: number) => {
                const copy = new TokenBucket(capacity, rate, 0);
                copy.take(capacity - level, 0);
                return copy.tryTake(n, at).ok;
              };
              expect(probe(result.waitMs)).toBe(true);
              expect(probe(result.waitMs - 1)).toBe(false);
            }
          }
          for (const [start] of taken) {
            const inWindow = taken.filter(([time]) => time >= start && time < start + 60_000).reduce((sum, [, n]) => sum + n, 0);
            expect(inWindow).toBeLessThanOrEqual(capacity + perMinute + 1e-9);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
