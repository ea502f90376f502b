import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { ChatStream, ModelInfo, RequestOptions } from '../engine/engine.js';
import { collectSecrets } from '../http/collect-secrets.js';
import { HTTPTransport } from '../http/http-transport.js';
import { preview, sendJSONRequest, sendSSERequest, type ErrorResponse, type SendRequestOptions } from '../http/send-request.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { AttemptRecord, ChatResponse } from '../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import { InvalidRequestError, ProviderUnavailableError, TimeoutError, type LiterLLMError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { convertGatewayError, parseGatewayErrorText } from './convert-gateway-error.js';

export interface ClientOptions {
  /** The gateway's address, with or without `/v1` (`http://gateway:8080`). */
  baseURL: string;
  /** One of the gateway's `server.api_keys`, sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** Sent with every call (before the per-call `headers`). */
  headers?: Record<string, string>;
  /** An undici dispatcher to send through instead of the client's own pool (a proxy agent, a MockAgent). */
  dispatcher?: Dispatcher;
  /** The default whole-call deadline; a call's own `timeoutMs` replaces it. */
  timeoutMs?: number;
}

/**
 * The Engine's call surface over HTTP. `listModels()` returns a promise (the engine's is
 * synchronous): `await engine.listModels()` reads the same for both. `stats()` and `reload()` are
 * the gateway process's own business and have no counterpart here.
 */
export interface GatewayClient {
  chat(request: ChatRequest, options?: RequestOptions): Promise<ChatResponse>;
  chatStream(request: ChatRequest, options?: RequestOptions): ChatStream;
  embed(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResponse>;
  listModels(): Promise<ModelInfo[]>;
  /** Closes the client's connections once its calls in flight finish. */
  close(): Promise<void>;
}

const CLIENT_NAME = 'gateway';

/**
 * `createClient({ baseURL, apiKey })`: the same calls as an in-process engine, against a
 * liter-llm gateway, so a service moves between the two by changing the line that makes it.
 *
 * It speaks the gateway's engine endpoints (`/v1/engine/chat`, `chat.stream`, `embed`, `models`:
 * the stdio protocol's calls over HTTP, docs/protocol.md), whose answers are the engine's own
 * canonical results: a ChatResponse with `attempts`, `rawFinishReason`, the serving `provider`,
 * every usage count and `providerMetadata`; a stream's events as the engine yields them and its
 * `attempts` once it ends; errors as the protocol's error frame, rebuilt by `convertGatewayError`
 * into the LiterLLMError the engine threw (`code`, `retryable`, `retryAfterMs`, `provider`,
 * `status`, the provider's `requestId`, `param`). One HTTP request per call, with no validation,
 * retries or deadline logic of its own stacked on the gateway's (that would turn one call into up
 * to `max_retries²` upstream attempts): `timeoutMs` and `maxRetries` go to the gateway's engine
 * as the call's options, the model name is sent verbatim (a route name included).
 *
 * What an HTTP call still cannot carry: the caller's `signal` is the connection (aborting closes
 * it; the gateway then aborts upstream and frees the permit); `stats()` and `reload()` are the
 * gateway process's own business. A stream's `requestId` is the one the client sends as
 * `x-request-id` (the caller's, else a new UUID), so it is known before the call starts, and it is
 * the gateway's engine call's request id.
 */
export function createClient(options: ClientOptions): GatewayClient {
  const baseURL = resolveBaseURL(options.baseURL);
  const transport = new HTTPTransport(options.dispatcher !== undefined ? { dispatcher: options.dispatcher } : {});
  const headers: Record<string, string> = {};
  if (options.apiKey !== undefined && options.apiKey !== '') headers['authorization'] = `Bearer ${options.apiKey}`;
  if (options.headers !== undefined) for (const name in options.headers) headers[name.toLowerCase()] = options.headers[name]!;
  const secrets = collectSecrets(options.apiKey, options.headers);
  const mapErrorResponse = (response: ErrorResponse): LiterLLMError =>
    convertGatewayError(parseGatewayErrorText(response.text), response);

  function engineRequest(method: string, body: unknown, call: Call, accept: string): SendRequestOptions {
    return {
      transport,
      provider: CLIENT_NAME,
      url: `${baseURL}/engine/${method}`,
      method: body === undefined ? 'GET' : 'POST',
      headers: { accept, ...headers, ...call.headers },
      ...(body !== undefined && { body }),
      ...(call.signal !== undefined && { signal: call.signal }),
      mapErrorResponse,
      secrets,
    };
  }

  /** One JSON call: the `result` of the gateway's answer. */
  async function callEngine<T>(method: string, params: unknown, callOptions: RequestOptions): Promise<T> {
    const call = startCall(callOptions, options.timeoutMs);
    try {
      const body = params === undefined ? undefined : { params, options: call.engineOptions };
      const answer = await sendJSONRequest<unknown>(engineRequest(method, body, call, 'application/json'));
      return readResult<T>(answer.body, method);
    } finally {
      call.end();
    }
  }

  function chatStream(request: ChatRequest, callOptions: RequestOptions = {}): ChatStream {
    const requestId = callOptions.requestId ?? randomUUID();
    const attempts: AttemptRecord[] = [];
    return {
      requestId,
      attempts,
      [Symbol.asyncIterator]: () => {
        // As in process: iterating again makes a new call, and the list follows the new one.
        attempts.length = 0;
        return streamEvents(request, { ...callOptions, requestId }, attempts)[Symbol.asyncIterator]();
      },
    };
  }

  async function* streamEvents(
    request: ChatRequest,
    callOptions: RequestOptions,
    attempts: AttemptRecord[],
  ): AsyncGenerator<StreamEvent> {
    const call = startCall(callOptions, options.timeoutMs);
    try {
      const { events } = await sendSSERequest(
        engineRequest('chat.stream', { params: request, options: call.engineOptions }, call, 'text/event-stream'),
      );
      let result: { attempts?: unknown } | undefined;
      // Read to the end after the result frame: the gateway ends the response there, and a body read
      // to its end leaves the connection free for the next call.
      for await (const event of events) {
        const frame = parseStreamFrame(event.data);
        if (frame.type === 'event') yield frame.event as StreamEvent;
        else if (frame.type === 'result') result = frame.result ?? {};
        else throw convertGatewayError(frame, { requestId: callOptions.requestId! });
      }
      if (result === undefined)
        throw new ProviderUnavailableError({ message: 'the gateway ended the stream without its result frame', retryable: true });
      if (Array.isArray(result.attempts)) attempts.push(...(result.attempts as AttemptRecord[]));
    } finally {
      call.end();
    }
  }

  return {
    chat: (request, callOptions = {}) => callEngine<ChatResponse>('chat', request, callOptions),
    chatStream,
    embed: (request, callOptions = {}) => callEngine<EmbedResponse>('embed', request, callOptions),
    listModels: async () => (await callEngine<{ models: ModelInfo[] }>('models', undefined, {})).models,
    close: () => transport.close(),
  };
}

interface EngineFrame {
  type: 'result' | 'event' | 'error';
  result?: unknown;
  event?: unknown;
  error?: unknown;
}

/** The `result` of a 200 answer, which is the protocol's result frame without `id`. */
function readResult<T>(body: unknown, method: string): T {
  if (typeof body === 'object' && body !== null && (body as EngineFrame).type === 'result' && 'result' in body)
    return (body as EngineFrame).result as T;
  throw new ProviderUnavailableError({
    message: `the gateway answered /v1/engine/${method} with 200 but not an engine result frame: ${preview(JSON.stringify(body))}`,
    retryable: false,
  });
}

/** One `data:` line of /v1/engine/chat.stream: an event, result or error frame. */
function parseStreamFrame(data: string): EngineFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    frame = undefined;
  }
  const type = (frame as EngineFrame | undefined)?.type;
  if (type === 'event' || type === 'result' || type === 'error') return frame as EngineFrame;
  throw new ProviderUnavailableError({
    message: `the gateway sent a stream event that is not an engine frame: ${preview(data)}`,
    retryable: false,
  });
}

