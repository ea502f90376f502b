import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, JSONObject } from '../../spec/chat-request.js';
import { isLiterLLMError, type LiterLLMError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { type FixtureExchange, loadFixture } from '../../testing/load-fixture.js';
import { MockProviderServer, type ScriptedResponse } from '../../testing/mock-provider-server.js';
import { createAnthropicProvider } from './create-anthropic-provider.js';

const API_KEY = 'sk-ant-test-0123456789abcdef';
const fixturePath = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const fixture = (name: string): FixtureExchange => loadFixture(fixturePath(name));

let server: MockProviderServer;
beforeAll(async () => {
  server = await MockProviderServer.start();
});
afterAll(async () => {
  await server.close();
});
const providers: ReturnType<typeof createAnthropicProvider>[] = [];
function anthropic(settings: Parameters<typeof createAnthropicProvider>[0] = {}) {
  const created = createAnthropicProvider({ baseURL: server.url, apiKey: API_KEY, ...settings });
  providers.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(providers.splice(0).map((item) => item.close()));
});

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Replays a scripted stream and returns the events and what the server received. */
async function replay(response: ScriptedResponse, request: ChatRequest) {
  server.enqueue(response);
  const events = await collect(await anthropic().chatStream(request));
  return { events, sent: server.lastRequest!, body: server.lastRequest!.json as JSONObject };
}

