import { redactSecrets } from '../http/redact-secrets.js';
import type { LiterLLMError } from '../spec/errors.js';

/**
 * Takes a provider's secrets (its API key and configured header values) out of an error's message
 * and stack, and its cause's, in place, before the error leaves the engine. The transport redacts
 * the error bodies it reads; this catches every other text an adapter built from an upstream
 * answer (a 200 that is not JSON, an error object inside a stream, a chunk quoted in a message),
 * for every adapter, including injected ones. Errors only: the success path pays nothing.
 */
export function redactErrorSecrets(error: LiterLLMError, secrets: readonly string[]): LiterLLMError {
  if (secrets.length === 0) return error;
  redactText(error, secrets);
  if (error.cause instanceof Error) redactText(error.cause, secrets);
  return error;
}

function redactText(error: Error, secrets: readonly string[]): void {
  const message = redactSecrets(error.message, secrets);
  if (message !== error.message) error.message = message;
  // The stack's first line repeated the message when the error was made.
  if (error.stack !== undefined) {
    const stack = redactSecrets(error.stack, secrets);
    if (stack !== error.stack) error.stack = stack;
  }
}
