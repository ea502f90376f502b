import { anthropicMessagesBodySchema } from './anthropic-messages-api.js';
import { convertFromAnthropicMessagesBody } from './convert-from-anthropic-messages-body.js';
import { convertToAnthropicMessage } from './convert-to-anthropic-message.js';
import { createAnthropicStreamEncoder } from './create-anthropic-stream-encoder.js';
import { createValidationError } from './create-validation-error.js';
import type { GatewayContext } from './gateway-context.js';
import { InvalidRequestError } from '../spec/errors.js';
import { openEngineStream } from './open-engine-stream.js';
import { pipeChatStream } from './pipe-chat-stream.js';

/** `POST /v1/messages`: the Anthropic Messages API in and out, JSON or SSE, over any provider. */
export async function handleMessages(context: GatewayContext): Promise<void> {
  const body = await context.readBody();
  rejectServerTools(body);
  const parsed = anthropicMessagesBodySchema.safeParse(body);
  if (!parsed.success) throw createValidationError(parsed.error.issues, body);
  const { request, stream } = convertFromAnthropicMessagesBody(parsed.data);
  context.requestedModel = request.model;

  if (!stream) {
    const response = await context.engine.chat(request, context.callOptions);
    const message = convertToAnthropicMessage(response, context.requestId, request.model);
    context.sendJSON(200, JSON.stringify(message), context.servedHeaders(response.provider, response.model, response.warnings));
    return;
  }

  const { iterator, start } = await openEngineStream(context.engine.chatStream(request, context.callOptions));
  context.startSSE(context.servedHeaders(start.provider, start.model, start.warnings));
  const outcome = await pipeChatStream({
    iterator,
    first: start,
    response: context.response,
    encoder: createAnthropicStreamEncoder({ start, requestedModel: request.model, fallbackId: context.requestId }),
    abort: context.abort,
  });
  context.recordStreamOutcome(outcome);
}

/** Anthropic's server tools (web search, code execution...) run on Anthropic's side and have no canonical form. */
function rejectServerTools(body: unknown): void {
  const tools = (body as { tools?: unknown } | null)?.tools;
  if (!Array.isArray(tools)) return;
  tools.forEach((tool: unknown, index) => {
    const type = (tool as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && type !== 'custom') {
      throw new InvalidRequestError({
        message: `tools[${index}].type: server tools ("${type}") are not supported by the gateway; only custom tools with an input_schema`,
        param: `tools[${index}].type`,
      });
    }
  });
}
