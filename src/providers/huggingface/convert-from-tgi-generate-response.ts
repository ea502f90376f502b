import type { JSONObject, JSONValue } from '../../spec/chat-request.js';
import type { ChatResponse, Usage } from '../../spec/chat-response.js';
import { ProviderUnavailableError } from '../../spec/errors.js';
import type { Warning } from '../../spec/warning.js';
import { mapOpenAIFinishReason } from '../openai-compatible/map-openai-finish-reason.js';
import type { TGIDetails, TGIGenerateResponse } from './huggingface-api.js';

export interface TGIResponseContext {
  provider: string;
  /** The model asked for; /generate does not name one. */
  model: string;
  headers: Record<string, string>;
  requestId?: string;
  warnings: Warning[];
}

/**
 * Maps a /generate answer. A direct TGI server returns an object; the hosted Inference API wraps
 * it in a one-element array (tgi-generate-details.json). Token counts come from `details`, with
 * the hosted API's `x-prompt-tokens` / `x-generated-tokens` headers as the fallback. TGI has no
 * response id, so `id` is empty.
 */
export function convertFromTGIGenerateResponse(
  body: TGIGenerateResponse | TGIGenerateResponse[],
  context: TGIResponseContext,
): ChatResponse {
  const result = Array.isArray(body) ? body[0] : body;
  if (result === undefined || result === null || typeof result !== 'object' || typeof result.generated_text !== 'string') {
    throw new ProviderUnavailableError({
      message: `${context.provider} returned a /generate response without generated_text`,
      provider: context.provider,
      retryable: false,
      ...(context.requestId !== undefined && { requestId: context.requestId }),
    });
  }
  const text = result.generated_text;
  const details = result.details ?? undefined;
  const rawFinishReason = details?.finish_reason ?? null;
  const providerMetadata: JSONObject = {};
  if (typeof details?.seed === 'number') providerMetadata['seed'] = details.seed;
  if (Array.isArray(details?.best_of_sequences) && details.best_of_sequences.length > 0) {
    providerMetadata['best_of_sequences'] = details.best_of_sequences as JSONValue[];
  }
  const response: ChatResponse = {
    id: '',
    provider: context.provider,
    model: context.model,
    content: text !== '' ? [{ type: 'text', text }] : [],
    text,
    toolCalls: [],
    finishReason: mapOpenAIFinishReason(rawFinishReason, false),
    rawFinishReason,
    usage: mapTGIUsage(details, context.headers, undefined),
    warnings: context.warnings,
  };
  if (context.requestId !== undefined) response.requestId = context.requestId;
  for (const _ in providerMetadata) {
    response.providerMetadata = providerMetadata;
    break;
  }
  return response;
}

/** Token counts from details, else the hosted API's headers, else what the stream counted. */
export function mapTGIUsage(
  details: TGIDetails | undefined,
  headers: Record<string, string>,
  countedTokens: number | undefined,
): Usage {
  const prefill = details?.prefill;
  const inputTokens =
    details?.input_length ??
    readCount(headers['x-prompt-tokens']) ??
    (Array.isArray(prefill) && prefill.length > 0 ? prefill.length : undefined) ??
    0;
  const outputTokens = details?.generated_tokens ?? readCount(headers['x-generated-tokens']) ?? countedTokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

function readCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number.parseInt(value, 10);
  return Number.isFinite(count) && count >= 0 ? count : undefined;
}
