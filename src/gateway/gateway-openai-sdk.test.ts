/**
 * The gateway as OpenAI SDK users meet it: the official `openai` client over a real socket, the
 * real engine behind the gateway, and MockProviderServer upstreams replaying recorded provider
 * traffic (src/providers/<provider>/__fixtures__).
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import { loadFixture } from '../testing/load-fixture.js';
import type { MockProviderServer, ScriptedResponse } from '../testing/mock-provider-server.js';
import type { RunningGateway } from './start-gateway.js';
import {
  ANTHROPIC_FIXTURES,
  fixtureBody,
  OPENAI_FIXTURES,
  startSDKTestGateway,
  type SDKTestGateway,
} from './testing/start-sdk-test-gateway.js';

function openAIFixture(name: string): ScriptedResponse {
  return loadFixture(`${OPENAI_FIXTURES}${name}`).response;
}
function anthropicFixture(name: string): ScriptedResponse {
  return loadFixture(`${ANTHROPIC_FIXTURES}${name}`).response;
}

let setup: SDKTestGateway;
let openaiUpstream: MockProviderServer;
let anthropicUpstream: MockProviderServer;
let engine: ReloadableEngine;
let gateway: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  setup = await startSDKTestGateway();
  ({ openaiUpstream, anthropicUpstream, engine, gateway } = setup);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'gateway-key', maxRetries: 0 });
});

afterAll(() => setup.close());

afterEach(() => setup.clearRequests());

describe('chat completions through the OpenAI SDK', () => {
  it('answers a chat from the recorded OpenAI response and forwards the call upstream with the gateway key', async () => {
    openaiUpstream.enqueue(openAIFixture('openai-chat/chat-text.json'));
    const { data, response } = await client.chat.completions
      .create(
        {
          model: 'openai/gpt-3.5-turbo',
          messages: [{ role: 'user', content: 'Complete this sentence with words, one plus one is equal ' }],
        },
        { headers: { 'x-request-id': 'sdk-req-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
      )
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('to two.');
    expect(data.model).toBe('gpt-3.5-turbo-0125');
    expect(data.id).toBe('chatcmpl-B5Ybe7M1V7N9aqQtrjTGfSWGebrrb');
    expect(data.usage).toMatchObject({
      prompt_tokens: 19,
      completion_tokens: 4,
      total_tokens: 23,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    expect(response.headers.get('x-request-id')).toBe('sdk-req-1');
    expect(response.headers.get('x-liter-llm-provider')).toBe('openai');
    expect(response.headers.get('x-liter-llm-model')).toBe('gpt-3.5-turbo-0125');
    const upstream = openaiUpstream.lastRequest!;
    expect(upstream.url).toBe('/v1/chat/completions');
    expect(upstream.headers['authorization']).toBe('Bearer sk-upstream-openai');
    expect(upstream.headers['traceparent']).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(upstream.json).toEqual({
      model: 'gpt-3.5-turbo',
      messages: [{ role: 'user', content: 'Complete this sentence with words, one plus one is equal ' }],
    });
  });

  it('streams the recorded OpenAI stream chunk by chunk, with the usage chunk when asked', async () => {
    openaiUpstream.enqueue(openAIFixture('openai-chat/chat-stream-text.sse'));
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-2024-08-06',
      messages: [{ role: 'user', content: "What's the weather like in SF?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    const expected = expectedStreamText(`${OPENAI_FIXTURES}openai-chat/chat-stream-text.sse`);
    expect(text).toBe(expected.text);
    expect(finish).toBe('stop');
    expect(usage).toEqual({
      prompt_tokens: expected.usage.prompt_tokens,
      completion_tokens: expected.usage.completion_tokens,
      total_tokens: expected.usage.total_tokens,
      prompt_tokens_details: { cached_tokens: expected.usage.prompt_tokens_details?.cached_tokens ?? 0 },
      completion_tokens_details: { reasoning_tokens: expected.usage.completion_tokens_details?.reasoning_tokens },
    });
    expect(chunks).toBeGreaterThan(3);
    expect(openaiUpstream.lastRequest?.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams a recorded tool call that the SDK stream helper assembles', async () => {
    openaiUpstream.enqueue(openAIFixture('openai-chat/chat-stream-tool-call.sse'));
    const runner = client.chat.completions.stream({
      model: 'openai/gpt-4o-2024-08-06',
      messages: [{ role: 'user', content: 'What is the weather in Edinburgh?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'GetWeatherArgs', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
    });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.type === 'function' && call.function.name).toBe('GetWeatherArgs');
    const recorded = expectedToolCall(`${OPENAI_FIXTURES}openai-chat/chat-stream-tool-call.sse`);
    expect(call?.id).toBe(recorded.id);
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual(JSON.parse(recorded.arguments));
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(openaiUpstream.lastRequest?.json).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'GetWeatherArgs', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
    });
  });

  it('answers recorded parallel tool calls in one message', async () => {
    openaiUpstream.enqueue(openAIFixture('openai-chat/chat-tool-calls-parallel.json'));
    const recorded = fixtureBody<{
      choices: { message: { tool_calls: { id: string; function: { name: string; arguments: string } }[] } }[];
    }>(`${OPENAI_FIXTURES}openai-chat/chat-tool-calls-parallel.json`).choices[0]!.message.tool_calls;
    const completion = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Edinburgh and New York?' }],
    });
    expect(completion.choices[0]?.message.tool_calls).toEqual(
      recorded.map((call) => ({ id: call.id, type: 'function', function: call.function })),
    );
    expect(completion.choices[0]?.message.content).toBeNull();
  });

  it('serves an Anthropic model in the OpenAI format (recorded Anthropic response and stream)', async () => {
    anthropicUpstream.enqueue(anthropicFixture('messages-text.json'));
    const recorded = fixtureBody<{
      content: { text: string }[];
      model: string;
      usage: { input_tokens: number; output_tokens: number };
    }>(`${ANTHROPIC_FIXTURES}messages-text.json`);
    const { data, response } = await client.chat.completions
      .create({
        model: 'anthropic/claude-haiku-4-5',
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
        ],
        max_tokens: 100,
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(recorded.content.map((block) => block.text).join(''));
    expect(data.model).toBe(recorded.model);
    expect(response.headers.get('x-liter-llm-provider')).toBe('anthropic');
    expect(anthropicUpstream.lastRequest?.json).toMatchObject({
      model: 'claude-haiku-4-5',
      system: 'Be terse.',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(anthropicUpstream.lastRequest?.headers['x-api-key']).toBe('sk-ant-upstream');

    anthropicUpstream.enqueue(anthropicFixture('messages-stream-tool-use.sse'));
    const runner = client.chat.completions.stream({
      model: 'anthropic/claude-haiku-4-5',
      messages: [{ role: 'user', content: 'What is the weather in SF?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { location: { type: 'string' }, units: { type: 'string' } } },
          },
        },
      ],
    });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.id).toBe('toolu_018acGYLtfR52q9yDbWaEdQZ');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      location: 'San Francisco, CA',
      units: 'f',
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });
});

describe('the gateway is transparent for OpenAI traffic', () => {
  // The same recording through the SDK twice: straight from the mock upstream and through the
  // gateway (OpenAI → canonical → OpenAI). What the SDK assembles must match.
  function essentials(completion: OpenAI.ChatCompletion) {
    const choice = completion.choices[0]!;
    return {
      id: completion.id,
      model: completion.model,
      content: choice.message.content ?? '',
      refusal: choice.message.refusal ?? null,
      toolCalls: choice.message.tool_calls ?? [],
      finish: choice.finish_reason,
      usage: completion.usage && {
        prompt: completion.usage.prompt_tokens,
        completion: completion.usage.completion_tokens,
        total: completion.usage.total_tokens,
      },
    };
  }
  const params = { messages: [{ role: 'user' as const, content: 'Hi' }] };

  it.each([
    'openai-chat/chat-stream-text.sse',
    'openai-chat/chat-stream-tool-calls-parallel.sse',
    'openai-chat/chat-stream-refusal.sse',
    'openai-chat/chat-stream-finish-length.sse',
    'openai-chat/chat-stream-usage.sse',
  ])('stream %s', async (name) => {
    const direct = new OpenAI({ baseURL: `${openaiUpstream.url}/v1`, apiKey: 'sk-upstream-openai', maxRetries: 0 });
    openaiUpstream.enqueue(openAIFixture(name));
    const expected = await direct.chat.completions
      .stream({ ...params, model: 'gpt-4o', stream_options: { include_usage: true } })
      .finalChatCompletion();
    openaiUpstream.enqueue(openAIFixture(name));
    const actual = await client.chat.completions
      .stream({ ...params, model: 'openai/gpt-4o', stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(essentials(actual)).toEqual(essentials(expected));
  });

  it.each([
    'openai-chat/chat-text.json',
    'openai-chat/chat-tool-calls-parallel.json',
    'openai-chat/chat-refusal.json',
    'openai-chat/chat-finish-length.json',
  ])('JSON %s', async (name) => {
    const direct = new OpenAI({ baseURL: `${openaiUpstream.url}/v1`, apiKey: 'sk-upstream-openai', maxRetries: 0 });
    openaiUpstream.enqueue(openAIFixture(name));
    const expected = await direct.chat.completions.create({ ...params, model: 'gpt-4o' });
    openaiUpstream.enqueue(openAIFixture(name));
    const actual = await client.chat.completions.create({ ...params, model: 'openai/gpt-4o' });
    expect(essentials(actual)).toEqual(essentials(expected));
  });
});

describe('embeddings through the OpenAI SDK', () => {
  it('returns floats when asked for encoding_format float', async () => {
    openaiUpstream.enqueue(openAIFixture('openai-embeddings/embeddings-float.json'));
    const recorded = fixtureBody<{ data: { embedding: number[] }[] }>(
      `${OPENAI_FIXTURES}openai-embeddings/embeddings-float.json`,
    );
    const result = await client.embeddings.create({
      model: 'openai/text-embedding-3-large',
      input: 'h',
      dimensions: 256,
      encoding_format: 'float',
    });
    expect(result.data[0]?.embedding).toEqual(recorded.data[0]!.embedding);
    expect(result.model).toBe('text-embedding-3-large');
    expect(openaiUpstream.lastRequest?.json).toMatchObject({ model: 'text-embedding-3-large', input: 'h', dimensions: 256 });
  });

  it("returns base64 float32 (the SDK's default) that the SDK decodes to the recorded vector", async () => {
    openaiUpstream.enqueue(openAIFixture('openai-embeddings/embeddings-base64.json'));
    const recorded = fixtureBody<{ data: { embedding: string }[] }>(`${OPENAI_FIXTURES}openai-embeddings/embeddings-base64.json`);
    const bytes = Buffer.from(recorded.data[0]!.embedding, 'base64');
    const expected = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    const raw = await client.embeddings
      .create({ model: 'openai/text-embedding-3-large', input: 'h', encoding_format: 'base64' })
      .withResponse();
    // Asked explicitly for base64, the SDK hands back the string: byte-for-byte what OpenAI sent.
    expect(raw.data.data[0]?.embedding).toBe(recorded.data[0]!.embedding);
    openaiUpstream.enqueue(openAIFixture('openai-embeddings/embeddings-base64.json'));
    const decoded = await client.embeddings.create({ model: 'openai/text-embedding-3-large', input: 'h' });
    expect(decoded.data[0]?.embedding).toEqual(expected);
  });
});

describe('errors surface as the SDK error classes', () => {
  it('RateLimitError with Retry-After from an upstream 429 (recorded Anthropic 429)', async () => {
    // The recording has no retry-after header; Anthropic documents one on every 429
    // (docs.anthropic.com/en/api/rate-limits), so it is added here.
    const recorded = anthropicFixture('error-429-rate-limit.json');
    anthropicUpstream.enqueue({ ...recorded, headers: { ...recorded.headers, 'retry-after': '7' } });
    const error = await client.chat.completions
      .create({ model: 'anthropic-limited/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimited.status).toBe(429);
    expect(rateLimited.headers.get('retry-after')).toBe('7');
    expect(rateLimited.code).toBe('rate_limited');
    expect(rateLimited.error).toMatchObject({
      provider: 'anthropic-limited',
      upstream_status: 429,
      retry_after_ms: 7000,
      provider_request_id: 'req_011CYK5mje9HkutJtmfPzzNC',
    });
  });

  it("AuthenticationError when the caller's gateway key is wrong; the upstream is never called", async () => {
    const wrong = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'not-the-key', maxRetries: 0 });
    const error = await wrong.chat.completions
      .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
    expect(openaiUpstream.requests).toHaveLength(0);
  });

  it("502 (InternalServerError) when the provider rejects the gateway's own key", async () => {
    // No 401 was recorded; this is the body OpenAI documents for a bad key
    // (platform.openai.com/docs/guides/error-codes, "401 - Invalid Authentication").
    openaiUpstream.enqueue({
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        error: {
          message: 'Incorrect API key provided: sk-upstr***enai.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    });
    const error = await client.chat.completions
      .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.code).toBe('authentication');
    expect(apiError.message).toContain("the provider rejected the gateway's own credentials");
  });

  it('BadRequestError naming the field, from the gateway and from the upstream (recorded 400)', async () => {
    const local = await client.chat.completions
      .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }], n: 2 })
      .catch((caught: unknown) => caught);
    expect(local).toBeInstanceOf(OpenAI.BadRequestError);
    expect((local as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');

    openaiUpstream.enqueue(openAIFixture('openai-chat/error-400-unsupported-value.json'));
    const upstream = await client.chat.completions
      .create({
        model: 'openai/o1-mini',
        messages: [
          { role: 'system', content: 'x' },
          { role: 'user', content: 'Hi' },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(upstream).toBeInstanceOf(OpenAI.BadRequestError);
    const recorded = fixtureBody<{ error: { param: string; message: string } }>(
      `${OPENAI_FIXTURES}openai-chat/error-400-unsupported-value.json`,
    );
    expect((upstream as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(recorded.error.param);
    expect((upstream as Error).message).toContain(recorded.error.message);
  });

  it('NotFoundError for a model the provider does not have (recorded 404) and for one the gateway does not know', async () => {
    openaiUpstream.enqueue(openAIFixture('openai-chat/error-404-model-not-found.json'));
    const upstream = await client.chat.completions
      .create({ model: 'openai/gpt-5.2-proo', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(upstream).toBeInstanceOf(OpenAI.NotFoundError);
    const unknown = await client.chat.completions
      .create({ model: 'nosuchprovider/model', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('APIError 502 when the provider fails (529 overloaded, SDK-authored body), also for a stream that never started', async () => {
    anthropicUpstream.enqueue(anthropicFixture('error-529-overloaded.sdk-test.json'));
    const error = await client.chat.completions
      .create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('provider_unavailable');

    anthropicUpstream.enqueue(anthropicFixture('error-529-overloaded.sdk-test.json'));
    const streamError = await client.chat.completions
      .create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5, stream: true })
      .catch((caught: unknown) => caught);
    expect(streamError).toBeInstanceOf(OpenAI.InternalServerError);
    expect((streamError as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });
});

describe('client disconnect', () => {
  it('aborting a stream mid-way aborts the upstream call and frees the permit', async () => {
    const recorded = openAIFixture('openai-chat/chat-stream-text.sse');
    const events = (recorded.body as string).split(/(?<=\n\n)/);
    openaiUpstream.enqueue({ ...recorded, body: events, hangAfterChunks: 3 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { signal: controller.signal },
    );
    const seen: string[] = [];
    const consumed = (async () => {
      for await (const chunk of stream) {
        seen.push(chunk.choices[0]?.delta.content ?? '');
        if (seen.length === 2) controller.abort();
      }
    })().catch((caught: unknown) => caught);
    // The SDK ends the iteration quietly on its own abort.
    expect(await consumed).toBeUndefined();
    // At most the three upstream events before the hang can have reached the client.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(3);
    await openaiUpstream.waitForAborts(1, 3_000);
    await waitFor(() => engine.stats().every((provider) => provider.inFlight === 0));
    expect(engine.stats().find((provider) => provider.name === 'openai')?.inFlight).toBe(0);
    await waitFor(() => gateway.handler.inFlight === 0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface RecordedChunk {
  choices?: { delta?: { content?: string | null; tool_calls?: { id?: string; function?: { arguments?: string } }[] } }[];
  usage?: OpenAI.CompletionUsage | null;
}

function recordedChunks(path: string): RecordedChunk[] {
  return (loadFixture(path).response.body as string)
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)) as RecordedChunk);
}

function expectedStreamText(path: string): { text: string; usage: OpenAI.CompletionUsage } {
  const chunks = recordedChunks(path);
  const text = chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');
  const usage = chunks.find((chunk) => chunk.usage)?.usage;
  if (!usage) throw new Error('the fixture has no usage chunk');
  return { text, usage };
}

function expectedToolCall(path: string): { id: string; arguments: string } {
  let id = '';
  let args = '';
  for (const chunk of recordedChunks(path)) {
    for (const call of chunk.choices?.[0]?.delta?.tool_calls ?? []) {
      if (call.id) id = call.id;
      args += call.function?.arguments ?? '';
    }
  }
  return { id, arguments: args };
}
