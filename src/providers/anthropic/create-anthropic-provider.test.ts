import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, JSONObject, Message } from '../../spec/chat-request.js';
import { type FixtureExchange, loadFixture } from '../../testing/load-fixture.js';
import { failureOf } from '../../testing/failure-of.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { createAnthropicProvider } from './create-anthropic-provider.js';

const API_KEY = 'sk-ant-test-0123456789abcdef';
const fixture = (name: string): FixtureExchange => loadFixture(fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url)));

let server: MockProviderServer;
beforeAll(async () => {
  server = await MockProviderServer.start();
});
afterAll(async () => {
  await server.close();
});

function provider(settings: Parameters<typeof createAnthropicProvider>[0] = {}) {
  return createAnthropicProvider({ baseURL: server.url, apiKey: API_KEY, ...settings });
}

const providers: ReturnType<typeof createAnthropicProvider>[] = [];
function tracked(settings: Parameters<typeof createAnthropicProvider>[0] = {}) {
  const created = provider(settings);
  providers.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(providers.splice(0).map((item) => item.close()));
});

/** Replays a fixture, makes the call, returns what the server received. */
async function replay(name: string, request: ChatRequest) {
  const exchange = fixture(name);
  server.enqueue(exchange.response);
  const response = await tracked().chat(request);
  const sent = server.lastRequest!;
  return { exchange, response, sent, body: sent.json as JSONObject };
}

function recordedBody(exchange: FixtureExchange): JSONObject {
  return structuredClone(exchange.request!.body as JSONObject);
}

/**
 * The TypeScript SDK recordings add two defaults the API does not need: `stream: false` and
 * `type: "custom"` on client tools (the Python SDK recordings, e.g. messages-stream-tool-use, omit
 * both). Strip them after checking they are exactly those defaults.
 */
function withoutSDKDefaults(body: JSONObject): JSONObject {
  const copy = structuredClone(body);
  if ('stream' in copy) {
    expect(copy['stream']).toBe(false);
    delete copy['stream'];
  }
  for (const tool of (copy['tools'] ?? []) as JSONObject[]) {
    expect(tool['type']).toBe('custom');
    delete tool['type'];
  }
  return copy;
}

const TEST_TOOL_SCHEMA = (property: string, type: string): JSONObject => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { [property]: { type } },
  required: [property],
  additionalProperties: false,
});

