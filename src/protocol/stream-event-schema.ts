import { z } from 'zod';
import { finishReasonSchema, usageSchema, warningSchema } from './chat-response-schema.js';
import { jsonObjectSchema } from './json-value-schema.js';

/** The canonical StreamEvent, carried by each `event` frame of `chat.stream`. */
export const streamEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    id: z.string(),
    provider: z.string(),
    model: z.string(),
    requestId: z.string().optional(),
    warnings: z.array(warningSchema),
  }),
  z.object({ type: z.literal('text-delta'), text: z.string() }),
  z.object({ type: z.literal('reasoning-delta'), text: z.string() }),
  z.object({ type: z.literal('reasoning-signature'), signature: z.string() }),
  z.object({ type: z.literal('redacted-reasoning'), data: z.string() }),
  z.object({ type: z.literal('tool-call-start'), index: z.number(), id: z.string(), name: z.string() }),
  z.object({ type: z.literal('tool-call-delta'), index: z.number(), argumentsDelta: z.string() }),
  z.object({ type: z.literal('tool-call-end'), index: z.number(), id: z.string(), name: z.string(), arguments: z.string() }),
  z.object({
    type: z.literal('finish'),
    finishReason: finishReasonSchema,
    rawFinishReason: z.string().nullable(),
    usage: usageSchema,
    providerMetadata: jsonObjectSchema.optional(),
  }),
]);
