import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientFrameSchema } from './client-frame-schema.js';
import { parsePlainChatFrame } from './parse-plain-chat-frame.js';

// Values as JSON.parse gives them, with the troublemakers drawn often: every type in every place.
const anyJSONScalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.constantFrom(Infinity, -Infinity, 0, -1, 1.5, 64, true, false, null, '', 'system', 'user', 'tool'),
);
const anyValue = fc.oneof(
  anyJSONScalar,
  fc.array(anyJSONScalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), anyJSONScalar, { maxKeys: 3 }),
);
const textMessage = fc.oneof(
  fc.record({ role: fc.constant('system'), content: fc.string({ maxLength: 12 }) }),
  fc.record(
    { role: fc.constantFrom('user', 'assistant'), content: fc.string({ maxLength: 12 }), name: fc.string({ maxLength: 6 }) },
    { requiredKeys: ['role', 'content'] },
  ),
);
// A message as a binding might send it, or as a broken one might: wrong roles, parts, extra keys.
const anyMessage = fc.oneof(
  textMessage,
  fc.record(
    {
      role: fc.oneof(fc.constantFrom('system', 'user', 'assistant', 'tool', 'robot'), anyJSONScalar),
      content: fc.oneof(fc.string({ maxLength: 8 }), anyValue, fc.constant([{ type: 'text', text: 'hi' }])),
      name: anyValue,
      toolCallId: fc.string({ maxLength: 6 }),
      extra: anyValue,
    },
    { requiredKeys: [] },
  ),
  anyValue,
);
const plainParams = fc.record(
  {
    model: fc.string({ maxLength: 12 }),
    messages: fc.array(textMessage, { maxLength: 4 }),
    temperature: fc.double({ noNaN: true, noDefaultInfinity: true }),
    topP: fc.double({ min: 0, max: 1, noNaN: true }),
    maxTokens: fc.integer({ min: -5, max: 5000 }),
    seed: fc.integer(),
    user: fc.string({ maxLength: 6 }),
    stop: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  },
  { requiredKeys: ['model', 'messages'] },
);
const anyParams = fc.oneof(
  plainParams,
  fc.record(
    {
      model: fc.oneof(fc.string({ maxLength: 8 }), anyJSONScalar),
      messages: fc.oneof(fc.array(anyMessage, { maxLength: 3 }), anyValue),
      temperature: anyJSONScalar,
      maxTokens: anyJSONScalar,
      stop: anyValue,
      tools: fc.constant([{ type: 'function', name: 'f', parameters: {} }]),
      providerOptions: anyValue,
      unknownSetting: anyValue,
    },
    { requiredKeys: [] },
  ),
  anyValue,
);
const anyFrame = fc.record(
  {
    id: fc.nat(),
    method: fc.constantFrom('chat', 'chat.stream', 'embed', 'models'),
    params: anyParams,
    options: fc.oneof(fc.constant({ timeoutMs: 1000 }), anyValue),
    extra: anyValue,
  },
  { requiredKeys: ['id', 'method'] },
);

describe('parsePlainChatFrame', () => {
  it('takes only frames the schema takes, and returns them as the schema does (unchanged)', () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        const fast = parsePlainChatFrame(frame, frame.method);
        if (fast === undefined) return;
        const parsed = clientFrameSchema.safeParse(frame);
        expect(parsed.success).toBe(true);
        expect(fast).toBe(frame);
        expect(parsed.data).toStrictEqual(frame);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes every plain-text chat frame the schema takes', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('chat', 'chat.stream'), plainParams, (id, method, params) => {
        // As the engine reads it: from JSON text (plain objects, never without a prototype).
        const frame = JSON.parse(JSON.stringify({ id, method, params })) as Record<string, unknown>;
        expect(clientFrameSchema.safeParse(frame).success).toBe(true);
        expect(parsePlainChatFrame(frame, method)).toBe(frame);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves to the schema what it does not know, so the schema names the field at fault', () => {
    const frame = (params: object, extra: object = {}) => ({ id: 1, method: 'chat', params, ...extra });
    const hi = [{ role: 'user', content: 'hi' }];
    for (const leftOver of [
      frame({ model: 'm', messages: hi }, { options: { timeoutMs: 5 } }),
      frame({ model: 'm', messages: hi, temperature: Infinity }),
      frame({ model: 'm', messages: hi, maxTokens: '64' }),
      frame({ model: 'm', messages: [{ role: 'system', content: 'x', name: 'n' }] }),
      frame({ model: 'm', messages: [{ role: 'tool', content: 'x', toolCallId: 't' }] }),
      frame({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }),
      frame({ model: 'm', messages: hi, tools: [] }),
      frame({ model: 'm', messages: hi, max_tokens: 5 }),
      frame({ messages: hi }),
      frame({ model: 'm' }),
      frame({ model: 'm', messages: hi }, { extra: 1 }),
    ]) {
      expect(parsePlainChatFrame(leftOver, 'chat')).toBeUndefined();
    }
    expect(parsePlainChatFrame(frame({ model: 'm', messages: hi }), 'embed')).toBeUndefined();
  });
});