describe('chat: recorded Messages API exchanges', () => {
  it('messages-tool-use: request body, headers and the text + tool_use response', async () => {
    const { exchange, response, sent, body } = await replay('messages-tool-use.json', {
      model: 'claude-sonnet-4-0',
      maxTokens: 1000,
      messages: [{ role: 'user', content: 'Use the test_tool with value "test", then provide a final response' }],
      tools: [
        { type: 'function', name: 'test_tool', description: 'A test tool', parameters: TEST_TOOL_SCHEMA('value', 'string') },
      ],
    });
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(API_KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['accept']).toBe('application/json');
    expect(sent.headers['authorization']).toBeUndefined();
    expect(body).toEqual(withoutSDKDefaults(recordedBody(exchange)));

    expect(response).toEqual({
      id: 'msg_012foMGXNQ1eqhaq3QvA5dY6',
      provider: 'anthropic',
      model: 'claude-sonnet-4-20250514',
      content: [
        { type: 'text', text: 'I\'ll use the test_tool with the value "test" as requested, then provide a final response.' },
        { type: 'tool-call', id: 'toolu_011LF2VkWpAfJnTKJcmh1PNf', name: 'test_tool', arguments: '{"value":"test"}' },
      ],
      text: 'I\'ll use the test_tool with the value "test" as requested, then provide a final response.',
      toolCalls: [{ type: 'tool-call', id: 'toolu_011LF2VkWpAfJnTKJcmh1PNf', name: 'test_tool', arguments: '{"value":"test"}' }],
      finishReason: 'tool_calls',
      rawFinishReason: 'tool_use',
      usage: { inputTokens: 415, outputTokens: 76, totalTokens: 491, cachedInputTokens: 0, cacheWriteInputTokens: 0 },
      warnings: [],
      requestId: 'req_011CVLotQepAqEAyhJpvkpZN',
      providerMetadata: {
        stop_sequence: null,
        usage: {
          input_tokens: 415,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
          output_tokens: 76,
          service_tier: 'standard',
        },
      },
    });
  });

  it('messages-tool-use-parallel: two tool calls in order', async () => {
    const { exchange, response, body } = await replay('messages-tool-use-parallel.json', {
      model: 'claude-sonnet-4-0',
      maxTokens: 1000,
      messages: [{ role: 'user', content: 'Use the test_tool with count 1, then use it again with count 2' }],
      tools: [
        { type: 'function', name: 'test_tool', description: 'A test tool', parameters: TEST_TOOL_SCHEMA('count', 'number') },
      ],
    });
    expect(body).toEqual(withoutSDKDefaults(recordedBody(exchange)));
    expect(response.toolCalls).toEqual([
      { type: 'tool-call', id: 'toolu_01L8GVQapA1HmggQcrwboukH', name: 'test_tool', arguments: '{"count":1}' },
      { type: 'tool-call', id: 'toolu_01J5Fvzxu7DP1Uh59c1kr5JD', name: 'test_tool', arguments: '{"count":2}' },
    ]);
    expect(response.content.map((part) => part.type)).toEqual(['text', 'tool-call', 'tool-call']);
    expect(response.text).toBe("I'll use the test_tool twice as requested - first with count 1, then with count 2.");
    expect(response.finishReason).toBe('tool_calls');
    expect(response.usage).toEqual({
      inputTokens: 418,
      outputTokens: 113,
      totalTokens: 531,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    expect(response.requestId).toBe('req_011CVLotoUkyNS4Bi9asSfF8');
  });

  it('messages-text-after-tool-result: assistant tool_use and the tool result are sent as recorded', async () => {
    const { exchange, response, body } = await replay('messages-text-after-tool-result.json', {
      model: 'claude-sonnet-4-0',
      maxTokens: 1000,
      messages: [
        { role: 'user', content: 'Use the test_tool with value "test", then provide a final response' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'I\'ll use the test_tool with the value "test" as requested, then provide a final response.' },
            { type: 'tool-call', id: 'toolu_011LF2VkWpAfJnTKJcmh1PNf', name: 'test_tool', arguments: '{"value":"test"}' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_011LF2VkWpAfJnTKJcmh1PNf', content: 'Tool result' },
      ],
      tools: [
        { type: 'function', name: 'test_tool', description: 'A test tool', parameters: TEST_TOOL_SCHEMA('value', 'string') },
      ],
    });
    expect(body).toEqual(withoutSDKDefaults(recordedBody(exchange)));
    expect(response.text).toMatch(/^I have successfully executed the test_tool with the value "test"\./);
    expect(response.content).toHaveLength(1);
    expect(response.toolCalls).toEqual([]);
    expect(response.finishReason).toBe('stop');
    expect(response.rawFinishReason).toBe('end_turn');
    expect(response.usage).toEqual({
      inputTokens: 505,
      outputTokens: 41,
      totalTokens: 546,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    expect(response.requestId).toBe('req_011CVLotbAbAUDPV8GEFGjoJ');
  });

  it('messages-text: plain text response (body-only recording, so no request id)', async () => {
    const { response, body } = await replay('messages-text.json', {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Hello, how are you?' }],
    });
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Hello, how are you?' }],
    });
    expect(response.id).toBe('msg_01VdEjxAP5ahtHKrrRdNBteQ');
    expect(response.model).toBe('claude-sonnet-4-5-20250929');
    expect(response.text).toBe(
      "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(response.finishReason).toBe('stop');
    expect(response.usage).toEqual({
      inputTokens: 12,
      outputTokens: 29,
      totalTokens: 41,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    expect(response.requestId).toBeUndefined();
    expect((response.providerMetadata?.['usage'] as JSONObject)['inference_geo']).toBe('not_available');
  });

  it('messages-thinking: thinking block with signature becomes reasoning; thinking passes via providerOptions', async () => {
    const { exchange, response, body } = await replay('messages-thinking.json', {
      model: 'claude-sonnet-4-5',
      // No maxTokens: the recorded 4096 is the adapter's default.
      messages: [{ role: 'user', content: [{ type: 'text', text: 'How do I cross the street?' }] }],
      providerOptions: { anthropic: { thinking: { budget_tokens: 1024, type: 'enabled' } } },
    });
    expect(body).toEqual(withoutSDKDefaults(recordedBody(exchange)));
    const recorded = exchange.meta['body'] as { content: { thinking?: string; signature?: string; text?: string }[] };
    expect(response.content).toEqual([
      { type: 'reasoning', text: recorded.content[0]!.thinking, signature: recorded.content[0]!.signature },
      { type: 'text', text: recorded.content[1]!.text },
    ]);
    expect(response.text).toBe(recorded.content[1]!.text);
    expect(response.usage).toEqual({
      inputTokens: 43,
      outputTokens: 321,
      totalTokens: 364,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });

  it('messages-redacted-thinking: redacted_thinking becomes redacted-reasoning', async () => {
    const magic =
      'ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB';
    const { exchange, response, body } = await replay('messages-redacted-thinking.json', {
      model: 'claude-sonnet-4-5-20250929',
      messages: [{ role: 'user', content: [{ type: 'text', text: magic }] }],
      providerOptions: { anthropic: { thinking: { budget_tokens: 1024, type: 'enabled' } } },
    });
    expect(body).toEqual(withoutSDKDefaults(recordedBody(exchange)));
    const recorded = exchange.meta['body'] as { content: { data?: string; text?: string }[] };
    expect(response.content).toEqual([
      { type: 'redacted-reasoning', data: recorded.content[0]!.data },
      { type: 'text', text: recorded.content[1]!.text },
    ]);
    expect(response.finishReason).toBe('stop');
  });

  it('messages-ratelimit-headers: server_tool_use is kept in providerMetadata, tool_use mapped, container kept', async () => {
    const exchange = fixture('messages-ratelimit-headers.json');
    const recorded = recordedBody(exchange);
    const recordedTool = (recorded['tools'] as JSONObject[])[0]!;
    const { response, body } = await replay('messages-ratelimit-headers.json', {
      model: 'claude-opus-4-5',
      maxTokens: 1024,
      messages: [{ role: 'user', content: 'What is the weather in SF, NY, and London in Celsius?' }],
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: recordedTool['description'] as string,
          parameters: recordedTool['input_schema'] as JSONObject,
        },
      ],
    });
    // allowed_callers (programmatic tool calling) has no canonical field; everything else matches.
    delete recordedTool['allowed_callers'];
    expect(body).toEqual(recorded);

    const wire = exchange.meta['body'] as { content: JSONObject[] };
    expect(response.content).toEqual([
      { type: 'text', text: "I'll check the weather for all three cities in Celsius simultaneously." },
      {
        type: 'tool-call',
        id: 'toolu_011MDRpaZRMRRjtFkJizD6nS',
        name: 'get_weather',
        arguments: '{"location":"San Francisco, CA","units":"c"}',
      },
    ]);
    expect(response.providerMetadata?.['other_content']).toEqual([{ index: 1, block: wire.content[1] }]);
    expect(response.providerMetadata?.['container']).toEqual({
      id: 'container_011CYVPF4iP8oD6Vsz1NhVih',
      expires_at: '2026-02-25T20:07:37.475893Z',
    });
    expect(response.finishReason).toBe('tool_calls');
    expect(response.usage).toEqual({
      inputTokens: 3182,
      outputTokens: 237,
      totalTokens: 3419,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
  });
});

describe('chat: recorded errors', () => {
  it('error-400-invalid-request: invalid_request, not retryable (x-should-retry: false), request id from the body', async () => {
    const exchange = fixture('error-400-invalid-request.json');
    server.enqueue(exchange.response);
    const recorded = recordedBody(exchange);
    const recordedTool = (recorded['tools'] as JSONObject[])[0]!;
    const error = await failureOf(
      tracked().chat({
        model: 'claude-haiku-4-5',
        maxTokens: 1024,
        messages: [
          { role: 'user', content: "What's the weather in SF in Celsius?" },
          {
            role: 'tool',
            toolCallId: 'toolu_01GHndag5wQmbzNihYmV2UBj',
            content: 'The weather in San Francisco, CA is currently sunny with a temperature of 20°C.',
          },
        ],
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: recordedTool['description'] as string,
            parameters: recordedTool['input_schema'] as JSONObject,
          },
        ],
      }),
    );
    // The SDK test sent two user turns in a row; the adapter merges same-role turns (the API
    // requires alternation), so the text and the tool_result share one user message.
    const recordedMessages = recorded['messages'] as { content: unknown }[];
    expect((server.lastRequest!.json as JSONObject)['messages']).toEqual([
      {
        role: 'user',
        content: [{ type: 'text', text: recordedMessages[0]!.content }, ...(recordedMessages[1]!.content as JSONObject[])],
      },
    ]);
    expect(error.code).toBe('invalid_request');
    expect(error.name).toBe('InvalidRequestError');
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req_011CYHyk9NPsBYeGbC9LuDNK');
    expect(error.provider).toBe('anthropic');
    expect(error.message).toContain('invalid_request_error');
    expect(error.message).toContain('unexpected `tool_use_id` found in `tool_result` blocks');
  });

  it('error-400-unsupported-effort: providerOptions output_config is sent; invalid_request', async () => {
    const exchange = fixture('error-400-unsupported-effort.json');
    server.enqueue(exchange.response);
    const error = await failureOf(
      tracked().chat({
        model: 'claude-opus-4-6',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is 2+2?' }] }],
        providerOptions: { anthropic: { output_config: { effort: 'xhigh' } } },
      }),
    );
    expect(server.lastRequest!.json).toEqual(withoutSDKDefaults(recordedBody(exchange)));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req_011Ca7jT9AHpgXgdv8igm4z9');
    expect(error.message).toContain("This model does not support effort level 'xhigh'");
  });

  it('error-404-not-found: not_found', async () => {
    const exchange = fixture('error-404-not-found.json');
    server.enqueue(exchange.response);
    const error = await failureOf(
      tracked().chat({ model: 'claude-sonet-4-5', messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }] }),
    );
    expect(server.lastRequest!.json).toEqual(withoutSDKDefaults(recordedBody(exchange)));
    expect(error.code).toBe('not_found');
    expect(error.name).toBe('NotFoundError');
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req_011CdufXo8Y2LVfY2veyuQWG');
    expect(error.message).toBe('anthropic returned 404: not_found_error: model: claude-sonet-4-5');
  });

  it('error-429-rate-limit: rate_limited, retryable (x-should-retry: true); json-schema → output_config.format', async () => {
    const exchange = fixture('error-429-rate-limit.json');
    server.enqueue(exchange.response);
    const recorded = recordedBody(exchange);
    const schema = ((recorded['output_config'] as JSONObject)['format'] as JSONObject)['schema'] as JSONObject;
    const error = await failureOf(
      tracked().chat({
        model: 'claude-sonnet-4-5',
        maxTokens: 1024,
        messages: [{ role: 'user', content: 'Extract order: 2 Green Tea at $5.50 and 1 Coffee at $3.00. Total $14.' }],
        responseFormat: { type: 'json-schema', name: 'OrderDetails', schema },
      }),
    );
    expect(server.lastRequest!.json).toEqual(recorded);
    expect(error.code).toBe('rate_limited');
    expect(error.name).toBe('RateLimitedError');
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.requestId).toBe('req_011CYK5mje9HkutJtmfPzzNC');
    expect(error.headers?.['x-should-retry']).toBe('true');
  });

  it('error-529-overloaded (SDK test body): provider_unavailable, retryable', async () => {
    server.enqueue(fixture('error-529-overloaded.sdk-test.json').response);
    const error = await failureOf(tracked().chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.code).toBe('provider_unavailable');
    expect(error.status).toBe(529);
    expect(error.retryable).toBe(true);
    expect(error.requestId).toBeUndefined();
    expect(error.message).toBe('anthropic returned 529: overloaded_error: Overloaded');
  });
});

describe('chat: error cases with no recording', () => {
  // Bodies follow https://docs.anthropic.com/en/api/errors (no capture of these exists; see
  // docs/provider-fixtures.md "missing"): {"type":"error","error":{"type","message"},"request_id"}.
  function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}) {
    return {
      status,
      headers: { 'content-type': 'application/json', 'request-id': `req_hand_${status}`, ...headers },
      body: JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_from_body' }),
    };
  }
  const hello: ChatRequest = { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] };

  it.each([
    [400, 'invalid_request_error', 'prompt is too long: 215000 tokens > 200000 maximum', 'context_length_exceeded', false],
    [
      400,
      'invalid_request_error',
      'input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again',
      'context_length_exceeded',
      false,
    ],
    [401, 'authentication_error', 'invalid x-api-key', 'authentication', false],
    [403, 'permission_error', 'Your API key does not have permission to use the specified resource.', 'permission_denied', false],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.', 'invalid_request', false],
    [500, 'api_error', 'Internal server error', 'provider_unavailable', true],
    [529, 'overloaded_error', 'Overloaded', 'provider_unavailable', true],
  ])('%i %s → %s', async (status, type, message, code, retryable) => {
    server.enqueue(anthropicError(status, type, message));
    const error = await failureOf(tracked().chat(hello));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    // The header wins over the body's request_id.
    expect(error.requestId).toBe(`req_hand_${status}`);
    expect(error.message).toBe(`anthropic returned ${status}: ${type}: ${message}`);
  });

  it('429 with retry-after: retryAfterMs', async () => {
    server.enqueue(
      anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
        'retry-after': '17',
      }),
    );
    const error = await failureOf(tracked().chat(hello));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(17_000);
    expect(error.retryable).toBe(true);
  });

  it('x-should-retry: false wins over a retryable status', async () => {
    server.enqueue(anthropicError(529, 'overloaded_error', 'Overloaded', { 'x-should-retry': 'false' }));
    const error = await failureOf(tracked().chat(hello));
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(false);
  });

  it('a non-JSON error body (proxy page) falls back to the status and shows the body', async () => {
    server.enqueue({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>Bad gateway</body></html>' });
    const error = await failureOf(tracked().chat(hello));
    expect(error.code).toBe('provider_unavailable');
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('anthropic returned 502: <html><body>Bad gateway</body></html>');
  });

  it('never puts the API key in an error message', async () => {
    server.enqueue(anthropicError(401, 'authentication_error', `invalid x-api-key: ${API_KEY}`));
    const error = await failureOf(tracked().chat(hello));
    expect(error.code).toBe('authentication');
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).toContain('[REDACTED]');
  });
});

