import type { Usage } from '../../spec/chat-response.js';
import type { OpenAIUsage } from './openai-api.js';

/** Maps Chat Completions usage; missing numbers read as zero, details only when reported. */
export function mapOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  if (usage === null || usage === undefined) return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const inputTokens = usage.prompt_tokens ?? 0;
  const outputTokens = usage.completion_tokens ?? 0;
  const result: Usage = { inputTokens, outputTokens, totalTokens: usage.total_tokens ?? inputTokens + outputTokens };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.cached_tokens;
  if (typeof cached === 'number') result.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') result.reasoningTokens = reasoning;
  return result;
}
