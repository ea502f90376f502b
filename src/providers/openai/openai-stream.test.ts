import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import { isLiterLLMError, type LiterLLMError } from '../../spec/errors.js';
import type { Provider } from '../../spec/provider.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { loadFixture } from '../../testing/load-fixture.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { createOpenAIProvider } from './create-openai-provider.js';

function fixturePath(path: string): string {
  return fileURLToPath(new URL(`./__fixtures__/${path}`, import.meta.url));
}

/**
 * An oracle read straight from the recorded bytes, independent of the adapter: the text of
 * choice 0, the last finish_reason, the last usage and the tool calls by index.
 */
function readRecordedStream(path: string) {
  const raw = readFileSync(fixturePath(path), 'utf8');
  const payloads = path.endsWith('.sse')
    ? raw
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
    : raw.split('\n').filter((line) => line.trim() !== '');
  let text = '';
  let refusal = '';
  let finishReason: string | null = null;
  let usage: any = null;
  let logprobTokens = 0;
  const toolCalls = new Map<number, { id?: string; name?: string; arguments: string }>();
  for (const payload of payloads) {
    if (payload === '[DONE]') continue;
    const chunk = JSON.parse(payload);
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      if (choice.delta?.content) text += choice.delta.content;
      if (choice.delta?.refusal) refusal += choice.delta.refusal;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      logprobTokens += choice.logprobs?.content?.length ?? 0;
      for (const call of choice.delta?.tool_calls ?? []) {
        const entry = toolCalls.get(call.index) ?? { arguments: '' };
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.name = call.function.name;
        entry.arguments += call.function?.arguments ?? '';
        toolCalls.set(call.index, entry);
      }
    }
  }
  return { text, refusal, finishReason, usage, logprobTokens, toolCalls };
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function textOf(events: StreamEvent[]): string {
  return events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
}

function finishOf(events: StreamEvent[]) {
  const finish = events.at(-1)!;
  if (finish.type !== 'finish') throw new Error(`last event is ${finish.type}`);
  return finish;
}

/** The canonical stream contract: one start first, one finish last, nothing else of either. */
function expectWellFormed(events: StreamEvent[]): void {
  expect(events[0]!.type).toBe('start');
  expect(events.at(-1)!.type).toBe('finish');
  expect(events.filter((event) => event.type === 'start')).toHaveLength(1);
  expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
}

const API_KEY = 'sk-test-0123456789abcdef';
const question: ChatRequest = {
  model: 'gpt-4o-2024-08-06',
  messages: [{ role: 'user', content: "What's the weather like in SF?" }],
};

