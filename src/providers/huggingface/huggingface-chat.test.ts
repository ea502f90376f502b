import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { LiterLLMError } from '../../spec/errors.js';
import type { Provider } from '../../spec/provider.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { loadFixture, type FixtureExchange } from '../../testing/load-fixture.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { createHuggingFaceProvider } from './create-huggingface-provider.js';

const TOKEN = 'hf_test_0123456789abcdef';

function fixturePath(path: string): string {
  return fileURLToPath(new URL(`./__fixtures__/${path}`, import.meta.url));
}
function fixture(path: string): FixtureExchange {
  return loadFixture(fixturePath(path));
}
function recordedBody(exchange: FixtureExchange): any {
  return JSON.parse(exchange.response.body as string);
}
/** Drops the null fields some clients send; the adapter sends only what is set. */
function withoutNulls(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
}

/** Text of choice 0 and the last finish_reason and usage, read straight from the recorded bytes. */
function readRecordedStream(path: string) {
  let text = '';
  let finishReason: string | null = null;
  let usage: any = null;
  for (const line of readFileSync(fixturePath(path), 'utf8').split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const payload = line.slice(5).trim();
    if (payload === '[DONE]') continue;
    const chunk = JSON.parse(payload);
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? '';
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  }
  return { text, finishReason, usage };
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}
const textOf = (events: StreamEvent[]) => events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');

