import { createUpstreamError } from '../../http/create-upstream-error.js';
import { type ErrorResponse, preview } from '../../http/send-request.js';
import type { ErrorCode } from '../../spec/error-codes.js';
import { createError, type LiterLLMError } from '../../spec/errors.js';
import type { AnthropicErrorBody, AnthropicErrorDetail } from './anthropic-api.js';

export const ANTHROPIC_REQUEST_ID_HEADER = 'request-id';

/**
 * A non-2xx Messages API response → LiterLLMError. Anthropic answers
 * `{"type":"error","error":{"type","message"},"request_id"}`; the error type is more precise than
 * the status (a 400 can be a context overflow), and the body's request_id stands in when the
 * `request-id` header is missing (some proxies and recorders drop it).
 */
export function mapAnthropicErrorResponse(response: ErrorResponse, provider: string): LiterLLMError {
  const body = parseErrorBody(response.text);
  const detail = body?.error;
  const code = detail === undefined ? undefined : mapAnthropicErrorType(detail);
  return createUpstreamError({
    provider,
    status: response.status,
    headers: response.headers,
    detail: detail === undefined ? preview(response.text) : describe(detail),
    requestIdHeader: ANTHROPIC_REQUEST_ID_HEADER,
    ...(typeof body?.request_id === 'string' && { requestId: body.request_id }),
    ...(code !== undefined && { code }),
  });
}

/**
 * An `event: error` inside a 200 stream (typically overloaded_error), or the same object as a 200
 * JSON body (`place: 'json'`, from proxies). There is no HTTP status to report, so retryability
 * follows the error type: overload, rate limit and API errors are worth another attempt.
 */
export function mapAnthropicStreamError(
  body: AnthropicErrorBody,
  provider: string,
  requestId: string | undefined,
  place: 'stream' | 'json' = 'stream',
): LiterLLMError {
  const detail = body.error ?? {};
  const code = mapAnthropicErrorType(detail) ?? 'provider_unavailable';
  const id = requestId ?? (typeof body.request_id === 'string' ? body.request_id : undefined);
  return createError(code, {
    message: `${provider} ${place === 'stream' ? 'failed mid-stream' : 'returned an error in a 200 answer'}: ${describe(detail)}`,
    provider,
    ...(id !== undefined && { requestId: id }),
  });
}

/** Anthropic's error `type` → taxonomy code; undefined leaves the decision to the HTTP status. */
export function mapAnthropicErrorType(detail: AnthropicErrorDetail): ErrorCode | undefined {
  switch (detail.type) {
    case 'invalid_request_error':
      return isContextOverflow(detail.message) ? 'context_length_exceeded' : 'invalid_request';
    case 'request_too_large':
      return 'invalid_request';
    case 'authentication_error':
      return 'authentication';
    case 'permission_error':
    case 'billing_error':
      return 'permission_denied';
    case 'not_found_error':
      return 'not_found';
    case 'rate_limit_error':
      return 'rate_limited';
    case 'timeout_error':
      return 'timeout';
    case 'api_error':
    case 'overloaded_error':
      return 'provider_unavailable';
    default:
      return undefined;
  }
}

// "prompt is too long: 215000 tokens > 200000 maximum" and
// "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, ...".
const CONTEXT_OVERFLOW = /prompt is too long|exceed context limit/i;

function isContextOverflow(message: string | undefined): boolean {
  return message !== undefined && CONTEXT_OVERFLOW.test(message);
}

function describe(detail: AnthropicErrorDetail): string {
  const type = detail.type ?? 'error';
  return detail.message ? `${type}: ${detail.message}` : type;
}

function parseErrorBody(text: string): AnthropicErrorBody | undefined {
  if (text.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
