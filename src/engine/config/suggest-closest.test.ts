import { describe, expect, test } from 'vitest';
import { measureEditDistance, suggestClosest } from './suggest-closest.js';

describe('suggestClosest', () => {
  const keys = ['max_concurrency', 'max_connections', 'max_retries', 'timeout_ms', 'base_url', 'weight'];

  test('finds a key with a missing, extra, wrong or swapped letter', () => {
    expect(suggestClosest('max_concurency', keys)).toBe('max_concurrency');
    expect(suggestClosest('max_conections', keys)).toBe('max_connections');
    expect(suggestClosest('max_retires', keys)).toBe('max_retries');
    expect(suggestClosest('wieght', keys)).toBe('weight');
  });

  test('ignores case, underscores and dashes', () => {
    expect(suggestClosest('maxConcurrency', keys)).toBe('max_concurrency');
    expect(suggestClosest('baseURL', keys)).toBe('base_url');
    expect(suggestClosest('timeout-ms', keys)).toBe('timeout_ms');
  });

  test('suggests nothing for a word that is not close to any candidate', () => {
    expect(suggestClosest('colour', keys)).toBeUndefined();
    expect(suggestClosest('temperature', keys)).toBeUndefined();
    expect(suggestClosest('x', [])).toBeUndefined();
  });

  test('measures edit distance', () => {
    expect(measureEditDistance('kitten', 'sitting')).toBe(3);
    expect(measureEditDistance('ab', 'ba')).toBe(1);
    expect(measureEditDistance('', 'abc')).toBe(3);
    expect(measureEditDistance('same', 'same')).toBe(0);
  });
});
