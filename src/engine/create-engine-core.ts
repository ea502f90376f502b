import { randomUUID } from 'node:crypto';
import type { ChatRequest } from '../spec/chat-request.js';
import type { AttemptRecord, ChatResponse } from '../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import { type LiterLLMError, ProviderUnavailableError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import type { LiterLLMConfig } from './config/liter-llm-config.js';
import { createDeadline } from './deadline.js';
import { nameTimeoutProvider } from './name-timeout-provider.js';
import type { ChatStream, Engine, ModelInfo, ProviderStats, RequestOptions } from './engine.js';
import { engineChannels, type OperationName, type RequestContext } from './engine-events.js';
import { buildEngineState, type EngineState } from './engine-state.js';
import { type AttemptInput, asLiterLLMError, executeCall } from './execute-call.js';
import { createMemoryRateLimitStore } from './limits/create-memory-rate-limit-store.js';
import { estimateTokens } from './limits/estimate-tokens.js';
import type { ConcurrencyLeaseStore } from './limits/concurrency-lease-store.js';
import type { RateLimitStore } from './limits/rate-limit-store.js';
import type { FleetConcurrency } from './limits/shared-limiter-options.js';
import { planCandidates } from './plan-candidates.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { embedWith } from './embed-with.js';
import { createProviderFactories, type ProviderFactories } from './provider-factories.js';
import type { ProviderRuntime } from './provider-runtime.js';
import { redactErrorSecrets } from './redact-error-secrets.js';
import { boundResponseModel } from './bound-response-model.js';
import { resolveModel } from './resolve-model.js';
import { validateChatRequest, validateEmbedRequest } from './validate-request.js';

export interface EngineCoreOptions {
  /** The provider definitions (the package entry point passes the default registry). */
  providerRegistry?: ProviderRegistry;
  /** Adapter factories by provider type, over the registry's (tests pass scripted ones). */
  providerFactories?: ProviderFactories;
  /** Where rate-limit buckets live (memory by default; Redis for shared budgets). */
  rateLimitStore?: RateLimitStore;
  /** Where `max_concurrency_global` leases live (Redis); absent: no fleet-wide cap. */
  concurrencyLeaseStore?: ConcurrencyLeaseStore;
  /** Randomness for back-off jitter and weighted routing (tests make it deterministic). */
  random?: () => number;
}

/** The engine with hot reload; `createEngine` in the package root wires the real adapters. */
export interface ReloadableEngine extends Engine {
  /** Swaps in a new, already validated config: new calls use it, calls in flight finish on the old one. */
  reload(config: LiterLLMConfig): void;
  readonly config: LiterLLMConfig;
}

interface StreamSession {
  iterator: AsyncIterator<StreamEvent>;
  buffered: StreamEvent[];
  input: AttemptInput;
}

