import { describe, expect, it } from 'vitest';
import { computeBackoffMs } from './compute-backoff-ms.js';

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALMOST_ONE = 1 - Number.EPSILON;

describe('computeBackoffMs', () => {
  it('doubles the ceiling from 500 ms up to 8 s', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 10, 100].map((attempt) => computeBackoffMs(attempt, {}, () => ALMOST_ONE) + 1);
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
  });

  it('full jitter reaches down to 0', () => {
    for (const attempt of [1, 3, 7]) expect(computeBackoffMs(attempt, {}, () => 0)).toBe(0);
  });

  it('scales linearly with the random draw', () => {
    expect(computeBackoffMs(3, {}, () => 0.5)).toBe(1000);
    expect(computeBackoffMs(3, {}, () => 0.25)).toBe(500);
  });

  it('honours custom bounds', () => {
    expect(computeBackoffMs(1, { initialMs: 100, maxMs: 250 }, () => ALMOST_ONE)).toBe(99);
    expect(computeBackoffMs(2, { initialMs: 100, maxMs: 250 }, () => ALMOST_ONE)).toBe(199);
    expect(computeBackoffMs(3, { initialMs: 100, maxMs: 250 }, () => ALMOST_ONE)).toBe(249);
  });

  it('treats attempt 0 or less like the first attempt', () => {
    expect(computeBackoffMs(0, {}, () => ALMOST_ONE)).toBe(499);
    expect(computeBackoffMs(-3, {}, () => ALMOST_ONE)).toBe(499);
  });

  it('draws uniformly within [0, ceiling): bounds, mean and spread over 20 000 draws', () => {
    const random = createSeededRandom(42);
    for (const [attempt, ceiling] of [
      [1, 500],
      [3, 2000],
      [6, 8000],
    ] as const) {
      const draws = Array.from({ length: 20_000 }, () => computeBackoffMs(attempt, {}, random));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThan(ceiling);
      const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
      // Uniform: mean ceiling/2, standard error ceiling/sqrt(12 × 20 000) ≈ 0.2% of the ceiling.
      expect(Math.abs(mean - ceiling / 2)).toBeLessThan(ceiling * 0.01);
      // Each quarter of the range gets about a quarter of the draws.
      const quarters = [0, 0, 0, 0];
      for (const value of draws) quarters[Math.floor((value / ceiling) * 4)]!++;
      for (const count of quarters) expect(Math.abs(count - 5000)).toBeLessThan(300);
    }
  });
});
