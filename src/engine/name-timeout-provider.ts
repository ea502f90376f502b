import { isLiterLLMError, type LiterLLMError, TimeoutError } from '../spec/errors.js';

/**
 * A timeout that does not say which provider it was waiting on gets that provider: the engine's
 * deadlines (an attempt's `timeout_ms`, the whole call's `timeoutMs`) are set before any provider is
 * chosen, and reach the caller as the abort reason the adapter hands back. Anything else is
 * returned unchanged.
 */
export function nameTimeoutProvider(error: LiterLLMError, provider: string): LiterLLMError;
export function nameTimeoutProvider(error: unknown, provider: string): unknown;
export function nameTimeoutProvider(error: unknown, provider: string): unknown {
  if (!isLiterLLMError(error) || error.code !== 'timeout' || error.provider !== undefined) return error;
  return new TimeoutError({
    message: error.message,
    provider,
    origin: error.origin,
    retryable: error.retryable,
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    cause: error,
  });
}
