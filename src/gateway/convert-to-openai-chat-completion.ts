import type { ChatResponse, FinishReason, Usage } from '../spec/chat-response.js';
import type { OpenAIChatCompletion, OpenAIFinishReason, OpenAIToolCallOut, OpenAIUsage } from './openai-chat-api.js';

/**
 * The canonical response as a `chat.completion`. `model` is the model that actually answered, as
 * its provider named it (OpenAI does the same: ask for `gpt-4o`, get `gpt-4o-2024-08-06`); the
 * `x-liter-llm-provider` / `x-liter-llm-model` headers say the same for callers behind a route.
 * Reasoning text, when the model returned some, goes in `reasoning_content` (DeepSeek's and vLLM's
 * name for it); a refusal in `refusal`, as OpenAI sends it.
 */
export function convertToOpenAIChatCompletion(
  response: ChatResponse,
  fallbackId: string,
  requestedModel: string,
): OpenAIChatCompletion {
  let reasoning = '';
  for (const part of response.content) if (part.type === 'reasoning') reasoning += part.text;
  const refusal = response.providerMetadata?.['refusal'];
  const message: OpenAIChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: response.text === '' && response.toolCalls.length > 0 ? null : response.text,
    refusal: typeof refusal === 'string' ? refusal : null,
  };
  if (response.toolCalls.length > 0) {
    message.tool_calls = response.toolCalls.map((call): OpenAIToolCallOut => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  if (reasoning !== '') message.reasoning_content = reasoning;
  return {
    id: response.id || `chatcmpl-${fallbackId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.model || requestedModel,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: convertToOpenAIFinishReason(response.finishReason, response.rawFinishReason),
      },
    ],
    usage: convertToOpenAIUsage(response.usage),
  };
}

const OPENAI_FINISH_REASONS = new Set<string>(['stop', 'length', 'tool_calls', 'content_filter']);

/**
 * OpenAI's own word when the provider used one (an OpenAI refusal is `stop` with `refusal` set,
 * though the canonical reason is content_filter); otherwise the closest. `error` and `other` have
 * no OpenAI word: the answer ended, so `stop`.
 */
export function convertToOpenAIFinishReason(reason: FinishReason, raw: string | null): OpenAIFinishReason {
  if (raw !== null && OPENAI_FINISH_REASONS.has(raw) && !(raw === 'stop' && reason === 'tool_calls'))
    return raw as OpenAIFinishReason;
  switch (reason) {
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    default:
      return 'stop';
  }
}

/** Canonical input tokens include the cached ones, as OpenAI's prompt_tokens do. */
export function convertToOpenAIUsage(usage: Usage): OpenAIUsage {
  const converted: OpenAIUsage = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
  };
  if (usage.reasoningTokens !== undefined) converted.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return converted;
}
