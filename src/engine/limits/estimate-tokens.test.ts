import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import { estimateTokens } from './estimate-tokens.js';

describe('estimateTokens', () => {
  it('counts about four characters per token for text', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(4000))).toBe(1000);
  });

  it('sums embedding inputs', () => {
    expect(estimateTokens({ model: 'openai/text-embedding-3-small', input: 'x'.repeat(40) })).toBe(10);
    expect(estimateTokens({ model: 'openai/text-embedding-3-small', input: ['x'.repeat(6), 'y'.repeat(6)] })).toBe(3);
  });

  it('adds per-message and per-image allowances and the requested completion', () => {
    const request: ChatRequest = {
      model: 'openai/gpt-4o-mini',
      maxTokens: 100,
      messages: [
        { role: 'system', content: 'x'.repeat(40) },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'y'.repeat(20) },
            { type: 'image', url: 'https://example.com/cat.png' },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: 'z'.repeat(9) },
      ],
    };
    // chars: 40 + 20 + (11 + 16) + 9 = 96 → 24 tokens; 4 messages × 4; 1 image × 765; maxTokens 100.
    expect(estimateTokens(request)).toBe(24 + 16 + 765 + 100);
  });

  it('counts tool schemas (cached per tool object)', () => {
    const tool = { type: 'function' as const, name: 'f', description: 'd', parameters: { type: 'object' } };
    const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'abcd' }], tools: [tool] };
    // 4 chars of text + 1 + 1 + '{"type":"object"}'.length (17) = 23 chars → 6 tokens, + 4 for the message.
    expect(estimateTokens(request)).toBe(10);
    expect(estimateTokens(request)).toBe(10);
  });
});
