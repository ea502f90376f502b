import type { FinishReason } from '../../spec/chat-response.js';

/** Anthropic `stop_reason` → canonical finish reason (the raw word is kept beside it). */
export function mapAnthropicFinishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // pause_turn (a server tool paused a long turn), null, and reasons added later.
      return 'other';
  }
}
