/**
 * Bounds on what crosses the gateway, over real sockets with the real engine, adapters and
 * telemetry: model names (asked for, and echoed back by an upstream), JSON nesting, the size of an
 * upstream answer and the length of an SSE line. Each must end in a clear error or a bounded
 * answer, and leave /metrics and the request log working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../src/create-engine.js';
import type { LiterLLMConfigInput } from '../src/engine/config/liter-llm-config-input.js';
import type { ReloadableEngine } from '../src/engine/create-engine-core.js';
import { createMetricsEndpoint } from '../src/gateway/metrics-endpoint.js';
import { startGateway, type RunningGateway } from '../src/gateway/start-gateway.js';
import { createTelemetry, type Telemetry } from '../src/telemetry/create-telemetry.js';
import { echoOpenAIHandler } from '../src/testing/echo-openai-handler.js';
import { MockProviderServer, type MockHandler } from '../src/testing/mock-provider-server.js';

const HUGE_MODEL = 'm'.repeat(9_000_000);

/** A log destination that keeps each line (the request logger writes one line per call). */
class LineCollector {
  readonly lines: string[] = [];
  write(line: string): boolean {
    this.lines.push(line);
    return true;
  }
}

interface Setup {
  upstream: MockProviderServer;
  engine: ReloadableEngine;
  telemetry: Telemetry;
  gateway: RunningGateway;
  logs: LineCollector;
}

let setup: Setup | undefined;

afterEach(async () => {
  if (setup === undefined) return;
  await setup.gateway.close();
  await setup.engine.close();
  await setup.telemetry.shutdown();
  await setup.upstream.close();
  setup = undefined;
});

async function start(handler: MockHandler, provider: LiterLLMConfigInput['providers'] = {}): Promise<Setup> {
  const upstream = await MockProviderServer.start({ handler });
  const engine = createEngine({
    providers: { local: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, maxRetries: 0, ...provider['local'] } },
    routes: { chat: { targets: [{ provider: 'local', model: 'echo' }] } },
  });
  const logs = new LineCollector();
  const telemetry = await createTelemetry({ engine, logs: { destination: logs }, tracing: false });
  const gateway = await startGateway({
    engine,
    metrics: createMetricsEndpoint({ registry: telemetry.metrics!.registry }),
    host: '127.0.0.1',
    port: 0,
  });
  setup = { upstream, engine, telemetry, gateway, logs };
  return setup;
}

/** An upstream that answers like the echo server but names `served` as the model, whatever was asked. */
function servingModel(served: string): MockHandler {
  return (request) => echoOpenAIHandler({ ...request, json: { ...(request.json as object), model: served } });
}

