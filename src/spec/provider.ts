import type { ChatRequest } from './chat-request.js';
import type { ChatResponse } from './chat-response.js';
import type { EmbedRequest, EmbedResponse } from './embed.js';
import type { StreamEvent } from './stream-event.js';

/**
 * A provider type names a definition in the provider registry (`openai`, `anthropic`, `huggingface`,
 * `openai-compatible` today; any string a registered definition claims).
 */
export type ProviderType = string;

/**
 * The version of this contract. An adapter states the one it implements, so the engine can refuse
 * (or adapt to) one written against another, as vercel/ai's `LanguageModelV2` does.
 */
export const PROVIDER_SPECIFICATION_VERSION = 'v1';
export type ProviderSpecificationVersion = typeof PROVIDER_SPECIFICATION_VERSION;

/**
 * What a 429 (or a budget reported spent) was about: the model's own budget, or one every model of
 * the provider shares (the key's, the account's).
 */
export type RateLimitScope = 'model' | 'provider';

/** Per-attempt options the engine passes to an adapter. */
export interface CallOptions {
  /**
   * Aborts the upstream request; the adapter maps the abort to CancelledError or TimeoutError.
   * It has AbortSignal's members but may be a LightAbortController's signal, not an
   * `instanceof AbortSignal`: pass it to undici or listen on it, do not hand it to `AbortSignal.any`.
   */
  signal?: AbortSignal;
  /** Extra upstream headers (trace context, caller-chosen headers). */
  headers?: Record<string, string>;
  /**
   * Sees the upstream response's status and headers (names lower-cased) before its body is read:
   * the engine reads a success's rate-limit headers for the model the call was for. Must not throw
   * (if it does, the error is dropped).
   */
  onResponse?: (status: number, headers: Record<string, string>) => void;
}

/**
 * A provider adapter: a pure mapping between canonical and wire types plus exactly one HTTP
 * attempt. Retries, limits, routing and telemetry live above it, in the engine.
 * Every failure is thrown as a LiterLLMError.
 */
export interface Provider {
  readonly specificationVersion: ProviderSpecificationVersion;
  /** The config key (`openai`, `my-vllm`). Errors and responses carry it. */
  readonly name: string;
  readonly type: ProviderType;
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
  /**
   * Resolves once the upstream answered with a success status (so an HTTP error is thrown here,
   * before any event); the iterable then yields events as they arrive. Ending iteration early
   * (`return()`/`break`) aborts the upstream request.
   */
  chatStream(request: ChatRequest, options?: CallOptions): Promise<AsyncIterable<StreamEvent>>;
  /** Absent when the provider has no embeddings API: the engine answers `invalid_request` for it. */
  embed?(request: EmbedRequest, options?: CallOptions): Promise<EmbedResponse>;
  /**
   * Which budget a rate-limited response was about, from its headers (names lower-cased): the
   * engine pauses only that model, or the whole provider. Absent: `model`.
   */
  rateLimitScope?(headers: Record<string, string>): RateLimitScope;
  /** Closes pooled connections, letting in-flight requests finish. */
  close(): Promise<void>;
}

/** A provider whose embed is there: what the OpenAI, Hugging Face and Anthropic factories return. */
export type EmbeddingProvider = Provider & Required<Pick<Provider, 'embed'>>;
