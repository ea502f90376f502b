import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../spec/error-codes.js';
import { createError } from '../../spec/errors.js';
import { isTargetHealthFailure } from './is-target-health-failure.js';

describe('isTargetHealthFailure', () => {
  it('counts unavailability, timeouts and upstream rate limits only', () => {
    const counted = ERROR_CODES.filter((code) => isTargetHealthFailure(createError(code, { message: code, status: 500 })));
    expect(counted).toEqual(['rate_limited', 'timeout', 'provider_unavailable']);
  });

  it('a local limiter refusal (no upstream status) does not count; an engine deadline does', () => {
    expect(isTargetHealthFailure(createError('rate_limited', { message: 'local', provider: 'openai' }))).toBe(false);
    expect(isTargetHealthFailure(createError('rate_limited', { message: '429', provider: 'openai', status: 429 }))).toBe(true);
    expect(isTargetHealthFailure(createError('timeout', { message: 'deadline' }))).toBe(true);
    expect(isTargetHealthFailure(createError('cancelled', { message: 'caller left' }))).toBe(false);
  });
});
