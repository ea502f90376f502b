import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import type { StreamEvent } from '../spec/stream-event.js';
import type { ModelInfo, ProviderStats, RequestOptions } from '../engine/engine.js';
import { chatRequestSchema } from './chat-request-schema.js';
import type { chatResponseSchema } from './chat-response-schema.js';
import type { CallOptions } from './client-frame-schema.js';
import type { embedRequestSchema } from './embed-request-schema.js';
import type { embedResponseSchema } from './embed-response-schema.js';
import type { modelsResultSchema, statsResultSchema } from './engine-frame-schema.js';
import type { streamEventSchema } from './stream-event-schema.js';

// The frames carry the canonical types of src/spec: these fail to compile (npx tsc -p
// tsconfig.test.json) the day a spec type and its schema drift apart.
describe('the zod schemas of the canonical types', () => {
  it('infer exactly the spec types', () => {
    expectTypeOf<z.infer<typeof chatRequestSchema>>().toEqualTypeOf<ChatRequest>();
    expectTypeOf<z.infer<typeof embedRequestSchema>>().toEqualTypeOf<EmbedRequest>();
    expectTypeOf<z.infer<typeof chatResponseSchema>>().toEqualTypeOf<ChatResponse>();
    expectTypeOf<z.infer<typeof embedResponseSchema>>().toEqualTypeOf<EmbedResponse>();
    expectTypeOf<z.infer<typeof streamEventSchema>>().toEqualTypeOf<StreamEvent>();
    expectTypeOf<z.infer<typeof modelsResultSchema>['models'][number]>().toEqualTypeOf<ModelInfo>();
    expectTypeOf<z.infer<typeof statsResultSchema>['providers'][number]>().toEqualTypeOf<ProviderStats>();
    expectTypeOf<CallOptions>().toExtend<RequestOptions>();
  });

  it('accept a full request and name the field of a wrong one', () => {
    const request: ChatRequest = {
      model: 'openai/gpt',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image', url: 'https://x/y.png', detail: 'low' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'f', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'c1', content: 'done', isError: false },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: { a: { type: ['string', 'null'] } } } }],
      toolChoice: { type: 'tool', name: 'f' },
      responseFormat: { type: 'json-schema', name: 'x', schema: { type: 'object' } },
      providerOptions: { openai: { logprobs: true } },
      maxTokens: 10,
    };
    expect(chatRequestSchema.parse(request)).toEqual(request);
    const wrong = chatRequestSchema.safeParse({ ...request, messages: [{ role: 'user', content: 7 }], max_tokens: 3 });
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining([['messages', 0, 'content'], []]));
    expect(wrong.error!.issues.find((issue) => issue.code === 'unrecognized_keys')).toMatchObject({ keys: ['max_tokens'] });
  });
});
