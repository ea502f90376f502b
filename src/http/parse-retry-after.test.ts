import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WAIT_MS } from './clamp-wait-ms.js';
import { parseRetryAfterMs } from './parse-retry-after.js';

const NOW = Date.parse('2026-12-02T06:00:00Z');

describe('parseRetryAfterMs', () => {
  it('reads retry-after-ms, then retry-after as seconds or an HTTP date', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '1500' }, NOW)).toBe(1500);
    expect(parseRetryAfterMs({ 'retry-after-ms': '12.2', 'retry-after': '9' }, NOW)).toBe(13);
    expect(parseRetryAfterMs({ 'retry-after': '7' }, NOW)).toBe(7000);
    expect(parseRetryAfterMs({ 'retry-after': ' 0.5 ' }, NOW)).toBe(500);
    expect(parseRetryAfterMs({ 'retry-after': 'Wed, 02 Dec 2026 06:00:30 GMT' }, NOW)).toBe(30_000);
    expect(parseRetryAfterMs({ 'retry-after': 'Wed, 02 Dec 2026 05:00:00 GMT' }, NOW)).toBe(0);
  });

  it('clamps absurd waits to a day: huge numbers, Infinity, far dates', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '1e308' }, NOW)).toBe(MAX_WAIT_MS);
    expect(parseRetryAfterMs({ 'retry-after-ms': 'Infinity' }, NOW)).toBe(MAX_WAIT_MS);
    expect(parseRetryAfterMs({ 'retry-after': '1e308' }, NOW)).toBe(MAX_WAIT_MS);
    expect(parseRetryAfterMs({ 'retry-after': '99999999999999999999999' }, NOW)).toBe(MAX_WAIT_MS);
    expect(parseRetryAfterMs({ 'retry-after': 'Fri, 31 Dec 9999 23:59:59 GMT' }, NOW)).toBe(MAX_WAIT_MS);
  });

  it('skips what is not a wait: negative, NaN, garbage, numbers that only look like dates', () => {
    for (const value of ['-5', 'NaN', 'soon', '', '12abc', '-Infinity', '0x10', '1,5']) {
      expect(parseRetryAfterMs({ 'retry-after-ms': value }, NOW), `retry-after-ms: ${value}`).toBeUndefined();
      expect(parseRetryAfterMs({ 'retry-after': value }, NOW), `retry-after: ${value}`).toBeUndefined();
    }
    // An unreadable retry-after-ms falls through to retry-after.
    expect(parseRetryAfterMs({ 'retry-after-ms': '-1', 'retry-after': '2' }, NOW)).toBe(2000);
  });

  it('property: any header value gives undefined or a whole number of ms in [0, a day]', () => {
    const value = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc.integer().map(String),
      fc.date({ noInvalidDate: true }).map((date) => date.toUTCString()),
      fc.constantFrom('1e308', '-0', 'Infinity', '+Infinity', '1e-308', '.5', '5.'),
    );
    fc.assert(
      fc.property(value, fc.constantFrom('retry-after', 'retry-after-ms'), (text, name) => {
        const ms = parseRetryAfterMs({ [name]: text }, NOW);
        if (ms === undefined) return;
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(MAX_WAIT_MS);
      }),
    );
  });
});
