import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createFailingHandler, type FailureOptions } from './create-failing-handler.js';
import { anthropicFailureFormat, echoAnthropicHandler } from './echo-anthropic-handler.js';
import { echoOpenAIHandler, openAIFailureFormat } from './echo-openai-handler.js';
import { MockProviderServer, type RecordedRequest } from './mock-provider-server.js';

const servers: MockProviderServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Parameters<typeof MockProviderServer.start>[0]): Promise<MockProviderServer> {
  const server = await MockProviderServer.start(handler);
  servers.push(server);
  return server;
}

function chatRequest(body: Record<string, unknown> = {}): RecordedRequest {
  const json = { model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body };
  return { method: 'POST', url: '/v1/chat/completions', headers: {}, body: JSON.stringify(json), json, receivedAt: 0 };
}

describe('createFailingHandler', () => {
  it('fails ceil(n * rate) of n calls, the first call first', async () => {
    // Rates as a user writes them (--fail-rate 0.3): up to six decimals.
    const rates = fc.integer({ min: 0, max: 1_000_000 }).map((millionths) => millionths / 1_000_000);
    await fc.assert(
      fc.asyncProperty(rates, fc.integer({ min: 1, max: 60 }), async (failRate, calls) => {
        const handler = createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate });
        const statuses: number[] = [];
        for (let call = 0; call < calls; call++) statuses.push((await handler(chatRequest())).status ?? 200);
        const failed = statuses.filter((status) => status === 500).length;
        expect(Math.abs(failed - calls * failRate)).toBeLessThan(1);
        if (failRate > 0) expect(statuses[0]).toBe(500);
      }),
      { numRuns: 200 },
    );
  });

  it('answers requests the echo rejects as the echo does, without counting them as calls', async () => {
    const handler = createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate: 0.5, status: 503 });
    const malformed: RecordedRequest = { ...chatRequest(), json: { messages: [] } };
    expect((await handler(malformed)).status).toBe(400);
    expect((await handler(chatRequest())).status).toBe(503);
    expect((await handler(chatRequest())).status).toBe(200);
  });

  it("is read by the official openai SDK as OpenAI's own rate-limit error", async () => {
    const options: FailureOptions = { failRate: 1, status: 429, retryAfterSeconds: 3 };
    const server = await serve({ handler: createFailingHandler(echoOpenAIHandler, openAIFailureFormat, options) });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-echo', maxRetries: 0 });
    const failure = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    expect(failure).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect((failure as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('3');
  });

  it("is read by the official Anthropic SDK as Anthropic's own error, in a body and mid-stream", async () => {
    const server = await serve({
      handler: createFailingHandler(echoAnthropicHandler, anthropicFailureFormat, {
        failRate: 0.5,
        status: 529,
        failMidStream: 'error',
      }),
    });
    const client = new Anthropic({ baseURL: server.url, apiKey: 'sk-ant-echo', maxRetries: 0 });
    const params = {
      model: 'claude-haiku-5-5',
      max_tokens: 32,
      messages: [{ role: 'user' as const, content: 'one two three four' }],
    };
    const failure = await client.messages.create(params).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(failure).toMatchObject({ status: 529, error: { type: 'error', error: { type: 'overloaded_error' } } });
    // Call 2 succeeds; call 3 is a stream that breaks after its first events.
    expect((await client.messages.create(params)).content[0]).toMatchObject({ type: 'text', text: 'Echo: one two three four' });
    const texts: string[] = [];
    const broken = async () => {
      for await (const event of await client.messages.create({ ...params, stream: true })) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') texts.push(event.delta.text);
      }
    };
    await expect(broken()).rejects.toThrow(/overloaded_error|injected stream error/);
    expect(texts.join('')).not.toBe('Echo: one two three four');
  });
});