interface Call {
  /** The caller's headers, request id and trace context, as HTTP headers. */
  headers: Record<string, string>;
  /** The call options the gateway's engine applies (the protocol's CallOptions). */
  engineOptions: { timeoutMs?: number; maxRetries?: number };
  signal?: AbortSignal;
  end(): void;
}

/**
 * The per-call HTTP options: the caller's headers, request id and trace context as headers, the
 * deadline and retry count for the gateway's engine, and one signal for the caller's abort and the
 * deadline (aborted with a TimeoutError, which the transport's error mapping keeps as the reason),
 * in case the gateway itself does not answer in time.
 */
function startCall(options: RequestOptions, defaultTimeoutMs: number | undefined): Call {
  const headers: Record<string, string> = {};
  if (options.headers !== undefined) for (const name in options.headers) headers[name.toLowerCase()] = options.headers[name]!;
  if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;
  if (options.traceparent !== undefined) headers['traceparent'] = options.traceparent;
  if (options.tracestate !== undefined) headers['tracestate'] = options.tracestate;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const engineOptions: Call['engineOptions'] = {};
  if (timeoutMs !== undefined) engineOptions.timeoutMs = timeoutMs;
  if (options.maxRetries !== undefined) engineOptions.maxRetries = options.maxRetries;
  let signal = options.signal;
  let end = (): void => {};
  if (timeoutMs !== undefined) {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(options.signal?.reason);
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () =>
        controller.abort(new TimeoutError({ message: `the call to the gateway took longer than its ${timeoutMs} ms deadline` })),
      // A backstop only: the gateway's engine enforces timeoutMs and its timeout error (naming the provider) must arrive first.
      timeoutMs + 1_000,
    );
    signal = controller.signal;
    end = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
  }
  return { headers, engineOptions, ...(signal !== undefined && { signal }), end };
}

function resolveBaseURL(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new InvalidRequestError({ message: `createClient: baseURL "${baseURL}" is not a URL`, param: 'baseURL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidRequestError({
      message: `createClient: baseURL must be http or https, got ${url.protocol}`,
      param: 'baseURL',
    });
  const trimmed = baseURL.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}
