import type { ChatRequest } from '../spec/chat-request.js';
import type { AttemptRecord, ChatResponse } from '../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import type { StreamEvent } from '../spec/stream-event.js';

/** Per-call options, on top of the request itself. */
export interface RequestOptions {
  /** Cancels the call: its queue wait, its upstream request and its retries. */
  signal?: AbortSignal;
  /** A deadline for the whole call, retries and fallbacks included. */
  timeoutMs?: number;
  /** Overrides the provider's or route's `max_retries` for this call. */
  maxRetries?: number;
  /** Correlates logs, spans and errors; generated when absent. */
  requestId?: string;
  /** Extra headers for the upstream request. */
  headers?: Record<string, string>;
  /** W3C trace context of the caller, continued upstream. */
  traceparent?: string;
  tracestate?: string;
}

/** A streamed chat: iterate it for events; `return()` (or `break`) aborts the upstream call. */
export interface ChatStream extends AsyncIterable<StreamEvent> {
  /** The request id of this call. */
  readonly requestId: string;
  /**
   * Every upstream attempt of this call so far, as `ChatResponse.attempts` lists them for a JSON
   * call: filled in as attempts end (retries and fallbacks before the first token), complete once
   * the stream has ended or failed. Iterating a ChatStream again makes a new call, and this list
   * then follows the new one.
   */
  readonly attempts: readonly AttemptRecord[];
}

export interface ModelInfo {
  /** The public name: a route name or `provider/model`. */
  id: string;
  kind: 'route' | 'provider-model';
  provider?: string;
}

export interface ProviderStats {
  name: string;
  inFlight: number;
  queued: number;
  maxConcurrency: number;
}

export interface Engine {
  chat(request: ChatRequest, options?: RequestOptions): Promise<ChatResponse>;
  chatStream(request: ChatRequest, options?: RequestOptions): ChatStream;
  embed(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResponse>;
  /** Configured routes and the provider models named in the config. */
  listModels(): ModelInfo[];
  stats(): ProviderStats[];
  /** Closes every connection pool after in-flight calls finish. */
  close(): Promise<void>;
}