let server: MockProviderServer;
let openai: Provider;
let compatible: Provider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  openai = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: API_KEY });
  compatible = createOpenAIProvider({ type: 'openai-compatible', name: 'compat', baseURL: `${server.url}/v1` });
});
afterAll(async () => {
  await openai.close();
  await compatible.close();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

describe('OpenAI streams replayed from recordings', () => {
  it('sends stream and include_usage, and maps text plus the final usage chunk (chat-stream-text)', async () => {
    const path = 'openai-chat/chat-stream-text.sse';
    const exchange = loadFixture(fixturePath(path));
    server.enqueue({ ...exchange.response, headers: { ...exchange.response.headers, 'x-request-id': 'req_stream_1' } });
    const events = await collect(await openai.chatStream({ ...question, temperature: 0.2 }));

    const sent = server.lastRequest!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers['accept']).toBe('text/event-stream');
    expect(sent.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.json).toEqual({ ...question, temperature: 0.2, stream: true, stream_options: { include_usage: true } });

    const oracle = readRecordedStream(path);
    expectWellFormed(events);
    expect(events[0]).toEqual({
      type: 'start',
      id: 'chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL',
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      requestId: 'req_stream_1',
      warnings: [],
    });
    expect(textOf(events)).toBe(oracle.text);
    expect(textOf(events)).toMatch(/^I'm unable to provide real-time weather/);
    expect(finishOf(events)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 14, outputTokens: 30, totalTokens: 44, reasoningTokens: 0 },
      providerMetadata: { created: 1727346168, system_fingerprint: 'fp_5050236cbd' },
    });
  });

  it('reads past [DONE] to the end of the body, so a finished stream is never counted as aborted', async () => {
    const before = server.abortedRequests;
    const response = loadFixture(fixturePath('openai-chat/chat-stream-text.sse')).response;
    // [DONE] arrives, then the body ends a little later: stopping at [DONE] would abort the request.
    server.enqueue({ ...response, body: [response.body as string, '\n'], chunkDelayMs: 60 });
    const events = await collect(await openai.chatStream(question));
    expect(events.at(-1)!.type).toBe('finish');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.abortedRequests).toBe(before);
  });

  it('omits stream_options when includeUsage is off', async () => {
    const provider = createOpenAIProvider({ type: 'openai-compatible', baseURL: `${server.url}/v1`, includeUsage: false });
    server.enqueue(loadFixture(fixturePath('openai-compatible/sambanova-chat-stream.sse')).response);
    await collect(await provider.chatStream(question));
    expect(server.lastRequest!.json).toEqual({ ...question, stream: true });
    await provider.close();
  });

  it('streams one tool call whose arguments arrive in fragments (chat-stream-tool-call)', async () => {
    const path = 'openai-chat/chat-stream-tool-call.sse';
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await openai.chatStream(question));
    const oracle = readRecordedStream(path);
    const recorded = oracle.toolCalls.get(0)!;
    expectWellFormed(events);
    expect(events[1]).toEqual({ type: 'tool-call-start', index: 0, id: 'call_c91SqDXlYFuETYv8mUHzz6pp', name: 'GetWeatherArgs' });
    const deltas = events.filter((event) => event.type === 'tool-call-delta');
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.map((event) => (event as { argumentsDelta: string }).argumentsDelta).join('')).toBe(recorded.arguments);
    expect(events.at(-2)).toEqual({
      type: 'tool-call-end',
      index: 0,
      id: 'call_c91SqDXlYFuETYv8mUHzz6pp',
      name: 'GetWeatherArgs',
      arguments: '{"city":"Edinburgh","country":"UK","units":"c"}',
    });
    expect(finishOf(events)).toMatchObject({
      finishReason: 'tool_calls',
      rawFinishReason: 'tool_calls',
      usage: { inputTokens: 76, outputTokens: 24 },
    });
  });

  it('tells parallel tool calls apart by index (chat-stream-tool-calls-parallel)', async () => {
    const path = 'openai-chat/chat-stream-tool-calls-parallel.sse';
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await openai.chatStream(question));
    const oracle = readRecordedStream(path);
    expectWellFormed(events);
    const starts = events.filter((event) => event.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', index: 0, id: oracle.toolCalls.get(0)!.id, name: 'GetWeatherArgs' },
      { type: 'tool-call-start', index: 1, id: oracle.toolCalls.get(1)!.id, name: 'get_stock_price' },
    ]);
    for (const index of [0, 1]) {
      const joined = events
        .filter((event) => event.type === 'tool-call-delta' && event.index === index)
        .map((event) => (event as { argumentsDelta: string }).argumentsDelta)
        .join('');
      expect(joined).toBe(oracle.toolCalls.get(index)!.arguments);
      const end = events.find((event) => event.type === 'tool-call-end' && event.index === index);
      expect(end).toMatchObject({ arguments: oracle.toolCalls.get(index)!.arguments });
      expect(() => JSON.parse(oracle.toolCalls.get(index)!.arguments)).not.toThrow();
    }
    // Every start precedes its deltas; every end follows them.
    const positions = (type: string, index: number) =>
      events.flatMap((event, position) => (event.type === type && (event as any).index === index ? [position] : []));
    for (const index of [0, 1]) {
      expect(Math.max(...positions('tool-call-delta', index))).toBeLessThan(positions('tool-call-end', index)[0]!);
      expect(positions('tool-call-start', index)[0]!).toBeLessThan(Math.min(...positions('tool-call-delta', index)));
    }
    expect(finishOf(events)).toMatchObject({
      finishReason: 'tool_calls',
      usage: { inputTokens: 149, outputTokens: 60, totalTokens: 209 },
    });
  });

  it('renumbers a tool call whose wire index starts at 1 to canonical index 0 (gateway-tool-call-index-1)', async () => {
    server.enqueue(loadFixture(fixturePath('openai-compatible/gateway-tool-call-index-1.sse')).response);
    const events = await collect(await compatible.chatStream(question));
    expect(events.map((event) => event.type)).toEqual([
      'start',
      'text-delta',
      'text-delta',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-delta',
      'tool-call-end',
      'finish',
    ]);
    expect(textOf(events)).toBe('Reading it.');
    expect(events[3]).toEqual({ type: 'tool-call-start', index: 0, id: 'toolu_sanitized', name: 'read_file' });
    expect(events[4]).toEqual({ type: 'tool-call-delta', index: 0, argumentsDelta: '{"pa' });
    expect(events[6]).toEqual({
      type: 'tool-call-end',
      index: 0,
      id: 'toolu_sanitized',
      name: 'read_file',
      arguments: '{"path": "a.txt"}',
    });
    expect(finishOf(events)).toEqual({
      type: 'finish',
      finishReason: 'tool_calls',
      rawFinishReason: 'tool_calls',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      providerMetadata: { created: 0 },
    });
  });

  it('gathers a streamed refusal into providerMetadata and finishes with content_filter (chat-stream-refusal)', async () => {
    const path = 'openai-chat/chat-stream-refusal.sse';
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await openai.chatStream(question));
    expectWellFormed(events);
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([]);
    const finish = finishOf(events);
    expect(finish.finishReason).toBe('content_filter');
    expect(finish.rawFinishReason).toBe('stop');
    expect(finish.providerMetadata!['refusal']).toBe(readRecordedStream(path).refusal);
    expect(finish.providerMetadata!['refusal']).toBe("I'm sorry, I can't assist with that request.");
  });

  it('maps a stream cut by max tokens (chat-stream-finish-length)', async () => {
    server.enqueue(loadFixture(fixturePath('openai-chat/chat-stream-finish-length.sse')).response);
    const events = await collect(await openai.chatStream({ ...question, maxTokens: 1 }));
    expect((server.lastRequest!.json as any).max_completion_tokens).toBe(1);
    expect(textOf(events)).toBe('{"');
    expect(finishOf(events)).toMatchObject({
      finishReason: 'length',
      rawFinishReason: 'length',
      usage: { inputTokens: 79, outputTokens: 1, totalTokens: 80 },
    });
  });

  it('collects per-token logprobs into the finish metadata (chat-stream-logprobs)', async () => {
    const path = 'openai-chat/chat-stream-logprobs.sse';
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await openai.chatStream({ ...question, providerOptions: { openai: { logprobs: true } } }));
    expect((server.lastRequest!.json as any).logprobs).toBe(true);
    const oracle = readRecordedStream(path);
    const logprobs = finishOf(events).providerMetadata!['logprobs'] as { content: { token: string }[] };
    expect(logprobs.content).toHaveLength(oracle.logprobTokens);
    expect(logprobs.content.map((entry) => entry.token).join('')).toBe(oracle.text);
    expect(textOf(events)).toBe(oracle.text);
  });

  it.each([
    ['openai-chat/chat-stream-text-no-usage.sse', 'two'],
    ['openai-chat/chat-stream-text-no-usage-2024.sse', 'two'],
  ])('finishes with zero usage when the server sent none (%s)', async (path, text) => {
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await openai.chatStream(question));
    expectWellFormed(events);
    expect(textOf(events)).toBe(text);
    expect(finishOf(events)).toMatchObject({ finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } });
  });

  it('reads the structured-output stream with its usage chunk (chat-stream-usage)', async () => {
    const path = 'openai-chat/chat-stream-usage.sse';
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await openai.chatStream(question));
    expect(textOf(events)).toBe(readRecordedStream(path).text);
    expect(JSON.parse(textOf(events))).toMatchObject({ city: 'San Francisco' });
    expect(finishOf(events).usage).toEqual({ inputTokens: 17, outputTokens: 10, totalTokens: 27 });
  });

  it('reads the 2026 shape with usage:null on every chunk and obfuscation padding (chat-stream-usage-2.chunks.jsonl)', async () => {
    const path = 'openai-chat/chat-stream-usage-2.chunks.jsonl';
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await openai.chatStream(question));
    expectWellFormed(events);
    expect(textOf(events)).toBe(readRecordedStream(path).text);
    const finish = finishOf(events);
    expect(finish.usage).toEqual({
      inputTokens: 16,
      outputTokens: 300,
      totalTokens: 316,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    expect(finish.providerMetadata).not.toHaveProperty('obfuscation');
    expect(finish.providerMetadata).toMatchObject({ service_tier: 'default', system_fingerprint: 'fp_de604bd877' });
  });

  it('does not start on the Azure prompt-filter chunk and keeps its results (chat-stream-azure-content-filter-results)', async () => {
    const path = 'openai-chat/chat-stream-azure-content-filter-results.chunks.jsonl';
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await openai.chatStream(question));
    expectWellFormed(events);
    expect(events[0]).toMatchObject({ id: 'chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt', model: 'gpt-5-nano-2025-08-07' });
    expect(textOf(events)).toBe(readRecordedStream(path).text);
    const finish = finishOf(events);
    expect(finish.finishReason).toBe('stop');
    expect(finish.usage).toEqual({
      inputTokens: 15,
      outputTokens: 78,
      totalTokens: 93,
      cachedInputTokens: 0,
      reasoningTokens: 64,
    });
    expect(finish.providerMetadata!['prompt_filter_results']).toHaveLength(1);
    expect(finish.providerMetadata!['content_filter_results']).toMatchObject({ hate: { filtered: false, severity: 'safe' } });
  });

  it.each([
    ['openai-compatible/together-chat-stream.sse', '2', 'eos', { inputTokens: 48, outputTokens: 2, totalTokens: 50 }],
    ['openai-compatible/nebius-chat-stream.sse', '2.', 'stop', { inputTokens: 0, outputTokens: 0, totalTokens: 0 }],
    [
      'openai-compatible/novita-chat-stream.sse',
      'This is only a test',
      'stop',
      { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    ],
    ['openai-compatible/sambanova-chat-stream.sse', '2', 'stop', { inputTokens: 0, outputTokens: 0, totalTokens: 0 }],
  ])('maps the compatible stream %s', async (path, text, raw, usage) => {
    server.enqueue(loadFixture(fixturePath(path)).response);
    const events = await collect(await compatible.chatStream(question));
    expectWellFormed(events);
    expect(events[0]).toMatchObject({ type: 'start', provider: 'compat' });
    expect(textOf(events)).toBe(text);
    expect(textOf(events)).toBe(readRecordedStream(path).text);
    expect(finishOf(events)).toMatchObject({ finishReason: 'stop', rawFinishReason: raw, usage });
  });

  it('keeps novita content_filter_results and skips its empty system_fingerprint', async () => {
    server.enqueue(loadFixture(fixturePath('openai-compatible/novita-chat-stream.sse')).response);
    const finish = finishOf(await collect(await compatible.chatStream(question)));
    expect(finish.providerMetadata).toMatchObject({
      content_filter_results: { jailbreak: { filtered: false, detected: false } },
    });
    expect(finish.providerMetadata).not.toHaveProperty('system_fingerprint');
  });

  it('gives the same events when the recorded bytes arrive in 7-byte pieces', async () => {
    const path = 'openai-chat/chat-stream-tool-calls-parallel.sse';
    const response = loadFixture(fixturePath(path)).response;
    server.enqueue(response);
    const whole = await collect(await openai.chatStream(question));
    server.enqueue({ ...response, chunkSize: 7 });
    const pieces = await collect(await openai.chatStream(question));
    expect(pieces).toEqual(whole);
  });
});

