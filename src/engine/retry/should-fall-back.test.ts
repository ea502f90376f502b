import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../spec/error-codes.js';
import { createError } from '../../spec/errors.js';
import { shouldFallBack } from './should-fall-back.js';

describe('shouldFallBack', () => {
  it("moves on after the provider's failures, retryable or not, and stops at the caller's and the credentials'", () => {
    const fallsBack = ERROR_CODES.filter((code) =>
      shouldFallBack(createError(code, { message: code, provider: 'a', retryable: false })),
    );
    expect(fallsBack).toEqual(['rate_limited', 'timeout', 'provider_unavailable']);
  });

  it('moves on after anything the provider marked retryable', () => {
    expect(
      shouldFallBack(createError('invalid_request', { message: '409 lock', provider: 'a', status: 409, retryable: true })),
    ).toBe(true);
    expect(shouldFallBack(createError('invalid_request', { message: 'bad', provider: 'a', status: 400 }))).toBe(false);
    expect(shouldFallBack(createError('cancelled', { message: 'gone' }))).toBe(false);
  });
});
