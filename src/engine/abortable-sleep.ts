import { CancelledError, isLiterLLMError } from '../spec/errors.js';

/** Waits `ms`, or rejects as soon as the signal aborts (with its LiterLLMError reason, or CancelledError). */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (isLiterLLMError(reason)) return reason;
  return new CancelledError({ message: 'the call was cancelled by the caller', cause: reason });
}
