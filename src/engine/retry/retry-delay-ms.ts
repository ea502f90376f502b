import type { LiterLLMError } from '../../spec/errors.js';
import { type BackoffOptions, computeBackoffMs } from './compute-backoff-ms.js';

export interface RetryDelayOptions extends BackoffOptions {
  /**
   * Longest provider-requested wait (retry-after) worth honouring; beyond it the call fails now
   * rather than hold the caller (and a queue slot) for minutes. Default 60 s.
   */
  maxRetryAfterMs?: number;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/**
 * How long to wait before retrying after `error`, or undefined when it should not be retried:
 * the error is not retryable, or the provider asked for a wait longer than `maxRetryAfterMs`.
 * A provider's retry-after (also a local limiter's estimate) wins over the computed back-off.
 *
 * @param attempt the attempt that just failed, 1 for the first call
 */
export function retryDelayMs(
  error: LiterLLMError,
  attempt: number,
  options: RetryDelayOptions = {},
  random: () => number = Math.random,
): number | undefined {
  if (!error.retryable) return undefined;
  const retryAfterMs = error.retryAfterMs;
  if (retryAfterMs !== undefined && retryAfterMs >= 0) {
    return retryAfterMs <= (options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS) ? retryAfterMs : undefined;
  }
  return computeBackoffMs(attempt, options, random);
}
