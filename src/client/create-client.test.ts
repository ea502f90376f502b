import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../create-engine.js';
import type { LiterLLMConfigInput } from '../engine/config/liter-llm-config-input.js';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import { engineChannels, type RequestContext } from '../engine/engine-events.js';
import { startGateway, type RunningGateway } from '../gateway/start-gateway.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { AttemptRecord, ChatResponse, Usage } from '../spec/chat-response.js';
import type { LiterLLMError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { createFailingHandler } from '../testing/create-failing-handler.js';
import { echoAnthropicHandler } from '../testing/echo-anthropic-handler.js';
import { echoOpenAIHandler, openAIFailureFormat } from '../testing/echo-openai-handler.js';
import { failureOf } from '../testing/failure-of.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { createClient, type GatewayClient } from './create-client.js';

// One real engine on the local provider servers; the same calls run on it in process and through a
// real gateway (port 0) in front of it, and must agree.
const API_KEY = 'lk-client-test-0123456789';
let openai: MockProviderServer;
let anthropic: MockProviderServer;
let busy: MockProviderServer;
let single: MockProviderServer;
let rejecting: MockProviderServer;
// Two engines of one config: the gateway's own, and one in process, so that one's limiter state (a
// 429 pauses the model) does not leak into the other's answers.
let engine: ReloadableEngine;
let served: ReloadableEngine;
let gateway: RunningGateway;
let client: GatewayClient;

beforeAll(async () => {
  openai = await MockProviderServer.start({ handler: echoOpenAIHandler });
  anthropic = await MockProviderServer.start({ handler: echoAnthropicHandler });
  busy = await MockProviderServer.start({
    handler: createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate: 1, status: 429, retryAfterSeconds: 3 }),
  });
  single = await MockProviderServer.start({ handler: echoOpenAIHandler });
  rejecting = await MockProviderServer.start({
    handler: createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate: 1, status: 401 }),
  });
  const config: LiterLLMConfigInput = {
    providers: {
      openai: { baseURL: `${openai.url}/v1`, apiKey: 'sk-local-0123456789abcdef', models: ['gpt-test'] },
      anthropic: { baseURL: anthropic.url, apiKey: 'sk-ant-local-0123456789' },
      busy: { type: 'openai-compatible', baseURL: `${busy.url}/v1`, maxRetries: 0 },
      single: { type: 'openai-compatible', baseURL: `${single.url}/v1`, maxRetries: 0 },
      rejecting: { type: 'openai-compatible', baseURL: `${rejecting.url}/v1`, apiKey: 'sk-revoked-0123456789', maxRetries: 0 },
    },
    routes: { fast: { targets: [{ provider: 'anthropic', model: 'claude-test' }] } },
  };
  engine = createEngine(config);
  served = createEngine(config);
  gateway = await startGateway({ engine: served, config: { apiKeys: [API_KEY] }, host: '127.0.0.1', port: 0 });
  client = createClient({ baseURL: gateway.url, apiKey: API_KEY });
});
afterAll(async () => {
  await client.close();
  await gateway.close();
  await Promise.all([engine.close(), served.close()]);
  await Promise.all([openai.close(), anthropic.close(), busy.close(), single.close(), rejecting.close()]);
});

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/**
 * The events without what differs between two calls by design (ids, the echo's random tool call
 * ids) and without what the OpenAI wire has no field for (see comparableUsage).
 */
function comparable(events: StreamEvent[]): unknown[] {
  return events.map((event) => {
    switch (event.type) {
      case 'start':
        return { ...event, id: '', requestId: '' };
      case 'tool-call-start':
      case 'tool-call-end':
        return { ...event, id: '' };
      case 'finish':
        // rawFinishReason is the provider's own word (Anthropic's end_turn); the wire carries OpenAI's.
        return { type: event.type, finishReason: event.finishReason, usage: comparableUsage(event.usage) };
      default:
        return event;
    }
  });
}

/** Usage minus Anthropic's cache-write count, which OpenAI's usage object cannot carry. */
function comparableUsage(usage: Usage): Omit<Usage, 'cacheWriteInputTokens'> {
  const { cacheWriteInputTokens: _dropped, ...rest } = usage;
  return rest;
}

