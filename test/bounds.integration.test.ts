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
