import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIProvider } from '../providers/openai/create-openai-provider.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { createEchoEmbedding, echoOpenAIHandler } from './echo-openai-handler.js';
import { MockProviderServer } from './mock-provider-server.js';

let server: MockProviderServer;
let client: OpenAI;

beforeAll(async () => {
  server = await MockProviderServer.start({ handler: echoOpenAIHandler });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-echo', maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});

describe('echoOpenAIHandler, driven by the official openai SDK', () => {
  it('answers a chat completion with the echo of the last user message', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello there' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'Echo: Hello there' });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage!.completion_tokens).toBe(3);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + 3);
  });

  it('streams the echo with a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'stream me please' }] }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Echo: stream me please');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(4);
  });

  it('returns deterministic unit embeddings, which the SDK decodes from base64 by default', async () => {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta', 'alpha'],
      dimensions: 64,
    });
    expect(server.lastRequest!.json).toMatchObject({ encoding_format: 'base64' });
    const [alpha, beta, alphaAgain] = response.data.map((item) => item.embedding);
    expect(alpha).toHaveLength(64);
    expect(alpha).toEqual(alphaAgain);
    expect(alpha).not.toEqual(beta);
    expect(alpha).toEqual(createEchoEmbedding('alpha', 64));
    expect(Math.hypot(...alpha!)).toBeCloseTo(1, 5);
    expect(response.usage.prompt_tokens).toBe(5); // ceil(5/4) + ceil(4/4) + ceil(5/4)
  });

  it('answers malformed requests with the 400 error the SDK raises as BadRequestError', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('empty_array');
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
    const noModel = await client.chat.completions
      .create({ messages: [{ role: 'user', content: 'x' }] } as never)
      .catch((caught: unknown) => caught);
    expect(noModel).toBeInstanceOf(OpenAI.BadRequestError);
    expect((noModel as Error).message).toContain('you must provide a model parameter');
  });

  it('answers unknown paths with 404', async () => {
    const error = await client.completions.create({ model: 'x', prompt: 'y' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('echoOpenAIHandler, driven by the OpenAI adapter', () => {
  it('round-trips chat, a forced tool call in a stream, a length cut and embeddings', async () => {
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: 'sk-echo' });
    const response = await provider.chat({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'one two three four' }],
      maxTokens: 2,
    });
    expect(response).toMatchObject({ text: 'Echo: one ', finishReason: 'length' });

    const events: StreamEvent[] = [];
    const stream = await provider.chatStream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } }],
      toolChoice: 'required',
    });
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['start', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish']);
    expect(events[3]).toMatchObject({ name: 'get_weather', arguments: '{}' });
    expect(events[4]).toMatchObject({ finishReason: 'tool_calls', usage: { outputTokens: 5 } });

    const embedded = await provider.embed({ model: 'text-embedding-3-small', input: 'hi' });
    expect(embedded.embeddings[0]).toEqual(createEchoEmbedding('hi', 1536));
    await provider.close();
  });
});
