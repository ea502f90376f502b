import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../spec/chat-request.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { createGatewayHandler } from './create-gateway-handler.js';
import { injectRequest } from './inject-request.js';
import { createChatResponse, createScriptedEngine } from './testing/create-scripted-engine.js';

async function post(body: unknown, response = createChatResponse()) {
  const engine = createScriptedEngine({ chat: () => response });
  const result = await injectRequest(createGatewayHandler(engine), '/v1/messages', { body });
  return { result, request: engine.calls[0]?.request as ChatRequest | undefined, engine };
}

describe('POST /v1/messages: request mapping', () => {
  it('maps system, images, tool use and results, thinking, settings; unknown fields go to providerOptions.anthropic', async () => {
    const { result, request } = await post({
      model: 'openai/gpt-4o-mini',
      max_tokens: 256,
      system: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Let me check.', signature: 'sig-1' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cat' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'a cat' }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'failed', is_error: true },
            { type: 'text', text: 'And now?' },
          ],
        },
      ],
      tools: [{ name: 'lookup', description: 'Search', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
      tool_choice: { type: 'any' },
      temperature: 0.2,
      top_p: 0.8,
      top_k: 40,
      stop_sequences: ['STOP'],
      metadata: { user_id: 'u-1' },
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    expect(result.status).toBe(200);
    expect(request).toEqual({
      model: 'openai/gpt-4o-mini',
      maxTokens: 256,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be terse.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
            { type: 'image', url: 'https://example.com/a.jpg' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Let me check.', signature: 'sig-1' },
            { type: 'redacted-reasoning', data: 'opaque' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'toolu_1', name: 'lookup', arguments: '{"q":"cat"}' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'a cat' }] },
        { role: 'tool', toolCallId: 'toolu_2', content: 'failed', isError: true },
        { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
      ],
      tools: [
        {
          type: 'function',
          name: 'lookup',
          description: 'Search',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
      ],
      toolChoice: 'required',
      temperature: 0.2,
      topP: 0.8,
      stop: ['STOP'],
      user: 'u-1',
      providerOptions: { anthropic: { top_k: 40, thinking: { type: 'enabled', budget_tokens: 1024 } } },
    });
  });

  it('carries disable_parallel_tool_use to both provider families', async () => {
    const { request } = await post({
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 't', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 't', disable_parallel_tool_use: true },
    });
    expect(request?.toolChoice).toEqual({ type: 'tool', name: 't' });
    expect(request?.providerOptions).toEqual({
      openai: { parallel_tool_calls: false },
      anthropic: { tool_choice: { type: 'tool', name: 't', disable_parallel_tool_use: true } },
    });
  });

  it('answers validation errors in the Anthropic format naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens is required'],
      [
        { model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] },
        'messages[0].role: expected "user" or "assistant", got the string "system"',
      ],
      [
        {
          model: 'm',
          max_tokens: 5,
          messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }],
        },
        'messages[0].content[0].type: a tool_use block belongs in an assistant message',
      ],
      [
        { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] },
        'messages[0].content[0].type: expected one of "text", "image", "tool_use", "tool_result", "thinking", "redacted_thinking", got the string "document"',
      ],
      [
        {
          model: 'm',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x' }],
          tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        },
        'tools[0].type: server tools ("web_search_20250305") are not supported by the gateway; only custom tools with an input_schema',
      ],
      [
        {
          model: 'm',
          max_tokens: 5,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'tool_result', tool_use_id: 't', content: [{ type: 'image', source: { type: 'url', url: 'u' } }] },
              ],
            },
          ],
        },
        'messages[0].content[0].content[0]: images inside tool results are not supported by the gateway; send them in a user text turn',
      ],
    ];
    for (const [body, message] of cases) {
      const { result, engine } = await post(body);
      expect(result.status).toBe(400);
      expect(result.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message, code: 'invalid_request' },
        request_id: result.headers['x-request-id'],
      });
      expect(engine.calls).toHaveLength(0);
    }
  });
});

