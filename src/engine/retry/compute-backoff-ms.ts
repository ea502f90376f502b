/** Exponential back-off bounds: the first retry waits up to `initialMs`, doubling up to `maxMs`. */
export interface BackoffOptions {
  /** Default 500 ms (the OpenAI SDKs' initial retry delay). */
  initialMs?: number;
  /** Default 8000 ms (the OpenAI SDKs' maximum retry delay). */
  maxMs?: number;
}

export const DEFAULT_INITIAL_BACKOFF_MS = 500;
export const DEFAULT_MAX_BACKOFF_MS = 8000;

/**
 * Delay before the next attempt, with full jitter: uniform in [0, min(maxMs, initialMs × 2^(attempt-1))).
 * Full jitter spreads the retries of many callers hit by the same outage instead of having them
 * return in lock-step.
 *
 * @param attempt the attempt that just failed, 1 for the first call
 * @param random uniform in [0, 1); injected so tests are deterministic
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initialMs = options.initialMs ?? DEFAULT_INITIAL_BACKOFF_MS;
  const maxMs = options.maxMs ?? DEFAULT_MAX_BACKOFF_MS;
  const exponent = attempt > 1 ? attempt - 1 : 0;
  const ceiling = Math.min(maxMs, initialMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
