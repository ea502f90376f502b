/**
 * A stream that fails between "the engine's stream opened" and "the stream was handed to the
 * writer" must still give its permit and its upstream request back. The real engine in front of an
 * echo upstream with max_concurrency 1: if one such failure leaked its permit, the next call would
 * answer 429 (max_queue_wait_ms 0) and the provider's in-flight count would stay at 1.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../create-engine.js';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import type { ChatStream } from '../engine/engine.js';
import { echoOpenAIHandler } from '../testing/echo-openai-handler.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { createGatewayHandler } from './create-gateway-handler.js';
import { GatewayContext } from './gateway-context.js';
import { createMemoryRequest, createMemoryResponse, injectRequest } from './inject-request.js';
import { serveChat, type ChatWireFormat } from './serve-chat.js';
import { startGateway, type RunningGateway } from './start-gateway.js';
import { createOpenAIStreamEncoder } from './create-openai-stream-encoder.js';
import { convertToOpenAIChatCompletion } from './convert-to-openai-chat-completion.js';

let upstream: MockProviderServer;
let engine: ReloadableEngine;
let running: RunningGateway | undefined;

beforeAll(async () => {
  upstream = await MockProviderServer.start({ handler: echoOpenAIHandler });
});

// One engine per test, so one test's leak cannot fail the next.
beforeEach(() => {
  engine = createEngine({
    providers: {
      echo: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, maxConcurrency: 1, maxQueueWaitMs: 0, maxRetries: 0 },
    },
  });
});

afterEach(async () => {
  await running?.close();
  running = undefined;
  await engine.close();
});

afterAll(() => upstream.close());

const LONE_SURROGATE_MODEL = 'echo/m\ud800';

function chatBody(model: string, stream = true): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: 'Hi' }], stream };
}

function messagesBody(model: string): Record<string, unknown> {
  return { model, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }], stream: true };
}

function inFlight(): number {
  return engine.stats().find((provider) => provider.name === 'echo')?.inFlight ?? -1;
}

/** The engine's streams are released asynchronously (return() runs the engine's finally blocks). */
async function expectPermitBack(): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (inFlight() !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(inFlight()).toBe(0);
  // max_concurrency 1 and no queue wait: this call gets a permit only if the failed one gave its back.
  const next = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', { body: chatBody('echo/next', false) });
  expect(next.status).toBe(200);
}

/** A context over a memory response, as the gateway handler builds one. */
function createContext(response = createMemoryResponse()): GatewayContext {
  return new GatewayContext(engine, createMemoryRequest('/v1/chat/completions', { body: {} }), response, 'req-serve-chat', 1024);
}

const OPENAI_FORMAT: ChatWireFormat = {
  toJSON: convertToOpenAIChatCompletion,
  createStreamEncoder: (start, requestedModel) =>
    createOpenAIStreamEncoder({ start, requestedModel, fallbackId: 'req', includeUsage: false }),
};

describe('serveChat releases an opened stream on every failure before the writer has it', () => {
  it('a model name with a lone surrogate, echoed by the upstream, streams on /v1/chat/completions (real sockets)', async () => {
    running = await startGateway({ engine, host: '127.0.0.1', port: 0 });
    for (let call = 0; call < 3; call++) {
      const response = await fetch(`${running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chatBody(LONE_SURROGATE_MODEL)),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-liter-llm-model')).toBe('m%EF%BF%BD');
      expect(await response.text()).toContain('data: [DONE]');
    }
    await expectPermitBack();
  });

  it('the same on /v1/messages', async () => {
    running = await startGateway({ engine, host: '127.0.0.1', port: 0 });
    for (let call = 0; call < 3; call++) {
      const response = await fetch(`${running.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(messagesBody(LONE_SURROGATE_MODEL)),
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('event: message_stop');
    }
    await expectPermitBack();
  });

  it('the wire format failing to create its encoder: a 500 with an error body, the stream returned', async () => {
    const context = createContext();
    const failing: ChatWireFormat = {
      ...OPENAI_FORMAT,
      createStreamEncoder: () => {
        throw new Error('encoder construction failed');
      },
    };
    await expect(
      serveChat(context, { model: 'echo/a', messages: [{ role: 'user', content: 'Hi' }] }, true, failing),
    ).rejects.toThrow('encoder construction failed');
    // Nothing was written yet, so the handler can still answer with a status of its own.
    expect(context.response.headersSent).toBe(false);
    await expectPermitBack();
  });

  it('writeHead throwing: the handler still answers, and the stream is returned', async () => {
    const response = createMemoryResponse();
    const writeHead = response.writeHead.bind(response);
    let failures = 1;
    response.writeHead = (status, headers) => {
      if (failures-- > 0) throw new Error('writeHead failed');
      return writeHead(status, headers);
    };
    await createGatewayHandler(engine, { log: () => undefined }).handle(
      createMemoryRequest('/v1/chat/completions', { body: chatBody('echo/a') }),
      response,
    );
    expect(response.result().status).toBe(500);
    await expectPermitBack();
  });

  it('writeHead always throwing: the handler resolves, closes the connection, and the stream is returned', async () => {
    const response = createMemoryResponse();
    response.writeHead = () => {
      throw new Error('writeHead failed');
    };
    const logged: string[] = [];
    const handled = createGatewayHandler(engine, { log: (line) => logged.push(line) }).handle(
      createMemoryRequest('/v1/chat/completions', { body: chatBody('echo/a') }),
      response,
    );
    await expect(handled).resolves.toBeUndefined();
    // Closed without a byte written; both failures (the stream's and the error's) are logged.
    expect(response.chunks).toEqual([]);
    expect(response.headersSent).toBe(false);
    expect(logged.filter((line) => line.includes('writeHead failed'))).toHaveLength(2);
    await expectPermitBack();
  });

  it('the encoder throwing on an event mid-stream: the stream is returned', async () => {
    const response = createMemoryResponse();
    const context = createContext(response);
    const failing: ChatWireFormat = {
      ...OPENAI_FORMAT,
      createStreamEncoder: (start, requestedModel) => {
        const encoder = createOpenAIStreamEncoder({ start, requestedModel, fallbackId: 'req', includeUsage: false });
        let events = 0;
        return {
          ...encoder,
          encode: (event) => {
            if (events++ === 1) throw new Error('encode failed');
            return encoder.encode(event);
          },
        };
      },
    };
    await serveChat(context, { model: 'echo/a', messages: [{ role: 'user', content: 'Hi' }] }, true, failing);
    expect(response.writableEnded).toBe(true);
    await expectPermitBack();
  });

  it('the client disconnecting as the first event arrives: no hang, the stream is returned', async () => {
    const response = createMemoryResponse();
    // The engine's first event arrives just after the client went away.
    const racing: ReloadableEngine = Object.create(engine) as ReloadableEngine;
    racing.chatStream = (request, options): ChatStream => {
      const stream = engine.chatStream(request, options);
      return {
        requestId: stream.requestId,
        get attempts() {
          return stream.attempts;
        },
        [Symbol.asyncIterator]() {
          const iterator = stream[Symbol.asyncIterator]();
          return {
            next: async () => {
              const result = await iterator.next();
              response.disconnect();
              return result;
            },
            return: (value?: unknown) => iterator.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }),
          };
        },
      };
    };
    const handled = createGatewayHandler(racing).handle(
      createMemoryRequest('/v1/chat/completions', { body: chatBody('echo/a') }),
      response,
    );
    const outcome = await Promise.race([
      handled.then(() => 'done'),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 1_000)),
    ]);
    expect(outcome).toBe('done');
    await expectPermitBack();
  });
});
