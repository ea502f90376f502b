import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiterLLMError } from '../../spec/errors.js';
import type { Provider } from '../../spec/provider.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { loadFixture, type FixtureExchange } from '../../testing/load-fixture.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { convertToTGIGenerateRequest } from './convert-to-tgi-generate-request.js';
import {
  createHuggingFaceProvider,
  HUGGINGFACE_DEFAULT_BASE_URL,
  resolveEmbedURL,
  resolveTGIGenerateURL,
} from './create-huggingface-provider.js';

const TOKEN = 'hf_test_0123456789abcdef';

function fixture(path: string): FixtureExchange {
  return loadFixture(fileURLToPath(new URL(`./__fixtures__/${path}`, import.meta.url)));
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}
const textOf = (events: StreamEvent[]) => events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');

let server: MockProviderServer;
let tgi: Provider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  tgi = createHuggingFaceProvider({ name: 'tgi', baseURL: server.url, apiKey: TOKEN, chatAPI: 'tgi-generate' });
});
afterAll(async () => {
  await tgi.close();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

describe('TGI native /generate', () => {
  it('sends the recorded parameters and reads the array-wrapped answer with header token counts (tgi-generate-details)', async () => {
    const exchange = fixture('tgi-generate-details.json');
    server.enqueue(exchange.response);
    const recorded = exchange.request!.body as any;
    const response = await tgi.chat({
      model: 'google/flan-t5-xxl',
      messages: [{ role: 'user', content: 'test' }],
      maxTokens: 1,
      temperature: 0,
      providerOptions: { huggingface: { decoder_input_details: true, do_sample: false } },
    });
    const sent = server.lastRequest!;
    expect(sent.url).toBe('/generate');
    expect(sent.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers['content-type']).toBe('application/json');
    const { stop: _stop, ...recordedParameters } = recorded.parameters;
    expect(sent.json).toEqual({ inputs: recorded.inputs, parameters: recordedParameters });
    expect(response).toEqual({
      id: '',
      provider: 'tgi',
      model: 'google/flan-t5-xxl',
      content: [],
      text: '',
      toolCalls: [],
      finishReason: 'length',
      rawFinishReason: 'length',
      usage: { inputTokens: 2, outputTokens: 1, totalTokens: 3 },
      warnings: [],
      requestId: 'S1BqZrjWRZzJihJGnQV_i',
    });
  });

  it('keeps the seed and the other best_of candidates (tgi-generate-best-of)', async () => {
    const exchange = fixture('tgi-generate-best-of.json');
    server.enqueue(exchange.response);
    const response = await tgi.chat({
      model: 'google/flan-t5-xxl',
      messages: [{ role: 'user', content: 'test' }],
      providerOptions: { tgi: { best_of: 2, do_sample: true } },
    });
    expect((server.lastRequest!.json as any).parameters).toMatchObject({ best_of: 2, do_sample: true, details: true });
    const details = JSON.parse(exchange.response.body as string)[0].details;
    expect(response.text).toBe('5');
    expect(response.finishReason).toBe('length');
    expect(response.providerMetadata).toEqual({ seed: details.seed, best_of_sequences: details.best_of_sequences });
    expect(response.usage).toEqual({ inputTokens: 1, outputTokens: 1, totalTokens: 2 });
  });

  it('reads a direct (bare object) /generate answer (tgi-generate-integration-snapshot)', async () => {
    server.enqueue(fixture('tgi-generate-integration-snapshot.json').response);
    const response = await tgi.chat({ model: 'llama', messages: [{ role: 'user', content: 'Test request' }], maxTokens: 10 });
    expect(response.text).toBe(' for /api/v1/projects/1');
    expect(response.finishReason).toBe('length');
    expect(response.usage).toEqual({ inputTokens: 0, outputTokens: 10, totalTokens: 10 });
  });

  it('reads an answer without details as an unknown finish (tgi-generate-no-details)', async () => {
    server.enqueue(fixture('tgi-generate-no-details.json').response);
    const response = await tgi.chat({ model: 'google/flan-t5-xxl', messages: [{ role: 'user', content: 'test' }] });
    expect(response).toMatchObject({
      text: '',
      finishReason: 'other',
      rawFinishReason: null,
      requestId: 'P3ynVdl0lrN0nMWY4Di62',
    });
  });

  it('maps the 422 validation error that says the window is too small to context_length_exceeded (tgi-error-422-validation)', async () => {
    server.enqueue(fixture('tgi-error-422-validation.json').response);
    const error = (await tgi
      .chat({ model: 'google/flan-t5-xxl', messages: [{ role: 'user', content: 'test' }], maxTokens: 10000 })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error).toMatchObject({
      code: 'context_length_exceeded',
      status: 422,
      retryable: false,
      requestId: 'JXgh_Lwucgb8AbjAKAXMn',
    });
    expect(error.message).toContain('`inputs` tokens + `max_new_tokens` must be <= 1512');
  });
});

describe('TGI native /generate_stream', () => {
  it('streams token text without special tokens; the text is generated_text minus the echoed prompt (tgi-generate-stream)', async () => {
    const exchange = fixture('tgi-generate-stream.sse');
    server.enqueue(exchange.response);
    const prompt = (exchange.request!.body as any).inputs as string;
    const events = await collect(
      await tgi.chatStream({ model: 'meta-llama/Llama-2-7b-hf', messages: [{ role: 'user', content: prompt }] }),
    );
    const sent = server.lastRequest!;
    expect(sent.url).toBe('/generate_stream');
    expect(sent.headers['accept']).toBe('text/event-stream');
    expect(sent.json).toEqual({ inputs: prompt, parameters: { details: true, return_full_text: false } });

    expect(events[0]).toEqual({ type: 'start', id: '', provider: 'tgi', model: 'meta-llama/Llama-2-7b-hf', warnings: [] });
    const lines = (exchange.response.body as string).split('\n').filter((line) => line.startsWith('data:'));
    const generated: string = JSON.parse(lines.at(-1)!.slice(5)).generated_text;
    expect(generated.startsWith(prompt)).toBe(true);
    expect(textOf(events)).toBe(generated.slice(prompt.length));
    expect(textOf(events)).not.toContain('</s>');
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: null,
      usage: { inputTokens: 0, outputTokens: 52, totalTokens: 52 },
    });
  });

  it('infers a length stop from max_new_tokens when the server sends no details (tgi-generate-stream-2)', async () => {
    const exchange = fixture('tgi-generate-stream-2.sse');
    server.enqueue(exchange.response);
    const prompt = (exchange.request!.body as any).inputs as string;
    const events = await collect(
      await tgi.chatStream({
        model: 'meta-llama/Llama-3.2-3B',
        messages: [{ role: 'user', content: prompt }],
        maxTokens: 50,
        seed: 0,
      }),
    );
    expect((server.lastRequest!.json as any).parameters).toEqual({
      details: true,
      return_full_text: false,
      max_new_tokens: 50,
      seed: 0,
    });
    const lines = (exchange.response.body as string).split('\n').filter((line) => line.startsWith('data:'));
    expect(textOf(events)).toBe(JSON.parse(lines.at(-1)!.slice(5)).generated_text.slice(prompt.length));
    expect(events.at(-1)).toMatchObject({ finishReason: 'length', rawFinishReason: null, usage: { outputTokens: 50 } });
  });

  it.each([
    ['tgi-generate-stream-details.sse', 'Wjh9U3f7tT4gtc6U1TbqU'],
    ['tgi-generate-stream-no-details.sse', 'Cclm6imN3ko6EnvbACvvt'],
  ])('reads a one-event stream whose event is also the last (%s)', async (path, requestId) => {
    const exchange = fixture(path);
    server.enqueue(exchange.response);
    const events = await collect(
      await tgi.chatStream({ model: 'google/flan-t5-xxl', messages: [{ role: 'user', content: 'test' }], maxTokens: 1 }),
    );
    expect(events).toEqual([
      { type: 'start', id: '', provider: 'tgi', model: 'google/flan-t5-xxl', requestId, warnings: [] },
      { type: 'text-delta', text: ' ' },
      {
        type: 'finish',
        finishReason: 'length',
        rawFinishReason: 'length',
        usage: { inputTokens: 0, outputTokens: 1, totalTokens: 1 },
      },
    ]);
  });

  it('throws the error event a 200 stream carries (tgi-generate-stream-error)', async () => {
    server.enqueue(fixture('tgi-generate-stream-error.sse').response);
    const stream = await tgi.chatStream({
      model: 'meta-llama/Llama-3.2-3B',
      messages: [{ role: 'user', content: 'Write a story' }],
      maxTokens: 10000,
    });
    const events: StreamEvent[] = [];
    let error: LiterLLMError | undefined;
    try {
      for await (const event of stream) events.push(event);
    } catch (caught) {
      error = caught as LiterLLMError;
    }
    expect(events).toEqual([]);
    expect(error).toMatchObject({ code: 'context_length_exceeded', provider: 'tgi', retryable: false });
    expect(error!.message).toContain('must be <= 4096');
  });

  it('throws a retryable error when the stream ends before the final event', async () => {
    const body = (fixture('tgi-generate-stream.sse').response.body as string).split('\n\n').slice(0, 5).join('\n\n') + '\n\n';
    server.enqueue({ headers: { 'content-type': 'text/event-stream' }, body });
    const stream = await tgi.chatStream({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const events: StreamEvent[] = [];
    let error: LiterLLMError | undefined;
    try {
      for await (const event of stream) events.push(event);
    } catch (caught) {
      error = caught as LiterLLMError;
    }
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(5);
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(error!.message).toContain('stream ended early');
  });

  it('throws CancelledError when the caller aborts mid-stream, and the server sees the abort', async () => {
    const before = server.abortedRequests;
    server.enqueue({ ...fixture('tgi-generate-stream.sse').response, chunkSize: 200, hangAfterChunks: 2 });
    const controller = new AbortController();
    const stream = await tgi.chatStream(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { signal: controller.signal },
    );
    let error: LiterLLMError | undefined;
    try {
      for await (const event of stream) if (event.type === 'text-delta') controller.abort();
    } catch (caught) {
      error = caught as LiterLLMError;
    }
    expect(error).toMatchObject({ code: 'cancelled', name: 'CancelledError', provider: 'tgi' });
    await server.waitForAborts(before + 1, 2_000);
  });

  it('throws a retryable ProviderUnavailableError when the connection is refused', async () => {
    const closed = await MockProviderServer.start();
    const url = closed.url;
    await closed.close();
    const provider = createHuggingFaceProvider({ baseURL: url, apiKey: TOKEN, chatAPI: 'tgi-generate' });
    const error = (await provider
      .chatStream({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(error.message).not.toContain(TOKEN);
    await provider.close();
  });

  it('closes the upstream request when the consumer stops early', async () => {
    const before = server.abortedRequests;
    server.enqueue({ ...fixture('tgi-generate-stream.sse').response, chunkSize: 200, hangAfterChunks: 2 });
    for await (const event of await tgi.chatStream({ model: 'm', messages: [{ role: 'user', content: 'x' }] })) {
      if (event.type === 'text-delta') break;
    }
    await server.waitForAborts(before + 1, 2_000);
  });
});

describe('convertToTGIGenerateRequest', () => {
  it('renders a conversation as a transcript ending with "Assistant:" and maps the settings', () => {
    const { body, warnings } = convertToTGIGenerateRequest(
      {
        model: 'm',
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather?' },
              { type: 'image', url: 'https://example.com/sky.png' },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Checking.' },
              { type: 'tool-call', id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' },
            ],
          },
          { role: 'tool', toolCallId: 'c1', content: 'sunny' },
        ],
        temperature: 0.7,
        topP: 1,
        stop: ['\nUser:'],
        responseFormat: { type: 'json-schema', name: 'w', schema: { type: 'object' } },
        tools: [{ type: 'function', name: 'weather', parameters: {} }],
      },
      { providerOptionKeys: ['huggingface'], streamFlag: false },
    );
    expect(body).toEqual({
      inputs:
        'System: Be brief.\n\nUser: Weather?\n\nAssistant: Checking.\nCalled weather({"city":"Paris"})\n\nTool result (c1): sunny\n\nAssistant:',
      parameters: {
        details: true,
        return_full_text: false,
        temperature: 0.7,
        stop: ['\nUser:'],
        grammar: { type: 'json', value: { type: 'object' } },
      },
      stream: false,
    });
    expect(warnings.map((warning) => warning.setting)).toEqual(['messages[1].content', 'tools']);
  });

  it('sends a lone user message verbatim and temperature 0 as greedy decoding', () => {
    const { body } = convertToTGIGenerateRequest(
      { model: 'm', messages: [{ role: 'user', content: 'Once upon a time' }], temperature: 0 },
      { providerOptionKeys: [] },
    );
    expect(body).toEqual({ inputs: 'Once upon a time', parameters: { details: true, return_full_text: false } });
  });
});

describe('URL resolution', () => {
  it('uses the hosted routes on the router and the server routes elsewhere', () => {
    expect(HUGGINGFACE_DEFAULT_BASE_URL).toBe('https://router.huggingface.co');
    expect(resolveTGIGenerateURL('https://router.huggingface.co', 'meta-llama/Llama-3.2-3B', true)).toEqual({
      url: 'https://router.huggingface.co/hf-inference/models/meta-llama/Llama-3.2-3B',
      streamFlag: true,
    });
    expect(resolveTGIGenerateURL('http://tgi:8080', 'any', false)).toEqual({ url: 'http://tgi:8080/generate' });
    expect(resolveEmbedURL('https://router.huggingface.co', 'sentence-transformers/all-MiniLM-L6-v2', 'feature-extraction')).toBe(
      'https://router.huggingface.co/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction',
    );
    expect(resolveEmbedURL('http://tei:80', 'x', 'tei')).toBe('http://tei:80/embed');
  });
});
