import type { LiterLLMError } from '../spec/errors.js';

/** How a promise settled, readable at any time (tests under fake timers look without awaiting). */
export interface Settlement<T> {
  value?: T;
  error?: LiterLLMError;
  settled: boolean;
}

/** Follows a promise into a Settlement, so a rejection is never unhandled. */
export function observeSettlement<T>(promise: Promise<T>): Settlement<T> {
  const state: Settlement<T> = { settled: false };
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: LiterLLMError) => Object.assign(state, { error, settled: true }),
  );
  return state;
}
