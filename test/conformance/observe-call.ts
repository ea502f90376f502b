import type { ModelInfo } from '../../src/engine/engine.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { AttemptRecord, ChatResponse } from '../../src/spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../../src/spec/embed.js';
import { isLiterLLMError } from '../../src/spec/errors.js';
import type { StreamEvent } from '../../src/spec/stream-event.js';
import type { ConformanceCall } from './start-harness.js';

/** The calls a binding offers, whichever way it reaches the engine (stdio or a gateway). */
export interface ConformanceBinding {
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
  /** Iterate for the events; `attempts()` once the stream ended normally. */
  chatStream(
    request: ChatRequest,
    options?: CallOptions,
  ): AsyncIterable<StreamEvent> & { attempts(): Promise<readonly AttemptRecord[]> };
  embed(request: EmbedRequest, options?: CallOptions): Promise<EmbedResponse>;
  models(): Promise<ModelInfo[]>;
}

interface CallOptions {
  timeoutMs?: number;
  maxRetries?: number;
}

/**
 * Makes the vector's call through the binding's public API and turns what came back into OBSERVED,
 * canonical camelCase JSON (conformance/README.md, "OBSERVED"). JSON round-tripping drops what
 * JSON cannot carry, as the other languages' serialisers do.
 */
export async function observeCall(binding: ConformanceBinding, call: ConformanceCall): Promise<unknown> {
  const options = call.options;
  const events: StreamEvent[] = [];
  try {
    switch (call.method) {
      case 'chat':
        return toJSON({ result: await binding.chat(call.request as ChatRequest, options) });
      case 'embed':
        return toJSON({ result: await binding.embed(call.request as EmbedRequest, options) });
      case 'models':
        return toJSON({ result: { models: await binding.models() } });
      case 'chatStream': {
        const stream = binding.chatStream(call.request as ChatRequest, options);
        for await (const event of stream) {
          events.push(event);
          if (call.cancelAfterEvents !== undefined && events.length >= call.cancelAfterEvents)
            return toJSON({ events, cancelled: true });
        }
        return toJSON({ events, result: { attempts: await stream.attempts() } });
      }
    }
  } catch (error) {
    const failure = { error: describeError(error) };
    return toJSON(call.method === 'chatStream' ? { events, ...failure } : failure);
  }
}

function describeError(error: unknown): Record<string, unknown> {
  if (!isLiterLLMError(error)) return { code: 'not_a_liter_llm_error', message: String(error), retryable: false };
  return {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    ...(error.retryAfterMs !== undefined && { retryAfterMs: Math.round(error.retryAfterMs) }),
    ...(error.status !== undefined && { status: error.status }),
    ...(error.provider !== undefined && { provider: error.provider }),
  };
}

function toJSON(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