function comparableToolCalls(response: ChatResponse): unknown[] {
  return response.toolCalls.map((call) => ({ ...call, id: '' }));
}

/** The request ids of the engine calls `run` makes (the gateway's engine: the in-process one is not called). */
async function requestIdsSeenByEngines<T>(run: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
  const seen: string[] = [];
  const listener = (message: unknown) => seen.push((message as RequestContext).requestId);
  engineChannels.requestStart.subscribe(listener);
  try {
    return { result: await run(), seen };
  } finally {
    engineChannels.requestStart.unsubscribe(listener);
  }
}

function errorFields(error: LiterLLMError): object {
  return { code: error.code, retryable: error.retryable, retryAfterMs: error.retryAfterMs, provider: error.provider };
}

/** A stream that sends 'Hel' and then hangs, for the next call to `single`. */
function enqueueHangingStream(): void {
  const chunk = {
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }],
  };
  single.enqueue({
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: [`data: ${JSON.stringify(chunk)}\n\n`, 'data: [DONE]\n\n'],
    hangAfterChunks: 1,
  });
}

const weather: ChatRequest = {
  model: 'openai/gpt-test',
  messages: [{ role: 'user', content: 'Weather?' }],
  tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  toolChoice: 'required',
};

describe('createClient against a gateway agrees with the in-process engine', () => {
  it('chat: text, finish reason, usage, provider and model, for a provider model and a route', async () => {
    for (const model of ['openai/gpt-test', 'fast']) {
      const request: ChatRequest = {
        model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello there' },
        ],
      };
      const direct = await engine.chat(request);
      const remote = await client.chat(request);
      expect(remote.text).toBe(direct.text);
      expect(remote.text).toContain('Hello there');
      expect(remote.finishReason).toBe(direct.finishReason);
      expect(comparableUsage(remote.usage)).toEqual(comparableUsage(direct.usage));
      expect(remote.provider).toBe(direct.provider);
      expect(remote.model).toBe(direct.model);
      expect(remote.content).toEqual(direct.content);
    }
  });

  it('chat: tool calls', async () => {
    const direct = await engine.chat(weather);
    const remote = await client.chat(weather);
    expect(remote.finishReason).toBe('tool_calls');
    expect(comparableToolCalls(remote)).toEqual(comparableToolCalls(direct));
    expect(remote.toolCalls[0]!.id).toMatch(/^call_/);
    expect(remote.toolCalls).toEqual([expect.objectContaining({ name: 'get_weather' })]);
  });

  it('chatStream: the same event sequence, text and tool calls, usage included', async () => {
    for (const request of [
      { model: 'openai/gpt-test', messages: [{ role: 'user' as const, content: 'Stream this text please' }] },
      { model: 'fast', messages: [{ role: 'user' as const, content: 'Stream from a route' }] },
      weather,
    ]) {
      const direct = await collect(engine.chatStream(request));
      const remote = await collect(client.chatStream(request));
      expect(comparable(remote)).toEqual(comparable(direct));
      expect(remote.at(-1)).toMatchObject({ type: 'finish' });
      expect((remote.at(-1) as Extract<StreamEvent, { type: 'finish' }>).usage.outputTokens).toBeGreaterThan(0);
    }
  });

  it('chatStream: the request id is known before the call and is the one the gateway used', async () => {
    const stream = client.chatStream({ model: 'openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(stream.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { result: events, seen } = await requestIdsSeenByEngines(() => collect(stream));
    expect(seen).toEqual([stream.requestId]);
    expect(events[0]).toMatchObject({ type: 'start', provider: 'openai' });
  });

  it('attempts and rawFinishReason, as in process: the retries and fallbacks behind a call', async () => {
    const request: ChatRequest = { model: 'fast', messages: [{ role: 'user', content: 'Hi' }] };
    const timeless = (attempts: readonly AttemptRecord[] | undefined) =>
      attempts?.map((attempt) => ({ ...attempt, durationMs: 0 }));
    const direct = await engine.chat(request);
    const remote = await client.chat(request);
    expect(remote.rawFinishReason).toBe(direct.rawFinishReason);
    expect(remote.rawFinishReason).toBe('end_turn');
    expect(timeless(remote.attempts)).toEqual(timeless(direct.attempts));
    expect(remote.attempts).toEqual([expect.objectContaining({ provider: 'anthropic', model: 'claude-test', outcome: 'ok' })]);
    const directStream = engine.chatStream(request);
    const directEvents = await collect(directStream);
    const stream = client.chatStream(request);
    const events = await collect(stream);
    // The finish event whole: the provider's own finish word (end_turn) and every usage count.
    expect(events.at(-1)).toEqual(directEvents.at(-1));
    expect(timeless(stream.attempts)).toEqual(timeless(directStream.attempts));
    expect(stream.attempts).toHaveLength(1);
  });

  it('embed: the same vectors and usage', async () => {
    const request = { model: 'openai/text-embedding-test', input: ['a', 'b'], dimensions: 8 };
    const direct = await engine.embed(request);
    const remote = await client.embed(request);
    expect(remote.embeddings).toEqual(direct.embeddings);
    expect(remote.embeddings).toHaveLength(2);
    expect(remote.usage).toEqual(direct.usage);
    expect(remote.provider).toBe(direct.provider);
  });

  it('listModels: the same list', async () => {
    expect(await client.listModels()).toEqual(engine.listModels());
    expect(engine.listModels()).toContainEqual({ id: 'fast', kind: 'route' });
  });

  it('an upstream 429 with retry-after: the same code, retryability and wait', async () => {
    const request: ChatRequest = { model: 'busy/m', messages: [{ role: 'user', content: 'hi' }] };
    const direct = await failureOf(engine.chat(request));
    const remote = await failureOf(client.chat(request));
    expect(errorFields(remote)).toEqual(errorFields(direct));
    expect(remote).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 3000, provider: 'busy', status: 429 });
    // The provider's own request id, as in process (the stdio error frame's requestId).
    expect(remote.requestId).toMatch(/^req_/);
    // The first 429 paused the model in both engines: the streams are refused with what is left of the wait.
    const directStreamed = await failureOf(collect(engine.chatStream(request)));
    const streamed = await failureOf(collect(client.chatStream(request)));
    expect(streamed).toMatchObject({ code: directStreamed.code, retryable: directStreamed.retryable, provider: 'busy' });
    expect(streamed.retryAfterMs).toBeGreaterThan(2500);
    expect(Math.abs(streamed.retryAfterMs! - directStreamed.retryAfterMs!)).toBeLessThan(100);
  });

  it('a wait in milliseconds keeps its precision (the body carries retry_after_ms; Retry-After is whole seconds)', async () => {
    const limited = {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after-ms': '1500' },
      body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
    };
    single.enqueue(limited, limited);
    // A model of its own: the 429 pauses it in both engines.
    const request: ChatRequest = { model: 'single/paused-by-test', messages: [{ role: 'user', content: 'hi' }] };
    const direct = await failureOf(engine.chat(request));
    const remote = await failureOf(client.chat(request));
    expect(direct).toMatchObject({ code: 'rate_limited', retryAfterMs: 1500 });
    expect(errorFields(remote)).toEqual(errorFields(direct));
  });

  it('a 429 for spent quota: rate_limited but not retryable, as the body says', async () => {
    const quota = {
      status: 429,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' },
      }),
    };
    single.enqueue(quota, quota);
    const request: ChatRequest = { model: 'single/m', messages: [{ role: 'user', content: 'hi' }] };
    const direct = await failureOf(engine.chat(request));
    const remote = await failureOf(client.chat(request));
    expect(direct).toMatchObject({ code: 'rate_limited', retryable: false });
    expect(errorFields(remote)).toEqual(errorFields(direct));
  });

  it('an invalid request: invalid_request, not retryable, the field named', async () => {
    const request: ChatRequest = { model: 'openai/gpt-test', messages: [], temperature: 9 };
    const direct = await failureOf(engine.chat(request));
    const remote = await failureOf(client.chat(request));
    expect(errorFields(remote)).toEqual(errorFields(direct));
    expect(remote).toMatchObject({ code: 'invalid_request', retryable: false });
    expect(remote.param).toBe(direct.param);
  });

  it('a provider rejecting the gateway key: authentication from the body, though the gateway answers 502', async () => {
    const request: ChatRequest = { model: 'rejecting/m', messages: [{ role: 'user', content: 'hi' }] };
    const direct = await failureOf(engine.chat(request));
    const remote = await failureOf(client.chat(request));
    expect(direct).toMatchObject({ code: 'authentication', origin: 'provider' });
    expect(errorFields(remote)).toEqual(errorFields(direct));
    expect(remote).toMatchObject({ origin: 'provider', status: 401 });
    expect(remote.message).not.toContain('sk-revoked-0123456789');
  });

  it('an unknown model: not_found, as in process', async () => {
    const request: ChatRequest = { model: 'nobody/m', messages: [{ role: 'user', content: 'hi' }] };
    const direct = await failureOf(engine.chat(request));
    const remote = await failureOf(client.chat(request));
    expect(direct.code).toBe('not_found');
    expect(errorFields(remote)).toEqual(errorFields(direct));
    const embedError = await failureOf(client.embed({ model: 'nobody/e', input: 'x' }));
    expect(embedError.code).toBe('not_found');
  });
});