async function expectStreamError(stream: AsyncIterable<StreamEvent>): Promise<{ error: LiterLLMError; events: StreamEvent[] }> {
  const events: StreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    if (!isLiterLLMError(error)) throw error;
    return { error, events };
  }
  throw new Error(`stream ended without an error after ${events.length} events`);
}

describe('broken streams', () => {
  const recorded = readFileSync(fixturePath('openai-chat/chat-stream-text.sse'), 'utf8');
  const firstEvents = recorded.split('\n\n').slice(0, 3).join('\n\n') + '\n\n';

  it('throws a retryable ProviderUnavailableError when the stream ends before finish_reason or [DONE]', async () => {
    server.enqueue({ headers: { 'content-type': 'text/event-stream' }, body: firstEvents });
    const { error, events } = await expectStreamError(await openai.chatStream(question));
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('stream ended early');
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'text-delta']);
  });

  it('throws a non-retryable ProviderUnavailableError naming the provider on a malformed chunk', async () => {
    server.enqueue({
      headers: { 'content-type': 'text/event-stream' },
      body: `${firstEvents}data: {"id":"chatcmpl-x","choices":[{"delta":\n\ndata: [DONE]\n\n`,
    });
    const { error } = await expectStreamError(await openai.chatStream(question));
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(false);
    expect(error.provider).toBe('openai');
    expect(error.message).toMatch(/^openai sent a stream chunk that is not JSON/);
  });

  it('maps an error object sent inside the stream', async () => {
    // Hand-written: no recording of a mid-stream error exists (docs/provider-fixtures.md). The shape
    // is OpenAI's documented error object, which the API also sends as an SSE data payload.
    const body = `${firstEvents}data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}\n\n`;
    server.enqueue({ headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req_mid' }, body });
    const { error, events } = await expectStreamError(await openai.chatStream(question));
    expect(events.length).toBeGreaterThan(0);
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.requestId).toBe('req_mid');
    expect(error.message).toContain('The server had an error while processing your request');
  });

  it('maps an in-stream context-length error to context_length_exceeded', async () => {
    // Hand-written, vLLM-style payload: {"object":"error", message, type, code}.
    const body = `data: {"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"BadRequestError","param":null,"code":400}\n\n`;
    server.enqueue({ headers: { 'content-type': 'text/event-stream' }, body });
    const { error } = await expectStreamError(await compatible.chatStream(question));
    expect(error.code).toBe('context_length_exceeded');
    expect(error.retryable).toBe(false);
  });

  it('rejects chatStream itself when the server answers the stream request with an HTTP error (error-400-missing-model)', async () => {
    const exchange = loadFixture(fixturePath('openai-chat/error-400-missing-model.json'));
    server.enqueue(exchange.response);
    const error = await openai.chatStream(question).then(
      () => undefined,
      (caught: unknown) => caught as LiterLLMError,
    );
    expect(error?.code).toBe('invalid_request');
    expect(error?.status).toBe(400);
    expect(error?.message).toContain('you must provide a model parameter');
  });
});

