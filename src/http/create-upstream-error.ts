import type { ErrorCode } from '../spec/error-codes.js';
import { createError, type LiterLLMError } from '../spec/errors.js';
import { isRetryableStatus, mapHTTPStatus } from './map-http-status.js';
import { parseRetryAfterMs } from './parse-retry-after.js';
import { preview } from './send-request.js';

export interface UpstreamErrorInput {
  provider: string;
  status: number;
  headers: Record<string, string>;
  /** What the provider said, already extracted from its error body. */
  detail: string;
  /** A code the adapter derived from the body; defaults to the status mapping. */
  code?: ErrorCode;
  /** The header that carries the provider's request id. */
  requestIdHeader?: string;
  /** A request id found in the body (Anthropic `request_id`), used when the header is absent. */
  requestId?: string;
  /** Extra wait the body asked for (HF `estimated_time`), used when no header says otherwise. */
  retryAfterMs?: number;
  /** The request field the provider blamed (OpenAI `param`). */
  param?: string;
  /**
   * The adapter's verdict from the body, overriding the status default and `x-should-retry`
   * (OpenAI `insufficient_quota` is a 429 that no retry can fix).
   */
  retryable?: boolean;
}

/** Turns a non-2xx upstream response into the matching LiterLLMError. */
export function createUpstreamError(input: UpstreamErrorInput): LiterLLMError {
  const code = input.code ?? mapHTTPStatus(input.status);
  const shouldRetry = input.headers['x-should-retry'];
  let retryable = code === 'context_length_exceeded' || code === 'content_filtered' ? false : isRetryableStatus(input.status);
  if (shouldRetry === 'true') retryable = true;
  if (shouldRetry === 'false') retryable = false;
  if (input.retryable !== undefined) retryable = input.retryable;
  const retryAfterMs = parseRetryAfterMs(input.headers) ?? input.retryAfterMs;
  const requestId = input.headers[input.requestIdHeader ?? 'x-request-id'] ?? input.requestId;
  const detail = input.status >= 300 && input.status < 400 ? describeRedirect(input.headers) : input.detail;
  return createError(code, {
    message: `${input.provider} returned ${input.status}: ${detail}`,
    provider: input.provider,
    status: input.status,
    headers: input.headers,
    retryable,
    ...(requestId !== undefined && { requestId }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(input.param !== undefined && { param: input.param }),
  });
}

/** What a 3xx said: where it points, and that the address in the config is the thing to change. */
function describeRedirect(headers: Record<string, string>): string {
  const location = headers['location'];
  const target = location === undefined || location === '' ? 'another address (no location given)' : preview(location);
  return `redirected to ${target}; redirects are not followed: set base_url to the address the provider answers at`;
}
