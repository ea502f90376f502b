/**
 * The JSON log lines (schema) and the redaction scan: calls made with a known provider key and a
 * caller's bearer token, upstream errors that quote them back, and gateway events that log
 * headers and config; then everything the logger printed, the OTLP receiver got and /metrics
 * served is searched for the secrets.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/create-engine.js';
import type { ReloadableEngine } from '../../src/engine/create-engine-core.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/create-telemetry.js';
import { echoOpenAIHandler } from '../../src/testing/echo-openai-handler.js';
import { MockProviderServer } from '../../src/testing/mock-provider-server.js';
import { OTLPReceiver } from './otlp-receiver.js';

const PROVIDER_KEY = 'sk-telemetry-secret-0123456789abcdef';
const CALLER_TOKEN = 'caller-token-9f8e7d6c5b4a39281706';
const GATEWAY_KEY = 'llk-gateway-key-5566778899';
const USER = [{ role: 'user' as const, content: 'Hello there' }];

// OpenAI documents 401 `invalid_api_key` bodies that name the key; these bodies quote the secrets
// back in full, the worst case, to prove no layer passes them on.
function quotingError(status: number, message: string) {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req_quote' },
    body: JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }),
  };
}

class LineCollector extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    callback();
  }
}

let upstream: MockProviderServer;
let receiver: OTLPReceiver;
let engine: ReloadableEngine;
let telemetry: Telemetry;
const output = new LineCollector();
let lines: Record<string, unknown>[];

beforeAll(async () => {
  upstream = await MockProviderServer.start({ handler: echoOpenAIHandler });
  receiver = await OTLPReceiver.start();
  engine = createEngine(
    {
      providers: {
        openai: { baseURL: `${upstream.url}/v1`, apiKey: PROVIDER_KEY, maxRetries: 1 },
        limited: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, rateLimitPerMinute: 1, maxQueueWaitMs: 0 },
      },
      server: { apiKeys: [GATEWAY_KEY] },
    },
    { random: () => 0 },
  );
  telemetry = await createTelemetry({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', LITER_LLM_LOG_LEVEL: 'debug' },
    logs: { destination: output },
    otlp: { register: false },
    engine,
  });
  const caller = { headers: { 'x-caller-authorization': `Bearer ${CALLER_TOKEN}` }, requestId: 'req-ok' };

  await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER, maxTokens: 20 }, caller);
  for await (const event of engine.chatStream({ model: 'openai/gpt-4o-mini', messages: USER }, { requestId: 'req-stream' }))
    void event;
  await engine.embed({ model: 'openai/text-embedding-3-small', input: 'a' }, { requestId: 'req-embed' });
  upstream.enqueue(quotingError(503, `upstream overloaded while serving Authorization: Bearer ${CALLER_TOKEN}`));
  await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER }, { ...caller, requestId: 'req-retried' });
  upstream.enqueue(
    quotingError(
      401,
      `Incorrect API key provided: ${PROVIDER_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    ),
  );
  await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER }, { ...caller, requestId: 'req-401' }).catch(() => undefined);
  upstream.enqueue(quotingError(400, `invalid header x-caller-authorization="Bearer ${CALLER_TOKEN}", api_key=${GATEWAY_KEY}`));
  await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER }, { ...caller, requestId: 'req-400' }).catch(() => undefined);
  await engine.chat({ model: 'limited/m', messages: USER }, { requestId: 'req-limited-ok' });
  await engine.chat({ model: 'limited/m', messages: USER }, { requestId: 'req-limited' }).catch(() => undefined);

  // What a gateway logs about its own traffic and startup.
  const logger = telemetry.logger!;
  logger.info(
    {
      request_id: 'req-gw',
      method: 'POST',
      headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'x-api-key': GATEWAY_KEY, 'user-agent': 'test' },
    },
    'incoming request',
  );
  logger.info({ config: engine.config }, 'config loaded');
  logger.warn(`retrying with key ${PROVIDER_KEY} for caller Bearer ${CALLER_TOKEN}`);
  logger.error({ err: new Error(`upstream said: invalid x-api-key: ${PROVIDER_KEY}`) }, 'gateway error');
  lines = output.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}, 20_000);

afterAll(async () => {
  await telemetry.shutdown();
  await engine.close();
  await Promise.all([upstream.close(), receiver.close()]);
});

function requestLine(requestId: string): Record<string, unknown> {
  const found = lines.filter((line) => line['msg'] === 'request' && line['request_id'] === requestId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('request logs', () => {
  it('writes one info line per call with the documented fields', () => {
    expect(lines.filter((line) => line['msg'] === 'request')).toHaveLength(8);
    const line = requestLine('req-ok');
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msg: 'request',
      request_id: 'req-ok',
      operation: 'chat',
      requested_model: 'openai/gpt-4o-mini',
      route: null,
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 'ok',
      latency_ms: expect.any(Number),
      attempts: 1,
      retries: 0,
      rate_limit_wait_ms: expect.any(Number),
      input_tokens: expect.any(Number),
      output_tokens: expect.any(Number),
      finish_reason: 'stop',
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(line['latency_ms']).toBeGreaterThan(0);
    expect(line['input_tokens']).toBeGreaterThan(0);
    expect(requestLine('req-stream')).toMatchObject({ operation: 'chat_stream', ttft_ms: expect.any(Number), status: 'ok' });
    const embed = requestLine('req-embed');
    expect(embed).toMatchObject({ operation: 'embeddings', input_tokens: expect.any(Number) });
    expect(embed['output_tokens']).toBeUndefined();
  });

  it('counts retries and logs each failed attempt as a warning', () => {
    expect(requestLine('req-retried')).toMatchObject({ status: 'ok', attempts: 2, retries: 1 });
    const failed = lines.filter((line) => line['msg'] === 'attempt failed' && line['request_id'] === 'req-retried');
    expect(failed).toEqual([
      {
        level: 'warn',
        time: expect.any(String),
        msg: 'attempt failed',
        request_id: 'req-retried',
        provider: 'openai',
        model: 'gpt-4o-mini',
        attempt: 1,
        duration_ms: expect.any(Number),
        error: {
          code: 'provider_unavailable',
          message: expect.stringContaining('upstream overloaded'),
          retryable: true,
          provider: 'openai',
          upstream_status: 503,
          provider_request_id: 'req_quote',
        },
      },
    ]);
  });

  it('puts the error on the request line of a failed call', () => {
    expect(requestLine('req-401')).toMatchObject({
      status: 'authentication',
      error: { code: 'authentication', retryable: false, upstream_status: 401, provider_request_id: 'req_quote' },
    });
    expect(requestLine('req-limited')).toMatchObject({
      status: 'rate_limited',
      provider: null,
      attempts: 0,
      error: { code: 'rate_limited', retryable: true },
    });
    expect(lines.filter((line) => line['msg'] === 'rate limited')).toEqual([
      expect.objectContaining({
        level: 'warn',
        request_id: 'req-limited',
        provider: 'limited',
        error: expect.objectContaining({ code: 'rate_limited' }),
      }),
    ]);
  });

  it('redacts credential fields in the gateway’s own events', () => {
    const incoming = lines.find((line) => line['msg'] === 'incoming request')!;
    expect(incoming['headers']).toEqual({ authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', 'user-agent': 'test' });
    const config = lines.find((line) => line['msg'] === 'config loaded')!['config'] as {
      providers: Record<string, { apiKey?: string; baseURL: string }>;
    };
    expect(config.providers['openai']!.apiKey).toBe('[REDACTED]');
    expect(config.providers['openai']!.baseURL).toBe(`${upstream.url}/v1`);
  });
});

describe('redaction scan', () => {
  it('finds no secret in anything logged, exported or served as metrics', async () => {
    await telemetry.otlp!.forceFlush();
    const exported = receiver.requests.map((request) => request.body.toString('utf8')).join('\n');
    const metricsText = await telemetry.metrics!.metricsText();
    const logged = output.lines.join('\n');
    // The scan must have material to scan: the upstream really got the key and the caller's token,
    // the quoting errors were logged and exported.
    expect(upstream.requests[0]!.headers['authorization']).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(upstream.requests[0]!.headers['x-caller-authorization']).toBe(`Bearer ${CALLER_TOKEN}`);
    expect(logged).toContain('Incorrect API key provided: [REDACTED]');
    expect(logged).toContain('Bearer [REDACTED]');
    expect(exported).toContain('upstream overloaded');
    expect(exported).toContain('Incorrect API key provided');
    expect(metricsText).toContain('liter_llm_requests_total');
    for (const secret of [PROVIDER_KEY, CALLER_TOKEN, GATEWAY_KEY]) {
      expect(logged).not.toContain(secret);
      expect(exported).not.toContain(secret);
      expect(metricsText).not.toContain(secret);
    }
  });
});
