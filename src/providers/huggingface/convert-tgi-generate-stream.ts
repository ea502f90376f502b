import { preview } from '../../http/send-request.js';
import type { SSEEvent } from '../../http/sse-parser.js';
import type { JSONObject } from '../../spec/chat-request.js';
import type { FinishReason } from '../../spec/chat-response.js';
import { ProviderUnavailableError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import type { Warning } from '../../spec/warning.js';
import { mapOpenAIFinishReason } from '../openai-compatible/map-openai-finish-reason.js';
import { mapTGIUsage } from './convert-from-tgi-generate-response.js';
import type { TGIStreamEvent } from './huggingface-api.js';
import { mapHuggingFaceStreamError } from './map-huggingface-error.js';

export interface TGIStreamContext {
  provider: string;
  model: string;
  headers: Record<string, string>;
  requestId?: string;
  warnings: Warning[];
  /** The max_new_tokens sent, to tell a length stop when the server sent no details. */
  maxNewTokens?: number;
}

/**
 * Turns TGI's /generate_stream into canonical events. Each event carries one token; special
 * tokens (`</s>`) are not text. The last event carries `generated_text` (and `details` when asked),
 * and the stream simply ends (no `[DONE]`). A stream that ends before that last event was cut.
 *
 * Without details (older servers), the finish reason is inferred: a special last token is an
 * end-of-sequence stop, reaching max_new_tokens is `length`; rawFinishReason stays null then.
 */
export async function* convertTGIGenerateStream(
  events: AsyncIterable<SSEEvent>,
  context: TGIStreamContext,
): AsyncGenerator<StreamEvent> {
  const { provider, requestId } = context;
  const iterator = events[Symbol.asyncIterator]();
  let started = false;
  let tokenCount = 0;
  let lastSpecial = false;
  let final: TGIStreamEvent | undefined;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const data = next.value.data;
      if (data === '[DONE]') continue;
      let event: TGIStreamEvent;
      try {
        event = JSON.parse(data) as TGIStreamEvent;
      } catch (error) {
        throw new ProviderUnavailableError({
          message: `${provider} sent a stream event that is not JSON: ${preview(data)}`,
          provider,
          retryable: false,
          ...(requestId !== undefined && { requestId }),
          cause: error,
        });
      }
      if (typeof event !== 'object' || event === null) {
        throw new ProviderUnavailableError({
          message: `${provider} sent a stream event that is not an object: ${preview(data)}`,
          provider,
          retryable: false,
        });
      }
      if (event.error !== undefined && event.error !== null) {
        throw (
          mapHuggingFaceStreamError(event as Record<string, unknown>, provider, requestId) ??
          new ProviderUnavailableError({ message: `${provider} reported an error mid-stream: ${preview(data)}`, provider })
        );
      }
      if (!started) {
        started = true;
        yield startEvent(context);
      }
      const token = event.token;
      if (token !== null && token !== undefined) {
        tokenCount++;
        lastSpecial = token.special === true;
        if (!lastSpecial && typeof token.text === 'string' && token.text !== '') yield { type: 'text-delta', text: token.text };
      }
      if (typeof event.generated_text === 'string' || (event.details !== null && event.details !== undefined)) {
        final = event;
        break;
      }
    }
    if (final === undefined) {
      throw new ProviderUnavailableError({
        message: `${provider} stream ended early: the connection closed before the final event`,
        provider,
        retryable: true,
        ...(requestId !== undefined && { requestId }),
      });
    }
    const details = final.details ?? undefined;
    const rawFinishReason = details?.finish_reason ?? null;
    let finishReason: FinishReason;
    if (rawFinishReason !== null) finishReason = mapOpenAIFinishReason(rawFinishReason, false);
    else if (lastSpecial) finishReason = 'stop';
    else if (context.maxNewTokens !== undefined && tokenCount >= context.maxNewTokens) finishReason = 'length';
    else finishReason = 'other';
    const providerMetadata: JSONObject = {};
    if (typeof details?.seed === 'number') providerMetadata['seed'] = details.seed;
    yield {
      type: 'finish',
      finishReason,
      rawFinishReason,
      usage: mapTGIUsage(details, context.headers, tokenCount),
      ...(typeof details?.seed === 'number' && { providerMetadata }),
    };
    try {
      // Read to the end so the connection can be reused; nothing meaningful follows.
      while (!(await iterator.next()).done) {
        // drain
      }
    } catch {
      // The answer is complete.
    }
  } finally {
    await iterator.return?.();
  }
}

function startEvent(context: TGIStreamContext): StreamEvent {
  return {
    type: 'start',
    id: '',
    provider: context.provider,
    model: context.model,
    ...(context.requestId !== undefined && { requestId: context.requestId }),
    warnings: context.warnings,
  };
}
