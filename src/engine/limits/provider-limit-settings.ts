/** The per-provider limits from the config; every one is optional. */
export interface ProviderLimitSettings {
  /** Concurrent upstream calls from this replica, never exceeded. Absent: no cap. */
  maxConcurrency?: number;
  /**
   * Concurrent upstream calls across every replica sharing the lease store (`max_concurrency_global`).
   * Without a lease store the limiter is the whole fleet, and this is one more local cap.
   */
  maxConcurrencyGlobal?: number;
  /** Requests per minute: a bucket of this many requests, refilled continuously. */
  rateLimitPerMinute?: number;
  /** Tokens per minute (estimated at admission, corrected by `Lease.settleTokens`). */
  tokensPerMinute?: number;
  /** Longest a call may queue for admission before RateLimitedError; 0 fails at once. Infinity: no limit. */
  maxQueueWaitMs?: number;
  /**
   * Longest pause one piece of provider feedback (a 429's retry-after, a budget reported spent) may
   * cause; after it one probe call finds out whether the limit is over. Default 60 s.
   */
  maxRateLimitPauseMs?: number;
}

/** Throws a RangeError naming the first setting that is out of range. */
export function checkProviderLimitSettings(settings: ProviderLimitSettings): void {
  const { maxConcurrency, maxConcurrencyGlobal, rateLimitPerMinute, tokensPerMinute, maxQueueWaitMs, maxRateLimitPauseMs } =
    settings;
  if (maxRateLimitPauseMs !== undefined && !(maxRateLimitPauseMs > 0 && Number.isFinite(maxRateLimitPauseMs))) {
    throw new RangeError(`max rate limit pause must be a number of milliseconds > 0, got ${maxRateLimitPauseMs}`);
  }
  if (maxConcurrency !== undefined && !isCap(maxConcurrency)) {
    throw new RangeError(`max concurrency must be a whole number >= 1, got ${maxConcurrency}`);
  }
  if (maxConcurrencyGlobal !== undefined && !(maxConcurrencyGlobal >= 1 && Number.isInteger(maxConcurrencyGlobal))) {
    throw new RangeError(`max concurrency global must be a whole number >= 1, got ${maxConcurrencyGlobal}`);
  }
  if (rateLimitPerMinute !== undefined && !(rateLimitPerMinute > 0 && Number.isFinite(rateLimitPerMinute))) {
    throw new RangeError(`rate limit per minute must be a number > 0, got ${rateLimitPerMinute}`);
  }
  if (tokensPerMinute !== undefined && !(tokensPerMinute > 0 && Number.isFinite(tokensPerMinute))) {
    throw new RangeError(`tokens per minute must be a number > 0, got ${tokensPerMinute}`);
  }
  if (maxQueueWaitMs !== undefined && !(maxQueueWaitMs >= 0)) {
    throw new RangeError(`max queue wait must be a number of milliseconds >= 0, got ${maxQueueWaitMs}`);
  }
}

function isCap(value: number): boolean {
  return value >= 1 && (Number.isInteger(value) || value === Number.POSITIVE_INFINITY);
}