async function captureError(run: () => Promise<unknown>): Promise<LiterLLMError> {
  try {
    await run();
  } catch (error) {
    if (isLiterLLMError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const textOf = (events: StreamEvent[]) => events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
const reasoningOf = (events: StreamEvent[]) =>
  events.flatMap((event) => (event.type === 'reasoning-delta' ? [event.text] : [])).join('');
const typesOf = (events: StreamEvent[]) => [...new Set(events.map((event) => event.type))];
const finishOf = (events: StreamEvent[]) => {
  const finishes = events.filter((event) => event.type === 'finish');
  expect(finishes).toHaveLength(1);
  expect(events.at(-1)).toBe(finishes[0]);
  return finishes[0] as Extract<StreamEvent, { type: 'finish' }>;
};
const recordedBody = (exchange: FixtureExchange) => structuredClone(exchange.request!.body as JSONObject);

/** The data payloads of a recorded stream, for the expected values. */
function payloadsOf(name: string): JSONObject[] {
  const text = readFileSync(fixturePath(name), 'utf8');
  const lines = name.endsWith('.sse')
    ? text.split('\n').flatMap((line) => (line.startsWith('data:') ? [line.slice(5)] : []))
    : text.split('\n').filter((line) => line.trim() !== '');
  return lines.map((line) => JSON.parse(line) as JSONObject);
}

const WEATHER_TOOL = (exchange: FixtureExchange) => {
  const tool = (recordedBody(exchange)['tools'] as JSONObject[])[0]!;
  return {
    type: 'function' as const,
    name: 'get_weather',
    description: tool['description'] as string,
    parameters: tool['input_schema'] as JSONObject,
  };
};

describe('chatStream: recorded streams', () => {
  it('messages-stream-tool-use.sse: input_json_delta fragments → tool-call start/delta/end; request matches the recording', async () => {
    const exchange = fixture('messages-stream-tool-use.sse');
    const { events, sent, body } = await replay(exchange.response, {
      model: 'claude-haiku-4-5',
      maxTokens: 1024,
      messages: [{ role: 'user', content: 'What is the weather in SF?' }],
      tools: [WEATHER_TOOL(exchange)],
    });
    expect(body).toEqual(recordedBody(exchange));
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(API_KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['accept']).toBe('text/event-stream');

    expect(events[0]).toEqual({
      type: 'start',
      id: 'msg_01AusY9WEbCaj3N7Tv5J4YjH',
      provider: 'anthropic',
      model: 'claude-haiku-4-5-20251001',
      warnings: [],
    });
    expect(events[1]).toEqual({ type: 'tool-call-start', index: 0, id: 'toolu_018acGYLtfR52q9yDbWaEdQZ', name: 'get_weather' });
    const deltas = events.filter((event) => event.type === 'tool-call-delta');
    // Ten recorded fragments, the first one empty (skipped).
    expect(deltas.map((event) => event.argumentsDelta)).toEqual([
      '{"',
      'loca',
      'tio',
      'n": ',
      '"San Fr',
      'anci',
      'sco, CA"',
      ', "',
      'units": "f"}',
    ]);
    expect(deltas.every((event) => event.index === 0)).toBe(true);
    const arguments_ = '{"location": "San Francisco, CA", "units": "f"}';
    expect(events.at(-2)).toEqual({
      type: 'tool-call-end',
      index: 0,
      id: 'toolu_018acGYLtfR52q9yDbWaEdQZ',
      name: 'get_weather',
      arguments: arguments_,
    });
    const finish = finishOf(events);
    expect(finish.finishReason).toBe('tool_calls');
    expect(finish.rawFinishReason).toBe('tool_use');
    expect(finish.usage).toEqual({
      inputTokens: 656,
      outputTokens: 74,
      totalTokens: 730,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    expect(finish.providerMetadata?.['stop_sequence']).toBeNull();
    expect((finish.providerMetadata?.['usage'] as JSONObject)['service_tier']).toBe('standard');
  });

  it('the same stream cut into 7-byte pieces over the socket gives the same events', async () => {
    const exchange = fixture('messages-stream-tool-use.sse');
    const request: ChatRequest = {
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'What is the weather in SF?' }],
    };
    const whole = await replay(exchange.response, request);
    const pieces = await replay({ ...exchange.response, chunkSize: 7 }, request);
    expect(pieces.events).toEqual(whole.events);
  });

  it('messages-stream-after-tool-result.sse: streamed text after a tool result', async () => {
    const exchange = fixture('messages-stream-after-tool-result.sse');
    const recorded = recordedBody(exchange);
    const { events, body } = await replay(exchange.response, {
      model: 'claude-haiku-4-5',
      maxTokens: 1024,
      messages: [
        { role: 'user', content: 'What is the weather in SF?' },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool-call',
              id: 'toolu_018acGYLtfR52q9yDbWaEdQZ',
              name: 'get_weather',
              arguments: '{"location": "San Francisco, CA", "units": "f"}',
            },
          ],
        },
        {
          role: 'tool',
          toolCallId: 'toolu_018acGYLtfR52q9yDbWaEdQZ',
          content: '{"location": "San Francisco, CA", "temperature": "68\\u00b0F", "condition": "Sunny"}',
        },
      ],
      tools: [WEATHER_TOOL(exchange)],
    });
    // The Python SDK echoed the response's `caller` back on tool_use; it has no canonical field.
    const assistant = (recorded['messages'] as { content: JSONObject[] }[])[1]!;
    delete assistant.content[0]!['caller'];
    expect(body).toEqual(recorded);
    expect(textOf(events)).toBe(
      "The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- **Condition:** Sunny\n\nIt's a nice sunny day!",
    );
    expect(typesOf(events)).toEqual(['start', 'text-delta', 'finish']);
    const finish = finishOf(events);
    expect(finish.finishReason).toBe('stop');
    expect(finish.usage).toEqual({
      inputTokens: 770,
      outputTokens: 38,
      totalTokens: 808,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });

  it('messages-stream-text.chunks.jsonl: text deltas, ping skipped', async () => {
    const { events } = await replay(fixture('messages-stream-text.chunks.jsonl').response, {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(events[0]).toMatchObject({ type: 'start', id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', model: 'claude-sonnet-4-5-20250929' });
    expect(textOf(events)).toBe(
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(6);
    expect(finishOf(events).usage).toEqual({
      inputTokens: 12,
      outputTokens: 30,
      totalTokens: 42,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });

  it('messages-stream-thinking.sse: thinking deltas, signature, then text', async () => {
    const exchange = fixture('messages-stream-thinking.sse');
    const { events, body } = await replay(exchange.response, {
      model: 'claude-sonnet-4-0',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'How do I cross the street?' }] }],
      providerOptions: { anthropic: { thinking: { budget_tokens: 1024, type: 'enabled' } } },
    });
    expect(body).toEqual(recordedBody(exchange));
    const payloads = payloadsOf('messages-stream-thinking.sse');
    const deltas = payloads.map((payload) => payload['delta'] as JSONObject | undefined);
    const expectedThinking = deltas
      .flatMap((delta) => (delta?.['type'] === 'thinking_delta' ? [delta['thinking'] as string] : []))
      .join('');
    const expectedText = deltas.flatMap((delta) => (delta?.['type'] === 'text_delta' ? [delta['text'] as string] : [])).join('');
    const signature = deltas.find((delta) => delta?.['type'] === 'signature_delta')!['signature'];
    expect(reasoningOf(events)).toBe(expectedThinking);
    expect(expectedThinking).toMatch(/^This is a straightforward question about pedestrian safety\./);
    expect(events.filter((event) => event.type === 'reasoning-signature')).toEqual([{ type: 'reasoning-signature', signature }]);
    expect(textOf(events)).toBe(expectedText);
    // Reasoning comes before the answer, and no empty deltas are passed on.
    expect(typesOf(events)).toEqual(['start', 'reasoning-delta', 'reasoning-signature', 'text-delta', 'finish']);
    expect(events.some((event) => (event.type === 'reasoning-delta' || event.type === 'text-delta') && event.text === '')).toBe(
      false,
    );
    expect(finishOf(events).usage.outputTokens).toBe(282);
  });

  it('messages-stream-thinking-2.chunks.jsonl: empty final thinking_delta skipped; context_management kept', async () => {
    const { events } = await replay(fixture('messages-stream-thinking-2.chunks.jsonl').response, {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Divide the previous result by 5' }],
    });
    expect(reasoningOf(events)).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    expect(events.filter((event) => event.type === 'reasoning-signature')).toHaveLength(1);
    expect(textOf(events)).toBe('925 ÷ 5 = 185');
    const finish = finishOf(events);
    expect(finish.providerMetadata?.['context_management']).toEqual({ applied_edits: [] });
    expect(finish.usage).toEqual({
      inputTokens: 69,
      outputTokens: 53,
      totalTokens: 122,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });

  it('messages-stream-redacted-thinking.sse: whole redacted_thinking blocks, then text', async () => {
    const exchange = fixture('messages-stream-redacted-thinking.sse');
    const magic =
      'ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB';
    const { events, body } = await replay(exchange.response, {
      model: 'claude-sonnet-4-5-20250929',
      messages: [{ role: 'user', content: [{ type: 'text', text: magic }] }],
      providerOptions: { anthropic: { thinking: { budget_tokens: 1024, type: 'enabled' } } },
    });
    expect(body).toEqual(recordedBody(exchange));
    const recordedData = payloadsOf('messages-stream-redacted-thinking.sse').flatMap((payload) => {
      const block = payload['content_block'] as JSONObject | undefined;
      return block?.['type'] === 'redacted_thinking' ? [block['data']] : [];
    });
    expect(recordedData).toHaveLength(2);
    expect(events.filter((event) => event.type === 'redacted-reasoning')).toEqual(
      recordedData.map((data) => ({ type: 'redacted-reasoning', data })),
    );
    expect(textOf(events)).toMatch(/^I notice that you've sent what appears to be some kind of test string/);
    expect(finishOf(events).usage.outputTokens).toBe(189);
  });

  it('messages-stream-compaction.sse: compaction block kept in providerMetadata; cumulative message_delta usage wins', async () => {
    const exchange = fixture('messages-stream-compaction.sse');
    const recorded = recordedBody(exchange);
    const { events, body } = await replay(exchange.response, {
      model: 'claude-sonnet-4-6',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are a helpful assistant. Be very brief.' }] },
        {
          role: 'user',
          content: [{ type: 'text', text: (recorded['messages'] as { content: { text: string }[] }[])[0]!.content[0]!.text }],
        },
      ],
      providerOptions: {
        anthropic: {
          cache_control: { ttl: '5m', type: 'ephemeral' },
          context_management: { edits: [{ trigger: { type: 'input_tokens', value: 50000 }, type: 'compact_20260112' }] },
        },
      },
    });
    expect(body).toEqual(recorded);
    expect(textOf(events)).toBe('Hello! 👋');
    expect(typesOf(events)).toEqual(['start', 'text-delta', 'finish']);
    const finish = finishOf(events);
    expect(finish.finishReason).toBe('stop');
    expect(finish.providerMetadata?.['other_content']).toEqual([
      {
        index: 0,
        block: {
          type: 'compaction',
          content: expect.stringMatching(/^The user provided a very long context .*Next step: Say hello to the user\.$/s),
        },
      },
    ]);
    expect(finish.providerMetadata?.['stop_details']).toBeNull();
    expect(finish.providerMetadata?.['context_management']).toEqual({ applied_edits: [] });
    // message_start said 100 uncached + 55096 cache reads (the compaction pass); the final
    // message_delta reports the answering pass: 181 uncached, no cache reads.
    expect(finish.usage).toEqual({
      inputTokens: 181,
      outputTokens: 8,
      totalTokens: 189,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    const usage = finish.providerMetadata?.['usage'] as JSONObject;
    expect((usage['iterations'] as JSONObject[]).map((iteration) => iteration['type'])).toEqual(['compaction', 'message']);
    expect(usage['inference_geo']).toBe('global');
  });

  it('messages-stream-json-output.sse: json-schema response format → output_config.format, JSON text streamed', async () => {
    const exchange = fixture('messages-stream-json-output.sse');
    const { events, body } = await replay(exchange.response, {
      model: 'claude-sonnet-4-5',
      maxTokens: 1024,
      messages: [{ role: 'user', content: 'Extract order IDs from the following text:\n\nOrder 12345\nOrder 67890' }],
      responseFormat: { type: 'json-schema', name: 'order_ids', schema: { type: 'array', items: { type: 'integer' } } },
    });
    expect(body).toEqual(recordedBody(exchange));
    expect(JSON.parse(textOf(events))).toEqual([12345, 67890]);
    expect(finishOf(events).usage).toEqual({
      inputTokens: 135,
      outputTokens: 10,
      totalTokens: 145,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });

  it('request-id header on the stream response reaches the start event', async () => {
    const exchange = fixture('messages-stream-text.chunks.jsonl');
    // The stream recordings lost request-id (see docs/provider-fixtures.md); the JSON recordings show its shape.
    const { events } = await replay(
      { ...exchange.response, headers: { ...exchange.response.headers, 'request-id': 'req_011CVLotQepAqEAyhJpvkpZN' } },
      { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }] },
    );
    expect(events[0]).toMatchObject({ type: 'start', requestId: 'req_011CVLotQepAqEAyhJpvkpZN' });
  });

  it('warnings of the request are on the start event', async () => {
    const { events } = await replay(fixture('messages-stream-text.chunks.jsonl').response, {
      model: 'claude-sonnet-4-5',
      seed: 1,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(events[0]).toMatchObject({ type: 'start', warnings: [{ type: 'unsupported-setting', setting: 'seed' }] });
  });
});

describe('chatStream: failures', () => {
  const hello: ChatRequest = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }] };

  it('error-429-rate-limit-stream-request.json: a plain JSON 429 rejects chatStream itself', async () => {
    const exchange = fixture('error-429-rate-limit-stream-request.json');
    server.enqueue(exchange.response);
    const recorded = recordedBody(exchange);
    const schema = ((recorded['output_config'] as JSONObject)['format'] as JSONObject)['schema'] as JSONObject;
    const error = await captureError(() =>
      anthropic().chatStream({
        model: 'claude-sonnet-4-5',
        maxTokens: 1024,
        messages: [{ role: 'user', content: 'Extract order IDs from the following text:\n\nOrder 12345\nOrder 67890' }],
        responseFormat: { type: 'json-schema', name: 'order_ids', schema },
      }),
    );
    expect(server.lastRequest!.json).toEqual(recorded);
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.requestId).toBe('req_011CYK5n67SytMUxm8WMZUWY');
  });

  it('stream-error-overloaded (SDK test stream): event: error is thrown from the iterator as retryable provider_unavailable', async () => {
    server.enqueue(fixture('stream-error-overloaded.sdk-test.sse').response);
    const stream = await anthropic().chatStream(hello);
    const seen: StreamEvent[] = [];
    const error = await captureError(async () => {
      for await (const event of stream) seen.push(event);
    });
    expect(seen).toEqual([]);
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('anthropic failed mid-stream: overloaded_error: Overloaded');
  });

  const toolUseStream = () => readFileSync(fixturePath('messages-stream-tool-use.sse'), 'utf8');
  const sseHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': 'req_stream_1' };

  it('an error event after some content: the deltas arrive, then the mapped error', async () => {
    // The recorded stream up to its first delta, then the error event as the SDK tests frame it.
    const recorded = toolUseStream();
    const cut = recorded.indexOf('event: content_block_delta');
    const errorEvent = readFileSync(fixturePath('stream-error-overloaded.sdk-test.sse'), 'utf8');
    server.enqueue({ headers: sseHeaders, body: recorded.slice(0, cut) + errorEvent });
    const stream = await anthropic().chatStream(hello);
    const seen: StreamEvent[] = [];
    const error = await captureError(async () => {
      for await (const event of stream) seen.push(event);
    });
    expect(seen.map((event) => event.type)).toEqual(['start', 'tool-call-start']);
    expect(error.code).toBe('provider_unavailable');
    expect(error.requestId).toBe('req_stream_1');
  });

  it('a stream that ends without message_stop → retryable ProviderUnavailableError "stream ended early"', async () => {
    const recorded = toolUseStream();
    server.enqueue({ headers: sseHeaders, body: recorded.slice(0, recorded.indexOf('event: message_delta')) });
    const stream = await anthropic().chatStream(hello);
    const seen: StreamEvent[] = [];
    const error = await captureError(async () => {
      for await (const event of stream) seen.push(event);
    });
    expect(seen.at(-1)?.type).toBe('tool-call-end');
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('stream ended early');
  });

  it('a malformed data line → ProviderUnavailableError naming the provider', async () => {
    const recorded = toolUseStream();
    const broken = recorded.replace('"partial_json":"loca"}', '"partial_json":"loca"');
    expect(broken).not.toBe(recorded);
    server.enqueue({ headers: sseHeaders, body: broken });
    const stream = await anthropic({ name: 'claude-eu' }).chatStream(hello);
    const error = await captureError(() => collect(stream));
    expect(error.code).toBe('provider_unavailable');
    expect(error.provider).toBe('claude-eu');
    expect(error.message).toMatch(/^claude-eu sent a stream event that is not a JSON object: /);
  });

  it('unknown event types and unknown delta types are skipped (forward compatible)', async () => {
    const recorded = toolUseStream();
    const extra =
      'event: brand_new_event\ndata: {"type":"brand_new_event","index":0,"surprise":true}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"brand_new_delta","x":1}}\n\n';
    const cut = recorded.indexOf('event: content_block_stop');
    server.enqueue({ headers: sseHeaders, body: recorded.slice(0, cut) + extra + recorded.slice(cut) });
    const withExtras = await collect(await anthropic().chatStream(hello));
    const plain = await replay(fixture('messages-stream-tool-use.sse').response, hello);
    expect(withExtras.slice(1)).toEqual(plain.events.slice(1));
  });

  it('a tool_use block with no input deltas ends with arguments "{}"', async () => {
    const recorded = toolUseStream();
    const withoutDeltas = recorded
      .split('\n\n')
      .filter((event) => !event.includes('input_json_delta'))
      .join('\n\n');
    server.enqueue({ headers: sseHeaders, body: withoutDeltas });
    const events = await collect(await anthropic().chatStream(hello));
    expect(events.find((event) => event.type === 'tool-call-end')).toEqual({
      type: 'tool-call-end',
      index: 0,
      id: 'toolu_018acGYLtfR52q9yDbWaEdQZ',
      name: 'get_weather',
      arguments: '{}',
    });
  });

  it('consumer breaks mid-stream → the upstream request is aborted', async () => {
    const pieces = toolUseStream().split(/(?<=\n\n)/);
    // message_start, content_block_start, ping, the empty first fragment, "{\"", then silence.
    server.enqueue({ headers: sseHeaders, body: pieces, hangAfterChunks: 5 });
    const abortsBefore = server.abortedRequests;
    const stream = await anthropic().chatStream(hello);
    const seen: StreamEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.type === 'tool-call-delta') break;
    }
    expect(seen.map((event) => event.type)).toEqual(['start', 'tool-call-start', 'tool-call-delta']);
    await server.waitForAborts(abortsBefore + 1, 2_000);
  });

  it('caller AbortSignal mid-stream → CancelledError from the iterator, upstream aborted', async () => {
    const pieces = toolUseStream().split(/(?<=\n\n)/);
    server.enqueue({ headers: sseHeaders, body: pieces, hangAfterChunks: 3 });
    const abortsBefore = server.abortedRequests;
    const controller = new AbortController();
    const stream = await anthropic().chatStream(hello, { signal: controller.signal });
    const seen: StreamEvent[] = [];
    const error = await captureError(async () => {
      for await (const event of stream) {
        seen.push(event);
        if (event.type === 'tool-call-start') controller.abort();
      }
    });
    expect(error.code).toBe('cancelled');
    expect(seen.map((event) => event.type)).toEqual(['start', 'tool-call-start']);
    await server.waitForAborts(abortsBefore + 1, 2_000);
  });

  it('caller AbortSignal before the headers → chatStream rejects with CancelledError', async () => {
    server.enqueue({ ...fixture('messages-stream-text.chunks.jsonl').response, delayMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await captureError(() => anthropic().chatStream(hello, { signal: controller.signal }));
    expect(error.code).toBe('cancelled');
  });

  it('connection refused → ProviderUnavailableError', async () => {
    const closed = await MockProviderServer.start();
    const url = closed.url;
    await closed.close();
    const error = await captureError(() => anthropic({ baseURL: url }).chatStream(hello));
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(true);
  });
});
