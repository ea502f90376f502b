/**
 * Trace context end to end through the gateway: a caller (the official openai SDK) sends a W3C
 * traceparent to `liter-llm serve`'s handler, the engine's spans continue that trace, and the
 * provider server receives the attempt span's context. Spans go over real OTLP/HTTP.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/create-engine.js';
import type { ReloadableEngine } from '../../src/engine/create-engine-core.js';
import { type RunningGateway, startGateway } from '../../src/gateway/start-gateway.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/create-telemetry.js';
import { echoOpenAIHandler } from '../../src/testing/echo-openai-handler.js';
import { MockProviderServer } from '../../src/testing/mock-provider-server.js';
import { OTLPReceiver } from './otlp-receiver.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';

let upstream: MockProviderServer;
let receiver: OTLPReceiver;
let engine: ReloadableEngine;
let telemetry: Telemetry;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = await MockProviderServer.start({ handler: echoOpenAIHandler });
  receiver = await OTLPReceiver.start();
  engine = createEngine({ providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456' } } });
  telemetry = await createTelemetry({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    logs: false,
    otlp: { register: false },
    engine,
  });
  gateway = await startGateway({ engine, port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await gateway.close();
  await telemetry.shutdown();
  await engine.close();
  await Promise.all([upstream.close(), receiver.close()]);
});

describe('trace context through the gateway', () => {
  it('continues the caller trace from the HTTP request to the provider server', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const completion = await client.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] },
      { headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, tracestate: 'caller=1', 'x-request-id': 'gw-trace-1' } },
    );
    expect(completion.choices[0]!.message.content).toBe('Echo: Hello there');
    await telemetry.otlp!.forceFlush();
    const spans = receiver.spans();
    const root = spans.find((span) => span.name === 'liter_llm.request')!;
    const attempt = spans.find((span) => span.name === 'chat gpt-4o-mini')!;
    expect(root.traceId).toBe(TRACE_ID);
    expect(root.parentSpanId).toBe(CALLER_SPAN_ID);
    expect(root.attributes['liter_llm.request_id']).toBe('gw-trace-1');
    expect(attempt.parentSpanId).toBe(root.spanId);
    expect(upstream.lastRequest!.headers['traceparent']).toBe(`00-${TRACE_ID}-${attempt.spanId}-01`);
    expect(upstream.lastRequest!.headers['tracestate']).toBe('caller=1');
  });
});