function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function scrape(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/metrics`);
  return { status: response.status, text: await response.text() };
}

describe('model names', () => {
  it('refuses a 9 MB model name on every endpoint with a 400 naming model, before any upstream call', async () => {
    const { gateway, upstream } = await start(echoOpenAIHandler);
    const model = `local/${HUGE_MODEL}`;
    const messages = [{ role: 'user', content: 'hi' }];
    for (const [path, body] of [
      ['/v1/chat/completions', { model, messages }],
      ['/v1/chat/completions', { model, messages, stream: true }],
      ['/v1/embeddings', { model, input: 'a' }],
      ['/v1/messages', { model, messages, max_tokens: 5 }],
    ] as const) {
      const response = await post(gateway.url, path, body);
      const text = await response.text();
      expect(response.status, path).toBe(400);
      expect(text.length).toBeLessThan(1_000);
      const error = (JSON.parse(text) as { error: { type: string; message: string; param?: string } }).error;
      expect(error.message).toContain('at most 256 bytes');
      if (path !== '/v1/messages') expect(error.param).toBe('model');
    }
    expect(upstream.requests).toHaveLength(0);
    expect((await scrape(gateway.url)).status).toBe(200);
  });

  it('bounds a 9 MB model name the upstream echoes back: headers, body, /metrics and the request log stay small', async () => {
    const { gateway, logs } = await start(servingModel(HUGE_MODEL));
    for (const model of ['local/small', 'chat']) {
      const response = await post(gateway.url, '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-liter-llm-model')).toBe(model === 'chat' ? 'echo' : 'small');
      expect(((await response.json()) as { model: string }).model.length).toBeLessThan(300);
    }
    const embeddings = await post(gateway.url, '/v1/embeddings', { model: 'local/small', input: 'a' });
    expect(embeddings.status).toBe(200);
    expect(embeddings.headers.get('x-liter-llm-model')).toBe('small');
    const metrics = await scrape(gateway.url);
    expect(metrics.status).toBe(200);
    expect(metrics.text.length).toBeLessThan(200_000);
    const requestLines = logs.lines.filter((line) => line.includes('"msg":"request"'));
    expect(requestLines).toHaveLength(3);
    for (const line of requestLines) expect(line.length).toBeLessThan(4_000);
  });

  it('bounds a 1 MB model name echoed in a stream', async () => {
    const { gateway } = await start(servingModel('s'.repeat(1_000_000)));
    const response = await post(gateway.url, '/v1/chat/completions', {
      model: 'local/small',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-liter-llm-model')).toBe('small');
    expect(await response.text()).toContain('[DONE]');
    expect((await scrape(gateway.url)).status).toBe(200);
  });
});

/** `{"a":{"a":…1…}}` with `levels` objects, as JSON text (JSON.stringify itself overflows on such values). */
function deepJSON(levels: number, key = 'a'): string {
  return `${`{"${key}":`.repeat(levels)}1${'}'.repeat(levels)}`;
}

function rawPost(url: string, path: string, body: string): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

const TEN_THOUSAND = 10_000;

describe('JSON nesting', () => {
  it('refuses request bodies nested past 64 levels with a 400 naming the path, on every endpoint', async () => {
    const { gateway, upstream } = await start(echoOpenAIHandler);
    const deep = deepJSON(TEN_THOUSAND, 'properties');
    const cases: [string, string, RegExp][] = [
      [
        '/v1/chat/completions',
        `{"model":"local/m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]}`,
        /^tools\[0\]\.function\.parameters\.properties\.properties\./,
      ],
      [
        '/v1/messages',
        `{"model":"local/m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":${deep}}]}]}`,
        /^messages\[0\]\.content\[0\]\.input\.properties\./,
      ],
      ['/v1/embeddings', `{"model":"local/m","input":"a","extra":${deep}}`, /^extra\.properties\./],
    ];
    for (const [path, body, param] of cases) {
      const response = await rawPost(gateway.url, path, body);
      expect(response.status, path).toBe(400);
      const error = ((await response.json()) as { error: { message: string; param?: string } }).error;
      expect(error.message).toContain('nested deeper than 64 levels');
      expect(error.message).toMatch(param);
      if (path !== '/v1/messages') expect(error.param).toMatch(param);
    }
    expect(upstream.requests).toHaveLength(0);
  });

  it('answers an upstream JSON answer nested past the limit with a non-retryable 502, without retrying', async () => {
    const body =
      '{"id":"c","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,' +
      `"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":${deepJSON(TEN_THOUSAND)}}}]},"finish_reason":"tool_calls"}],` +
      '"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}';
    const { gateway, upstream } = await start(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body }), {
      local: { maxRetries: 2 },
    });
    const response = await post(gateway.url, '/v1/chat/completions', {
      model: 'local/m',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(502);
    const error = ((await response.json()) as { error: { message: string } }).error;
    expect(error.message).toContain('nested deeper than 64 levels');
    expect(error.message).toContain('choices[0].message.tool_calls[0].function.arguments');
    expect(upstream.requests).toHaveLength(1);
  });

  it('ends a stream whose event nests too deep to process with a non-retryable error, without retrying', async () => {
    const chunk =
      '{"id":"c","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t",' +
      `"type":"function","function":{"name":"f","arguments":${deepJSON(TEN_THOUSAND)}}}]},"finish_reason":null}]}`;
    const { gateway, upstream } = await start(
      () => ({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: `data: ${chunk}\n\ndata: [DONE]\n\n` }),
      { local: { maxRetries: 2 } },
    );
    const response = await post(gateway.url, '/v1/chat/completions', {
      model: 'local/m',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('nested too deeply');
    expect(upstream.requests).toHaveLength(1);
  });

  it('refuses a request the adapter cannot serialise as a caller error, without calling the upstream', async () => {
    const { engine, upstream } = await start(echoOpenAIHandler, { local: { maxRetries: 2 } });
    const error = await engine
      .chat({ model: 'local/m', messages: [{ role: 'user', content: 'hi' }], providerOptions: { openai: { big: 1n } as never } })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('upstream answer size', () => {
  it('answers a JSON answer over providers.NAME.max_response_bytes with a non-retryable 502 naming the key', async () => {
    const vector = `[${Array.from({ length: 3072 }, () => '0.0123456789').join(',')}]`;
    const data = Array.from({ length: 40 }, (_, index) => `{"object":"embedding","index":${index},"embedding":${vector}}`);
    const body = `{"object":"list","model":"m","data":[${data.join(',')}],"usage":{"prompt_tokens":1,"total_tokens":1}}`;
    const { gateway, upstream } = await start(
      () => ({ status: 200, headers: { 'content-type': 'application/json' }, body, chunkSize: 64 * 1024 }),
      {
        local: { maxResponseBytes: 256 * 1024, maxRetries: 2 },
      },
    );
    const input = Array.from({ length: 40 }, () => 'a');
    const response = await post(gateway.url, '/v1/embeddings', { model: 'local/m', input });
    expect(response.status).toBe(502);
    const error = ((await response.json()) as { error: { message: string; retryable: boolean } }).error;
    expect(error.message).toContain('more than 262144 bytes');
    expect(error.message).toContain('providers.local.max_response_bytes');
    expect(error.retryable).toBe(false);
    expect(upstream.requests).toHaveLength(1);
    // The same answer within the limit goes through.
    setup!.engine.reload({
      ...setup!.engine.config,
      providers: { local: { ...setup!.engine.config.providers['local']!, maxResponseBytes: body.length } },
    });
    expect((await post(gateway.url, '/v1/embeddings', { model: 'local/m', input })).status).toBe(200);
  });
});

describe('SSE line length', () => {
  it('answers a stream whose first line never ends with a non-retryable 502, and /healthz keeps answering meanwhile', async () => {
    const { gateway, upstream } = await start(
      () => ({
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: `data: ${'x'.repeat(30 * 1024 * 1024)}`,
        chunkSize: 64 * 1024,
        // Then never finish: only the gateway can end this call.
        hangAfterChunks: 480,
      }),
      {
        local: { maxRetries: 2 },
      },
    );
    const pending = post(gateway.url, '/v1/chat/completions', {
      model: 'local/m',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    const response = await pending;
    expect(response.status).toBe(502);
    const error = ((await response.json()) as { error: { message: string; retryable: boolean } }).error;
    expect(error.message).toContain('longer than 4194304 characters');
    expect(error.retryable).toBe(false);
    expect(upstream.requests).toHaveLength(1);
    // The gateway closed the upstream connection rather than reading the other 26 MB.
    await upstream.waitForAborts(1);
  });
});
