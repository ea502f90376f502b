import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../spec/chat-request.js';
import { createGatewayHandler } from './create-gateway-handler.js';
import { injectRequest } from './inject-request.js';
import { createChatResponse, createScriptedEngine } from './testing/create-scripted-engine.js';

function setup(response = createChatResponse()) {
  const engine = createScriptedEngine({ chat: () => response });
  return { engine, handler: createGatewayHandler(engine) };
}

async function post(body: unknown, response = createChatResponse()) {
  const { engine, handler } = setup(response);
  const result = await injectRequest(handler, '/v1/chat/completions', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { result, request: engine.calls[0]?.request as ChatRequest | undefined, engine };
}

async function expectInvalid(body: unknown, param: string | null, message: string) {
  const { result, engine } = await post(body);
  expect(result.status).toBe(400);
  expect(result.json()).toEqual({
    error: { message, type: 'invalid_request_error', code: 'invalid_request', param, retryable: false },
  });
  expect(engine.calls).toHaveLength(0);
}

describe('POST /v1/chat/completions: request mapping', () => {
  it('maps every supported field to the canonical request', async () => {
    const { result, request } = await post({
      model: 'chat-default',
      messages: [
        { role: 'developer', content: 'Be terse.' },
        { role: 'system', content: [{ type: 'text', text: 'Answer in English.' }] },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'A ' },
            { type: 'text', text: 'cat.' },
          ],
        },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'Search',
            parameters: { type: 'object', properties: { q: { type: 'string' } } },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'now' } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 100,
      max_completion_tokens: 200,
      stop: 'END',
      seed: 7,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true, description: 'd' },
      },
      user: 'user-1',
      n: 1,
      stream: false,
      frequency_penalty: 0.5,
      logprobs: true,
      parallel_tool_calls: false,
      temperature_typo: 1,
    });
    expect(result.status).toBe(200);
    expect(request).toEqual({
      model: 'chat-default',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'system', content: [{ type: 'text', text: 'Answer in English.' }] },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image', url: 'https://example.com/cat.png', detail: 'low' },
            { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' }] },
        { role: 'tool', toolCallId: 'call_1', content: 'a cat' },
        { role: 'assistant', content: 'A cat.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        {
          type: 'function',
          name: 'lookup',
          description: 'Search',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
          strict: true,
        },
        { type: 'function', name: 'now', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { type: 'tool', name: 'lookup' },
      temperature: 0.3,
      topP: 0.9,
      maxTokens: 200,
      stop: ['END'],
      seed: 7,
      responseFormat: { type: 'json-schema', name: 'answer', schema: { type: 'object' }, strict: true, description: 'd' },
      user: 'user-1',
      providerOptions: { openai: { frequency_penalty: 0.5, logprobs: true, parallel_tool_calls: false, temperature_typo: 1 } },
    });
  });

  it('treats null as absent and maps the simple forms', async () => {
    const { request } = await post({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: null,
      max_tokens: 50,
      max_completion_tokens: null,
      stop: ['a', 'b'],
      tool_choice: 'required',
      response_format: { type: 'json_object' },
      tools: null,
      n: null,
      stream: null,
    });
    expect(request).toEqual({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      maxTokens: 50,
      stop: ['a', 'b'],
      toolChoice: 'required',
      responseFormat: { type: 'json' },
    });
  });

  it('passes no __proto__ field along (it would swap a prototype, not add a field)', async () => {
    const { result, request } = await post(
      '{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"polluted":true},"logprobs":true}',
    );
    expect(result.status).toBe(200);
    expect(request?.providerOptions).toEqual({ openai: { logprobs: true } });
    expect(Object.getPrototypeOf(request?.providerOptions?.['openai'])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps text content alongside tool calls in an assistant turn', async () => {
    const { request } = await post({
      model: 'm',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] },
      ],
    });
    expect(request?.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool-call', id: 'c', name: 'f', arguments: '{}' },
      ],
    });
  });
});

