import { preview } from '../../http/send-request.js';
import type { LiterLLMError } from '../../spec/errors.js';
import type { OpenAIStreamContext } from './convert-openai-chat-stream.js';
import { type InBandErrorPlace, mapOpenAIStreamError, readOpenAIErrorPayload } from './map-openai-error.js';

/** What reading an in-band error needs: who answered, its request id, the adapter's own reading. */
export type InBandErrorContext = Pick<OpenAIStreamContext, 'provider' | 'requestId' | 'mapStreamError'>;

/**
 * The error a server put in a 200 JSON answer instead of a status: vLLM's ErrorResponse
 * (`{"object": "error", "message", "type", "code": 400}`), an OpenAI-shaped `{"error": {...}}`
 * from a proxy, TGI's `{"error": "...", "error_type": ...}`. Undefined when the body is an answer
 * (`"error": null` included). Without this the answer failed as "without choices", a 502 that lost
 * the server's words and turned the caller's mistake into the provider's.
 */
export function findOpenAIInBandError(body: unknown, context: InBandErrorContext): LiterLLMError | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const payload = body as Record<string, unknown>;
  const error = payload['error'];
  if ((error === undefined || error === null) && payload['object'] !== 'error') return undefined;
  return mapOpenAIErrorPayload(payload, context, 'json');
}

/** Maps an error payload found in a 200 answer, the adapter's reading first. */
export function mapOpenAIErrorPayload(
  payload: Record<string, unknown>,
  context: InBandErrorContext,
  place: InBandErrorPlace,
): LiterLLMError {
  const mapped = context.mapStreamError?.(payload, context.requestId, place);
  if (mapped !== undefined) return mapped;
  const info = readOpenAIErrorPayload(payload) ?? { message: preview(JSON.stringify(payload)) };
  return mapOpenAIStreamError(info, context.provider, context.requestId, place);
}
