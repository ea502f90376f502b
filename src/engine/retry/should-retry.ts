import type { LiterLLMError } from '../../spec/errors.js';

/**
 * Whether another attempt is allowed after `error`: it must be retryable and the retry budget
 * not spent. With maxRetries 2 a call makes at most 3 attempts.
 *
 * @param attempt the attempt that just failed, 1 for the first call
 */
export function shouldRetry(error: LiterLLMError, attempt: number, maxRetries: number): boolean {
  return error.retryable && attempt <= maxRetries;
}
