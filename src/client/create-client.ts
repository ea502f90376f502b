import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { ChatStream, ModelInfo, RequestOptions } from '../engine/engine.js';
import { collectSecrets } from '../http/collect-secrets.js';
import { HTTPTransport } from '../http/http-transport.js';
import { sendJSONRequest } from '../http/send-request.js';
import { convertFromOpenAIEmbedResponse } from '../providers/openai/convert-from-openai-embed-response.js';
import { convertToOpenAIEmbedRequest } from '../providers/openai/convert-to-openai-embed-request.js';
import type { OpenAIEmbeddingResponse } from '../providers/openai/openai-api.js';
import {
  buildHeaders,
  sendOpenAIChat,
  sendOpenAIChatStream,
  type OpenAIChatEndpoint,
} from '../providers/openai/send-openai-chat.js';
import { providerRequest } from '../providers/provider-request.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { AttemptRecord, ChatResponse } from '../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import { InvalidRequestError, TimeoutError } from '../spec/errors.js';
import type { CallOptions } from '../spec/provider.js';
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
 * the gateway process's own business and have no HTTP counterpart here.
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
 * liter-llm gateway's OpenAI-compatible endpoints, so a service moves between the two by changing
 * the line that makes it.
 *
 * Built on the OpenAI adapter's one-attempt senders (`sendOpenAIChat`, `sendOpenAIChatStream`: the
 * canonical ⇄ OpenAI mappers, the undici transport and the SSE parser), not on `createEngine` with an
 * `openai-compatible` provider pointed at the gateway. That engine would get three things wrong:
 * it splits `provider/model` and looks the provider up in its own config (the gateway must get the
 * name verbatim, a route name included); it adds its own validation, retries and deadline on top of
 * the gateway's, which already retried (one call would become up to `max_retries²` upstream
 * attempts); and it reads errors by HTTP status, where the gateway's body carries the exact
 * taxonomy code (a provider rejecting the gateway's key is a 502 whose code is `authentication`).
 * So the client sends exactly one HTTP request per call and rebuilds the gateway's error
 * (`convertGatewayError`); retries, limits and fallbacks are the gateway's.
 *
 * What an HTTP call cannot carry: `maxRetries` is the gateway's config (ignored); `attempts` is
 * left out of responses and stays empty on streams (the gateway does not send them). The OpenAI
 * wire has no field for the provider's own finish word (`rawFinishReason` is OpenAI's), Anthropic's
 * cache-write token count, or most of `providerMetadata`. `requestId` (responses, the `start`
 * event, errors) is the gateway's request id, the one its logs carry: the client sends it as
 * `x-request-id` (the caller's, else a new UUID), so a stream knows it before the call starts.
 */
export function createClient(options: ClientOptions): GatewayClient {
  const baseURL = resolveBaseURL(options.baseURL);
  const transport = new HTTPTransport(options.dispatcher !== undefined ? { dispatcher: options.dispatcher } : {});
  const headers: Record<string, string> = {};
  if (options.apiKey !== undefined && options.apiKey !== '') headers['authorization'] = `Bearer ${options.apiKey}`;
  if (options.headers !== undefined) for (const name in options.headers) headers[name.toLowerCase()] = options.headers[name]!;
  const secrets = collectSecrets(options.apiKey, options.headers);
  const endpoint: OpenAIChatEndpoint = {
    transport,
    provider: CLIENT_NAME,
    url: `${baseURL}/chat/completions`,
    headers,
    secrets,
    requestIdHeader: 'x-request-id',
    mapErrorResponse: (response) => convertGatewayError(parseGatewayErrorText(response.text), response),
    mapStreamError: (payload, requestId) => convertGatewayError(payload, requestId !== undefined ? { requestId } : {}),
    // The gateway reads the canonical name and converts for the provider that serves the call.
    maxTokensField: 'max_tokens',
    providerOptionKeys: ['openai', 'openai-compatible'],
    flattenTextContent: false,
    includeUsage: true,
  };

  async function chat(request: ChatRequest, callOptions: RequestOptions = {}): Promise<ChatResponse> {
    return withCall(callOptions, options.timeoutMs, async (call, served) => {
      const response = await sendOpenAIChat(endpoint, request, call);
      return { ...response, provider: served.provider ?? response.provider, model: served.model ?? response.model };
    });
  }

  function chatStream(request: ChatRequest, callOptions: RequestOptions = {}): ChatStream {
    const requestId = callOptions.requestId ?? randomUUID();
    const attempts: AttemptRecord[] = [];
    return {
      requestId,
      attempts,
      [Symbol.asyncIterator]: () => streamEvents(request, { ...callOptions, requestId })[Symbol.asyncIterator](),
    };
  }

  async function* streamEvents(request: ChatRequest, callOptions: RequestOptions): AsyncGenerator<StreamEvent> {
    const call = startCall(callOptions, options.timeoutMs);
    try {
      const events = await sendOpenAIChatStream(endpoint, request, call.options);
      for await (const event of events) {
        yield event.type === 'start' && call.served.provider !== undefined
          ? { ...event, provider: call.served.provider, model: call.served.model ?? event.model }
          : event;
      }
    } finally {
      call.end();
    }
  }

  async function embed(request: EmbedRequest, callOptions: RequestOptions = {}): Promise<EmbedResponse> {
    return withCall(callOptions, options.timeoutMs, async (call, served) => {
      // float: the vectors arrive as the engine produced them (base64 would round them to float32).
      const body = convertToOpenAIEmbedRequest(request, {
        encodingFormat: 'float',
        providerOptionKeys: endpoint.providerOptionKeys,
      });
      const result = await sendJSONRequest<OpenAIEmbeddingResponse>(
        providerRequest(endpoint, `${baseURL}/embeddings`, buildHeaders(endpoint, 'application/json', call), body, call),
      );
      const requestId = result.headers['x-request-id'];
      return convertFromOpenAIEmbedResponse(result.body, {
        provider: served.provider ?? CLIENT_NAME,
        model: served.model ?? request.model,
        inputCount: typeof request.input === 'string' ? 1 : request.input.length,
        warnings: [],
        ...(requestId !== undefined && { requestId }),
      });
    });
  }

  async function listModels(): Promise<ModelInfo[]> {
    const result = await sendJSONRequest<{ data?: { id?: unknown; owned_by?: unknown }[] }>({
      transport,
      provider: CLIENT_NAME,
      url: `${baseURL}/models`,
      method: 'GET',
      headers: { accept: 'application/json', ...headers },
      mapErrorResponse: endpoint.mapErrorResponse,
      secrets,
    });
    const data = Array.isArray(result.body.data) ? result.body.data : [];
    return data.flatMap((model): ModelInfo[] => (typeof model.id === 'string' ? [convertModel(model.id, model.owned_by)] : []));
  }

  return { chat, chatStream, embed, listModels, close: () => transport.close() };
}

/** What served the call, from the gateway's `x-liter-llm-provider` / `x-liter-llm-model` headers. */
interface Served {
  provider?: string;
  model?: string;
}

interface Call {
  options: CallOptions;
  served: Served;
  end(): void;
}

/**
 * The per-call HTTP options: the caller's headers, request id and trace context as headers, and
 * one signal for the caller's abort and the deadline (aborted with a TimeoutError, which the
 * transport's error mapping keeps as the reason).
 */
function startCall(options: RequestOptions, defaultTimeoutMs: number | undefined): Call {
  const served: Served = {};
  const headers: Record<string, string> = {};
  if (options.headers !== undefined) for (const name in options.headers) headers[name.toLowerCase()] = options.headers[name]!;
  if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;
  if (options.traceparent !== undefined) headers['traceparent'] = options.traceparent;
  if (options.tracestate !== undefined) headers['tracestate'] = options.tracestate;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
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
      timeoutMs,
    );
    signal = controller.signal;
    end = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
  }
  const callOptions: CallOptions = {
    headers,
    onResponse: (_status, responseHeaders) => {
      const provider = responseHeaders['x-liter-llm-provider'];
      const model = responseHeaders['x-liter-llm-model'];
      if (provider !== undefined) served.provider = provider;
      if (model !== undefined) served.model = model;
    },
    ...(signal !== undefined && { signal }),
  };
  return { options: callOptions, served, end };
}

async function withCall<T>(
  options: RequestOptions,
  defaultTimeoutMs: number | undefined,
  run: (call: CallOptions, served: Served) => Promise<T>,
): Promise<T> {
  const call = startCall(options, defaultTimeoutMs);
  try {
    return await run(call.options, call.served);
  } finally {
    call.end();
  }
}

function convertModel(id: string, ownedBy: unknown): ModelInfo {
  // The gateway lists a provider model as owned by its provider, a route as owned by liter-llm.
  if (typeof ownedBy === 'string' && ownedBy !== 'liter-llm') return { id, kind: 'provider-model', provider: ownedBy };
  return { id, kind: 'route' };
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