describe('POST /v1/chat/completions: validation errors name the field', () => {
  it('rejects n other than 1', async () => {
    await expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: 'x' }], n: 2 },
      'n',
      'n: only n=1 is supported by the gateway, got 2',
    );
  });

  it('names a missing model and an empty messages array', async () => {
    await expectInvalid({ messages: [{ role: 'user', content: 'x' }] }, 'model', 'model is required');
    await expectInvalid({ model: 'm', messages: [] }, 'messages', 'messages must not be empty');
    await expectInvalid({ model: 'm' }, 'messages', 'messages is required');
  });

  it('names the message content with what was expected and what came', async () => {
    await expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: 5 }] },
      'messages[0].content',
      'messages[0].content: expected a string or an array, got the number 5',
    );
  });

  it('follows an array content into the part at fault', async () => {
    await expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      'messages[0].content[0].text',
      'messages[0].content[0].text is required',
    );
    await expectInvalid(
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'video', url: 'x' },
            ],
          },
        ],
      },
      'messages[0].content[1].type',
      'messages[0].content[1].type: expected one of "text", "image_url", got the string "video"',
    );
    await expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'u', detail: 'ultra' } }] }] },
      'messages[0].content[0].image_url.detail',
      'messages[0].content[0].image_url.detail: expected "auto" or "low" or "high", got the string "ultra"',
    );
  });

  it('names an unknown role', async () => {
    await expectInvalid(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'a' },
          { role: 'function', content: 'b', name: 'f' },
        ],
      },
      'messages[1].role',
      'messages[1].role: expected one of "system", "developer", "user", "assistant", "tool", got the string "function"',
    );
  });

  it('names a tool message without tool_call_id and wrong scalar types', async () => {
    await expectInvalid(
      { model: 'm', messages: [{ role: 'tool', content: 'r' }] },
      'messages[0].tool_call_id',
      'messages[0].tool_call_id is required',
    );
    await expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: 'a' }], temperature: '0.5' },
      'temperature',
      'temperature: expected a number, got the string "0.5"',
    );
    await expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: 'a' }], max_tokens: 1.5 },
      'max_tokens',
      'max_tokens: expected an integer, got the number 1.5',
    );
    await expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: 'a' }], max_completion_tokens: 0 },
      'max_completion_tokens',
      'max_completion_tokens must be greater than 0, got the number 0',
    );
    await expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: 'a' }], stop: 3 },
      'stop',
      'stop: expected a string or an array, got the number 3',
    );
  });

  it('names bad tools, tool_choice and response_format', async () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'a' }] };
    await expectInvalid(
      { ...base, tools: [{ type: 'function', function: {} }] },
      'tools[0].function.name',
      'tools[0].function.name is required',
    );
    await expectInvalid(
      { ...base, tool_choice: 'sometimes' },
      'tool_choice',
      'tool_choice: expected "none" or "auto" or "required", got the string "sometimes"',
    );
    await expectInvalid(
      { ...base, response_format: { type: 'json_schema' } },
      'response_format.json_schema',
      'response_format.json_schema is required',
    );
  });

  it('reports how many more problems there were', async () => {
    const { result } = await post({ model: 5, messages: 'hi' });
    expect(result.json<{ error: { message: string; param: string } }>().error).toMatchObject({
      message: 'model: expected a string, got the number 5 (and 1 more problem)',
      param: 'model',
    });
  });
});

describe('POST /v1/chat/completions: response', () => {
  it('answers a chat.completion with the served model, usage incl. cached tokens, and x-liter-llm headers', async () => {
    const { result } = await post(
      { model: 'chat-default', messages: [{ role: 'user', content: 'Hi' }] },
      createChatResponse({
        id: 'chatcmpl-abc',
        provider: 'anthropic',
        model: 'claude-haiku-4-5-20251001',
        text: 'Hello!',
        usage: { inputTokens: 100, outputTokens: 5, totalTokens: 105, cachedInputTokens: 60, reasoningTokens: 2 },
        warnings: [{ type: 'unsupported-setting', setting: 'seed', message: 'Anthropic has no seed' }],
      }),
    );
    expect(result.status).toBe(200);
    expect(result.headers['x-liter-llm-provider']).toBe('anthropic');
    expect(result.headers['x-liter-llm-model']).toBe('claude-haiku-4-5-20251001');
    expect(result.headers['x-liter-llm-warnings']).toBe('seed');
    const body = result.json<Record<string, unknown>>();
    expect(typeof body['created']).toBe('number');
    expect(body).toEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion',
      created: body['created'],
      model: 'claude-haiku-4-5-20251001',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 5,
        total_tokens: 105,
        prompt_tokens_details: { cached_tokens: 60 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    });
  });

  it('answers tool calls with content null, reasoning, refusal and mapped finish reasons', async () => {
    const { result } = await post(
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      createChatResponse({
        text: '',
        content: [
          { type: 'reasoning', text: 'thinking…', signature: 'sig' },
          { type: 'tool-call', id: 'toolu_1', name: 'lookup', arguments: '{"q":1}' },
        ],
        toolCalls: [{ type: 'tool-call', id: 'toolu_1', name: 'lookup', arguments: '{"q":1}' }],
        finishReason: 'tool_calls',
        rawFinishReason: 'tool_use',
      }),
    );
    expect(result.json<{ choices: unknown[] }>().choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        reasoning_content: 'thinking…',
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
    const refused = await post(
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      createChatResponse({
        text: '',
        finishReason: 'content_filter',
        rawFinishReason: 'stop',
        providerMetadata: { refusal: "I can't help with that." },
      }),
    );
    // OpenAI's own word for a refusal is "stop" (with refusal set); it is kept.
    expect(refused.result.json<{ choices: { message: unknown; finish_reason: string }[] }>().choices[0]).toMatchObject({
      message: { content: '', refusal: "I can't help with that." },
      finish_reason: 'stop',
    });
    // Words from other providers map to the closest OpenAI word.
    for (const [reason, raw, wire] of [
      ['length', 'max_tokens', 'length'],
      ['content_filter', 'refusal', 'content_filter'],
      ['tool_calls', 'stop', 'tool_calls'],
      ['error', null, 'stop'],
      ['other', 'pause_turn', 'stop'],
    ] as const) {
      const answer = await post(
        { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
        createChatResponse({ finishReason: reason, rawFinishReason: raw }),
      );
      expect(answer.result.json<{ choices: { finish_reason: string }[] }>().choices[0]?.finish_reason).toBe(wire);
    }
  });

  it('falls back to the requested model and a generated id when the provider sent none', async () => {
    const { result } = await post(
      { model: 'openai/x', messages: [{ role: 'user', content: 'Hi' }] },
      createChatResponse({ id: '', model: '' }),
    );
    const body = result.json<{ id: string; model: string }>();
    expect(body.model).toBe('openai/x');
    expect(body.id).toBe(`chatcmpl-${result.headers['x-request-id']}`);
  });
});
