import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../providers/anthropic/create-anthropic-provider.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { echoAnthropicHandler } from './echo-anthropic-handler.js';
import { MockProviderServer } from './mock-provider-server.js';

let server: MockProviderServer;
let client: Anthropic;
beforeAll(async () => {
  server = await MockProviderServer.start({ handler: echoAnthropicHandler });
  client = new Anthropic({ apiKey: 'sk-ant-echo-test-key', baseURL: server.url, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});

describe('echoAnthropicHandler with the official @anthropic-ai/sdk', () => {
  it('messages.create gets a complete Message echoing the last user text', async () => {
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'text', text: 'hello there' }] },
      ],
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe('claude-haiku-4-5');
    expect(message.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: hello there' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBe(Math.ceil('Echo: hello there'.length / 4));
    // This SDK version authenticates with a bearer token; the handler accepts it.
    const sent = server.lastRequest!;
    expect(sent.headers['authorization']).toBe('Bearer sk-ant-echo-test-key');
    expect(sent.headers['anthropic-version']).toBeDefined();
  });

  it('messages.stream parses the SSE events into text events and the same final message', async () => {
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'stream these four words' }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe('Echo: stream these four words');
    expect(deltas.length).toBeGreaterThan(1);
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Echo: stream these four words' });
    expect(final.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(Math.ceil('Echo: stream these four words'.length / 4));
    expect((server.lastRequest!.json as { stream?: boolean }).stream).toBe(true);
  });

  it('a request without max_tokens gets the API 400 invalid_request_error shape', async () => {
    const error = await client.messages
      .create({
        model: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: 'hi' }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
    expect(apiError.requestID).toMatch(/^req_011C/);
  });

  it.each([
    [{ max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, 'model: Field required'],
    [{ model: 'claude-haiku-4-5', max_tokens: 10 }, 'messages: Field required'],
  ])('missing fields are named: %o', async (body, message) => {
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-echo-test-key', 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message } });
  });

  it('no credentials → 401 authentication_error; unknown path → 404', async () => {
    const body = JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    const unauthenticated = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: { type: 'authentication_error' } });
    const elsewhere = await fetch(`${server.url}/v1/complete`, { method: 'POST', headers: { 'x-api-key': 'k' }, body });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ error: { type: 'not_found_error' } });
  });
});

describe('echoAnthropicHandler with the Liter-LLM anthropic adapter (x-api-key)', () => {
  it('chat and chatStream round-trip', async () => {
    const anthropic = createAnthropicProvider({ baseURL: server.url, apiKey: 'sk-ant-echo-test-key' });
    try {
      const response = await anthropic.chat({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'ping' }] });
      expect(server.lastRequest!.headers['x-api-key']).toBe('sk-ant-echo-test-key');
      expect(response.text).toBe('Echo: ping');
      expect(response.finishReason).toBe('stop');
      expect(response.requestId).toMatch(/^req_011C/);

      const events: StreamEvent[] = [];
      for await (const event of await anthropic.chatStream({
        model: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: 'stream me please' }],
      })) {
        events.push(event);
      }
      expect(events[0]).toMatchObject({ type: 'start', model: 'claude-haiku-4-5' });
      expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('')).toBe(
        'Echo: stream me please',
      );
      expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    } finally {
      await anthropic.close();
    }
  });
});
