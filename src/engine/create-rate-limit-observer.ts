import { parseSuccessRateLimitHeaders } from './limits/parse-rate-limit-headers.js';
import type { ProviderRuntime } from './provider-runtime.js';

/**
 * One attempt's response observer (CallOptions.onResponse): a success whose headers say a budget
 * is spent (`remaining` 0 until a reset) pauses the model the call was for, or the whole provider
 * when the adapter reads the budget as the key's, so the next calls wait or fall back here before
 * drawing the 429. The limiter caps the pause. A 429's own headers reach the limiter through the
 * attempt's error (applyRateLimitFeedback).
 */
export function createRateLimitObserver(
  runtime: ProviderRuntime,
  model: string,
): (status: number, headers: Record<string, string>) => void {
  return (status, headers) => {
    if (status < 200 || status >= 300) return;
    const feedback = parseSuccessRateLimitHeaders(headers);
    if (feedback === undefined) return;
    runtime.limiter.applyFeedback(feedback, { model, scope: runtime.provider.rateLimitScope?.(headers) ?? 'model' });
  };
}
