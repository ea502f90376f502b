import diagnosticsChannel from 'node:diagnostics_channel';
import type { LiterLLMError } from '../spec/errors.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { Usage } from '../spec/chat-response.js';
import type { EmbedRequest } from '../spec/embed.js';

/**
 * The engine publishes what happens on diagnostics channels (as undici does), so telemetry can
 * observe without the engine importing it, and publishing costs nothing when nobody listens.
 */
export const engineChannels = {
  requestStart: diagnosticsChannel.channel('liter-llm:request:start'),
  requestEnd: diagnosticsChannel.channel('liter-llm:request:end'),
  attemptStart: diagnosticsChannel.channel('liter-llm:attempt:start'),
  attemptEnd: diagnosticsChannel.channel('liter-llm:attempt:end'),
  firstToken: diagnosticsChannel.channel('liter-llm:request:first-token'),
  rateLimited: diagnosticsChannel.channel('liter-llm:rate-limited'),
  retry: diagnosticsChannel.channel('liter-llm:retry'),
  limitStoreError: diagnosticsChannel.channel('liter-llm:limit-store:error'),
  limitStoreState: diagnosticsChannel.channel('liter-llm:limit-store:state'),
} as const;

export type OperationName = 'chat' | 'chat_stream' | 'embeddings';

/** Shared, mutable per-call record: subscribers may attach their own state (spans) to it. */
export interface RequestContext {
  requestId: string;
  operation: OperationName;
  /** What the caller asked for (`provider/model` or a route name). */
  requestedModel: string;
  route: string | undefined;
  startedAt: number;
  /** The canonical request as the caller gave it (a reference, never copied; read it, do not change it). */
  request?: ChatRequest | EmbedRequest;
  /**
   * An observer sets this in requestStart when it wants the completion text (opt-in content
   * recording); the engine then fills `outputText`, and costs nothing otherwise.
   */
  captureOutput?: boolean;
  outputText?: string;
  /** Filled in as the call progresses. */
  provider?: string;
  model?: string;
  responseModel?: string;
  usage?: Usage;
  finishReason?: string;
  error?: LiterLLMError;
  attempts: number;
  rateLimitWaitMs: number;
  timeToFirstTokenMs?: number;
  /** W3C trace context from the caller (gateway), passed upstream. */
  traceparent?: string;
  tracestate?: string;
  /** Free slot for observers (telemetry keeps its span here). */
  observers: Record<string, unknown>;
}

export interface AttemptContext {
  request: RequestContext;
  attempt: number;
  provider: string;
  /** The provider's type (`openai`, `anthropic`, `huggingface`, `openai-compatible`). */
  providerType: string;
  model: string;
  startedAt: number;
  /** Headers to add to the upstream request (trace context); observers may add to it. */
  headers: Record<string, string>;
  status?: number;
  error?: LiterLLMError;
  durationMs?: number;
  observers: Record<string, unknown>;
}

/** Published on `rateLimited` when the local limiter turns a call away (no permit in time). */
export interface RateLimitedEvent {
  context: RequestContext;
  provider: string;
  /** The model the call would have used with this provider. */
  model: string;
  error: LiterLLMError;
}

/** Published on `retry` before the engine sleeps `delayMs` and tries the same candidate again. */
export interface RetryEvent {
  context: RequestContext;
  provider: string;
  model: string;
  delayMs: number;
  error: LiterLLMError;
}

/** Which shared limit store: the token buckets or the fleet-wide concurrency leases. */
export type LimitStoreName = 'rate_limit' | 'concurrency_lease';

/** Published on `limitStoreError` for every failed command of a shared limit store (Redis down, timeout). */
export interface LimitStoreErrorEvent {
  store: LimitStoreName;
  /** take | adjust | pause | try_acquire | renew | release */
  operation: string;
  error: Error;
}

/**
 * Published on `limitStoreState` once when a shared limit store stops answering (the engine falls
 * back as `limits.on_store_error` says) and once when it answers again.
 */
export interface LimitStoreStateEvent {
  store: LimitStoreName;
  available: boolean;
  onStoreError: 'fail_open' | 'fail_closed';
  /** One line for the log, naming what happens meanwhile (never a URL or password). */
  message: string;
}
