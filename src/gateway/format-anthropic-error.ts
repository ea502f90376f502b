import type { HTTPErrorInfo } from './gateway-http-error.js';

/** Anthropic's error types by HTTP status (docs.anthropic.com "Errors"). */
const TYPES_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  504: 'timeout_error',
};

/**
 * The Anthropic error body, `{"type": "error", "error": {"type", "message"}, "request_id"}`, for
 * /v1/messages. The taxonomy code rides along in `error.code` (Anthropic's SDK ignores it).
 */
export function formatAnthropicError(info: HTTPErrorInfo, requestId: string): string {
  return JSON.stringify(createAnthropicErrorPayload(info, requestId));
}

export function createAnthropicErrorPayload(info: HTTPErrorInfo, requestId?: string): object {
  return {
    type: 'error',
    error: { type: TYPES_BY_STATUS[info.status] ?? 'api_error', message: info.message, code: info.code },
    ...(requestId !== undefined && { request_id: requestId }),
  };
}
