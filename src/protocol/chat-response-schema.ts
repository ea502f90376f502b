import { z } from 'zod';
import { assistantContentPartSchema, toolCallPartSchema } from './chat-request-schema.js';
import { jsonObjectSchema } from './json-value-schema.js';

export const finishReasonSchema = z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'error', 'other']);

export const usageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  cachedInputTokens: z.number().optional(),
  cacheWriteInputTokens: z.number().optional(),
  reasoningTokens: z.number().optional(),
});

export const warningSchema = z.object({
  type: z.enum(['unsupported-setting', 'other']),
  setting: z.string().optional(),
  message: z.string(),
});

export const attemptRecordSchema = z.object({
  provider: z.string(),
  model: z.string(),
  outcome: z.string(),
  status: z.number().optional(),
  durationMs: z.number(),
});

/** The canonical ChatResponse, the `result` of `chat`. Engine output: not strict, so it may grow. */
export const chatResponseSchema = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  content: z.array(assistantContentPartSchema),
  text: z.string(),
  toolCalls: z.array(toolCallPartSchema),
  finishReason: finishReasonSchema,
  rawFinishReason: z.string().nullable(),
  usage: usageSchema,
  warnings: z.array(warningSchema),
  requestId: z.string().optional(),
  providerMetadata: jsonObjectSchema.optional(),
  attempts: z.array(attemptRecordSchema).optional(),
});
