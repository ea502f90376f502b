import { describe, expect, it } from 'vitest';
import type { ChatRequest, Message } from '../../spec/chat-request.js';
import { isLiterLLMError, type LiterLLMError } from '../../spec/errors.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

const convert = (request: Partial<ChatRequest> & { messages: Message[] }, stream = false) =>
  convertToAnthropicRequest({ model: 'claude-haiku-4-5', ...request }, { provider: 'anthropic', defaultMaxTokens: 4096, stream });

function conversionError(request: Partial<ChatRequest> & { messages: Message[] }): LiterLLMError {
  try {
    convert(request);
  } catch (error) {
    if (isLiterLLMError(error)) return error;
    throw error;
  }
  throw new Error('expected the conversion to fail');
}

describe('convertToAnthropicRequest: messages', () => {
  it('one string system message becomes the top-level system string', () => {
    const { body } = convert({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(body.system).toBe('Be brief.');
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('several system messages, wherever they are, become text blocks in order', () => {
    const { body } = convert({
      messages: [
        { role: 'system', content: 'First.' },
        { role: 'user', content: 'hi' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'Second.' },
            { type: 'text', text: 'Third.' },
          ],
        },
        { role: 'assistant', content: 'hello' },
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'First.' },
      { type: 'text', text: 'Second.' },
      { type: 'text', text: 'Third.' },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ]);
  });

  it('consecutive same-role messages are merged into one (the API requires alternation)', () => {
    const { body } = convert({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'three' },
        { role: 'assistant', content: [{ type: 'text', text: 'four' }] },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'three' },
          { type: 'text', text: 'four' },
        ],
      },
    ]);
  });

  it('adjacent tool results share one user message, and a following user text joins it', () => {
    const { body } = convert({
      messages: [
        { role: 'user', content: 'weather in SF and NY?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', id: 'toolu_a', name: 'get_weather', arguments: '{"city":"SF"}' },
            { type: 'tool-call', id: 'toolu_b', name: 'get_weather', arguments: '{"city":"NY"}' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_a', content: 'sunny' },
        { role: 'tool', toolCallId: 'toolu_b', content: [{ type: 'text', text: 'no data' }], isError: true },
        { role: 'user', content: 'thanks' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'weather in SF and NY?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'SF' } },
          { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'NY' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: 'no data' }], is_error: true },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
  });

  it('images: http URL, data: URL split into base64, raw base64 with media type; detail warns', () => {
    const { body, warnings } = convert({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare' },
            { type: 'image', url: 'https://example.com/cat.png', detail: 'high' },
            { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
            { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
          ],
        },
      ],
    });
    expect(body.messages[0]!.content).toEqual([
      { type: 'text', text: 'compare' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
    expect(warnings).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'messages[0].content[1].detail',
        message: 'Anthropic has no image detail setting; it was ignored',
      },
    ]);
  });

  it.each([
    [{ type: 'image' as const, data: 'iVBORw0KGgo=' }, 'messages[0].content[0].mediaType'],
    [{ type: 'image' as const, url: 'data:image/svg+xml,<svg/>' }, 'messages[0].content[0].url'],
    [{ type: 'image' as const }, 'messages[0].content[0]'],
  ])('a bad image is an InvalidRequestError naming it (%o)', (image, param) => {
    const error = conversionError({ messages: [{ role: 'user', content: [image] }] });
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe(param);
  });

  it('assistant reasoning with signature → thinking; unsigned reasoning is left out with a warning; redacted kept', () => {
    const { body, warnings } = convert({
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Let me think.', signature: 'EqQBCkgIARABGAIiQ' },
            { type: 'redacted-reasoning', data: 'EmwKAhgBEgy3va3p' },
            { type: 'reasoning', text: 'unsigned, from another provider' },
            { type: 'text', text: 'Hello.' },
          ],
        },
      ],
    });
    expect(body.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Let me think.', signature: 'EqQBCkgIARABGAIiQ' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3p' },
        { type: 'text', text: 'Hello.' },
      ],
    });
    expect(warnings).toEqual([expect.objectContaining({ type: 'other', setting: 'messages[1].content[2]' })]);
  });

  it('an assistant turn left empty is dropped, so the neighbours merge instead of failing upstream', () => {
    const { body } = convert({
      messages: [
        { role: 'user', content: 'a' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'unsigned' },
            { type: 'text', text: '' },
          ],
        },
        { role: 'user', content: 'b' },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
  });

  it('tool-call arguments: "" is {}, invalid JSON or a non-object is an InvalidRequestError naming the part', () => {
    const call = (argumentsText: string): Message[] => [
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'ok' },
          { type: 'tool-call', id: 'toolu_1', name: 'f', arguments: argumentsText },
        ],
      },
    ];
    expect(convert({ messages: call('') }).body.messages[1]!.content).toEqual([
      { type: 'text', text: 'ok' },
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
    ]);
    for (const bad of ['{"a":', '[1,2]', '"text"']) {
      const error = conversionError({ messages: call(bad) });
      expect(error.code).toBe('invalid_request');
      expect(error.param).toBe('messages[1].content[1].arguments');
      expect(error.message).toMatch(/^messages\[1\]\.content\[1\]\.arguments /);
    }
  });

  it('a message name has no Anthropic field: warning', () => {
    const { body, warnings } = convert({ messages: [{ role: 'user', content: 'hi', name: 'alice' }] });
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(warnings.map((warning) => warning.setting)).toEqual(['messages[0].name']);
  });
});

