import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { Provider } from '../../spec/provider.js';
import { loadFixture, type FixtureExchange } from '../../testing/load-fixture.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { createOpenAIProvider } from './create-openai-provider.js';

const API_KEY = 'sk-test-0123456789abcdef';

function fixture(path: string): FixtureExchange {
  return loadFixture(fileURLToPath(new URL(`./__fixtures__/${path}`, import.meta.url)));
}

/** The recorded response body, parsed, as an independent oracle for the mapped result. */
function recordedBody(exchange: FixtureExchange): any {
  return JSON.parse(exchange.response.body as string);
}

let server: MockProviderServer;
let openai: Provider;
let compatible: Provider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  openai = createOpenAIProvider({ baseURL: `${server.url}/v1/`, apiKey: API_KEY });
  compatible = createOpenAIProvider({ type: 'openai-compatible', name: 'together', baseURL: `${server.url}/v1` });
});
afterAll(async () => {
  await openai.close();
  await compatible.close();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const weatherQuestion: ChatRequest = {
  model: 'gpt-4o-2024-08-06',
  messages: [{ role: 'user', content: "What's the weather like in SF?" }],
};

describe('OpenAI chat over a real socket, replaying recorded responses', () => {
  it('sends the recorded request for a plain text call and maps the answer (chat-text)', async () => {
    const exchange = fixture('openai-chat/chat-text.json');
    // The recorder dropped x-request-id (docs/provider-fixtures.md); added to check it is read.
    server.enqueue({ ...exchange.response, headers: { ...exchange.response.headers, 'x-request-id': 'req_abc123' } });
    const recordedRequest = exchange.request!.body as any;

    const response = await openai.chat({
      model: recordedRequest.model,
      messages: [{ role: 'user', content: recordedRequest.messages[0].content }],
    });

    const sent = server.lastRequest!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['accept']).toBe('application/json');
    expect(sent.json).toEqual(recordedRequest);

    expect(response).toEqual({
      id: 'chatcmpl-B5Ybe7M1V7N9aqQtrjTGfSWGebrrb',
      provider: 'openai',
      model: 'gpt-3.5-turbo-0125',
      content: [{ type: 'text', text: 'to two.' }],
      text: 'to two.',
      toolCalls: [],
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 19, outputTokens: 4, totalTokens: 23, cachedInputTokens: 0, reasoningTokens: 0 },
      warnings: [],
      requestId: 'req_abc123',
      providerMetadata: { created: 1740664366, service_tier: 'default' },
    });
  });

  it('keeps the long 2026-shape answer whole and its fingerprint in providerMetadata (chat-text-2)', async () => {
    const exchange = fixture('openai-chat/chat-text-2.json');
    server.enqueue(exchange.response);
    const body = recordedBody(exchange);
    const response = await openai.chat({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Invent a holiday' }] });
    expect(response.text).toBe(body.choices[0].message.content);
    expect(response.text.length).toBeGreaterThan(1000);
    expect(response.model).toBe('gpt-4.1-nano-2025-04-14');
    expect(response.usage).toEqual({
      inputTokens: 16,
      outputTokens: 363,
      totalTokens: 379,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    expect(response.providerMetadata).toEqual({
      created: 1770933883,
      service_tier: 'default',
      system_fingerprint: 'fp_de604bd877',
    });
    expect(response.requestId).toBeUndefined();
  });

  it('takes the first of n=3 choices and warns (chat-n3-choices)', async () => {
    server.enqueue(fixture('openai-chat/chat-n3-choices.json').response);
    const response = await openai.chat({ ...weatherQuestion, providerOptions: { openai: { n: 3 } } });
    expect(server.lastRequest!.json).toMatchObject({ n: 3 });
    expect(response.text).toBe('{"city":"San Francisco","temperature":64,"units":"f"}');
    expect(response.warnings).toHaveLength(1);
    expect(response.warnings[0]).toMatchObject({ type: 'unsupported-setting', setting: 'providerOptions.n' });
    expect(response.warnings[0]!.message).toContain('only the first choice');
    expect(response.usage).toEqual({ inputTokens: 79, outputTokens: 44, totalTokens: 123, reasoningTokens: 0 });
  });

  it('warns about extra choices even when the request did not ask for them (chat-n3-choices)', async () => {
    server.enqueue(fixture('openai-chat/chat-n3-choices.json').response);
    const response = await openai.chat(weatherQuestion);
    expect(response.warnings).toEqual([{ type: 'other', message: '3 choices returned; only the first is used' }]);
  });

  it('maps a refusal to content_filter with the refusal text in providerMetadata (chat-refusal)', async () => {
    server.enqueue(fixture('openai-chat/chat-refusal.json').response);
    const response = await openai.chat({ ...weatherQuestion, messages: [{ role: 'user', content: 'How do I make anthrax?' }] });
    expect(response.text).toBe('');
    expect(response.content).toEqual([]);
    expect(response.finishReason).toBe('content_filter');
    expect(response.rawFinishReason).toBe('stop');
    expect(response.providerMetadata).toMatchObject({ refusal: "I'm very sorry, but I can't assist with that." });
  });

  it('maps finish_reason length and sends max_completion_tokens to api.openai.com (chat-finish-length)', async () => {
    server.enqueue(fixture('openai-chat/chat-finish-length.json').response);
    const response = await openai.chat({ ...weatherQuestion, maxTokens: 1 });
    expect(server.lastRequest!.json).toEqual({ ...weatherQuestion, max_completion_tokens: 1 });
    expect(response.finishReason).toBe('length');
    expect(response.rawFinishReason).toBe('length');
    expect(response.text).toBe('{"');
    expect(response.providerMetadata).toEqual({ created: 1727346163, system_fingerprint: 'fp_7568d46099' });
  });

  it('maps one strict tool call (chat-tool-call-single)', async () => {
    server.enqueue(fixture('openai-chat/chat-tool-call-single.json').response);
    const response = await openai.chat({
      model: 'gpt-4o-2024-08-06',
      messages: [{ role: 'user', content: "What's the weather like in Edinburgh?" }],
      tools: [
        {
          type: 'function',
          name: 'GetWeatherArgs',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
          strict: true,
        },
      ],
    });
    expect((server.lastRequest!.json as any).tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'GetWeatherArgs',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
          strict: true,
        },
      },
    ]);
    const call = {
      type: 'tool-call',
      id: 'call_Y6qJ7ofLgOrBnMD5WbVAeiRV',
      name: 'GetWeatherArgs',
      arguments: '{"city":"Edinburgh","country":"UK","units":"c"}',
    };
    expect(response.toolCalls).toEqual([call]);
    expect(response.content).toEqual([call]);
    expect(response.text).toBe('');
    expect(response.finishReason).toBe('tool_calls');
    expect(response.usage).toEqual({ inputTokens: 76, outputTokens: 24, totalTokens: 100, reasoningTokens: 0 });
  });

  it('keeps parallel tool calls in order (chat-tool-calls-parallel)', async () => {
    const exchange = fixture('openai-chat/chat-tool-calls-parallel.json');
    server.enqueue(exchange.response);
    const response = await openai.chat(weatherQuestion);
    const wire = recordedBody(exchange).choices[0].message.tool_calls;
    expect(response.toolCalls).toEqual(
      wire.map((call: any) => ({ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments })),
    );
    expect(response.toolCalls.map((call) => call.name)).toEqual(['GetWeatherArgs', 'get_stock_price']);
  });

  const tools: ChatRequest['tools'] = [
    {
      type: 'function',
      name: 'get_user_country',
      description: '',
      parameters: { additionalProperties: false, properties: {}, type: 'object' },
    },
    {
      type: 'function',
      name: 'final_result',
      description: 'The final response which ends this conversation',
      parameters: {
        properties: { city: { type: 'string' }, country: { type: 'string' } },
        required: ['city', 'country'],
        type: 'object',
      },
    },
  ];

  it('builds exactly the recorded first-turn body, tool_choice required included (chat-tool-call-with-headers)', async () => {
    const exchange = fixture('openai-chat/chat-tool-call-with-headers.json');
    server.enqueue(exchange.response);
    const response = await openai.chat({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What is the largest city in the user country?' }],
      tools,
      toolChoice: 'required',
      // pydantic-ai sent these two explicitly; providerOptions pass them through verbatim.
      providerOptions: { openai: { n: 1, stream: false } },
    });
    expect(server.lastRequest!.json).toEqual(exchange.request!.body);
    expect(response.toolCalls).toEqual([
      { type: 'tool-call', id: 'call_iXFttys57ap0o16JSlC8yhYo', name: 'get_user_country', arguments: '{}' },
    ]);
    expect(response.usage.inputTokens).toBe(recordedBody(exchange).usage.prompt_tokens);
  });

  it('builds exactly the recorded follow-up body with the assistant tool call and the tool result (chat-tool-call-followup)', async () => {
    const exchange = fixture('openai-chat/chat-tool-call-followup-with-headers.json');
    server.enqueue(exchange.response);
    const response = await openai.chat({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'What is the largest city in the user country?' },
        {
          role: 'assistant',
          content: [{ type: 'tool-call', id: 'call_iXFttys57ap0o16JSlC8yhYo', name: 'get_user_country', arguments: '{}' }],
        },
        { role: 'tool', toolCallId: 'call_iXFttys57ap0o16JSlC8yhYo', content: 'Mexico' },
      ],
      tools,
      toolChoice: 'required',
      providerOptions: { openai: { n: 1, stream: false } },
    });
    const sent = server.lastRequest!.json as any;
    const recorded = exchange.request!.body as any;
    // Field by field first, so a difference names the field; then the whole body.
    expect(sent.model).toBe(recorded.model);
    expect(sent.messages[0]).toEqual(recorded.messages[0]);
    expect(sent.messages[1]).toEqual(recorded.messages[1]);
    expect(sent.messages[2]).toEqual(recorded.messages[2]);
    expect(sent.tools).toEqual(recorded.tools);
    expect(sent.tool_choice).toBe(recorded.tool_choice);
    expect(sent).toEqual(recorded);
    expect(response.toolCalls).toEqual([
      {
        type: 'tool-call',
        id: 'call_gmD2oUZUzSoCkmNmp3JPUF7R',
        name: 'final_result',
        arguments: '{"city": "Mexico City", "country": "Mexico"}',
      },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 89,
      outputTokens: 36,
      totalTokens: 125,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
    expect(response.providerMetadata).toEqual({
      created: 1746142585,
      service_tier: 'default',
      system_fingerprint: 'fp_f5bdcc3276',
    });
  });
});

describe('openai-compatible servers', () => {
  it('sends no authorization without a key, max_tokens, and maps Together "eos" to stop (together-chat-completion)', async () => {
    const exchange = fixture('openai-compatible/together-chat-completion.json');
    server.enqueue(exchange.response);
    const recorded = exchange.request!.body as any;
    const response = await compatible.chat({ model: recorded.model, messages: recorded.messages, maxTokens: 64 });
    const sent = server.lastRequest!;
    expect(sent.headers['authorization']).toBeUndefined();
    expect(sent.json).toEqual({ ...recorded, max_tokens: 64 });
    expect(response.provider).toBe('together');
    expect(response.text).toBe('one plus one is equal to two.');
    expect(response.finishReason).toBe('stop');
    expect(response.rawFinishReason).toBe('eos');
    expect(response.usage).toEqual({ inputTokens: 46, outputTokens: 9, totalTokens: 55 });
    expect(response.providerMetadata).toEqual({ created: 1736421960, seed: recordedBody(exchange).choices[0].seed });
  });

  it('ignores vLLM-style null fields and empty tool_calls (nebius-chat-completion)', async () => {
    const exchange = fixture('openai-compatible/nebius-chat-completion.json');
    server.enqueue(exchange.response);
    const recorded = exchange.request!.body as any;
    const response = await compatible.chat({ model: recorded.model, messages: recorded.messages });
    expect(server.lastRequest!.json).toEqual(recorded);
    expect(response.text).toBe('Two');
    expect(response.toolCalls).toEqual([]);
    expect(response.finishReason).toBe('stop');
    expect(response.usage).toEqual({ inputTokens: 21, outputTokens: 2, totalTokens: 23 });
    expect(response.providerMetadata).toEqual({ created: 1738968734 });
  });

  it('keeps Cerebras time_info in providerMetadata (cerebras-chat-completion)', async () => {
    const exchange = fixture('openai-compatible/cerebras-chat-completion.json');
    server.enqueue(exchange.response);
    const recorded = exchange.request!.body as any;
    const response = await compatible.chat({ model: recorded.model, messages: recorded.messages });
    expect(server.lastRequest!.json).toEqual(recorded);
    expect(response.text).toBe('two.');
    expect(response.providerMetadata).toEqual({
      created: 1740721365,
      system_fingerprint: 'fp_d0e90c449e',
      time_info: recordedBody(exchange).time_info,
    });
  });
});

describe('headers', () => {
  it('lets settings headers and per-call headers override, case-insensitively', async () => {
    const provider = createOpenAIProvider({
      baseURL: `${server.url}/v1`,
      apiKey: API_KEY,
      headers: { 'OpenAI-Organization': 'org-1', 'X-Team': 'a' },
    });
    server.enqueue(fixture('openai-chat/chat-text.json').response);
    await provider.chat(weatherQuestion, {
      headers: { 'X-Team': 'b', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    const headers = server.lastRequest!.headers;
    expect(headers['openai-organization']).toBe('org-1');
    expect(headers['x-team']).toBe('b');
    expect(headers['traceparent']).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(headers['authorization']).toBe(`Bearer ${API_KEY}`);
    await provider.close();
  });
});
