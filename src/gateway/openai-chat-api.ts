import { z } from 'zod';

/*
 * The OpenAI Chat Completions wire format as the gateway accepts and answers it
 * (platform.openai.com/docs/api-reference/chat). `null` counts as absent everywhere, as OpenAI
 * treats it, because many clients send every field with null defaults.
 */

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).nullish() }),
});
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const userPart = z.discriminatedUnion('type', [textPart, imagePart]);
const userContent = z.union([z.string(), z.array(userPart)]);
const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function').nullish(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const systemMessage = z.object({ role: z.literal('system'), content: textContent, name: z.string().nullish() });
const developerMessage = z.object({ role: z.literal('developer'), content: textContent, name: z.string().nullish() });
const userMessage = z.object({ role: z.literal('user'), content: userContent, name: z.string().nullish() });
const assistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]).nullish(),
  tool_calls: z.array(toolCall).nullish(),
  name: z.string().nullish(),
  refusal: z.string().nullish(),
});
const toolMessage = z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: textContent });

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const openAIChatBodySchema = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(z.discriminatedUnion('role', [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage]))
    .min(1),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  max_tokens: z.int().positive().nullish(),
  max_completion_tokens: z.int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  seed: z.int().nullish(),
  response_format: responseFormat.nullish(),
  user: z.string().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.int().nullish(),
});

export type OpenAIChatBody = z.infer<typeof openAIChatBodySchema>;
export type OpenAIChatMessage = OpenAIChatBody['messages'][number];
export type OpenAIUserContentPart = z.infer<typeof userPart>;
export type OpenAITool = z.infer<typeof tool>;
export type OpenAIToolChoice = z.infer<typeof toolChoice>;
export type OpenAIResponseFormat = z.infer<typeof responseFormat>;

/** Body fields with a canonical home; every other field is passed to OpenAI-type providers verbatim. */
export const MAPPED_CHAT_FIELDS = new Set([
  'model',
  'messages',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'seed',
  'response_format',
  'user',
  'stream',
  'stream_options',
  'n',
]);

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface OpenAIToolCallOut {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: string | null;
      tool_calls?: OpenAIToolCallOut[];
      /** Reasoning text (DeepSeek's and vLLM's field name), when the model returned some. */
      reasoning_content?: string;
    };
    logprobs: null;
    finish_reason: OpenAIFinishReason;
  }[];
  usage: OpenAIUsage;
}

export interface OpenAIChunkDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  refusal?: string | null;
  tool_calls?: { index: number; id?: string; type?: 'function'; function: { name?: string; arguments: string } }[];
}
