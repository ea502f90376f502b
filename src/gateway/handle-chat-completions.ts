import { convertFromOpenAIChatBody } from './convert-from-openai-chat-body.js';
import { convertToOpenAIChatCompletion } from './convert-to-openai-chat-completion.js';
import { createOpenAIStreamEncoder } from './create-openai-stream-encoder.js';
import { createValidationError } from './create-validation-error.js';
import type { GatewayContext } from './gateway-context.js';
import { openAIChatBodySchema } from './openai-chat-api.js';
import { serveChat } from './serve-chat.js';

/** `POST /v1/chat/completions`: OpenAI Chat Completions in and out, JSON or SSE. */
export async function handleChatCompletions(context: GatewayContext): Promise<void> {
  const body = await context.readBody();
  const parsed = openAIChatBodySchema.safeParse(body);
  if (!parsed.success) throw createValidationError(parsed.error.issues, body);
  const { request, stream, includeUsage } = convertFromOpenAIChatBody(parsed.data);
  await serveChat(context, request, stream, {
    toJSON: convertToOpenAIChatCompletion,
    createStreamEncoder: (start, requestedModel, requestId) =>
      createOpenAIStreamEncoder({ start, requestedModel, fallbackId: requestId, includeUsage }),
  });
}