export function createEngineCore(config: LiterLLMConfig, options: EngineCoreOptions): ReloadableEngine {
  const store = options.rateLimitStore ?? createMemoryRateLimitStore();
  const fleet: FleetConcurrency | undefined =
    options.concurrencyLeaseStore === undefined
      ? undefined
      : { leaseStore: options.concurrencyLeaseStore, leaseMs: config.limits.leaseMs };
  // Resolved once: the registry is read when a config is built, never per request.
  const factories = createProviderFactories(options.providerRegistry, options.providerFactories);
  const registry = options.providerRegistry;
  const keyVariableOf = (name: string) => {
    const type = registry?.typeFromName(name);
    return type === undefined ? undefined : registry?.get(type)?.defaults.apiKeyVariables[0];
  };
  let state: EngineState = buildEngineState(config, factories, store, options.random, undefined, fleet).state;
  const retired = new Set<ProviderRuntime>();
  let closed = false;

  function startContext(
    operation: OperationName,
    request: ChatRequest | EmbedRequest,
    requestOptions: RequestOptions | undefined,
  ): RequestContext {
    const model = request.model;
    const context: RequestContext = {
      requestId: requestOptions?.requestId ?? randomUUID(),
      operation,
      request,
      requestedModel: model,
      route: state.routeNames.has(model) ? model : undefined,
      startedAt: performance.now(),
      attempts: 0,
      rateLimitWaitMs: 0,
      observers: {},
      ...(requestOptions?.traceparent !== undefined && { traceparent: requestOptions.traceparent }),
      ...(requestOptions?.tracestate !== undefined && { tracestate: requestOptions.tracestate }),
    };
    if (engineChannels.requestStart.hasSubscribers) engineChannels.requestStart.publish(context);
    return context;
  }

  function endContext(context: RequestContext, error?: LiterLLMError): void {
    if (error) context.error = error;
    if (engineChannels.requestEnd.hasSubscribers) engineChannels.requestEnd.publish(context);
  }

  function upstreamHeaders(requestOptions: RequestOptions | undefined): Record<string, string> {
    const headers: Record<string, string> = { ...requestOptions?.headers };
    if (requestOptions?.traceparent) headers['traceparent'] = requestOptions.traceparent;
    if (requestOptions?.tracestate) headers['tracestate'] = requestOptions.tracestate;
    return headers;
  }

  /** For a call planned before a reload: the provider's live runtime, or why it has none. */
  function replaceRetired(runtime: ProviderRuntime): ProviderRuntime | LiterLLMError {
    const name = runtime.config.name;
    const live = closed ? undefined : state.providers.get(name);
    if (live !== undefined) return live;
    return new ProviderUnavailableError({
      message: closed
        ? `the engine was closed while the call to provider "${name}" was running`
        : `provider "${name}" was removed by a config reload while the call was running`,
      provider: name,
      origin: 'engine',
    });
  }

  function assertOpen(): void {
    if (closed) throw asLiterLLMError(new Error('the engine is closed'));
  }

  async function runJSONCall<T extends { model: string; usage: { inputTokens: number; outputTokens?: number } }>(
    operation: OperationName,
    request: ChatRequest | EmbedRequest,
    estimated: number,
    requestOptions: RequestOptions | undefined,
    call: (runtime: ProviderRuntime, model: string, input: AttemptInput) => Promise<T>,
  ): Promise<T & { attempts: AttemptRecord[] }> {
    const model = request.model;
    const context = startContext(operation, request, requestOptions);
    const callState = state;
    const deadline = createDeadline(requestOptions?.signal, requestOptions?.timeoutMs, () => `the call to ${model}`);
    const attempts: AttemptRecord[] = [];
    try {
      const resolved = resolveModel(model, callState.routeNames, callState.providerNames, keyVariableOf);
      const skipped: LiterLLMError[] = [];
      const result = await executeCall({
        context,
        candidates: planCandidates(resolved, callState, requestOptions?.maxRetries, skipped),
        skipped,
        signal: deadline.signal,
        estimatedTokens: estimated,
        headers: upstreamHeaders(requestOptions),
        attempts,
        replaceRetired,
        ...(options.random && { random: options.random }),
        run: async (input) => {
          try {
            const value = await call(input.candidate.runtime, input.candidate.model, input);
            value.model = boundResponseModel(value.model, input.candidate.model);
            input.lease.settleTokens(value.usage.inputTokens + (value.usage.outputTokens ?? 0));
            return value;
          } finally {
            input.finish();
          }
        },
      });
      context.usage =
        'outputTokens' in result.usage
          ? (result.usage as ChatResponse['usage'])
          : { inputTokens: result.usage.inputTokens, outputTokens: 0, totalTokens: result.usage.inputTokens };
      context.responseModel = result.model;
      if ('finishReason' in result) {
        const chatResult = result as unknown as ChatResponse;
        context.finishReason = chatResult.finishReason;
        if (context.captureOutput) context.outputText = chatResult.text;
      }
      endContext(context);
      return Object.assign(result, { attempts });
    } catch (thrown) {
      const error = asLiterLLMError(thrown);
      endContext(context, error);
      throw error;
    } finally {
      deadline.clear();
    }
  }

  const engine: ReloadableEngine = {
    get config() {
      return state.config;
    },

    async chat(request: ChatRequest, requestOptions?: RequestOptions): Promise<ChatResponse> {
      assertOpen();
      validateChatRequest(request);
      const response = await runJSONCall('chat', request, estimateTokens(request), requestOptions, (runtime, model, input) =>
        runtime.provider.chat(
          { ...request, model },
          { signal: input.signal, headers: input.context.headers, onResponse: input.onResponse },
        ),
      );
      return response;
    },

    chatStream(request: ChatRequest, requestOptions?: RequestOptions): ChatStream {
      const requestId = requestOptions?.requestId ?? randomUUID();
      const callOptions: RequestOptions = { ...requestOptions, requestId };
      const attempts: AttemptRecord[] = [];
      return {
        requestId,
        attempts,
        [Symbol.asyncIterator]: () => {
          attempts.length = 0;
          return streamChat(request, callOptions, attempts)[Symbol.asyncIterator]();
        },
      };
    },

    async embed(request: EmbedRequest, requestOptions?: RequestOptions): Promise<EmbedResponse> {
      assertOpen();
      validateEmbedRequest(request);
      return runJSONCall('embeddings', request, estimateTokens(request), requestOptions, (runtime, model, input) =>
        embedWith(
          runtime.provider,
          { ...request, model },
          { signal: input.signal, headers: input.context.headers, onResponse: input.onResponse },
        ),
      );
    },

    listModels(): ModelInfo[] {
      const models: ModelInfo[] = [];
      for (const name of state.routeNames) models.push({ id: name, kind: 'route' });
      for (const runtime of state.providers.values()) {
        for (const model of runtime.config.models) {
          models.push({ id: `${runtime.config.name}/${model}`, kind: 'provider-model', provider: runtime.config.name });
        }
      }
      return models;
    },

    stats(): ProviderStats[] {
      return [...state.providers.values()].map((runtime) => ({
        name: runtime.config.name,
        inFlight: runtime.limiter.inFlight,
        queued: runtime.limiter.queued,
        maxConcurrency: runtime.config.maxConcurrency,
      }));
    },

    reload(next: LiterLLMConfig): void {
      assertOpen();
      const result = buildEngineState(next, factories, store, options.random, state, fleet);
      state = result.state;
      for (const runtime of result.retired) {
        runtime.retired = true;
        retired.add(runtime);
        // undici's close() lets requests in flight finish before the sockets close.
        void runtime.transport.close().finally(() => retired.delete(runtime));
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const runtimes = [...state.providers.values(), ...retired];
      for (const runtime of runtimes) runtime.retired = true;
      await Promise.allSettled(runtimes.map((runtime) => runtime.provider.close().then(() => runtime.transport.close())));
    },
  };

  async function* streamChat(
    request: ChatRequest,
    requestOptions: RequestOptions,
    attempts: AttemptRecord[],
  ): AsyncGenerator<StreamEvent> {
    assertOpen();
    validateChatRequest(request);
    const context = startContext('chat_stream', request, requestOptions);
    const callState = state;
    const deadline = createDeadline(requestOptions.signal, requestOptions.timeoutMs, () => `the call to ${request.model}`);
    let session: StreamSession | undefined;
    let finished = false;
    let failure: LiterLLMError | undefined;
    try {
      const resolved = resolveModel(request.model, callState.routeNames, callState.providerNames, keyVariableOf);
      const skipped: LiterLLMError[] = [];
      session = await executeCall<StreamSession>({
        context,
        candidates: planCandidates(resolved, callState, requestOptions.maxRetries, skipped),
        skipped,
        signal: deadline.signal,
        estimatedTokens: estimateTokens(request),
        headers: upstreamHeaders(requestOptions),
        attempts,
        replaceRetired,
        ...(options.random && { random: options.random }),
        run: (input) => openStream(request, input),
      });
      context.timeToFirstTokenMs = performance.now() - context.startedAt;
      if (engineChannels.firstToken.hasSubscribers) engineChannels.firstToken.publish(context);
      const { iterator, buffered } = session;
      for (let event = buffered.shift(); event !== undefined; event = buffered.shift()) {
        if (event.type === 'start') context.responseModel = event.model;
        else if (event.type === 'finish') onFinish(event, context, session);
        else if (context.captureOutput && event.type === 'text-delta')
          context.outputText = (context.outputText ?? '') + event.text;
        yield event;
      }
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const event = next.value;
        if (event.type === 'finish') onFinish(event, context, session);
        else if (context.captureOutput && event.type === 'text-delta')
          context.outputText = (context.outputText ?? '') + event.text;
        yield event;
      }
      finished = true;
    } catch (thrown) {
      // After the first content the failure is the provider's stream (or the consumer's): name it.
      const provider = session?.input.candidate.runtime.config.name;
      failure = asLiterLLMError(provider !== undefined ? nameTimeoutProvider(thrown, provider) : thrown, provider);
      // Past the first content the error comes from the stream, after executeCall redacted its own.
      if (session) redactErrorSecrets(failure, session.input.candidate.runtime.secrets);
      throw failure;
    } finally {
      if (session) {
        // Ending early (break/return) or failing: the adapter's return() aborts the upstream request.
        if (!finished) await session.iterator.return?.().catch(() => undefined);
        session.input.finish();
        // The stream's attempt was recorded `ok` at its first content; it ends only now.
        const attempt = attempts.at(-1);
        if (attempt !== undefined) {
          attempt.durationMs = Math.round((performance.now() - session.input.context.startedAt) * 100) / 100;
          if (!finished) attempt.outcome = failure?.code ?? 'cancelled';
        }
      }
      deadline.clear();
      if (!finished && !failure) failure = asLiterLLMError(new Error('the stream was closed by the consumer before it finished'));
      endContext(context, finished ? undefined : failure);
    }
  }

  return engine;
}

/**
 * One streaming attempt: resolves once the first content event arrives. Until then nothing has
 * reached the caller (the `start` event is held back), so a failure here can still be retried or
 * fall back; after it, a failure ends the stream.
 */
async function openStream(request: ChatRequest, input: AttemptInput): Promise<StreamSession> {
  const iterable = await input.candidate.runtime.provider.chatStream(
    { ...request, model: input.candidate.model },
    { signal: input.signal, headers: input.context.headers, onResponse: input.onResponse },
  );
  const iterator = iterable[Symbol.asyncIterator]();
  const buffered: StreamEvent[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const event = next.value;
      if (event.type === 'start') event.model = boundResponseModel(event.model, input.candidate.model);
      buffered.push(event);
      if (event.type !== 'start') break;
    }
  } catch (error) {
    await iterator.return?.().catch(() => undefined);
    throw error;
  }
  return { iterator, buffered, input };
}

function onFinish(event: Extract<StreamEvent, { type: 'finish' }>, context: RequestContext, session: StreamSession): void {
  context.usage = event.usage;
  context.finishReason = event.finishReason;
  session.input.lease.settleTokens(event.usage.inputTokens + event.usage.outputTokens);
}
