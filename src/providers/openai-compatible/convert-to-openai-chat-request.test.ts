import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import { isLiterLLMError } from '../../spec/errors.js';
import { convertToOpenAIChatRequest, type OpenAIChatRequestOptions } from './convert-to-openai-chat-request.js';

const openaiOptions: OpenAIChatRequestOptions = {
  provider: 'openai',
  maxTokensField: 'max_completion_tokens',
  providerOptionKeys: ['openai'],
  flattenTextContent: false,
  stream: false,
  includeUsage: true,
};
const compatibleOptions: OpenAIChatRequestOptions = {
  ...openaiOptions,
  provider: 'vllm',
  maxTokensField: 'max_tokens',
  providerOptionKeys: ['openai', 'openai-compatible', 'vllm'],
  flattenTextContent: true,
};

describe('convertToOpenAIChatRequest', () => {
  it('maps every canonical setting to its wire field', () => {
    const request: ChatRequest = {
      model: 'gpt-4o',
      messages: [
        {
          role: 'system',
          content: [
            { type: 'text', text: 'Be brief.' },
            { type: 'text', text: 'Answer in French.' },
          ],
        },
        { role: 'user', content: 'Hi', name: 'ada' },
      ],
      tools: [{ type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object' }, strict: true }],
      toolChoice: { type: 'tool', name: 'lookup' },
      temperature: 0,
      topP: 0.9,
      maxTokens: 100,
      stop: ['END'],
      seed: 7,
      responseFormat: {
        type: 'json-schema',
        name: 'answer',
        schema: { type: 'object' },
        description: 'The answer',
        strict: true,
      },
      user: 'user-42',
    };
    const { body, warnings } = convertToOpenAIChatRequest(request, openaiOptions);
    expect(warnings).toEqual([]);
    expect(body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.\nAnswer in French.' },
        { role: 'user', content: 'Hi', name: 'ada' },
      ],
      tools: [
        { type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      temperature: 0,
      top_p: 0.9,
      max_completion_tokens: 100,
      stop: ['END'],
      seed: 7,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, description: 'The answer', strict: true },
      },
      user: 'user-42',
    });
  });

  it('uses max_tokens and json_object for compatible servers', () => {
    const { body } = convertToOpenAIChatRequest(
      { model: 'llama', messages: [{ role: 'user', content: 'x' }], maxTokens: 5, responseFormat: { type: 'json' } },
      compatibleOptions,
    );
    expect(body).toEqual({
      model: 'llama',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 5,
      response_format: { type: 'json_object' },
    });
  });

  it('sends images by URL with detail, and base64 bytes as a data URL', () => {
    const { body } = convertToOpenAIChatRequest(
      {
        model: 'gpt-4o',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image', url: 'https://example.com/a.png', detail: 'low' },
              { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
            ],
          },
        ],
      },
      compatibleOptions,
    );
    expect(body.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Compare' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      ],
    });
  });

  it('rejects base64 image bytes without a media type, naming the field', () => {
    let caught: unknown;
    try {
      convertToOpenAIChatRequest(
        {
          model: 'gpt-4o',
          messages: [
            { role: 'user', content: 'x' },
            { role: 'user', content: [{ type: 'image', data: 'AAAA' }] },
          ],
        },
        openaiOptions,
      );
    } catch (error) {
      caught = error;
    }
    expect(isLiterLLMError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'invalid_request', param: 'messages[1].content[0].mediaType' });
  });

  it('keeps text-only part arrays for OpenAI and joins them into one string for compatible servers', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    };
    expect(convertToOpenAIChatRequest(request, openaiOptions).body.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ],
    });
    expect(convertToOpenAIChatRequest(request, compatibleOptions).body.messages[0]).toEqual({ role: 'user', content: 'a\nb' });
  });

  it('drops reasoning from assistant history with a warning, and keeps text with tool calls', () => {
    const { body, warnings } = convertToOpenAIChatRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'thinking...', signature: 'sig' },
              { type: 'redacted-reasoning', data: 'opaque' },
              { type: 'text', text: 'Let me check.' },
              { type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{"q":1}' },
            ],
          },
          { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: 'not found' }], isError: true },
        ],
      },
      openaiOptions,
    );
    expect(body.messages[1]).toEqual({
      role: 'assistant',
      content: 'Let me check.',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
    });
    expect(body.messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'not found' });
    expect(warnings.map((warning) => warning.setting)).toEqual(['messages[1].content', 'messages[2].isError']);
    expect(warnings[0]!.message).toContain('reasoning parts were dropped');
  });

  it('merges providerOptions in key order, later keys winning, and ignores other providers', () => {
    const { body } = convertToOpenAIChatRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        temperature: 1,
        providerOptions: {
          openai: { logprobs: true, temperature: 0.5 },
          vllm: { temperature: 0.1, top_k: 20 },
          anthropic: { thinking: {} },
        },
      },
      compatibleOptions,
    );
    expect(body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 0.1, logprobs: true, top_k: 20 });
  });

  it('forces the stream flags the adapter chose, whatever providerOptions say', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      providerOptions: { openai: { stream: true, stream_options: { include_usage: false } } },
    };
    const streamed = convertToOpenAIChatRequest(request, { ...openaiOptions, stream: true });
    expect(streamed.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const withoutUsage = convertToOpenAIChatRequest(request, { ...openaiOptions, stream: true, includeUsage: false });
    expect(withoutUsage.body.stream_options).toBeUndefined();
    const plain = convertToOpenAIChatRequest(request, openaiOptions);
    expect(plain.body.stream).toBeUndefined();
    expect(plain.body.stream_options).toBeUndefined();
    expect(plain.warnings[0]).toMatchObject({ setting: 'providerOptions.stream' });
  });
});
