import { z } from 'zod';
import { jsonObjectSchema } from './json-value-schema.js';

// Strict objects: a misspelt field (`max_tokens` for `maxTokens`) is an invalid_request naming it,
// not a setting silently ignored. The bindings and the engine agree on the version at initialize.

export const textPartSchema = z.strictObject({ type: z.literal('text'), text: z.string() });

export const imagePartSchema = z.strictObject({
  type: z.literal('image'),
  url: z.string().optional(),
  data: z.string().optional(),
  mediaType: z.string().optional(),
  detail: z.enum(['auto', 'low', 'high']).optional(),
});

export const reasoningPartSchema = z.strictObject({
  type: z.literal('reasoning'),
  text: z.string(),
  signature: z.string().optional(),
});

export const redactedReasoningPartSchema = z.strictObject({ type: z.literal('redacted-reasoning'), data: z.string() });

export const toolCallPartSchema = z.strictObject({
  type: z.literal('tool-call'),
  id: z.string(),
  name: z.string(),
  arguments: z.string(),
});

const userContentPartSchema = z.discriminatedUnion('type', [textPartSchema, imagePartSchema]);
export const assistantContentPartSchema = z.discriminatedUnion('type', [
  textPartSchema,
  reasoningPartSchema,
  redactedReasoningPartSchema,
  toolCallPartSchema,
]);

export const messageSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.union([z.string(), z.array(textPartSchema)]) }),
  z.strictObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(userContentPartSchema)]),
    name: z.string().optional(),
  }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(assistantContentPartSchema)]),
    name: z.string().optional(),
  }),
  z.strictObject({
    role: z.literal('tool'),
    toolCallId: z.string(),
    content: z.union([z.string(), z.array(textPartSchema)]),
    isError: z.boolean().optional(),
  }),
]);

export const toolDefinitionSchema = z.strictObject({
  type: z.literal('function'),
  name: z.string(),
  description: z.string().optional(),
  parameters: jsonObjectSchema,
  strict: z.boolean().optional(),
});

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('tool'), name: z.string() }),
]);

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json') }),
  z.strictObject({
    type: z.literal('json-schema'),
    name: z.string(),
    schema: jsonObjectSchema,
    description: z.string().optional(),
    strict: z.boolean().optional(),
  }),
]);

export const providerOptionsSchema = z.record(z.string(), jsonObjectSchema.optional());

/** The canonical ChatRequest of src/spec, as the `params` of `chat` and `chat.stream`. */
export const chatRequestSchema = z.strictObject({
  model: z.string(),
  messages: z.array(messageSchema),
  tools: z.array(toolDefinitionSchema).optional(),
  toolChoice: toolChoiceSchema.optional(),
  temperature: z.number().optional(),
  topP: z.number().optional(),
  maxTokens: z.number().optional(),
  stop: z.array(z.string()).optional(),
  seed: z.number().optional(),
  responseFormat: responseFormatSchema.optional(),
  user: z.string().optional(),
  providerOptions: providerOptionsSchema.optional(),
});
