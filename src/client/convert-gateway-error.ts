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
 * Rebuilds the LiterLLMError the gateway's engine threw from the gateway's OpenAI error body
 * (`src/gateway/format-openai-error.ts`): its `code` is the taxonomy code and `retryable`,
 * `retry_after_ms`, `provider` and `upstream_status` carry the rest, so the caller gets the same
 * code, retryability and wait as in process. The HTTP status decides only when the body is not
 * the gateway's (a proxy in front of it answered); `Retry-After` when the body has no wait.
 */
export function convertGatewayError(payload: unknown, source: GatewayErrorSource): LiterLLMError {
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
