import { describe, expect, it } from 'vitest';
import { createError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { createGatewayHandler } from './create-gateway-handler.js';
import { createMemoryRequest, createMemoryResponse, injectRequest } from './inject-request.js';
import { createScriptedEngine } from './testing/create-scripted-engine.js';

const START: StreamEvent = {
  type: 'start',
  id: 'chatcmpl-s1',
  provider: 'openai',
  model: 'gpt-4o-mini-2024-07-18',
  warnings: [],
};
const FINISH: StreamEvent = {
  type: 'finish',
  finishReason: 'stop',
  rawFinishReason: 'stop',
  usage: { inputTokens: 9, outputTokens: 2, totalTokens: 11, cachedInputTokens: 4 },
};
const STREAM_BODY = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true };

function streamOf(events: StreamEvent[], failure?: Error) {
  return async function* (): AsyncGenerator<StreamEvent> {
    for (const event of events) yield event;
    if (failure) throw failure;
  };
}

/** Parses `data:` payloads out of SSE text (OpenAI framing). */
function parseOpenAIEvents(chunks: string[]): unknown[] {
  return chunks.map((chunk) => {
    expect(chunk).toMatch(/^data: .*\n\n$/s);
    const data = chunk.slice('data: '.length, -2);
    return data === '[DONE]' ? '[DONE]' : JSON.parse(data);
  });
}