let server: MockProviderServer;
let hf: Provider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  hf = createHuggingFaceProvider({ baseURL: `${server.url}/`, apiKey: TOKEN });
});
afterAll(async () => {
  await hf.close();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

describe('Hugging Face chat through the OpenAI-compatible route', () => {
  it('posts to {baseURL}/v1/chat/completions with the token and max_tokens (tgi-chat-completion, TGI 3.0.1)', async () => {
    const exchange = fixture('tgi-chat-completion.json');
    server.enqueue(exchange.response);
    const recorded = exchange.request!.body as any;
    const response = await hf.chat({
      model: 'mistralai/Mistral-7B-Instruct-v0.2',
      messages: recorded.messages,
      maxTokens: 500,
      temperature: 0.1,
      seed: 0,
    });
    const sent = server.lastRequest!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.json).toEqual({ model: 'mistralai/Mistral-7B-Instruct-v0.2', ...recorded });
    expect(response).toMatchObject({
      id: '',
      provider: 'huggingface',
      model: 'mistralai/Mistral-7B-Instruct-v0.2',
      text: ' One plus one is equal to two.',
      finishReason: 'stop',
      usage: { inputTokens: 20, outputTokens: 9, totalTokens: 29 },
      providerMetadata: { created: 1736953799, system_fingerprint: '3.0.1-sha-bb9095a' },
    });
  });

  it('reads TGI 1.4 ("text_completion") and its request id header (tgi-chat-completion-v1.4)', async () => {
    const exchange = fixture('tgi-chat-completion-v1.4.json');
    server.enqueue(exchange.response);
    const recorded = exchange.request!.body as any;
    const response = await hf.chat({ model: 'tgi', messages: recorded.messages, maxTokens: 20, temperature: 1 });
    const { stream: _stream, ...expected } = withoutNulls(recorded);
    expect(server.lastRequest!.json).toEqual(expected);
    expect(response.text).toBe(recordedBody(exchange).choices[0].message.content);
    expect(response).toMatchObject({ finishReason: 'length', rawFinishReason: 'length', requestId: 'ZDNjmqhBd-p2kWw8sI2hB' });
  });

  it('reads TGI 1.4 tool calls with an integer id and object arguments; eos_token with calls is tool_calls (tgi-chat-tool-call-v1.4)', async () => {
    const exchange = fixture('tgi-chat-tool-call-v1.4.json');
    server.enqueue(exchange.response);
    const recorded = exchange.request!.body as any;
    const request: ChatRequest = {
      model: 'tgi',
      messages: recorded.messages,
      maxTokens: 500,
      tools: recorded.tools.map((tool: any) => ({ type: 'function', ...tool.function })),
      toolChoice: { type: 'tool', name: 'get_current_weather' },
    };
    const response = await hf.chat(request);
    const sent = server.lastRequest!.json as any;
    expect(sent.tools).toEqual(recorded.tools);
    expect(sent.messages).toEqual(recorded.messages);
    expect(sent.tool_choice).toEqual({ type: 'function', function: { name: 'get_current_weather' } });
    expect(response.toolCalls).toEqual([
      {
        type: 'tool-call',
        id: '0',
        name: 'get_current_weather',
        arguments: '{"format":"fahrenheit","location":"San Francisco, CA"}',
      },
    ]);
    expect(response.finishReason).toBe('tool_calls');
    expect(response.rawFinishReason).toBe('eos_token');
    expect(response.usage).toEqual({ inputTokens: 144, outputTokens: 16, totalTokens: 160 });
  });

  it('reads the router answer from a third-party provider, with its top-level cached_tokens (router-chat-completion)', async () => {
    const exchange = fixture('router-chat-completion.json');
    server.enqueue(exchange.response);
    const response = await hf.chat({ model: 'deepseek-ai/DeepSeek-R1', messages: [{ role: 'user', content: 'hello' }] });
    expect(server.lastRequest!.json).toEqual({
      model: 'deepseek-ai/DeepSeek-R1',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(response.text).toBe(recordedBody(exchange).choices[0].message.content);
    expect(response.text).toMatch(/^<think>/);
    expect(response.usage).toEqual({ inputTokens: 4, outputTokens: 197, totalTokens: 201, cachedInputTokens: 0 });
    expect(response.providerMetadata).toEqual({ created: 1769546580, seed: recordedBody(exchange).choices[0].seed });
  });

  it.each([
    ['tgi-chat-stream.sse', 'stop'],
    ['tgi-chat-stream-2024.sse', 'eos_token'],
    ['tgi-chat-stream-v1.4.sse', 'length'],
    ['router-chat-stream.sse', 'stop'],
  ])('streams %s (with or without [DONE], "data:" with or without a space)', async (path, raw) => {
    server.enqueue(fixture(path).response);
    const events = await collect(
      await hf.chatStream({ model: 'tgi', messages: [{ role: 'user', content: 'Complete the equation 1+1= ,just the answer' }] }),
    );
    expect(server.lastRequest!.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(server.lastRequest!.headers['accept']).toBe('text/event-stream');
    const oracle = readRecordedStream(path);
    expect(events[0]!.type).toBe('start');
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
    expect(textOf(events)).toBe(oracle.text);
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: raw === 'length' ? 'length' : 'stop',
      rawFinishReason: raw,
    });
  });

  it('takes the usage from the router stream finish chunk (router-chat-stream)', async () => {
    server.enqueue(fixture('router-chat-stream.sse').response);
    const events = await collect(
      await hf.chatStream({
        model: 'deepseek-ai/DeepSeek-R1',
        messages: [{ role: 'user', content: 'How do I cross the street?' }],
      }),
    );
    expect(events.at(-1)).toMatchObject({
      usage: { inputTokens: 10, outputTokens: 955, totalTokens: 965, cachedInputTokens: 0 },
    });
    expect(textOf(events).length).toBeGreaterThan(3000);
  });

  it('rejects the stream call with the template error TGI sends as a 422 (tgi-error-422-template)', async () => {
    server.enqueue(fixture('tgi-error-422-template.json').response);
    const error = (await hf
      .chatStream({ model: 'google/gemma-2b', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error).toMatchObject({ code: 'invalid_request', status: 422, provider: 'huggingface', retryable: false });
    expect(error.message).toBe('huggingface returned 422: Template error: template not found (type template_error)');
  });

  it('reads the text/plain 422 of a body TGI could not deserialize (tgi-error-422-deserialize)', async () => {
    server.enqueue(fixture('tgi-error-422-deserialize.json').response);
    const error = (await hf
      .chat({ model: 'tgi', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error).toMatchObject({ code: 'invalid_request', status: 422, requestId: 'yECOxGeXLet5-Ae5rw808' });
    expect(error.message).toContain('Failed to deserialize the JSON body into the target type');
  });

  it('maps a TGI error event inside a chat stream', async () => {
    // Hand-written: TGI emits `{"error", "error_type"}` as an SSE event when generation fails after
    // the headers (router/src/server.rs, InferError → "generation"); no chat recording exists.
    const body =
      'data: {"object":"chat.completion.chunk","id":"","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"logprobs":null,"finish_reason":null}]}\n\ndata: {"error":"Request failed during generation: Server error: CUDA out of memory","error_type":"generation"}\n\n';
    server.enqueue({ headers: { 'content-type': 'text/event-stream' }, body });
    const stream = await hf.chatStream({ model: 'tgi', messages: [{ role: 'user', content: 'x' }] });
    const events: StreamEvent[] = [];
    const error = await (async () => {
      try {
        for await (const event of stream) events.push(event);
      } catch (caught) {
        return caught as LiterLLMError;
      }
      return undefined;
    })();
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta']);
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true, provider: 'huggingface' });
    expect(error!.message).toContain('CUDA out of memory');
  });

  it('sends no authorization without a token (self-hosted TGI needs none)', async () => {
    const provider = createHuggingFaceProvider({ baseURL: server.url });
    server.enqueue(fixture('tgi-chat-completion.json').response);
    await provider.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(server.lastRequest!.headers['authorization']).toBeUndefined();
    await provider.close();
  });
});
