import { anthropicMessagesBodySchema } from './anthropic-messages-api.js';
import { convertFromAnthropicMessagesBody } from './convert-from-anthropic-messages-body.js';
import { convertToAnthropicMessage } from './convert-to-anthropic-message.js';
import { createAnthropicStreamEncoder } from './create-anthropic-stream-encoder.js';
import { createValidationError } from './create-validation-error.js';
import type { GatewayContext } from './gateway-context.js';
import { InvalidRequestError } from '../spec/errors.js';
import { serveChat } from './serve-chat.js';

/** `POST /v1/messages`: the Anthropic Messages API in and out, JSON or SSE, over any provider. */
export async function handleMessages(context: GatewayContext): Promise<void> {
  const body = await context.readBody();
  rejectServerTools(body);
  const parsed = anthropicMessagesBodySchema.safeParse(body);
  if (!parsed.success) throw createValidationError(parsed.error.issues, body);
  const { request, stream } = convertFromAnthropicMessagesBody(parsed.data);
  await serveChat(context, request, stream, {
    toJSON: convertToAnthropicMessage,
    createStreamEncoder: (start, requestedModel, requestId) =>
      createAnthropicStreamEncoder({ start, requestedModel, fallbackId: requestId }),
  });
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
