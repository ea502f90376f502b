import type { AssistantContentPart } from '../spec/chat-request.js';
import type { ChatResponse, FinishReason, Usage } from '../spec/chat-response.js';
import type {
  AnthropicMessageOut,
  AnthropicOutputBlock,
  AnthropicStopReason,
  AnthropicUsageOut,
} from './anthropic-messages-api.js';

const ANTHROPIC_STOP_REASONS = new Set<string>([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

/**
 * The canonical response as an Anthropic `message`. `model` is the model that answered, as its
 * provider named it (as for the OpenAI endpoint).
 */
export function convertToAnthropicMessage(
  response: ChatResponse,
  fallbackId: string,
  requestedModel: string,
): AnthropicMessageOut {
  const stopSequence = response.providerMetadata?.['stop_sequence'];
  return {
    id: response.id || `msg_${fallbackId}`,
    type: 'message',
    role: 'assistant',
    model: response.model || requestedModel,
    content: response.content.map(convertToAnthropicBlock),
    stop_reason: convertToAnthropicStopReason(response.finishReason, response.rawFinishReason),
    stop_sequence: typeof stopSequence === 'string' ? stopSequence : null,
    usage: convertToAnthropicUsage(response.usage),
  };
}

function convertToAnthropicBlock(part: AssistantContentPart): AnthropicOutputBlock {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'reasoning':
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted-reasoning':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool-call':
      return { type: 'tool_use', id: part.id, name: part.name, input: parseToolInput(part.arguments) };
  }
}

/**
 * Anthropic's `input` is an object; models behind other providers occasionally emit arguments
 * that are not JSON. Those are kept, as text, under `_raw_arguments` rather than dropped.
 */
export function parseToolInput(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // not JSON: fall through
  }
  return { _raw_arguments: text };
}

/** Anthropic's own word when the provider was Anthropic (keeps stop_sequence, pause_turn); otherwise the closest. */
export function convertToAnthropicStopReason(reason: FinishReason, raw: string | null): AnthropicStopReason {
  if (raw !== null && ANTHROPIC_STOP_REASONS.has(raw)) return raw as AnthropicStopReason;
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Anthropic counts cache reads and writes outside input_tokens; the canonical inputTokens includes them. */
export function convertToAnthropicUsage(usage: Usage): AnthropicUsageOut {
  const cacheRead = usage.cachedInputTokens;
  const cacheWrite = usage.cacheWriteInputTokens;
  return {
    input_tokens: Math.max(0, usage.inputTokens - (cacheRead ?? 0) - (cacheWrite ?? 0)),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: cacheWrite ?? null,
    cache_read_input_tokens: cacheRead ?? null,
  };
}