describe('provider settings and call options', () => {
  const hello: ChatRequest = { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] };
  const ok = () => fixture('messages-text.json').response;

  it.each([`/`, `/v1`, `/v1/`])('baseURL ending in %s still posts to /v1/messages', async (suffix) => {
    server.enqueue(ok());
    await tracked({ baseURL: `${server.url}${suffix}` }).chat(hello);
    expect(server.lastRequest!.url).toBe('/v1/messages');
  });

  it('anthropicVersion, settings.headers and per-call headers are sent, later ones winning', async () => {
    server.enqueue(ok());
    await tracked({
      anthropicVersion: '2026-10-21',
      headers: { 'anthropic-beta': 'context-management-2025-06-27', 'x-team': 'settings' },
    }).chat(hello, { headers: { 'x-team': 'call', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    const headers = server.lastRequest!.headers;
    expect(headers['anthropic-version']).toBe('2026-10-21');
    expect(headers['anthropic-beta']).toBe('context-management-2025-06-27');
    expect(headers['x-team']).toBe('call');
    expect(headers['traceparent']).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(headers['x-api-key']).toBe(API_KEY);
  });

  it('name and defaultMaxTokens', async () => {
    server.enqueue(ok());
    const named = tracked({ name: 'claude-eu', defaultMaxTokens: 1234 });
    expect(named.name).toBe('claude-eu');
    expect(named.type).toBe('anthropic');
    const response = await named.chat(hello);
    expect(response.provider).toBe('claude-eu');
    expect((server.lastRequest!.json as JSONObject)['max_tokens']).toBe(1234);
  });

  it('unsupported settings come back as warnings', async () => {
    server.enqueue(ok());
    const response = await tracked().chat({ ...hello, seed: 7, responseFormat: { type: 'json' } });
    expect(response.warnings.map((warning) => warning.setting)).toEqual(['seed', 'responseFormat']);
    const body = server.lastRequest!.json as JSONObject;
    expect(body['seed']).toBeUndefined();
    expect(body['output_config']).toBeUndefined();
  });

  it('invalid tool-call arguments fail before any HTTP call, naming the part', async () => {
    const before = server.requests.length;
    const messages: Message[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_1', name: 'f', arguments: '{"a":' }] },
    ];
    const error = await failureOf(tracked().chat({ ...hello, messages }));
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe('messages[1].content[0].arguments');
    expect(error.message).toContain('messages[1].content[0]');
    expect(server.requests.length).toBe(before);
  });

  it('embed: Anthropic has no embeddings API, no HTTP call', async () => {
    const before = server.requests.length;
    const error = await failureOf(tracked().embed({ model: 'claude-haiku-4-5', input: 'text' }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('Anthropic has no embeddings API; route embeddings to another provider');
    expect(server.requests.length).toBe(before);
  });

  it('caller AbortSignal → CancelledError', async () => {
    server.enqueue({ ...ok(), delayMs: 2_000 });
    const abortsBefore = server.abortedRequests;
    const controller = new AbortController();
    const pending = tracked().chat(hello, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const error = await failureOf(pending);
    expect(error.code).toBe('cancelled');
    expect(error.name).toBe('CancelledError');
    // The upstream request is really gone, not just abandoned.
    await server.waitForAborts(abortsBefore + 1);
  });

  it('connection refused → ProviderUnavailableError, retryable', async () => {
    const closed = await MockProviderServer.start();
    const url = closed.url;
    await closed.close();
    const error = await failureOf(tracked({ baseURL: url }).chat(hello));
    expect(error.code).toBe('provider_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
  });
});