describe('OpenAI SSE stream', () => {
  it('writes one chunk per event: role, content deltas, finish, usage (include_usage), [DONE]', async () => {
    const engine = createScriptedEngine({
      chatStream: streamOf([START, { type: 'text-delta', text: 'Hel' }, { type: 'text-delta', text: 'lo "you"' }, FINISH]),
    });
    const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', {
      body: { ...STREAM_BODY, stream_options: { include_usage: true } },
      headers: { 'x-request-id': 'sse-1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-request-id': 'sse-1',
      'x-liter-llm-provider': 'openai',
      'x-liter-llm-model': 'gpt-4o-mini-2024-07-18',
    });
    expect(engine.calls[0]).toMatchObject({ method: 'chatStream', options: { requestId: 'sse-1' } });
    // One write per engine event; the finish event writes the finish chunk and the usage chunk together.
    expect(response.chunks).toHaveLength(5);
    const events = parseOpenAIEvents(response.body.split(/(?<=\n\n)/)) as Record<string, unknown>[];
    const created = events[0]!['created'];
    expect(typeof created).toBe('number');
    const base = { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini-2024-07-18' };
    const choice = (delta: unknown, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    expect(events).toEqual([
      choice({ role: 'assistant', content: '', refusal: null }),
      choice({ content: 'Hel' }),
      choice({ content: 'lo "you"' }),
      choice({}, 'stop'),
      {
        ...base,
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, prompt_tokens_details: { cached_tokens: 4 } },
      },
      '[DONE]',
    ]);
  });

  it('sends no usage chunk without include_usage', async () => {
    const engine = createScriptedEngine({ chatStream: streamOf([START, { type: 'text-delta', text: 'x' }, FINISH]) });
    const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', { body: STREAM_BODY });
    expect(response.body).not.toContain('"usage"');
    expect(response.body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('streams tool calls: index, id, name with empty arguments, then argument pieces; sends arguments only known at the end', async () => {
    const engine = createScriptedEngine({
      chatStream: streamOf([
        START,
        { type: 'tool-call-start', index: 0, id: 'call_a', name: 'get_weather' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
        { type: 'tool-call-end', index: 0, id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        // A provider that only reports the finished call (no start, no deltas):
        { type: 'tool-call-end', index: 1, id: 'call_b', name: 'get_time', arguments: '{}' },
        { ...FINISH, finishReason: 'tool_calls', rawFinishReason: 'tool_calls' },
      ]),
    });
    const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', { body: STREAM_BODY });
    const deltas = response.body
      .split('\n\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6)) as { choices: { delta: unknown; finish_reason: string | null }[] })
      .map((chunk) => chunk.choices[0]);
    expect(deltas).toEqual([
      { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } }] },
        logprobs: null,
        finish_reason: null,
      },
      { index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{}' } }] }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
  });

  it('streams reasoning as reasoning_content and a refusal before the finish chunk', async () => {
    const engine = createScriptedEngine({
      chatStream: streamOf([
        START,
        { type: 'reasoning-delta', text: 'hmm' },
        { type: 'reasoning-signature', signature: 'sig' },
        // An OpenAI refusal: canonically content_filter, but OpenAI's own word was "stop", which is kept.
        { ...FINISH, finishReason: 'content_filter', rawFinishReason: 'stop', providerMetadata: { refusal: 'No.' } },
      ]),
    });
    const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', { body: STREAM_BODY });
    expect(response.chunks[1]).toContain('"delta":{"reasoning_content":"hmm"}');
    expect(response.chunks).toHaveLength(4); // start, reasoning, finish (refusal + finish), [DONE]; the signature writes nothing
    expect(response.chunks[2]).toContain('"delta":{"refusal":"No."}');
    expect(response.chunks[2]).toContain('"finish_reason":"stop"');
  });

  it('answers an error before the first event with its own status and JSON body, not SSE', async () => {
    const engine = createScriptedEngine({
      chatStream: streamOf(
        [],
        createError('rate_limited', { message: 'openai returned 429', provider: 'openai', status: 429, retryAfterMs: 2000 }),
      ),
    });
    const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', { body: STREAM_BODY });
    expect(response.status).toBe(429);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toMatchObject({ error: { code: 'rate_limited', type: 'rate_limit_error' } });
  });

  it('ends a stream that fails after it began with an SSE error event and no [DONE]', async () => {
    const engine = createScriptedEngine({
      chatStream: streamOf(
        [START, { type: 'text-delta', text: 'partial' }],
        createError('provider_unavailable', { message: 'openai stream ended early', provider: 'openai', retryable: true }),
      ),
    });
    const handler = createGatewayHandler(engine);
    const response = await injectRequest(handler, '/v1/chat/completions', { body: STREAM_BODY });
    expect(response.status).toBe(200);
    expect(response.chunks).toHaveLength(3);
    expect(response.body).not.toContain('[DONE]');
    const last = response.chunks[2]!;
    expect(JSON.parse(last.slice(6))).toEqual({
      error: {
        message: 'openai stream ended early',
        type: 'upstream_error',
        code: 'provider_unavailable',
        param: null,
        retryable: true,
        provider: 'openai',
      },
    });
    const metrics = await injectRequest(handler, '/metrics');
    expect(metrics.body).toContain('liter_llm_gateway_responses_total{endpoint="/v1/chat/completions",status="502"} 1');
  });

  it('aborts the engine call and returns the iterator when the client disconnects mid-stream', async () => {
    let signal: AbortSignal | undefined;
    let returned = false;
    const engine = createScriptedEngine({
      chatStream: (_request, options) => {
        signal = options?.signal;
        return (async function* () {
          try {
            yield START;
            yield { type: 'text-delta', text: 'one' };
            // Hangs like a slow upstream until aborted.
            await new Promise((_, reject) =>
              options?.signal?.addEventListener('abort', () => reject(options.signal?.reason as Error)),
            );
          } finally {
            returned = true;
          }
        })();
      },
    });
    const handler = createGatewayHandler(engine);
    const response = createMemoryResponse();
    const done = handler.handle(createMemoryRequest('/v1/chat/completions', { body: STREAM_BODY }), response);
    await response.waitForWrites(2);
    expect(signal?.aborted).toBe(false);
    response.disconnect();
    await done;
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as { code?: string }).code).toBe('cancelled');
    expect(returned).toBe(true);
    expect(handler.inFlight).toBe(0);
    expect((await injectRequest(handler, '/metrics')).body).toContain('status="499"} 1');
  });

  it('waits for drain before pulling the next event from the engine (back-pressure)', async () => {
    let pulled = 0;
    const engine = createScriptedEngine({
      chatStream: () =>
        (async function* () {
          yield START;
          for (let index = 0; index < 5; index++) {
            pulled++;
            yield { type: 'text-delta', text: `t${index}` };
          }
          yield FINISH;
        })(),
    });
    const handler = createGatewayHandler(engine);
    const response = createMemoryResponse();
    response.blockAfterWrites(2); // the second write fills the buffer
    const done = handler.handle(createMemoryRequest('/v1/chat/completions', { body: STREAM_BODY }), response);
    await response.waitForWrites(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(response.chunks).toHaveLength(2);
    expect(pulled).toBe(1);
    response.drain();
    await done;
    expect(pulled).toBe(5);
    expect(response.result().body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('stops waiting for drain when the client disconnects instead', async () => {
    let returned = false;
    const engine = createScriptedEngine({
      chatStream: () =>
        (async function* () {
          try {
            yield START;
            for (;;) yield { type: 'text-delta', text: 'x' };
          } finally {
            returned = true;
          }
        })(),
    });
    const handler = createGatewayHandler(engine);
    const response = createMemoryResponse();
    response.blockAfterWrites(1);
    const done = handler.handle(createMemoryRequest('/v1/chat/completions', { body: STREAM_BODY }), response);
    await response.waitForWrites(1);
    response.disconnect();
    await done;
    expect(returned).toBe(true);
    expect(response.chunks).toHaveLength(1);
  });
});