describe('aborts', () => {
  const response = () => ({
    ...loadFixture(fixturePath('openai-chat/chat-stream-text.sse')).response,
    chunkSize: 300,
    hangAfterChunks: 3,
  });

  it('closes the upstream connection when the consumer stops reading', async () => {
    const before = server.abortedRequests;
    server.enqueue(response());
    const stream = await openai.chatStream(question);
    const seen: StreamEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.type === 'text-delta') break;
    }
    expect(seen.map((event) => event.type)).toEqual(['start', 'text-delta']);
    await server.waitForAborts(before + 1, 2_000);
  });

  it('throws CancelledError when the caller aborts mid-stream, and the server sees the abort', async () => {
    const before = server.abortedRequests;
    server.enqueue(response());
    const controller = new AbortController();
    const stream = await openai.chatStream(question, { signal: controller.signal });
    const events: StreamEvent[] = [];
    let caught: unknown;
    try {
      for await (const event of stream) {
        events.push(event);
        if (event.type === 'text-delta') controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(isLiterLLMError(caught)).toBe(true);
    expect((caught as LiterLLMError).code).toBe('cancelled');
    expect((caught as LiterLLMError).name).toBe('CancelledError');
    await server.waitForAborts(before + 1, 2_000);
  });

  it('throws CancelledError when the caller aborts before the response arrives', async () => {
    server.enqueue({ ...loadFixture(fixturePath('openai-chat/chat-text.json')).response, delayMs: 200 });
    const controller = new AbortController();
    const pending = openai.chat(question, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'cancelled', provider: 'openai' });
  });

  it('throws a retryable ProviderUnavailableError when the connection is refused', async () => {
    const closed = await MockProviderServer.start();
    const url = closed.url;
    await closed.close();
    const provider = createOpenAIProvider({ baseURL: `${url}/v1`, apiKey: API_KEY });
    const error = (await provider.chatStream(question).catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain(API_KEY);
    await provider.close();
  });
});