describe('createClient: keys, headers, cancellation', () => {
  it('sends the API key as a bearer token; a wrong or missing key is authentication', async () => {
    const request: ChatRequest = { model: 'openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] };
    for (const apiKey of ['wrong-key', undefined]) {
      const stranger = createClient({ baseURL: `${gateway.url}/v1/`, ...(apiKey !== undefined && { apiKey }) });
      try {
        const error = await failureOf(stranger.chat(request));
        // The gateway's own refusal: no provider and no upstream status, exactly as its error frame says.
        expect(error).toMatchObject({ code: 'authentication', retryable: false, provider: undefined, status: undefined });
        expect(error.message).not.toContain('wrong-key');
        expect((await failureOf(stranger.listModels())).code).toBe('authentication');
      } finally {
        await stranger.close();
      }
    }
  });

  it('sends the caller request id and headers on; the gateway forwards them upstream', async () => {
    const response = await client.chat(
      { model: 'openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] },
      { requestId: 'req-client-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    );
    expect(response.text).toContain('hi');
    const upstream = openai.lastRequest!;
    expect(upstream.headers['traceparent']).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    // The gateway's engine calls take the caller's request ids.
    const { seen } = await requestIdsSeenByEngines(async () => {
      await client.chat({ model: 'openai/gpt-test', messages: [{ role: 'user', content: 'x' }] }, { requestId: 'req-client-2' });
      const stream = client.chatStream(
        { model: 'openai/gpt-test', messages: [{ role: 'user', content: 'x' }] },
        { requestId: 'req-client-3' },
      );
      expect(stream.requestId).toBe('req-client-3');
      await collect(stream);
    });
    expect(seen).toEqual(['req-client-2', 'req-client-3']);
  });

  it('breaking out of a stream aborts the HTTP call, and the gateway aborts upstream', async () => {
    enqueueHangingStream();
    const seen: StreamEvent[] = [];
    for await (const event of client.chatStream({ model: 'single/m', messages: [{ role: 'user', content: 'hi' }] })) {
      seen.push(event);
      if (event.type === 'text-delta') break;
    }
    expect(seen.map((event) => event.type)).toEqual(['start', 'text-delta']);
    await single.waitForAborts(1);
  });

  it('an AbortSignal cancels mid-stream: cancelled, and the upstream request is closed', async () => {
    enqueueHangingStream();
    const controller = new AbortController();
    const stream = client.chatStream(
      { model: 'single/m', messages: [{ role: 'user', content: 'hi' }] },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'start' });
    expect((await iterator.next()).value).toMatchObject({ type: 'text-delta', text: 'Hel' });
    controller.abort();
    expect(await failureOf(iterator.next())).toMatchObject({ code: 'cancelled' });
    await single.waitForAborts(2);
  });

  it('timeoutMs ends a call that takes too long with a timeout error', async () => {
    single.enqueue({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: ['data: [DONE]\n\n'],
      hangAfterChunks: 0,
    });
    const error = await failureOf(
      collect(client.chatStream({ model: 'single/m', messages: [{ role: 'user', content: 'hi' }] }, { timeoutMs: 200 })),
    );
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('a baseURL that is not an http URL is refused with the option named', () => {
    expect(() => createClient({ baseURL: 'gateway:8080' })).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'baseURL' }),
    );
  });
});
