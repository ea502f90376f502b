import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createError, type LiterLLMError, type LiterLLMErrorOptions } from '../spec/errors.js';
import type { ErrorCode } from '../spec/error-codes.js';
import { createGatewayHandler } from './create-gateway-handler.js';
import { injectRequest } from './inject-request.js';
import { formatRetryAfterSeconds, mapErrorToHTTP } from './map-error-to-http.js';
import { createScriptedEngine } from './testing/create-scripted-engine.js';

const CHAT_BODY = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] };
const MESSAGES_BODY = { model: 'anthropic/claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };

interface Case {
  name: string;
  code: ErrorCode;
  options: Omit<LiterLLMErrorOptions, 'message'>;
  status: number;
  type: string;
  anthropicType: string;
}

// Every status the gateway can answer for an engine error, with where the error came from.
const CASES: Case[] = [
  {
    name: 'invalid request (engine)',
    code: 'invalid_request',
    options: { param: 'topP' },
    status: 400,
    type: 'invalid_request_error',
    anthropicType: 'invalid_request_error',
  },
  {
    name: 'invalid request (upstream)',
    code: 'invalid_request',
    options: { provider: 'openai', status: 400, param: 'max_tokens' },
    status: 400,
    type: 'invalid_request_error',
    anthropicType: 'invalid_request_error',
  },
  {
    name: 'context length',
    code: 'context_length_exceeded',
    options: { provider: 'openai', status: 400 },
    status: 400,
    type: 'invalid_request_error',
    anthropicType: 'invalid_request_error',
  },
  {
    name: 'content filtered',
    code: 'content_filtered',
    options: { provider: 'openai', status: 400 },
    status: 400,
    type: 'invalid_request_error',
    anthropicType: 'invalid_request_error',
  },
  {
    name: "caller's credentials",
    code: 'authentication',
    options: {},
    status: 401,
    type: 'authentication_error',
    anthropicType: 'authentication_error',
  },
  {
    name: "provider rejected the gateway's key",
    code: 'authentication',
    options: { provider: 'openai', status: 401 },
    status: 502,
    type: 'upstream_error',
    anthropicType: 'api_error',
  },
  {
    name: 'permission denied (engine)',
    code: 'permission_denied',
    options: {},
    status: 403,
    type: 'permission_error',
    anthropicType: 'permission_error',
  },
  {
    name: 'permission denied (upstream)',
    code: 'permission_denied',
    options: { provider: 'anthropic', status: 403 },
    status: 502,
    type: 'upstream_error',
    anthropicType: 'api_error',
  },
  {
    name: 'not found',
    code: 'not_found',
    options: { provider: 'openai', status: 404 },
    status: 404,
    type: 'not_found_error',
    anthropicType: 'not_found_error',
  },
  {
    name: 'unknown model (engine)',
    code: 'not_found',
    options: {},
    status: 404,
    type: 'not_found_error',
    anthropicType: 'not_found_error',
  },
  {
    name: 'rate limited upstream',
    code: 'rate_limited',
    options: { provider: 'openai', status: 429, retryAfterMs: 1500 },
    status: 429,
    type: 'rate_limit_error',
    anthropicType: 'rate_limit_error',
  },
  {
    name: 'rate limited locally',
    code: 'rate_limited',
    options: { provider: 'openai', retryAfterMs: 200 },
    status: 429,
    type: 'rate_limit_error',
    anthropicType: 'rate_limit_error',
  },
  {
    name: 'timeout',
    code: 'timeout',
    options: { provider: 'openai' },
    status: 504,
    type: 'timeout_error',
    anthropicType: 'timeout_error',
  },
  {
    name: 'upstream 5xx',
    code: 'provider_unavailable',
    options: { provider: 'openai', status: 503 },
    status: 502,
    type: 'upstream_error',
    anthropicType: 'api_error',
  },
  {
    name: 'upstream unreachable',
    code: 'provider_unavailable',
    options: { provider: 'openai', cause: new Error('ECONNREFUSED') },
    status: 502,
    type: 'upstream_error',
    anthropicType: 'api_error',
  },
  {
    name: 'circuit open',
    code: 'provider_unavailable',
    options: { provider: 'openai', origin: 'engine' },
    status: 503,
    type: 'service_unavailable_error',
    anthropicType: 'overloaded_error',
  },
  {
    name: 'no provider left',
    code: 'provider_unavailable',
    options: {},
    status: 503,
    type: 'service_unavailable_error',
    anthropicType: 'overloaded_error',
  },
  { name: 'cancelled', code: 'cancelled', options: {}, status: 499, type: 'cancelled_error', anthropicType: 'api_error' },
  { name: 'internal', code: 'internal', options: {}, status: 500, type: 'server_error', anthropicType: 'api_error' },
];

function makeError(testCase: Case): LiterLLMError {
  const message =
    testCase.name === 'circuit open' ? 'openai/gpt-4o-mini is out of service (circuit open)' : `${testCase.name} happened`;
  return createError(testCase.code, { message, ...testCase.options });
}

describe('mapErrorToHTTP', () => {
  it.each(CASES)('$name → $status $type', (testCase) => {
    const info = mapErrorToHTTP(makeError(testCase));
    expect(info.status).toBe(testCase.status);
    expect(info.type).toBe(testCase.type);
    expect(info.code).toBe(testCase.code);
  });

  it("names the gateway's own credentials when a provider rejected them", () => {
    const info = mapErrorToHTTP(
      createError('authentication', {
        message: 'openai returned 401: Incorrect API key provided',
        provider: 'openai',
        status: 401,
      }),
    );
    expect(info.message).toBe(
      "the provider rejected the gateway's own credentials (authentication): openai returned 401: Incorrect API key provided",
    );
    expect(info.upstreamStatus).toBe(401);
    expect(info.provider).toBe('openai');
  });

  it('turns canonical param names from the engine into wire names, and keeps upstream ones', () => {
    expect(mapErrorToHTTP(createError('invalid_request', { message: 'x', param: 'messages[1].toolCallId' })).param).toBe(
      'messages[1].tool_call_id',
    );
    expect(mapErrorToHTTP(createError('invalid_request', { message: 'x', param: 'maxTokens' })).param).toBe('max_tokens');
    expect(
      mapErrorToHTTP(createError('invalid_request', { message: 'x', param: 'messages.0.content', provider: 'anthropic' })).param,
    ).toBe('messages.0.content');
  });

  it('answers anything that is not a LiterLLMError with a generic 500', () => {
    expect(mapErrorToHTTP(new RangeError('boom'))).toEqual({
      status: 500,
      type: 'server_error',
      code: 'internal',
      message: 'internal error in the gateway',
      retryable: false,
    });
  });
});

describe('error responses through the handler', () => {
  it.each(CASES)('OpenAI format: $name → $status', async (testCase) => {
    const error = makeError(testCase);
    const engine = createScriptedEngine({
      chat: () => {
        throw error;
      },
    });
    const handler = createGatewayHandler(engine, { log: () => {} });
    const response = await injectRequest(handler, '/v1/chat/completions', {
      body: CHAT_BODY,
      headers: { 'x-request-id': 'req-err' },
    });
    expect(response.status).toBe(testCase.status);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-request-id']).toBe('req-err');
    const body = response.json<{ error: Record<string, unknown> }>().error;
    expect(body['type']).toBe(testCase.type);
    expect(body['code']).toBe(testCase.code);
    expect(body['retryable']).toBe(error.retryable);
    expect(body['provider']).toBe(error.provider);
    expect(body['upstream_status']).toBe(error.status);
    if (error.param !== undefined)
      expect(body['param']).toBe(error.provider ? error.param : error.param.replace('topP', 'top_p'));
    else expect(body['param']).toBeNull();
    if (error.retryAfterMs !== undefined) {
      expect(response.headers['retry-after']).toBe(String(Math.ceil(error.retryAfterMs / 1000)));
      expect(body['retry_after_ms']).toBe(error.retryAfterMs);
    } else {
      expect(response.headers['retry-after']).toBeUndefined();
    }
  });

  it.each(CASES)('Anthropic format: $name → $status $anthropicType', async (testCase) => {
    const error = makeError(testCase);
    const engine = createScriptedEngine({
      chat: () => {
        throw error;
      },
    });
    const handler = createGatewayHandler(engine, { log: () => {} });
    const response = await injectRequest(handler, '/v1/messages', { body: MESSAGES_BODY, headers: { 'x-request-id': 'req-a' } });
    expect(response.status).toBe(testCase.status);
    expect(response.json()).toEqual({
      type: 'error',
      error: { type: testCase.anthropicType, message: mapErrorToHTTP(error).message, code: testCase.code },
      request_id: 'req-a',
    });
  });

  it('rounds Retry-After up to whole seconds', async () => {
    for (const [ms, header] of [
      [1, '1'],
      [1000, '1'],
      [1001, '2'],
      [0.2, '1'],
      [0, '0'],
      // Absurd waits from upstream data: a valid, bounded integer (a day), never `1e+305`.
      [1e308, '86400'],
      [Number.POSITIVE_INFINITY, '86400'],
      [90_000_000, '86400'],
    ] as const) {
      const engine = createScriptedEngine({
        chat: () => {
          throw createError('rate_limited', { message: 'slow down', provider: 'openai', status: 429, retryAfterMs: ms });
        },
      });
      const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', { body: CHAT_BODY });
      expect(response.headers['retry-after']).toBe(header);
      expect(response.json<{ error: { retry_after_ms: number } }>().error.retry_after_ms).toBe(
        Math.min(Math.ceil(ms), 86_400_000),
      );
    }
  });

  it('sends no Retry-After for a wait that is no wait (NaN, negative)', async () => {
    for (const ms of [Number.NaN, -5, Number.NEGATIVE_INFINITY]) {
      const engine = createScriptedEngine({
        chat: () => {
          throw createError('rate_limited', { message: 'slow down', provider: 'openai', status: 429, retryAfterMs: ms });
        },
      });
      const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', { body: CHAT_BODY });
      expect(response.status).toBe(429);
      expect(response.headers['retry-after']).toBeUndefined();
      expect(response.json<{ error: Record<string, unknown> }>().error['retry_after_ms']).toBeUndefined();
    }
  });

  it('property: Retry-After is always a bounded whole number of seconds, at least 1 for any wait', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e308, Number.MAX_VALUE, 0.001)), (ms) => {
        const header = formatRetryAfterSeconds(ms);
        expect(header).toMatch(/^\d+$/);
        const seconds = Number(header);
        expect(seconds).toBeLessThanOrEqual(86_400);
        if (ms > 0) expect(seconds).toBeGreaterThanOrEqual(1);
        if (ms > 0 && ms <= 86_400_000) expect(seconds * 1000).toBeGreaterThanOrEqual(ms);
      }),
    );
  });

  it('reports the provider request id for support tickets', async () => {
    const engine = createScriptedEngine({
      chat: () => {
        throw createError('provider_unavailable', {
          message: 'openai returned 500',
          provider: 'openai',
          status: 500,
          requestId: 'req_upstream_1',
        });
      },
    });
    const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', { body: CHAT_BODY });
    expect(response.json()).toMatchObject({ error: { provider_request_id: 'req_upstream_1', upstream_status: 500 } });
  });
});
