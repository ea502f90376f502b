import { z } from 'zod';
import { chatRequestSchema } from './chat-request-schema.js';
import { embedRequestSchema } from './embed-request-schema.js';

/** A call's id, chosen by the client and unique among its calls in flight; every answer repeats it. */
export const callIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The subset of the engine's RequestOptions a binding may set per call (no signal: `cancel` is the signal). */
export const callOptionsSchema = z.strictObject({
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().nonnegative().optional(),
  requestId: z.string().min(1).max(256).optional(),
  traceparent: z.string().max(256).optional(),
  tracestate: z.string().max(1024).optional(),
});

const noParams = z.strictObject({}).optional();

export const initializeFrameSchema = z.strictObject({
  id: callIdSchema,
  method: z.literal('initialize'),
  params: z.strictObject({
    protocolVersion: z.string(),
    /** Who is calling, for logs: `{ name: 'liter-llm-python', version: '0.1.0' }`. */
    client: z.object({ name: z.string(), version: z.string().optional() }).optional(),
  }),
});

export const chatFrameSchema = z.strictObject({
  id: callIdSchema,
  method: z.literal('chat'),
  params: chatRequestSchema,
  options: callOptionsSchema.optional(),
});

export const chatStreamFrameSchema = z.strictObject({
  id: callIdSchema,
  method: z.literal('chat.stream'),
  params: chatRequestSchema,
  options: callOptionsSchema.optional(),
});

export const embedFrameSchema = z.strictObject({
  id: callIdSchema,
  method: z.literal('embed'),
  params: embedRequestSchema,
  options: callOptionsSchema.optional(),
});

export const modelsFrameSchema = z.strictObject({ id: callIdSchema, method: z.literal('models'), params: noParams });
export const statsFrameSchema = z.strictObject({ id: callIdSchema, method: z.literal('stats'), params: noParams });
export const cancelFrameSchema = z.strictObject({
  id: callIdSchema,
  method: z.literal('cancel'),
  params: z.strictObject({ id: callIdSchema }),
});
export const shutdownFrameSchema = z.strictObject({ id: callIdSchema, method: z.literal('shutdown'), params: noParams });

/** Every frame a client (a binding) sends, told apart by `method`. */
export const clientFrameSchema = z.discriminatedUnion('method', [
  initializeFrameSchema,
  chatFrameSchema,
  chatStreamFrameSchema,
  embedFrameSchema,
  modelsFrameSchema,
  statsFrameSchema,
  cancelFrameSchema,
  shutdownFrameSchema,
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type ProtocolMethod = ClientFrame['method'];
export type CallOptions = z.infer<typeof callOptionsSchema>;

/** The methods, in the order the docs list them. */
export const PROTOCOL_METHODS = clientFrameSchema.options.map((option) => option.shape.method.value);
