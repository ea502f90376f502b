import type { Usage } from '../../spec/chat-response.js';
import type { AnthropicUsage } from './anthropic-api.js';

/**
 * Anthropic counts cache reads and cache writes *outside* `input_tokens`; the canonical
 * `inputTokens` is every input token the prompt used (as OpenAI reports it), so the three are
 * added up, and the cached and cache-written shares are reported beside it.
 */
export function mapAnthropicUsage(usage: AnthropicUsage | undefined): Usage {
  const uncached = usage?.input_tokens ?? 0;
  const cacheRead = usage?.cache_read_input_tokens;
  const cacheWrite = usage?.cache_creation_input_tokens;
  const inputTokens = uncached + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const outputTokens = usage?.output_tokens ?? 0;
  const result: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (typeof cacheRead === 'number') result.cachedInputTokens = cacheRead;
  if (typeof cacheWrite === 'number') result.cacheWriteInputTokens = cacheWrite;
  return result;
}
