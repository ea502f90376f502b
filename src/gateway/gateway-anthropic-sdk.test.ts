/**
 * /v1/messages as Anthropic SDK users meet it: the official `@anthropic-ai/sdk` client over a real
 * socket, the real engine, and MockProviderServer upstreams replaying recorded provider traffic.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

function fixture(path: string): ScriptedResponse {
  return loadFixture(path).response;
}

let setup: SDKTestGateway;
let openaiUpstream: MockProviderServer;
let anthropicUpstream: MockProviderServer;
let gateway: RunningGateway;
let client: Anthropic;

beforeAll(async () => {
  setup = await startSDKTestGateway();
  ({ openaiUpstream, anthropicUpstream, gateway } = setup);
  // This SDK version sends the key as "Authorization: Bearer"; the x-api-key test below uses the other header.
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'gateway-key', maxRetries: 0 });
});

afterAll(() => setup.close());

afterEach(() => setup.clearRequests());

describe('/v1/messages through the Anthropic SDK', () => {
  it('answers from the recorded Anthropic response, passing the request through the canonical form', async () => {
    anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}messages-text.json`));
    const recorded = fixtureBody<Anthropic.Message>(`${ANTHROPIC_FIXTURES}messages-text.json`);
    // top_k is not in this SDK's types any more; as an unknown field it reaches Anthropic verbatim.
    const params = {
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 1024,
      system: 'Be brief.',
      messages: [{ role: 'user' as const, content: 'Hello' }],
      top_k: 5,
    };
    const { data, response } = await client.messages.create(params).withResponse();
    expect(data.id).toBe(recorded.id);
    expect(data.model).toBe(recorded.model);
    expect(data.content).toEqual(recorded.content.map((block) => ({ type: 'text', text: (block as Anthropic.TextBlock).text })));
    expect(data.stop_reason).toBe(recorded.stop_reason);
    expect(data.usage).toEqual({
      input_tokens: recorded.usage.input_tokens,
      output_tokens: recorded.usage.output_tokens,
      cache_creation_input_tokens: recorded.usage.cache_creation_input_tokens,
      cache_read_input_tokens: recorded.usage.cache_read_input_tokens,
    });
    expect(response.headers.get('x-liter-llm-provider')).toBe('anthropic');
    expect(anthropicUpstream.lastRequest?.json).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hello' }],
      top_k: 5,
    });
  });

  it('streams the recorded tool_use stream; the SDK assembles the tool input', async () => {
    anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}messages-stream-tool-use.sse`));
    const stream = client.messages.stream({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'What is the weather in SF?' }],
      tools: [
        {
          name: 'get_weather',
          description: 'Lookup the weather',
          input_schema: { type: 'object', properties: { location: { type: 'string' }, units: { type: 'string' } } },
        },
      ],
    });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: 'toolu_018acGYLtfR52q9yDbWaEdQZ',
        name: 'get_weather',
        input: { location: 'San Francisco, CA', units: 'f' },
      },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage.input_tokens).toBe(656);
    expect(message.usage.output_tokens).toBe(74);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events).toContain('content_block_delta');
  });

  it('serves an OpenAI model in the Anthropic format (recorded OpenAI response and tool-call stream)', async () => {
    openaiUpstream.enqueue(fixture(`${OPENAI_FIXTURES}openai-chat/chat-text.json`));
    const message = await client.messages.create({
      model: 'openai/gpt-3.5-turbo',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Complete this sentence with words, one plus one is equal ' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'gpt-3.5-turbo-0125',
      content: [{ type: 'text', text: 'to two.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 19, output_tokens: 4 },
    });
    expect(openaiUpstream.lastRequest?.json).toMatchObject({ model: 'gpt-3.5-turbo', max_completion_tokens: 100 });

    openaiUpstream.enqueue(fixture(`${OPENAI_FIXTURES}openai-chat/chat-stream-tool-call.sse`));
    const stream = client.messages.stream({
      model: 'openai/gpt-4o-2024-08-06',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'What is the weather in Edinburgh?' }],
      tools: [{ name: 'GetWeatherArgs', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    const final = await stream.finalMessage();
    const toolUse = final.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'GetWeatherArgs' });
    expect((toolUse as Anthropic.ToolUseBlock).input).toEqual(
      JSON.parse(recordedToolArguments(`${OPENAI_FIXTURES}openai-chat/chat-stream-tool-call.sse`)),
    );
    expect(final.stop_reason).toBe('tool_use');
  });

  it('accepts the gateway key as x-api-key too', async () => {
    anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}messages-text.json`));
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'gateway-key', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'anthropic/claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { type: string }).type).toBe('message');
  });
});

describe('the gateway is transparent for Anthropic traffic', () => {
  // The same recording through the SDK twice: straight from the mock upstream, and through the
  // gateway (Anthropic → canonical → Anthropic). What the SDK assembles must be the same.
  it.each(['messages-stream-thinking.sse', 'messages-stream-tool-use.sse', 'messages-stream-json-output.sse'])(
    'stream %s',
    async (name) => {
      const direct = new Anthropic({ baseURL: anthropicUpstream.url, apiKey: 'sk-ant-upstream', maxRetries: 0 });
      const params = { max_tokens: 2048, messages: [{ role: 'user' as const, content: 'Hi' }] };
      anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}${name}`));
      const expected = await direct.messages.stream({ ...params, model: 'claude-sonnet-4-5' }).finalMessage();
      anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}${name}`));
      const actual = await client.messages.stream({ ...params, model: 'anthropic/claude-sonnet-4-5' }).finalMessage();
      expect(actual.content).toEqual(expected.content.map(stripExtras));
      expect(actual.id).toBe(expected.id);
      expect(actual.model).toBe(expected.model);
      expect(actual.stop_reason).toBe(expected.stop_reason);
      expect(actual.stop_sequence).toBe(expected.stop_sequence);
      expect(actual.usage.input_tokens).toBe(expected.usage.input_tokens);
      expect(actual.usage.output_tokens).toBe(expected.usage.output_tokens);
    },
  );

  it('JSON messages-thinking.json', async () => {
    const direct = new Anthropic({ baseURL: anthropicUpstream.url, apiKey: 'sk-ant-upstream', maxRetries: 0 });
    const params = { max_tokens: 2048, messages: [{ role: 'user' as const, content: 'Hi' }] };
    anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}messages-thinking.json`));
    const expected = await direct.messages.create({ ...params, model: 'claude-sonnet-4-5' });
    anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}messages-thinking.json`));
    const actual = await client.messages.create({ ...params, model: 'anthropic/claude-sonnet-4-5' });
    expect(actual.content).toEqual(expected.content.map(stripExtras));
    expect({ ...actual, content: [] }).toMatchObject({
      id: expected.id,
      model: expected.model,
      stop_reason: expected.stop_reason,
      usage: { input_tokens: expected.usage.input_tokens, output_tokens: expected.usage.output_tokens },
    });
  });
});

describe('errors surface as the Anthropic SDK error classes', () => {
  it('RateLimitError from the recorded 429, AuthenticationError for a wrong gateway key', async () => {
    anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}error-429-rate-limit.json`));
    const limited = await client.messages
      .create({ model: 'anthropic-limited/claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', code: 'rate_limited' },
    });

    const wrong = new Anthropic({ baseURL: gateway.url, apiKey: 'wrong', maxRetries: 0 });
    const denied = await wrong.messages
      .create({ model: 'anthropic/claude', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('NotFoundError from the recorded 404, BadRequestError naming the field, 502 for an overloaded upstream', async () => {
    anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}error-404-not-found.json`));
    const missing = await client.messages
      .create({ model: 'anthropic/claude-nope', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);

    const invalid = await client.messages
      .create({
        model: 'anthropic/claude',
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'text' }] }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect((invalid as Error).message).toContain('messages[0].content[0].text is required');

    anthropicUpstream.enqueue(fixture(`${ANTHROPIC_FIXTURES}error-529-overloaded.sdk-test.json`));
    const overloaded = await client.messages
      .create({ model: 'anthropic/claude', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
  });

  it('an error in the middle of a stream reaches the SDK as an error event (SDK-authored overloaded stream)', async () => {
    // Recorded text stream cut short by the overloaded error event from the SDK's own tests.
    const text = fixture(`${ANTHROPIC_FIXTURES}messages-stream-text.chunks.jsonl`).body as string;
    const errorEvent = fixture(`${ANTHROPIC_FIXTURES}stream-error-overloaded.sdk-test.sse`).body as string;
    const cut = text
      .split(/(?<=\n\n)/)
      .filter(
        (frame) =>
          !frame.includes('"message_delta"') && !frame.includes('"message_stop"') && !frame.includes('content_block_stop'),
      );
    anthropicUpstream.enqueue({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: [...cut, errorEvent] });
    const stream = client.messages.stream({
      model: 'anthropic/claude',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as Error).message).toContain('overloaded_error');
  });
});

/** The tool-call arguments of a recorded OpenAI stream, joined from its deltas. */
function recordedToolArguments(path: string): string {
  let text = '';
  for (const line of (fixture(path).body as string).split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice(6)) as {
      choices?: { delta?: { tool_calls?: { function?: { arguments?: string } }[] } }[];
    };
    for (const call of chunk.choices?.[0]?.delta?.tool_calls ?? []) text += call.function?.arguments ?? '';
  }
  return text;
}

/** Block fields the canonical model does not carry (citations: null, tool_use caller) are not expected back. */
function stripExtras(block: Anthropic.ContentBlock): unknown {
  const { citations: _citations, caller: _caller, ...rest } = block as unknown as Record<string, unknown>;
  return rest;
}
