import type { ChatStream, Engine, ModelInfo, ProviderStats, RequestOptions } from '../../engine/engine.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../../spec/embed.js';
import { InternalError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';

export interface ScriptedEngineCall {
  method: 'chat' | 'chatStream' | 'embed';
  request: ChatRequest | EmbedRequest;
  options: RequestOptions | undefined;
}

export interface ScriptedEngineScript {
  chat?: (request: ChatRequest, options: RequestOptions | undefined) => ChatResponse | Promise<ChatResponse>;
  /** An async generator: its `finally` runs when the gateway returns the iterator. */
  chatStream?: (request: ChatRequest, options: RequestOptions | undefined) => AsyncIterable<StreamEvent>;
  embed?: (request: EmbedRequest, options: RequestOptions | undefined) => EmbedResponse | Promise<EmbedResponse>;
  models?: ModelInfo[];
  stats?: ProviderStats[];
}

export interface ScriptedEngine extends Engine {
  readonly calls: ScriptedEngineCall[];
  closed: boolean;
}

/**
 * An Engine that follows a script, for gateway tests that must not depend on the real engine:
 * records every call with its options (request id, trace context, signal) and lets a test decide
 * exactly what comes back, including errors and streams that fail or hang.
 */
export function createScriptedEngine(script: ScriptedEngineScript = {}): ScriptedEngine {
  const calls: ScriptedEngineCall[] = [];
  const missing = (what: string) => new InternalError({ message: `the scripted engine has no ${what} script` });
  const engine: ScriptedEngine = {
    calls,
    closed: false,
    async chat(request, options) {
      calls.push({ method: 'chat', request, options });
      if (!script.chat) throw missing('chat');
      return script.chat(request, options);
    },
    chatStream(request, options): ChatStream {
      calls.push({ method: 'chatStream', request, options });
      return {
        requestId: options?.requestId ?? 'scripted',
        attempts: [],
        [Symbol.asyncIterator]() {
          if (!script.chatStream) {
            return { next: () => Promise.reject(missing('chatStream')) };
          }
          return script.chatStream(request, options)[Symbol.asyncIterator]();
        },
      };
    },
    async embed(request, options) {
      calls.push({ method: 'embed', request, options });
      if (!script.embed) throw missing('embed');
      return script.embed(request, options);
    },
    listModels: () => script.models ?? [],
    stats: () => script.stats ?? [],
    async close() {
      engine.closed = true;
    },
  };
  return engine;
}

/** A complete canonical response with sensible defaults, for scripts. */
export function createChatResponse(overrides: Partial<ChatResponse> = {}): ChatResponse {
  const text = overrides.text ?? 'Hello there';
  return {
    id: 'chatcmpl-test',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    content: text === '' ? [] : [{ type: 'text', text }],
    text,
    toolCalls: [],
    finishReason: 'stop',
    rawFinishReason: 'stop',
    usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 },
    warnings: [],
    ...overrides,
  };
}
