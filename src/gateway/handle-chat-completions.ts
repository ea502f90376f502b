import { convertFromOpenAIChatBody } from './convert-from-openai-chat-body.js';
import { convertToOpenAIChatCompletion } from './convert-to-openai-chat-completion.js';
import { createOpenAIStreamEncoder } from './create-openai-stream-encoder.js';
import { createValidationError } from './create-validation-error.js';
import type { GatewayContext } from './gateway-context.js';
import { openAIChatBodySchema } from './openai-chat-api.js';
import { openEngineStream } from './open-engine-stream.js';
import { pipeChatStream } from './pipe-chat-stream.js';

/** `POST /v1/chat/completions`: OpenAI Chat Completions in and out, JSON or SSE. */
export async function handleChatCompletions(context: GatewayContext): Promise<void> {
  const body = await context.readBody();
  const parsed = openAIChatBodySchema.safeParse(body);
  if (!parsed.success) throw createValidationError(parsed.error.issues, body);
  const { request, stream, includeUsage } = convertFromOpenAIChatBody(parsed.data);
  context.requestedModel = request.model;

  if (!stream) {
    const response = await context.engine.chat(request, context.callOptions);
    const completion = convertToOpenAIChatCompletion(response, context.requestId, request.model);
    context.sendJSON(200, JSON.stringify(completion), context.servedHeaders(response.provider, response.model, response.warnings));
    return;
  }

  const { iterator, start } = await openEngineStream(context.engine.chatStream(request, context.callOptions));
  context.startSSE(context.servedHeaders(start.provider, start.model, start.warnings));
  const outcome = await pipeChatStream({
    iterator,
    first: start,
    response: context.response,
    encoder: createOpenAIStreamEncoder({ start, requestedModel: request.model, fallbackId: context.requestId, includeUsage }),
    abort: context.abort,
  });
  context.recordStreamOutcome(outcome);
}
