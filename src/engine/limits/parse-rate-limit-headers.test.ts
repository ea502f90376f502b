import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WAIT_MS } from '../../http/clamp-wait-ms.js';
import fixture from '../../providers/anthropic/__fixtures__/messages-ratelimit-headers.json' with { type: 'json' };
import { parseRateLimitHeaders, parseResetMs, parseSuccessRateLimitHeaders } from './parse-rate-limit-headers.js';

describe('parseRateLimitHeaders', () => {
  it('reads the anthropic-ratelimit-* headers of a recorded Anthropic response', () => {
    // Recorded headers: requests 49 left (reset 20:02:32Z); tokens 36000 (20:02:36Z);
    // input-tokens 28000 (20:02:37Z); output-tokens 8000 (20:02:36Z).
    const now = Date.parse('2026-02-25T20:02:30Z');
    expect(parseRateLimitHeaders(fixture.headers, now)).toEqual({
      remainingRequests: 49,
      resetRequestsMs: 2000,
      // The scarcest token budget is the output-tokens one.
      remainingTokens: 8000,
      resetTokensMs: 6000,
    });
  });

  it('picks an exhausted Anthropic budget and its reset', () => {
    const now = Date.parse('2026-02-25T20:02:30Z');
    const headers = {
      ...fixture.headers,
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'retry-after': '7',
    };
    expect(parseRateLimitHeaders(headers, now)).toEqual({
      retryAfterMs: 7000,
      remainingRequests: 49,
      resetRequestsMs: 2000,
      remainingTokens: 0,
      resetTokensMs: 7000,
    });
  });

  it('reads the OpenAI x-ratelimit-* example from the rate-limits guide', () => {
    // https://platform.openai.com/docs/guides/rate-limits ("Rate limits in headers").
    const headers = {
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-limit-tokens': '150000',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-remaining-tokens': '149984',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-reset-tokens': '6m0s',
    };
    expect(parseRateLimitHeaders(headers)).toEqual({
      remainingRequests: 59,
      resetRequestsMs: 1000,
      remainingTokens: 149984,
      resetTokensMs: 360_000,
    });
  });

  it('reads an OpenAI 429 with retry-after-ms taking precedence over retry-after', () => {
    const headers = {
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '20ms',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '59.921s',
      'retry-after': '1',
      'retry-after-ms': '250',
    };
    expect(parseRateLimitHeaders(headers)).toEqual({
      retryAfterMs: 250,
      remainingRequests: 0,
      resetRequestsMs: 20,
      remainingTokens: 0,
      resetTokensMs: 59_921,
    });
  });

  it('reads retry-after as an HTTP date', () => {
    const now = Date.parse('2026-02-25T20:02:30Z');
    expect(parseRateLimitHeaders({ 'retry-after': 'Wed, 25 Feb 2026 20:02:45 GMT' }, now)).toEqual({ retryAfterMs: 15_000 });
  });

  it('skips unreadable values and returns an empty object when nothing is there', () => {
    expect(parseRateLimitHeaders({})).toEqual({});
    expect(
      parseRateLimitHeaders({
        'x-ratelimit-remaining-requests': 'lots',
        'x-ratelimit-reset-requests': 'soon',
        'x-ratelimit-remaining-tokens': '-3',
        'retry-after': '',
      }),
    ).toEqual({});
  });
});

describe('parseResetMs', () => {
  const now = Date.parse('2026-02-25T20:02:30Z');

  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['2m59.56s', 179_560],
    ['1h2m3s', 3_723_000],
    ['0s', 0],
    ['1.5', 1500],
    ['2026-02-25T20:02:36Z', 6000],
    ['2026-02-25T20:02:20Z', 0],
  ])('%s → %i ms', (value, expected) => {
    expect(parseResetMs(value, now)).toBe(expected);
  });

  it.each(['', '   ', 'abc', '5x', '1s2', '-5', '-1s', 'NaN', '-Infinity'])('%j → undefined', (value) => {
    expect(parseResetMs(value, now)).toBeUndefined();
  });

  it.each([
    ['99999999999999999999h', MAX_WAIT_MS],
    ['1e308', MAX_WAIT_MS],
    ['Infinity', MAX_WAIT_MS],
    ['25h', MAX_WAIT_MS],
    ['9999-12-31T23:59:59Z', MAX_WAIT_MS],
    ['Fri, 31 Dec 9999 23:59:59 GMT', MAX_WAIT_MS],
  ])('clamps the absurd %s to a day', (value, expected) => {
    expect(parseResetMs(value, now)).toBe(expected);
  });

  it('property: any text gives undefined or a whole number of ms in [0, a day]', () => {
    const value = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc
        .tuple(fc.double({ min: 0, noNaN: true }), fc.constantFrom('h', 'm', 's', 'ms', 'us', 'ns'))
        .map(([n, unit]) => `${n}${unit}`),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    );
    fc.assert(
      fc.property(value, (text) => {
        const ms = parseResetMs(text, now);
        if (ms === undefined) return;
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(MAX_WAIT_MS);
      }),
    );
  });
});

describe('parseSuccessRateLimitHeaders', () => {
  it('reads the budget of a recorded success, and nothing from a response without rate-limit headers', () => {
    const now = Date.parse('2026-02-25T20:02:30Z');
    expect(parseSuccessRateLimitHeaders(fixture.headers, now)).toMatchObject({ remainingRequests: 49, resetRequestsMs: 2000 });
    expect(parseSuccessRateLimitHeaders({ 'content-type': 'application/json', 'x-request-id': 'req_1' })).toBeUndefined();
  });

  it('leaves out a retry-after: on a success it is not a request to pause', () => {
    const feedback = parseSuccessRateLimitHeaders({
      'retry-after': '30',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1s',
    });
    expect(feedback).toEqual({ remainingRequests: 0, resetRequestsMs: 1000 });
  });
});
