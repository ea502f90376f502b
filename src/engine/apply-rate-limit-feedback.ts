import type { LiterLLMError } from '../spec/errors.js';
import { parseRateLimitHeaders } from './limits/parse-rate-limit-headers.js';
import type { ProviderRuntime } from './provider-runtime.js';

/**
 * Pauses admission after an upstream 429: the (provider, model) pair it was about, or the whole
 * provider when its adapter reads the headers as the key's budget (Provider.rateLimitScope). The
 * limiter caps the pause (`max_rate_limit_pause_ms`) and probes after it.
 */
export function applyRateLimitFeedback(runtime: ProviderRuntime, model: string, error: LiterLLMError): void {
  const headers = error.headers ?? {};
  runtime.limiter.applyFeedback(
    { ...parseRateLimitHeaders(headers), ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) },
    { model, scope: runtime.provider.rateLimitScope?.(headers) ?? 'model' },
  );
}
