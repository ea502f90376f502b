import { createUpstreamError } from '../../http/create-upstream-error.js';
import { mapHTTPStatus } from '../../http/map-http-status.js';
import { preview, type ErrorResponse } from '../../http/send-request.js';
import type { ErrorCode } from '../../spec/error-codes.js';
import { createError, type LiterLLMError } from '../../spec/errors.js';
import type { OpenAIErrorBody } from './openai-api.js';

/** What an error body said, whatever its shape. */
export interface OpenAIErrorInfo {
  message: string;
  type?: string;
  code?: string;
  param?: string;
}

/**
 * Reads the error shapes OpenAI-compatible servers send: OpenAI `{"error":{message,type,code,param}}`,
 * vLLM `{"object":"error",message,type,code}`, FastAPI `{"detail":[{loc,msg}]}` or `{"detail":"..."}`,
 * TGI `{"error":"...","error_type":"..."}`, and plain text.
 */
export function parseOpenAIErrorBody(text: string): OpenAIErrorInfo {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: preview(text) };
  }
  return readOpenAIErrorPayload(body) ?? { message: preview(text) };
}

/** The same reading for an already parsed payload (in-stream errors); undefined when it is none. */
export function readOpenAIErrorPayload(payload: unknown): OpenAIErrorInfo | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const body = payload as OpenAIErrorBody;
  const error = body.error;
  if (typeof error === 'object' && error !== null) {
    return withOptional(error.message ?? 'unknown error', error.type, error.code, error.param);
  }
  if (typeof error === 'string') return withOptional(error, body.error_type, undefined, undefined);
  if (typeof body.message === 'string') return withOptional(body.message, body.type, body.code, body.param);
  const detail = body.detail;
  if (typeof detail === 'string') return { message: detail };
  if (Array.isArray(detail)) {
    const message = detail
      .map((item) => {
        const location = Array.isArray(item.loc) ? item.loc.join('.') : undefined;
        return location !== undefined ? `${location}: ${item.msg ?? item.type ?? 'invalid'}` : (item.msg ?? 'invalid');
      })
      .join('; ');
    return { message: message || 'request validation failed', type: 'validation' };
  }
  return undefined;
}

function withOptional(message: string, type: unknown, code: unknown, param: unknown): OpenAIErrorInfo {
  const info: OpenAIErrorInfo = { message };
  if (typeof type === 'string' && type !== '') info.type = type;
  if ((typeof code === 'string' && code !== '') || typeof code === 'number') info.code = String(code);
  if (typeof param === 'string' && param !== '') info.param = param;
  return info;
}

export interface OpenAIErrorClass {
  code?: ErrorCode;
  retryable?: boolean;
}

const CONTEXT_LENGTH = /maximum context length|context[ _]length[ _]exceeded|context window/i;

/** Refines the status mapping from the body's code and type. */
export function classifyOpenAIError(info: OpenAIErrorInfo): OpenAIErrorClass {
  const code = info.code;
  const type = info.type;
  if (code === 'context_length_exceeded' || CONTEXT_LENGTH.test(info.message)) return { code: 'context_length_exceeded' };
  if (code === 'content_filter' || code === 'content_policy_violation' || type === 'content_filter')
    return { code: 'content_filtered' };
  if (code === 'invalid_api_key' || type === 'authentication_error') return { code: 'authentication' };
  if (code === 'model_not_found') return { code: 'not_found' };
  // No quota is a billing state: retrying burns the caller's budget and never succeeds.
  if (code === 'insufficient_quota' || type === 'insufficient_quota') return { code: 'rate_limited', retryable: false };
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_error' || type === 'tokens' || type === 'requests')
    return { code: 'rate_limited' };
  if (type === 'server_error') return { code: 'provider_unavailable' };
  return {};
}

/** Describes the error for a message: the provider's words plus what it blamed. */
export function describeOpenAIError(info: OpenAIErrorInfo): string {
  const extras: string[] = [];
  if (info.param !== undefined) extras.push(`param ${info.param}`);
  if (info.code !== undefined) extras.push(`code ${info.code}`);
  else if (info.type !== undefined) extras.push(`type ${info.type}`);
  return extras.length > 0 ? `${info.message} (${extras.join(', ')})` : info.message;
}

/** Maps a non-2xx response from an OpenAI-compatible server into the taxonomy. */
export function mapOpenAIErrorResponse(response: ErrorResponse, provider: string): LiterLLMError {
  const info = parseOpenAIErrorBody(response.text);
  return createOpenAIUpstreamError(response, provider, info, classifyOpenAIError(info));
}

export function createOpenAIUpstreamError(
  response: ErrorResponse,
  provider: string,
  info: OpenAIErrorInfo,
  classification: OpenAIErrorClass,
  retryAfterMs?: number,
): LiterLLMError {
  return createUpstreamError({
    provider,
    status: response.status,
    headers: response.headers,
    detail: describeOpenAIError(info),
    ...(classification.code !== undefined && { code: classification.code }),
    ...(classification.retryable !== undefined && { retryable: classification.retryable }),
    ...(info.param !== undefined && { param: info.param }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/** Where a 200 answer carried an error object: inside its event stream, or as its JSON body. */
export type InBandErrorPlace = 'stream' | 'json';

/**
 * Maps an error object a server sent inside a 200 stream (or as a 200 JSON body). There is no
 * status, so the body's code decides; a numeric code that looks like an HTTP status (vLLM) is read as one.
 */
export function mapOpenAIStreamError(
  info: OpenAIErrorInfo,
  provider: string,
  requestId: string | undefined,
  place: InBandErrorPlace = 'stream',
): LiterLLMError {
  const classification = classifyOpenAIError(info);
  let code = classification.code;
  if (code === undefined) {
    const numeric = info.code !== undefined ? Number(info.code) : Number.NaN;
    if (numeric >= 400 && numeric < 600) code = mapHTTPStatus(numeric);
    else if (info.type === 'invalid_request_error') code = 'invalid_request';
    else code = 'provider_unavailable';
  }
  return createError(code, {
    message: `${describeInBandError(provider, place)}: ${describeOpenAIError(info)}`,
    provider,
    ...(requestId !== undefined && { requestId }),
    ...(classification.retryable !== undefined && { retryable: classification.retryable }),
    ...(info.param !== undefined && { param: info.param }),
  });
}

/** The start of the message for an error found in a 200 answer. */
export function describeInBandError(provider: string, place: InBandErrorPlace): string {
  return place === 'stream' ? `${provider} reported an error mid-stream` : `${provider} returned an error in a 200 answer`;
}
