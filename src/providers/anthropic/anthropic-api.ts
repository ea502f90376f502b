/**
 * Anthropic Messages API wire types (https://docs.anthropic.com/en/api/messages), snake_case as sent.
 * Response types are deliberately loose (optional fields, open unions): the mappers read them
 * tolerantly instead of validating every chunk, and new block or event types must not break us.
 */
import type { JSONObject, JSONValue } from '../../spec/chat-request.js';

// ---------- request ----------

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

export interface AnthropicThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: JSONObject;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | AnthropicTextBlock[];
  is_error?: boolean;
}

export type AnthropicRequestBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicRequestBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: JSONObject;
  strict?: boolean;
}

export type AnthropicToolChoice = { type: 'auto' } | { type: 'any' } | { type: 'none' } | { type: 'tool'; name: string };

export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string | AnthropicTextBlock[];
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id: string };
  /** Structured outputs (GA; the beta `output_format` field moved here). */
  output_config?: { format?: { type: 'json_schema'; schema: JSONObject } } & JSONObject;
  stream?: boolean;
  /** providerOptions.anthropic keys (thinking, context_management, ...) land here verbatim. */
  [extra: string]: unknown;
}

// ---------- response ----------

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  [extra: string]: unknown;
}

/** A response content block; `type` is open because the API keeps adding block types. */
export interface AnthropicResponseBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: JSONValue;
  [extra: string]: unknown;
}

export interface AnthropicMessagesResponse {
  id?: string;
  type?: string;
  role?: string;
  model?: string;
  content?: AnthropicResponseBlock[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
  [extra: string]: unknown;
}

// ---------- stream ----------

export interface AnthropicStreamDelta {
  type?: string;
  text?: string;
  thinking?: string;
  signature?: string;
  partial_json?: string;
  /** compaction_delta */
  content?: string;
  stop_reason?: string | null;
  stop_sequence?: string | null;
  [extra: string]: unknown;
}

/** Every stream event's data payload, read through one loose shape (`type` says which fields exist). */
export interface AnthropicStreamEvent {
  type?: string;
  message?: AnthropicMessagesResponse;
  index?: number;
  content_block?: AnthropicResponseBlock;
  delta?: AnthropicStreamDelta;
  usage?: AnthropicUsage;
  error?: AnthropicErrorDetail;
  request_id?: string;
  [extra: string]: unknown;
}

// ---------- errors ----------

export interface AnthropicErrorDetail {
  type?: string;
  message?: string;
}

/** `{"type":"error","error":{"type","message"},"request_id"}` */
export interface AnthropicErrorBody {
  type?: string;
  error?: AnthropicErrorDetail;
  request_id?: string;
}