describe('convertToAnthropicRequest: settings', () => {
  const messages: Message[] = [{ role: 'user', content: 'hi' }];

  it('maps sampling, stop, tools, tool choice and user', () => {
    const { body, warnings } = convert(
      {
        messages,
        maxTokens: 200,
        temperature: 0.2,
        topP: 0.9,
        stop: ['END'],
        user: 'user-42',
        tools: [
          { type: 'function', name: 'f', description: 'does f', parameters: { type: 'object', properties: {} }, strict: true },
          { type: 'function', name: 'g', parameters: { type: 'object' } },
        ],
        toolChoice: { type: 'tool', name: 'f' },
      },
      true,
    );
    expect(body).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      tools: [
        { name: 'f', description: 'does f', input_schema: { type: 'object', properties: {} }, strict: true },
        { name: 'g', input_schema: { type: 'object' } },
      ],
      tool_choice: { type: 'tool', name: 'f' },
      metadata: { user_id: 'user-42' },
      stream: true,
    });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
    ['none', { type: 'none' }],
  ] as const)('toolChoice %s → %o', (choice, wire) => {
    expect(convert({ messages, toolChoice: choice }).body.tool_choice).toEqual(wire);
  });

  it('seed and schema-less JSON mode are warnings, not silent drops', () => {
    const { body, warnings } = convert({ messages, seed: 3, responseFormat: { type: 'json' } });
    expect(warnings.map((warning) => [warning.type, warning.setting])).toEqual([
      ['unsupported-setting', 'seed'],
      ['unsupported-setting', 'responseFormat'],
    ]);
    expect(body).toEqual({ model: 'claude-haiku-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('providerOptions.anthropic: keys sent verbatim; output_config merged with the response format', () => {
    const { body } = convert({
      messages,
      responseFormat: { type: 'json-schema', name: 'n', schema: { type: 'object' } },
      providerOptions: {
        anthropic: { thinking: { type: 'enabled', budget_tokens: 2048 }, output_config: { effort: 'low' }, top_k: 5 },
        openai: { logprobs: true },
      },
    });
    expect(body['thinking']).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(body['top_k']).toBe(5);
    expect(body['logprobs']).toBeUndefined();
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema: { type: 'object' } }, effort: 'low' });
  });
});

describe('mapAnthropicUsage', () => {
  it('inputTokens counts every input token: uncached + cache reads + cache writes', () => {
    expect(
      mapAnthropicUsage({ input_tokens: 100, cache_read_input_tokens: 55096, cache_creation_input_tokens: 10, output_tokens: 7 }),
    ).toEqual({
      inputTokens: 55206,
      outputTokens: 7,
      totalTokens: 55213,
      cachedInputTokens: 55096,
      cacheWriteInputTokens: 10,
    });
  });

  it('absent cache fields stay absent; nulls count as zero', () => {
    expect(mapAnthropicUsage({ input_tokens: 5, output_tokens: 1 })).toEqual({ inputTokens: 5, outputTokens: 1, totalTokens: 6 });
    expect(mapAnthropicUsage({ input_tokens: 5, output_tokens: null, cache_read_input_tokens: null })).toEqual({
      inputTokens: 5,
      outputTokens: 0,
      totalTokens: 5,
    });
    expect(mapAnthropicUsage(undefined)).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
  });
});

describe('mapAnthropicFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    ['something_new', 'other'],
    [null, 'other'],
  ])('%s → %s', (wire, canonical) => {
    expect(mapAnthropicFinishReason(wire)).toBe(canonical);
  });
});
