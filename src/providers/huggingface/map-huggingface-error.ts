import { clampWaitMs } from '../../http/clamp-wait-ms.js';
import type { ErrorResponse } from '../../http/send-request.js';
import { createError, type LiterLLMError } from '../../spec/errors.js';
import {
  classifyOpenAIError,
  createOpenAIUpstreamError,
  describeInBandError,
  type InBandErrorPlace,
  parseOpenAIErrorBody,
  type OpenAIErrorClass,
  type OpenAIErrorInfo,
} from '../openai-compatible/map-openai-error.js';
import type { HuggingFaceErrorBody } from './huggingface-api.js';

// TGI's validation of `inputs` tokens + `max_new_tokens` against the model's window.
const CONTEXT_LENGTH = /tokens \+ `max_new_tokens` must be <=|`inputs` must have less than \d+ tokens|maximum context length/i;
const LOADING = /currently loading/i;

/**
 * Classifies an HF error from TGI's `error_type` (router/src/server.rs: validation and
 * template_error 422, generation 424, overloaded 429, incomplete_generation 500; TEI adds
 * tokenizer and backend) and the hosted API's model-loading 503.
 */
export function classifyHuggingFaceError(
  message: string,
  errorType: string | undefined,
  status: number | undefined,
): OpenAIErrorClass {
  if (CONTEXT_LENGTH.test(message)) return { code: 'context_length_exceeded' };
  switch (errorType) {
    case 'validation':
    case 'template_error':
    case 'tokenizer':
      return { code: 'invalid_request' };
    case 'overloaded':
      return { code: 'rate_limited', retryable: true };
    // The backend failed while generating (often out of memory): another attempt may well succeed.
    case 'generation':
    case 'incomplete_generation':
    case 'backend':
      return { code: 'provider_unavailable', retryable: true };
    default:
      break;
  }
  if ((status === 503 || status === undefined) && LOADING.test(message)) return { code: 'provider_unavailable', retryable: true };
  return {};
}

/**
 * Maps a non-2xx answer from TGI, TEI or the hosted router. HF bodies are `{"error": "...",
 * "error_type"?, "estimated_time"?}`; anything else (third-party providers behind the router,
 * FastAPI validation, TGI's text/plain 422) is read as an OpenAI-compatible error.
 */
export function mapHuggingFaceErrorResponse(response: ErrorResponse, provider: string): LiterLLMError {
  const body = parseJSONObject(response.text) as HuggingFaceErrorBody | undefined;
  const message = body !== undefined ? readErrorMessage(body.error) : undefined;
  if (body === undefined || message === undefined) {
    const info = parseOpenAIErrorBody(response.text);
    return createOpenAIUpstreamError(response, provider, info, classifyOpenAIError(info));
  }
  const info: OpenAIErrorInfo = { message };
  if (typeof body.error_type === 'string' && body.error_type !== '') info.type = body.error_type;
  const estimated = body.estimated_time;
  const retryAfterMs = typeof estimated === 'number' ? clampWaitMs(estimated * 1000) : undefined;
  return createOpenAIUpstreamError(
    response,
    provider,
    info,
    classifyHuggingFaceError(message, info.type, response.status),
    retryAfterMs,
  );
}

/**
 * Maps an error event inside a 200 stream (TGI sends `{"error": "...", "error_type": "..."}` as an
 * SSE event when validation fails after the headers went out), or the same object as a 200 JSON
 * body. Undefined when it is not one.
 */
export function mapHuggingFaceStreamError(
  payload: Record<string, unknown>,
  provider: string,
  requestId: string | undefined,
  place: InBandErrorPlace = 'stream',
): LiterLLMError | undefined {
  const message = readErrorMessage(payload['error'] as HuggingFaceErrorBody['error']);
  if (message === undefined) return undefined;
  const errorType = typeof payload['error_type'] === 'string' ? payload['error_type'] : undefined;
  const classification = classifyHuggingFaceError(message, errorType, undefined);
  return createError(classification.code ?? 'provider_unavailable', {
    message: `${describeInBandError(provider, place)}: ${message}${errorType !== undefined ? ` (type ${errorType})` : ''}`,
    provider,
    ...(requestId !== undefined && { requestId }),
    ...(classification.retryable !== undefined && { retryable: classification.retryable }),
  });
}

function readErrorMessage(error: HuggingFaceErrorBody['error']): string | undefined {
  if (typeof error === 'string') return error;
  // The older Inference API sometimes sent a list of messages.
  if (Array.isArray(error)) return error.filter((item) => typeof item === 'string').join('; ') || undefined;
  return undefined;
}

function parseJSONObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
