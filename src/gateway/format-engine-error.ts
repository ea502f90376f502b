import { mapHTTPStatus } from '../http/map-http-status.js';
import type { ProtocolError } from '../protocol/engine-frame-schema.js';
import { toProtocolError } from '../protocol/to-protocol-error.js';
import { isErrorCode } from '../spec/error-codes.js';
import { GatewayHTTPError } from './gateway-http-error.js';

/**
 * The error body of /v1/engine/* (and its in-band stream error): the stdio engine's error frame
 * without `id`, `{"type":"error","error": ProtocolError}`, built by the protocol's own
 * toProtocolError so both transports carry the same fields (`param` in the protocol's camelCase
 * paths, `retryAfterMs` as the engine had it). The HTTP layer's own faults (413, 415, 405, an
 * unknown path) are not LiterLLMErrors: their gateway code becomes the taxonomy code of their status.
 */
export function formatEngineError(error: unknown): string {
  return JSON.stringify({ type: 'error', error: toEngineProtocolError(error) });
}

function toEngineProtocolError(error: unknown): ProtocolError {
  if (!(error instanceof GatewayHTTPError)) return toProtocolError(error);
  const { info } = error;
  return {
    code: isErrorCode(info.code) ? info.code : mapHTTPStatus(info.status),
    message: info.message,
    retryable: info.retryable,
    ...(info.retryAfterMs !== undefined && { retryAfterMs: info.retryAfterMs }),
    ...(info.param !== undefined && { param: info.param }),
  };
}
