/**
 * OpenAI Chat Completions and Embeddings wire types (snake_case lives here and in the mappers).
 * Response types are deliberately loose: OpenAI-compatible servers (vLLM, TGI, Together, Azure...)
 * add, omit or retype fields, and the mappers read them tolerantly instead of validating.
 */

// ---- requests -------------------------------------------------------------------------------

export type OpenAIContentPart =
  { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } };

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAIMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAIContentPart[]; name?: string }
  | { role: 'assistant'; content?: string; tool_calls?: OpenAIToolCall[]; name?: string }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export type OpenAIToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAIResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema: Record<string, unknown>; description?: string; strict?: boolean };
    };

export interface OpenAIChatRequest {
  model: string;
  messages: OpenAIMessage[];
  tools?: OpenAITool[];
  tool_choice?: OpenAIToolChoice;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string[];
  seed?: number;
  response_format?: OpenAIResponseFormat;
  user?: string;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  /** providerOptions are merged in verbatim. */
  [extra: string]: unknown;
}

export interface OpenAIEmbeddingRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
  user?: string;
  encoding_format?: 'float' | 'base64';
  [extra: string]: unknown;
}

// ---- responses ------------------------------------------------------------------------------

export interface OpenAIUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** The HF router (Together backend) reports cached tokens at the top level. */
  cached_tokens?: number | null;
}

/** TGI 1.4 sends an integer id and an object for `arguments`. */
export interface OpenAIResponseToolCall {
  index?: number;
  id?: string | number | null;
  type?: string;
  function?: { name?: string | null; arguments?: string | Record<string, unknown> | null } | null;
}

export interface OpenAIResponseMessage {
  role?: string;
  content?: string | null;
  refusal?: string | null;
  tool_calls?: OpenAIResponseToolCall[] | null;
  /** Legacy single function call (pre-tools API). */
  function_call?: { name?: string; arguments?: string } | null;
  /** vLLM, DeepSeek and others put reasoning here. */
  reasoning_content?: string | null;
  reasoning?: string | null;
  [extra: string]: unknown;
}

export interface OpenAIChoice {
  index?: number;
  message?: OpenAIResponseMessage;
  finish_reason?: string | null;
  [extra: string]: unknown;
}

export interface OpenAIChatResponse {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: OpenAIChoice[];
  usage?: OpenAIUsage | null;
  [extra: string]: unknown;
}

export interface OpenAIChunkDelta {
  role?: string | null;
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: OpenAIResponseToolCall[] | null;
  function_call?: { name?: string; arguments?: string } | null;
}

export interface OpenAIChunkChoice {
  index?: number;
  delta?: OpenAIChunkDelta | null;
  finish_reason?: string | null;
  logprobs?: { content?: unknown[] | null } | null;
  [extra: string]: unknown;
}

export interface OpenAIChatChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: OpenAIChunkChoice[];
  usage?: OpenAIUsage | null;
  /** An error reported inside a 200 stream. */
  error?: unknown;
  [extra: string]: unknown;
}

export interface OpenAIEmbeddingResponse {
  object?: string;
  model?: string;
  data?: { index?: number; embedding?: number[] | string; object?: string }[];
  usage?: { prompt_tokens?: number; total_tokens?: number } | null;
}

// ---- errors ---------------------------------------------------------------------------------

/** `{"error": {...}}` (OpenAI), `{"object":"error",...}` (vLLM), `{"detail": ...}` (FastAPI). */
export interface OpenAIErrorBody {
  error?: { message?: string; type?: string; code?: string | number | null; param?: string | null } | string | null;
  object?: string;
  message?: string;
  type?: string;
  code?: string | number | null;
  param?: string | null;
  detail?: string | { loc?: (string | number)[]; msg?: string; type?: string }[];
  /** TGI puts the category next to a string `error`. */
  error_type?: string;
}
