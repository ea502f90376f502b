import { isLiterLLMError } from '../spec/errors.js';
import type { ProtocolError } from './engine-frame-schema.js';

/**
 * The error frame's payload for anything a call threw: a LiterLLMError keeps its code and fields;
 * anything else is `internal` with a fixed message, so no stack trace, path or upstream detail the
 * engine did not vet ever reaches the binding (the caller logs the original). `scrub` removes the
 * configured secrets from the message, a second guard behind the engine's own redaction.
 */
export function toProtocolError(error: unknown, scrub: (text: string) => string = (text) => text): ProtocolError {
  if (!isLiterLLMError(error)) {
    return { code: 'internal', message: 'internal error in the engine (details are in its log)', retryable: false };
  }
  return {
    code: error.code,
    message: scrub(error.message),
    ...(error.provider !== undefined && { provider: error.provider }),
    ...(error.status !== undefined && { status: error.status }),
    ...(error.requestId !== undefined && { requestId: error.requestId }),
    retryable: error.retryable,
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    ...(error.param !== undefined && { param: error.param }),
  };
}
