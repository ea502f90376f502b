import { describe, expect, it } from 'vitest';
import { createError, RateLimitedError } from '../../spec/errors.js';
import { retryDelayMs } from './retry-delay-ms.js';

const half = () => 0.5;

describe('retryDelayMs', () => {
  it('uses the back-off when the error carries no retry-after', () => {
    const error = createError('provider_unavailable', { message: 'down', provider: 'openai', status: 503 });
    expect(retryDelayMs(error, 1, {}, half)).toBe(250);
    expect(retryDelayMs(error, 4, {}, half)).toBe(2000);
    expect(retryDelayMs(error, 4, { initialMs: 100, maxMs: 300 }, half)).toBe(150);
  });

  it('a retry-after wins over the back-off, whether shorter or longer', () => {
    const short = new RateLimitedError({ message: 'slow down', provider: 'openai', status: 429, retryAfterMs: 20 });
    const long = new RateLimitedError({ message: 'slow down', provider: 'openai', status: 429, retryAfterMs: 30_000 });
    expect(retryDelayMs(short, 5, {}, half)).toBe(20);
    expect(retryDelayMs(long, 1, {}, half)).toBe(30_000);
  });

  it('retry-after 0 means retry at once', () => {
    const error = new RateLimitedError({ message: 'again', retryAfterMs: 0 });
    expect(retryDelayMs(error, 1, {}, half)).toBe(0);
  });

  it('does not retry when the provider asks for longer than maxRetryAfterMs (60 s by default)', () => {
    const atLimit = new RateLimitedError({ message: 'wait', retryAfterMs: 60_000 });
    const beyond = new RateLimitedError({ message: 'wait', retryAfterMs: 60_001 });
    expect(retryDelayMs(atLimit, 1, {}, half)).toBe(60_000);
    expect(retryDelayMs(beyond, 1, {}, half)).toBeUndefined();
    expect(retryDelayMs(atLimit, 1, { maxRetryAfterMs: 5000 }, half)).toBeUndefined();
    expect(retryDelayMs(beyond, 1, { maxRetryAfterMs: 120_000 }, half)).toBe(60_001);
  });

  it('never retries a non-retryable error, even with a retry-after', () => {
    const quota = new RateLimitedError({ message: 'insufficient_quota', status: 429, retryable: false, retryAfterMs: 10 });
    const invalid = createError('invalid_request', { message: 'bad', status: 400 });
    expect(retryDelayMs(quota, 1, {}, half)).toBeUndefined();
    expect(retryDelayMs(invalid, 1, {}, half)).toBeUndefined();
  });

  it('ignores a meaningless retry-after and falls back to the back-off', () => {
    const error = new RateLimitedError({ message: 'x', retryAfterMs: Number.NaN });
    expect(retryDelayMs(error, 2, {}, half)).toBe(500);
  });
});
