import type { AssistantContentPart, JSONObject, ToolCallPart } from './chat-request.js';
import type { Warning } from './warning.js';

/** Normalised reason the model stopped; `rawFinishReason` keeps the provider's own word. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Input tokens served from the provider's prompt cache (included in inputTokens). */
  cachedInputTokens?: number;
  /** Input tokens written to the cache (Anthropic `cache_creation_input_tokens`). */
  cacheWriteInputTokens?: number;
  /** Output tokens spent on reasoning (included in outputTokens). */
  reasoningTokens?: number;
}

/** One upstream attempt, as the engine saw it (filled in by the engine, not the adapter). */
export interface AttemptRecord {
  provider: string;
  model: string;
  /** `ok` or the error code of the failed attempt. */
  outcome: string;
  status?: number;
  durationMs: number;
}

export interface ChatResponse {
  id: string;
  /** Provider name (config key) that served the call. */
  provider: string;
  /** Model id the provider reports having used. */
  model: string;
  content: AssistantContentPart[];
  /** All text parts joined: the answer, for callers who want only that. */
  text: string;
  toolCalls: ToolCallPart[];
  finishReason: FinishReason;
  rawFinishReason: string | null;
  usage: Usage;
  warnings: Warning[];
  /** Provider request id (`x-request-id`, `request-id`), for support tickets. */
  requestId?: string;
  /** Provider-specific response fields that have no canonical home, kept rather than dropped. */
  providerMetadata?: JSONObject;
  /** Every upstream attempt the engine made for this call, in order. */
  attempts?: AttemptRecord[];
}
