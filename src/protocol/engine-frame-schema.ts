import { z } from 'zod';
import { ERROR_CODES } from '../spec/error-codes.js';
import { attemptRecordSchema, chatResponseSchema } from './chat-response-schema.js';
import { callIdSchema } from './client-frame-schema.js';
import { embedResponseSchema } from './embed-response-schema.js';
import { streamEventSchema } from './stream-event-schema.js';

/** The engine's answer to `initialize`. */
export const initializeResultSchema = z.object({
  protocolVersion: z.string(),
  packageVersion: z.string(),
  /** What this engine offers: the methods it serves and its frame size limit. */
  capabilities: z.object({ methods: z.array(z.string()), maxFrameBytes: z.number() }),
});

/** The `result` of `chat.stream`, after its events: every upstream attempt of the call. */
export const chatStreamResultSchema = z.object({ requestId: z.string(), attempts: z.array(attemptRecordSchema) });

export const modelsResultSchema = z.object({
  models: z.array(z.object({ id: z.string(), kind: z.enum(['route', 'provider-model']), provider: z.string().optional() })),
});

export const statsResultSchema = z.object({
  providers: z.array(z.object({ name: z.string(), inFlight: z.number(), queued: z.number(), maxConcurrency: z.number() })),
});

/** `cancel`: whether a call with that id was in flight (cancelling a finished call is not an error). */
export const cancelResultSchema = z.object({ cancelled: z.boolean() });

/** `shutdown`: sent once every call in flight has ended; the engine then stops reading. */
export const shutdownResultSchema = z.object({});

/** The one error taxonomy, as the `error` of an error frame (the same fields LiterLLMError.toJSON has). */
export const protocolErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  provider: z.string().optional(),
  status: z.number().optional(),
  requestId: z.string().optional(),
  retryable: z.boolean(),
  retryAfterMs: z.number().optional(),
  /** For invalid_request: the field at fault, as a path (`params.messages[0].role`). */
  param: z.string().optional(),
});

export const resultFrameSchema = z.object({
  type: z.literal('result'),
  id: callIdSchema,
  result: z.union([
    initializeResultSchema,
    chatResponseSchema,
    chatStreamResultSchema,
    embedResponseSchema,
    modelsResultSchema,
    statsResultSchema,
    cancelResultSchema,
    shutdownResultSchema,
  ]),
});

export const eventFrameSchema = z.object({ type: z.literal('event'), id: callIdSchema, event: streamEventSchema });

export const errorFrameSchema = z.object({
  type: z.literal('error'),
  /** null when the offending frame had no readable id (bad length, not JSON). */
  id: callIdSchema.nullable(),
  error: protocolErrorSchema,
});

/** Every frame the engine sends, told apart by `type`. */
export const engineFrameSchema = z.discriminatedUnion('type', [resultFrameSchema, eventFrameSchema, errorFrameSchema]);

export type EngineFrame = z.infer<typeof engineFrameSchema>;
export type ProtocolError = z.infer<typeof protocolErrorSchema>;
export type InitializeResult = z.infer<typeof initializeResultSchema>;
export type ChatStreamResult = z.infer<typeof chatStreamResultSchema>;