describe('POST /v1/messages: response', () => {
  it('answers an Anthropic message from any provider: blocks, stop reason, usage with cache tokens outside input_tokens', async () => {
    const { result } = await post(
      { model: 'openai/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] },
      createChatResponse({
        id: 'chatcmpl-9',
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        text: 'Sure.',
        content: [
          { type: 'reasoning', text: 'r' },
          { type: 'text', text: 'Sure.' },
          { type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' },
          { type: 'tool-call', id: 'call_2', name: 'broken', arguments: 'not json' },
        ],
        finishReason: 'tool_calls',
        rawFinishReason: 'tool_calls',
        usage: { inputTokens: 100, outputTokens: 7, totalTokens: 107, cachedInputTokens: 30, cacheWriteInputTokens: 20 },
      }),
    );
    expect(result.headers['x-liter-llm-provider']).toBe('openai');
    expect(result.json()).toEqual({
      id: 'chatcmpl-9',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini-2024-07-18',
      content: [
        { type: 'thinking', thinking: 'r', signature: '' },
        { type: 'text', text: 'Sure.' },
        { type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'x' } },
        { type: 'tool_use', id: 'call_2', name: 'broken', input: { _raw_arguments: 'not json' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 50, output_tokens: 7, cache_creation_input_tokens: 20, cache_read_input_tokens: 30 },
    });
  });

  it("keeps Anthropic's own stop reason and stop sequence when Anthropic served the call", async () => {
    const { result } = await post(
      { model: 'anthropic/claude', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] },
      createChatResponse({ finishReason: 'stop', rawFinishReason: 'stop_sequence', providerMetadata: { stop_sequence: 'STOP' } }),
    );
    expect(result.json()).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
    for (const [reason, wire] of [
      ['stop', 'end_turn'],
      ['length', 'max_tokens'],
      ['content_filter', 'refusal'],
      ['error', 'end_turn'],
    ] as const) {
      const answer = await post(
        { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
        createChatResponse({ finishReason: reason, rawFinishReason: 'x' }),
      );
      expect(answer.result.json<{ stop_reason: string }>().stop_reason).toBe(wire);
    }
  });
});

describe('POST /v1/messages: SSE stream', () => {
  it('frames message_start, ping, blocks, message_delta with the final usage, message_stop exactly as Anthropic does', async () => {
    const events: StreamEvent[] = [
      { type: 'start', id: 'chatcmpl-7', provider: 'openai', model: 'gpt-4o-mini', warnings: [] },
      { type: 'reasoning-delta', text: 'Think' },
      { type: 'reasoning-signature', signature: 'sig' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' world' },
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'lookup' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"q":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"x"}' },
      { type: 'tool-call-end', index: 0, id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' },
      { type: 'tool-call-end', index: 1, id: 'call_2', name: 'now', arguments: '{}' },
      {
        type: 'finish',
        finishReason: 'tool_calls',
        rawFinishReason: 'tool_calls',
        usage: { inputTokens: 40, outputTokens: 9, totalTokens: 49, cachedInputTokens: 10 },
      },
    ];
    const engine = createScriptedEngine({
      chatStream: async function* () {
        yield* events;
      },
    });
    const response = await injectRequest(createGatewayHandler(engine), '/v1/messages', {
      body: { model: 'openai/gpt-4o-mini', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const frames = response.body
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => {
        const [eventLine, dataLine, ...rest] = frame.split('\n');
        expect(rest).toEqual([]);
        expect(eventLine).toMatch(/^event: \w+$/);
        expect(dataLine).toMatch(/^data: /);
        const data = JSON.parse(dataLine!.slice(6)) as { type: string };
        expect(data.type).toBe(eventLine!.slice(7));
        return data;
      });
    expect(frames).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'chatcmpl-7',
          type: 'message',
          role: 'assistant',
          model: 'gpt-4o-mini',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Think' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hello' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: ' world' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_1', name: 'lookup', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"q":' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"x"}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'call_2', name: 'now', input: {} } },
      { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 3 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 30, output_tokens: 9, cache_creation_input_tokens: null, cache_read_input_tokens: 10 },
      },
      { type: 'message_stop' },
    ]);
  });

  it('ends a stream that fails mid-way with an Anthropic error event', async () => {
    const engine = createScriptedEngine({
      chatStream: async function* () {
        yield { type: 'start', id: 'm', provider: 'anthropic', model: 'claude', warnings: [] };
        yield { type: 'text-delta', text: 'Hi' };
        const { createError } = await import('../spec/errors.js');
        throw createError('provider_unavailable', {
          message: 'anthropic returned 529: Overloaded',
          provider: 'anthropic',
          status: 529,
        });
      },
    });
    const response = await injectRequest(createGatewayHandler(engine), '/v1/messages', {
      body: { model: 'anthropic/claude', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(response.chunks.at(-1)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"anthropic returned 529: Overloaded","code":"provider_unavailable"}}\n\n',
    );
  });
});
