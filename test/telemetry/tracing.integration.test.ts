/**
 * Spans exported over real OTLP/HTTP to a receiver started here, from calls through a real engine
 * and the real adapters: names, parent/child links, GenAI attributes, retries and fallbacks as
 * separate children, and trace context from the caller through the engine to the upstream server.
 */
import { join } from 'node:path';
import { context as otelContext, propagation, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/create-engine.js';
import type { ReloadableEngine } from '../../src/engine/create-engine-core.js';
import { isLiterLLMError } from '../../src/spec/errors.js';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';
import { createTracing, type Tracing } from '../../src/telemetry/create-tracing.js';
import { type OTLPExport, setupOTLPExportFromEnv } from '../../src/telemetry/setup-otlp-export-from-env.js';
import { echoAnthropicHandler } from '../../src/testing/echo-anthropic-handler.js';
import { echoHuggingFaceHandler } from '../../src/testing/echo-huggingface-handler.js';
import { echoOpenAIHandler } from '../../src/testing/echo-openai-handler.js';
import { loadFixture } from '../../src/testing/load-fixture.js';
import { MockProviderServer } from '../../src/testing/mock-provider-server.js';
import { OTLPReceiver, type ReceivedSpan } from './otlp-receiver.js';

const FIXTURES = new URL('../../src/providers/openai/__fixtures__/openai-chat/', import.meta.url).pathname;
const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const CALLER = { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`, tracestate: 'vendor=opaque-value' };
const USER = [{ role: 'user' as const, content: 'Hello there' }];
// OpenAI records no 5xx in the fixtures; this body follows OpenAI's documented error shape.
const OVERLOADED = {
  status: 503,
  headers: { 'content-type': 'application/json' },
  body: '{"error":{"message":"overloaded","type":"server_error"}}',
};
const KIND_INTERNAL = 1;
const KIND_CLIENT = 3;
const STATUS_ERROR = 2;

let receiver: OTLPReceiver;
let otlp: OTLPExport;
let tracing: Tracing;
let upstream: MockProviderServer;
let anthropic: MockProviderServer;
let huggingface: MockProviderServer;
let engine: ReloadableEngine;

async function exported(): Promise<ReceivedSpan[]> {
  await otlp.forceFlush();
  return receiver.spans();
}

function only(spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(predicate);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function childrenOf(spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return spans
    .filter((span) => span.parentSpanId === parent.spanId)
    .sort((a, b) => Number(a.attributes['liter_llm.attempt']) - Number(b.attributes['liter_llm.attempt']));
}

beforeAll(async () => {
  receiver = await OTLPReceiver.start();
  const setup = await setupOTLPExportFromEnv(
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'liter-llm-test',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=abc%20def',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci',
    },
    { register: false },
  );
  otlp = setup!;
  tracing = createTracing({ tracerProvider: otlp.tracerProvider });
  upstream = await MockProviderServer.start({ handler: echoOpenAIHandler });
  anthropic = await MockProviderServer.start({ handler: echoAnthropicHandler });
  huggingface = await MockProviderServer.start({ handler: echoHuggingFaceHandler });
  engine = createEngine(
    {
      providers: {
        openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456', maxRetries: 1 },
        flaky: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, maxRetries: 0 },
        anthropic: { baseURL: anthropic.url, apiKey: 'sk-ant-test-key-1234' },
        huggingface: { baseURL: huggingface.url, apiKey: 'hf_test_key_123456' },
      },
      routes: { chat: { targets: [{ provider: 'flaky', model: 'm' }], fallbacks: ['anthropic/claude-haiku-4-5'] } },
    },
    { random: () => 0 },
  );
});

afterEach(() => {
  receiver.requests.length = 0;
  upstream.requests.length = 0;
  anthropic.requests.length = 0;
  huggingface.requests.length = 0;
});

afterAll(async () => {
  tracing.unsubscribe();
  await otlp.shutdown();
  await engine.close();
  await Promise.all([upstream.close(), anthropic.close(), huggingface.close(), receiver.close()]);
});

describe('createTracing over OTLP/HTTP JSON', () => {
  it('continues the caller trace: caller → liter_llm.request → attempt span → traceparent upstream', async () => {
    const response = await engine.chat(
      { model: 'openai/gpt-4o-mini', messages: USER, maxTokens: 50, temperature: 0.5 },
      { ...CALLER, requestId: 'req-trace-1' },
    );
    const spans = await exported();
    expect(spans).toHaveLength(2);
    const root = only(spans, (span) => span.name === 'liter_llm.request');
    expect(root.traceId).toBe(CALLER_TRACE_ID);
    expect(root.parentSpanId).toBe(CALLER_SPAN_ID);
    expect(root.kind).toBe(KIND_INTERNAL);
    const attempt = only(spans, (span) => span.name === 'chat gpt-4o-mini');
    expect(attempt.traceId).toBe(CALLER_TRACE_ID);
    expect(attempt.parentSpanId).toBe(root.spanId);
    expect(attempt.kind).toBe(KIND_CLIENT);

    const seen = upstream.requests[0]!.headers;
    expect(seen['traceparent']).toBe(`00-${CALLER_TRACE_ID}-${attempt.spanId}-01`);
    expect(seen['tracestate']).toBe('vendor=opaque-value');

    expect(root.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'openai/gpt-4o-mini',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.response.model': response.model,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': response.usage.inputTokens,
      'gen_ai.usage.output_tokens': response.usage.outputTokens,
      'liter_llm.request_id': 'req-trace-1',
      'liter_llm.provider': 'openai',
      'liter_llm.attempts': 1,
      'liter_llm.rate_limit_wait_ms': expect.any(Number),
    });
    expect(attempt.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.model': response.model,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': response.usage.inputTokens,
      'gen_ai.usage.output_tokens': response.usage.outputTokens,
      'liter_llm.provider': 'openai',
      'liter_llm.attempt': 1,
      'liter_llm.request_id': 'req-trace-1',
    });
    expect(root.status.code ?? 0).toBe(0);
    expect(root.resource).toMatchObject({ 'service.name': 'liter-llm-test', 'deployment.environment': 'ci' });
    expect(receiver.requests[0]!.path).toBe('/v1/traces');
    expect(receiver.requests[0]!.headers['x-collector-token']).toBe('abc def');
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/json');
    // Prompts and completions are not recorded unless the operator opts in.
    expect(receiver.requests.map((request) => request.body.toString()).join('')).not.toContain('Hello there');
  });

  it('every adapter sends the attempt span context upstream (OpenAI, Anthropic, Hugging Face; JSON, stream, embeddings)', async () => {
    const calls: [MockProviderServer, () => Promise<unknown>][] = [
      [upstream, () => engine.chat({ model: 'openai/gpt-4o-mini', messages: USER }, CALLER)],
      [anthropic, () => engine.chat({ model: 'anthropic/claude-haiku-4-5', messages: USER }, CALLER)],
      [huggingface, () => engine.chat({ model: 'huggingface/meta-llama/Llama-3.1-8B-Instruct', messages: USER }, CALLER)],
      [upstream, () => engine.embed({ model: 'openai/text-embedding-3-small', input: 'a' }, CALLER)],
      [huggingface, () => engine.embed({ model: 'huggingface/BAAI/bge-small-en-v1.5', input: 'a' }, CALLER)],
      [
        anthropic,
        async () => {
          for await (const event of engine.chatStream({ model: 'anthropic/claude-haiku-4-5', messages: USER }, CALLER))
            void event;
        },
      ],
    ];
    for (const [server, call] of calls) {
      receiver.requests.length = 0;
      server.requests.length = 0;
      await call();
      const attempt = only(await exported(), (span) => span.kind === KIND_CLIENT);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.headers['traceparent']).toBe(`00-${CALLER_TRACE_ID}-${attempt.spanId}-01`);
      expect(server.requests[0]!.headers['tracestate']).toBe('vendor=opaque-value');
    }
  });

  it('shows a retry as a second child, each attempt carrying its own span id upstream', async () => {
    upstream.enqueue(OVERLOADED);
    await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER }, CALLER);
    const spans = await exported();
    const root = only(spans, (span) => span.name === 'liter_llm.request');
    const [failed, served] = childrenOf(spans, root);
    expect(spans).toHaveLength(3);
    expect(failed!.name).toBe('chat gpt-4o-mini');
    expect(failed!.attributes).toMatchObject({
      'liter_llm.attempt': 1,
      'error.type': 'provider_unavailable',
      'http.response.status_code': 503,
    });
    expect(failed!.status).toMatchObject({ code: STATUS_ERROR, message: expect.stringContaining('overloaded') });
    expect(served!.attributes).toMatchObject({ 'liter_llm.attempt': 2 });
    expect(served!.attributes['error.type']).toBeUndefined();
    expect(upstream.requests.map((request) => request.headers['traceparent'])).toEqual([
      `00-${CALLER_TRACE_ID}-${failed!.spanId}-01`,
      `00-${CALLER_TRACE_ID}-${served!.spanId}-01`,
    ]);
    expect(root.attributes['liter_llm.attempts']).toBe(2);
    expect(root.status.code ?? 0).toBe(0);
    expect(root.events).toEqual([
      {
        name: 'liter_llm.retry',
        attributes: {
          'liter_llm.provider': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'liter_llm.retry_delay_ms': 0,
          'error.type': 'provider_unavailable',
        },
      },
    ]);
  });

  it('shows a fallback to another provider type as a sibling with its own provider name', async () => {
    upstream.enqueue(OVERLOADED);
    const response = await engine.chat({ model: 'chat', messages: USER });
    const spans = await exported();
    const root = only(spans, (span) => span.name === 'liter_llm.request');
    expect(root.parentSpanId).toBe('');
    const [first, second] = childrenOf(spans, root);
    expect(first!.name).toBe('chat m');
    expect(first!.attributes).toMatchObject({
      'gen_ai.provider.name': 'flaky',
      'liter_llm.provider': 'flaky',
      'liter_llm.route': 'chat',
    });
    expect(second!.name).toBe('chat claude-haiku-4-5');
    expect(second!.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': response.model,
      'liter_llm.attempt': 2,
    });
    expect(anthropic.requests[0]!.headers['traceparent']).toBe(`00-${root.traceId}-${second!.spanId}-01`);
    expect(root.attributes).toMatchObject({
      'liter_llm.route': 'chat',
      'gen_ai.request.model': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'liter_llm.provider': 'anthropic',
    });
  });

  it('records time to first token and the stream outcome; the attempt span lasts until the last event', async () => {
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    for await (const event of engine.chatStream({ model: 'openai/gpt-4o-mini', messages: USER })) {
      if (event.type === 'finish') usage = event.usage;
    }
    const spans = await exported();
    const root = only(spans, (span) => span.name === 'liter_llm.request');
    const attempt = only(spans, (span) => span.name === 'chat gpt-4o-mini');
    for (const span of [root, attempt]) {
      expect(span.attributes['liter_llm.time_to_first_token_ms']).toBeGreaterThan(0);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(usage!.outputTokens);
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    }
    expect(root.attributes['liter_llm.stream']).toBe(true);
  });

  it('marks a failed call: error.type and ERROR status on the root and the attempt', async () => {
    upstream.enqueue(loadFixture(join(FIXTURES, 'error-400-missing-model.json')).response);
    const failure = await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER }).catch((error: unknown) => error);
    expect(isLiterLLMError(failure) && failure.code).toBe('invalid_request');
    const spans = await exported();
    for (const span of spans) {
      expect(span.attributes['error.type']).toBe('invalid_request');
      expect(span.status.code).toBe(STATUS_ERROR);
    }
    expect(only(spans, (span) => span.kind === KIND_CLIENT).attributes['http.response.status_code']).toBe(400);
  });

  it('records prompts and completions only when asked to', async () => {
    tracing.unsubscribe();
    const recording = createTracing({ tracerProvider: otlp.tracerProvider, recordContent: true });
    try {
      await engine.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, ...USER] });
    } finally {
      recording.unsubscribe();
      tracing = createTracing({ tracerProvider: otlp.tracerProvider });
    }
    const root = only(await exported(), (span) => span.name === 'liter_llm.request');
    expect(JSON.parse(String(root.attributes['gen_ai.system_instructions']))).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(JSON.parse(String(root.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hello there' }] },
    ]);
    expect(JSON.parse(String(root.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Echo: Hello there' }], finish_reason: 'stop' },
    ]);
  });

  it('exports embeddings spans with input tokens only', async () => {
    const response = await engine.embed({ model: 'openai/text-embedding-3-small', input: 'a' });
    const attempt = only(await exported(), (span) => span.kind === KIND_CLIENT);
    expect(attempt.name).toBe('embeddings text-embedding-3-small');
    expect(attempt.attributes['gen_ai.operation.name']).toBe('embeddings');
    expect(attempt.attributes['gen_ai.usage.input_tokens']).toBe(response.usage.inputTokens);
    expect(attempt.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
  });
});

describe('OTLP export from the environment', () => {
  it('speaks http/protobuf by default', async () => {
    const protobufReceiver = await OTLPReceiver.start();
    const proto = (await setupOTLPExportFromEnv(
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${protobufReceiver.url}/custom/traces` },
      { register: false },
    ))!;
    const protoTracing = createTracing({ tracerProvider: proto.tracerProvider });
    try {
      await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER }, CALLER);
      await proto.forceFlush();
      const request = protobufReceiver.requests[0]!;
      expect(request.path).toBe('/custom/traces');
      expect(request.headers['content-type']).toBe('application/x-protobuf');
      // Protobuf carries ids as raw bytes and names as UTF-8.
      expect(request.body.includes(Buffer.from(CALLER_TRACE_ID, 'hex'))).toBe(true);
      expect(request.body.includes(Buffer.from('liter_llm.request'))).toBe(true);
      expect(request.body.includes(Buffer.from('chat gpt-4o-mini'))).toBe(true);
    } finally {
      protoTracing.unsubscribe();
      await proto.shutdown();
      await protobufReceiver.close();
      await otlp.forceFlush();
    }
  });

  it('createTelemetry registers the exporter globally from OTEL_* and flushes on shutdown', async () => {
    tracing.unsubscribe();
    const globalReceiver = await OTLPReceiver.start();
    const telemetry = await createTelemetry({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: globalReceiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      logs: false,
      metrics: false,
    });
    try {
      expect(telemetry.tracing).toBeDefined();
      // An application span active around the call becomes the parent (AsyncLocalStorage context).
      const app = trace.getTracer('app');
      await app.startActiveSpan('handle-request', async (span) => {
        await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER });
        span.end();
      });
      await telemetry.shutdown();
      const spans = globalReceiver.spans();
      const parent = only(spans, (span) => span.name === 'handle-request');
      const root = only(spans, (span) => span.name === 'liter_llm.request');
      expect(root.parentSpanId).toBe(parent.spanId);
      expect(root.resource['service.name']).toBe('liter-llm');
    } finally {
      trace.disable();
      otelContext.disable();
      propagation.disable();
      await globalReceiver.close();
      tracing = createTracing({ tracerProvider: otlp.tracerProvider });
    }
  });
});
