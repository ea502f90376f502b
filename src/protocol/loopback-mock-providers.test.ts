import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../create-engine.js';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { createFailingHandler } from '../testing/create-failing-handler.js';
import { echoAnthropicHandler } from '../testing/echo-anthropic-handler.js';
import { echoOpenAIHandler, openAIFailureFormat } from '../testing/echo-openai-handler.js';
import { failureOf } from '../testing/failure-of.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { createLoopbackClient, type LoopbackClient } from './create-loopback-client.js';

// The real engine and adapters behind the protocol, against the local provider servers over sockets.
let openai: MockProviderServer;
let anthropic: MockProviderServer;
let failing: MockProviderServer;
let single: MockProviderServer;
let engine: ReloadableEngine;
let client: LoopbackClient;

beforeAll(async () => {
  openai = await MockProviderServer.start({ handler: echoOpenAIHandler });
  anthropic = await MockProviderServer.start({ handler: echoAnthropicHandler });
  failing = await MockProviderServer.start({
    handler: createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate: 1, status: 429, retryAfterSeconds: 3 }),
  });
  single = await MockProviderServer.start({ handler: echoOpenAIHandler });
  engine = createEngine({
    providers: {
      openai: { baseURL: `${openai.url}/v1`, apiKey: 'sk-local-0123456789abcdef' },
      anthropic: { baseURL: anthropic.url, apiKey: 'sk-ant-local-0123456789' },
      busy: { type: 'openai-compatible', baseURL: `${failing.url}/v1`, maxRetries: 0 },
      single: { type: 'openai-compatible', baseURL: `${single.url}/v1`, maxRetries: 0, maxConcurrency: 1 },
    },
  });
  client = createLoopbackClient(engine);
});
afterAll(async () => {
  await client.close();
  await engine.close();
  await Promise.all([openai.close(), anthropic.close(), failing.close(), single.close()]);
});

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('the protocol against the local provider servers', () => {
  it('chat: OpenAI and Anthropic answer in the canonical shape', async () => {
    const fromOpenAI = await client.chat({ model: 'openai/gpt-test', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(fromOpenAI).toMatchObject({ provider: 'openai', text: 'Echo: Hello there', finishReason: 'stop' });
    expect(fromOpenAI.usage.inputTokens).toBeGreaterThan(0);
    const fromAnthropic = await client.chat({
      model: 'anthropic/claude-test',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi Claude' },
      ],
      maxTokens: 100,
    });
    expect(fromAnthropic).toMatchObject({ provider: 'anthropic', text: 'Echo: Hi Claude' });
    expect(JSON.parse(anthropic.lastRequest!.body) as unknown).toMatchObject({ system: 'Be brief.', max_tokens: 100 });
  });

  it('chat.stream: the text arrives as deltas between start and finish', async () => {
    for (const model of ['openai/gpt-test', 'anthropic/claude-test']) {
      const events = await collect(
        client.chatStream({ model, messages: [{ role: 'user', content: 'Stream this text please' }] }),
      );
      expect(events[0]!.type).toBe('start');
      expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
      const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
      expect(text).toBe('Echo: Stream this text please');
    }
  });

  it('tools: a required tool call comes back as toolCalls, and streamed as tool-call events', async () => {
    const request = {
      model: 'openai/gpt-test',
      messages: [{ role: 'user' as const, content: 'Weather?' }],
      tools: [
        {
          type: 'function' as const,
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      toolChoice: 'required' as const,
    };
    const response = await client.chat(request);
    expect(response.finishReason).toBe('tool_calls');
    expect(response.toolCalls).toEqual([expect.objectContaining({ type: 'tool-call', name: 'get_weather', arguments: '{}' })]);
    const events = await collect(client.chatStream(request));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'tool-call-end', index: 0, name: 'get_weather', arguments: '{}' }),
    );
  });

  it('embed: one vector per input, in order', async () => {
    const response = await client.embed({ model: 'openai/text-embedding-test', input: ['a', 'b'], dimensions: 8 });
    expect(response.embeddings).toHaveLength(2);
    expect(response.embeddings[0]).toHaveLength(8);
    expect(response.embeddings[0]).not.toEqual(response.embeddings[1]);
  });

  it('an upstream 429 is a rate_limited error frame with its retry-after and status', async () => {
    const error = await failureOf(client.chat({ model: 'busy/m', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toMatchObject({ code: 'rate_limited', provider: 'busy', status: 429, retryable: true, retryAfterMs: 3000 });
  });

  it('cancel mid-stream closes the upstream connection and frees the permit (max_concurrency 1)', async () => {
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
    const stream = client.chatStream({ model: 'single/m', messages: [{ role: 'user', content: 'hi' }] });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'start' });
    expect((await iterator.next()).value).toMatchObject({ type: 'text-delta', text: 'Hel' });
    expect(await client.cancel(stream.id)).toBe(true);
    expect(await failureOf(iterator.next())).toMatchObject({ code: 'cancelled' });
    await single.waitForAborts(1);
    // No queue wait is allowed: this is refused as rate_limited unless the permit came back.
    const next = await client.chat({ model: 'single/m', messages: [{ role: 'user', content: 'after' }] });
    expect(next.text).toBe('Echo: after');
  });
});
