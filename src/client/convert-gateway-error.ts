import { mapHTTPStatus } from '../http/map-http-status.js';
import { parseRetryAfterMs } from '../http/parse-retry-after.js';
import { preview } from '../http/send-request.js';
import { isErrorCode } from '../spec/error-codes.js';
import { createError, type LiterLLMError } from '../spec/errors.js';

/** Where the gateway's error came from: an HTTP answer (status, headers) or an event inside a 200 stream. */
export interface GatewayErrorSource {
  status?: number;
  headers?: Record<string, string>;
  requestId?: string;
}

/**
 * Rebuilds the LiterLLMError the gateway's engine threw from the gateway's error body. The body of
 * /v1/engine/* is the stdio protocol's error frame, `{"type":"error","error": {code, message,
 * provider?, status?, requestId?, retryable, retryAfterMs?, param?}}`: the error is rebuilt from
 * exactly those fields, as a binding rebuilds it from a stdio frame, so the caller gets what the
 * engine threw in process. The OpenAI error body of the other endpoints
 * (`src/gateway/format-openai-error.ts`) is read too: its `code` is the taxonomy code and
 * `retryable`, `retry_after_ms`, `provider` and `upstream_status` carry the rest. The HTTP status
 * decides only when the body is neither (a proxy in front of the gateway answered); `Retry-After`
 * when such a body has no wait.
 */
export function convertGatewayError(payload: unknown, source: GatewayErrorSource): LiterLLMError {
  const protocolError = readProtocolError(payload);
  if (protocolError !== undefined) return protocolError;
  const error = readErrorObject(payload);
  const code = isErrorCode(error?.['code'])
    ? error['code']
    : source.status !== undefined
      ? mapHTTPStatus(source.status)
      : 'provider_unavailable';
  const provider = stringField(error, 'provider');
  const upstreamStatus = numberField(error, 'upstream_status');
  const retryable = error?.['retryable'];
  const retryAfterMs =
    numberField(error, 'retry_after_ms') ?? (source.headers !== undefined ? parseRetryAfterMs(source.headers) : undefined);
  const param = stringField(error, 'param');
  const status = upstreamStatus ?? (provider === undefined ? source.status : undefined);
  const requestId = source.requestId ?? source.headers?.['x-request-id'];
  return createError(code, {
    message: stringField(error, 'message') ?? describeForeignBody(payload, source.status),
    ...(provider !== undefined && { provider }),
    ...(status !== undefined && { status }),
    ...(requestId !== undefined && { requestId }),
    ...(typeof retryable === 'boolean' && { retryable }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(param !== undefined && { param }),
    // The gateway names a provider exactly when one failed; otherwise its engine refused the call.
    origin: provider !== undefined ? 'provider' : 'engine',
  });
}

/** Parses an error answer's text; a body that is not JSON is kept as text for the message. */
export function parseGatewayErrorText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The protocol's error frame (without `id`), rebuilt; undefined for any other body. */
function readProtocolError(payload: unknown): LiterLLMError | undefined {
  if (typeof payload !== 'object' || payload === null || (payload as Record<string, unknown>)['type'] !== 'error')
    return undefined;
  const error = readErrorObject(payload);
  const code = error?.['code'];
  const message = error?.['message'];
  // An Anthropic error body is also {"type":"error"}, with no taxonomy code: not this one.
  if (!isErrorCode(code) || typeof message !== 'string' || typeof error?.['retryable'] !== 'boolean') return undefined;
  const provider = stringField(error, 'provider');
  const status = numberField(error, 'status');
  const requestId = stringField(error, 'requestId');
  const retryAfterMs = numberField(error, 'retryAfterMs');
  const param = stringField(error, 'param');
  return createError(code, {
    message,
    retryable: error['retryable'],
    ...(provider !== undefined && { provider }),
    ...(status !== undefined && { status }),
    ...(requestId !== undefined && { requestId }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(param !== undefined && { param }),
  });
}

function readErrorObject(payload: unknown): Record<string, unknown> | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const error = (payload as Record<string, unknown>)['error'];
  return typeof error === 'object' && error !== null && !Array.isArray(error) ? (error as Record<string, unknown>) : undefined;
}

function stringField(object: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberField(object: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = object?.[key];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function describeForeignBody(payload: unknown, status: number | undefined): string {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return `the gateway answered ${status ?? 'with an error'}: ${preview(text)}`;
}
