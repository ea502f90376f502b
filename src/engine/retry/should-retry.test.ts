import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../spec/error-codes.js';
import { createError } from '../../spec/errors.js';
import { shouldRetry } from './should-retry.js';

describe('shouldRetry', () => {
  it('allows maxRetries retries after the first attempt', () => {
    const error = createError('timeout', { message: 'slow' });
    expect([1, 2, 3].map((attempt) => shouldRetry(error, attempt, 2))).toEqual([true, true, false]);
    expect(shouldRetry(error, 1, 0)).toBe(false);
  });

  it('follows the error’s retryable flag (default per code, or as overridden)', () => {
    const retryable = ERROR_CODES.filter((code) => shouldRetry(createError(code, { message: code }), 1, 2));
    expect(retryable).toEqual(['rate_limited', 'timeout', 'provider_unavailable']);
    expect(shouldRetry(createError('rate_limited', { message: 'quota', retryable: false }), 1, 2)).toBe(false);
    expect(shouldRetry(createError('invalid_request', { message: 'conflict', retryable: true }), 1, 2)).toBe(true);
  });
});
