import { CancelledError, isLiterLLMError, type LiterLLMError } from '../../spec/errors.js';

/**
 * The error a waiter rejects with when its signal aborts: the signal's reason when that is already
 * a LiterLLMError (the engine aborts with a TimeoutError when a deadline passes), else a
 * CancelledError that keeps the reason as its cause.
 */
export function createAbortError(signal: AbortSignal, waitingFor: string, provider?: string): LiterLLMError {
  const reason: unknown = signal.reason;
  if (isLiterLLMError(reason)) return reason;
  return new CancelledError({
    message: `cancelled while waiting for ${waitingFor}`,
    ...(provider !== undefined && { provider }),
    cause: reason,
  });
}
