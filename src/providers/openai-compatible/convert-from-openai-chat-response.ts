import type { AssistantContentPart, JSONObject, ToolCallPart } from '../../spec/chat-request.js';
import type { ChatResponse, FinishReason } from '../../spec/chat-response.js';
import { ProviderUnavailableError } from '../../spec/errors.js';
import type { Warning } from '../../spec/warning.js';
import { convertOpenAIToolCall } from './convert-openai-tool-call.js';
import { copyExtraFields } from './copy-extra-fields.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import type { OpenAIChatResponse } from './openai-api.js';

export interface OpenAIResponseContext {
  provider: string;
  requestId?: string;
  /** Warnings from the request mapping; response warnings are appended. */
  warnings: Warning[];
}

const KNOWN_RESPONSE_FIELDS = new Set(['id', 'object', 'model', 'choices', 'usage']);
const KNOWN_CHOICE_FIELDS = new Set(['index', 'message', 'finish_reason']);
const KNOWN_MESSAGE_FIELDS = new Set([
  'role',
  'content',
  'refusal',
  'tool_calls',
  'function_call',
  'reasoning_content',
  'reasoning',
]);

/**
 * Maps a Chat Completions response to the canonical ChatResponse.
 *
 * A refusal (`message.refusal`) is not the model's answer: callers that asked for a JSON schema
 * would try to parse it. So it is kept as `providerMetadata.refusal`, the text stays empty and the
 * finish reason is `content_filter` (rawFinishReason keeps OpenAI's own word, usually "stop").
 */
export function convertFromOpenAIChatResponse(body: OpenAIChatResponse, context: OpenAIResponseContext): ChatResponse {
  const choices = body.choices;
  const choice = Array.isArray(choices) ? (choices.find((item) => (item.index ?? 0) === 0) ?? choices[0]) : undefined;
  if (choice === undefined) {
    throw new ProviderUnavailableError({
      message: `${context.provider} returned a chat completion without choices`,
      provider: context.provider,
      retryable: false,
      ...(context.requestId !== undefined && { requestId: context.requestId }),
    });
  }
  const warnings = context.warnings;
  if (choices!.length > 1 && !warnings.some((warning) => warning.setting === 'providerOptions.n')) {
    warnings.push({ type: 'other', message: `${choices!.length} choices returned; only the first is used` });
  }

  const message = choice.message ?? {};
  const content: AssistantContentPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  const text = typeof message.content === 'string' ? message.content : '';
  if (text !== '') content.push({ type: 'text', text });

  const toolCalls: ToolCallPart[] = [];
  const wireToolCalls = message.tool_calls;
  if (Array.isArray(wireToolCalls)) {
    for (let index = 0; index < wireToolCalls.length; index++)
      toolCalls.push(convertOpenAIToolCall(wireToolCalls[index]!, index));
  } else if (message.function_call) {
    toolCalls.push(convertOpenAIToolCall({ function: message.function_call }, 0));
  }
  for (const call of toolCalls) content.push(call);

  const providerMetadata: JSONObject = {};
  copyExtraFields(providerMetadata, body, KNOWN_RESPONSE_FIELDS);
  copyExtraFields(providerMetadata, choice, KNOWN_CHOICE_FIELDS);
  copyExtraFields(providerMetadata, message, KNOWN_MESSAGE_FIELDS);

  const rawFinishReason = choice.finish_reason ?? null;
  let finishReason: FinishReason = mapOpenAIFinishReason(rawFinishReason, toolCalls.length > 0);
  if (typeof message.refusal === 'string' && message.refusal !== '') {
    providerMetadata['refusal'] = message.refusal;
    finishReason = 'content_filter';
  }

  const response: ChatResponse = {
    id: body.id ?? '',
    provider: context.provider,
    model: body.model ?? '',
    content,
    text,
    toolCalls,
    finishReason,
    rawFinishReason,
    usage: mapOpenAIUsage(body.usage),
    warnings,
  };
  if (context.requestId !== undefined) response.requestId = context.requestId;
  for (const _ in providerMetadata) {
    response.providerMetadata = providerMetadata;
    break;
  }
  return response;
}
