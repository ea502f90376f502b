import { clampWaitMs, MAX_WAIT_MS } from '../http/clamp-wait-ms.js';
import type { ErrorCode } from '../spec/error-codes.js';
import { isLiterLLMError } from '../spec/errors.js';
import { GatewayHTTPError, type HTTPErrorInfo } from './gateway-http-error.js';

interface StatusRule {
  status: number;
  type: string;
}

const RULES: Record<ErrorCode, StatusRule> = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  context_length_exceeded: { status: 400, type: 'invalid_request_error' },
  // OpenAI answers a flagged prompt with a 400 invalid_request_error (code content_policy_violation).
  content_filtered: { status: 400, type: 'invalid_request_error' },
  authentication: { status: 401, type: 'authentication_error' },
  permission_denied: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'not_found_error' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  timeout: { status: 504, type: 'timeout_error' },
  provider_unavailable: { status: 502, type: 'upstream_error' },
  // nginx's "client closed request": the caller went away (or cancelled) before the answer.
  cancelled: { status: 499, type: 'cancelled_error' },
  internal: { status: 500, type: 'server_error' },
};

/**
 * The one mapping from an error to the gateway's HTTP answer.
 *
 * - authentication / permission_denied are the caller's fault (401 / 403) only when the gateway
 *   itself raised them (no `provider`). When a provider rejected the gateway's own key or denied it
 *   a model, the caller's request was fine and the gateway is misconfigured: 502.
 * - provider_unavailable is 502 when an upstream failed (it answered 5xx, the connection broke,
 *   it sent garbage), 503 when the engine had nothing to send the call to (every target's circuit
 *   open, no provider for the route): the gateway is the one that is unavailable then.
 * - Anything that is not a LiterLLMError is a bug: 500 with a generic message (the caller learns
 *   the request id; the details go to the log, not to the caller).
 */
export function mapErrorToHTTP(error: unknown): HTTPErrorInfo {
  if (error instanceof GatewayHTTPError) return error.info;
  if (!isLiterLLMError(error)) {
    return { status: 500, type: 'server_error', code: 'internal', message: 'internal error in the gateway', retryable: false };
  }
  const rule = RULES[error.code] ?? RULES.internal;
  const info: HTTPErrorInfo = {
    status: rule.status,
    type: rule.type,
    code: error.code,
    message: error.message,
    retryable: error.retryable,
  };
  const fromProvider = error.origin === 'provider';
  if ((error.code === 'authentication' || error.code === 'permission_denied') && fromProvider) {
    info.status = 502;
    info.type = 'upstream_error';
    info.message = `the provider rejected the gateway's own credentials (${error.code}): ${error.message}`;
  } else if (error.code === 'provider_unavailable' && error.origin === 'engine') {
    info.status = 503;
    info.type = 'service_unavailable_error';
  }
  if (error.param !== undefined) info.param = fromProvider ? error.param : convertParamToWire(error.param);
  // Bounded whole milliseconds, so the body's retry_after_ms and the Retry-After header agree.
  const retryAfterMs = error.retryAfterMs === undefined ? undefined : clampWaitMs(error.retryAfterMs);
  if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
  if (error.provider !== undefined) info.provider = error.provider;
  if (error.status !== undefined) info.upstreamStatus = error.status;
  if (error.requestId !== undefined) info.providerRequestId = error.requestId;
  return info;
}

/** The engine names canonical fields (`topP`, `messages[1].toolCallId`); callers know the wire names. */
function convertParamToWire(param: string): string {
  return param.replace(/([a-z0-9])([A-Z])/g, (_, before: string, upper: string) => `${before}_${upper.toLowerCase()}`);
}

/**
 * `Retry-After` in whole seconds (RFC 9110 delay-seconds), rounded up so a caller never retries too
 * early: at least 1 for any wait, 0 for none (or NaN), at most a day (MAX_WAIT_MS), never `1e+305`.
 */
export function formatRetryAfterSeconds(retryAfterMs: number): string {
  if (!(retryAfterMs > 0)) return '0';
  return String(Math.max(1, Math.ceil(Math.min(retryAfterMs, MAX_WAIT_MS) / 1000)));
}
