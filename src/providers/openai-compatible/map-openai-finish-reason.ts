import type { FinishReason } from '../../spec/chat-response.js';

/**
 * Maps a Chat Completions finish_reason (and the words compatible servers use instead) to the
 * canonical reason. The raw word is kept by the caller as `rawFinishReason`.
 */
export function mapOpenAIFinishReason(reason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  switch (reason) {
    case 'stop':
    case 'eos': // Together
    case 'eos_token': // TGI
    case 'stop_sequence': // TGI, Anthropic-backed gateways
    case 'end_turn':
      // TGI 1.4 ends a tool call with eos_token; callers loop on `tool_calls`, so say so.
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'length':
    case 'max_tokens':
    case 'model_length': // vLLM when the context window, not max_tokens, ran out
      return 'length';
    case 'tool_calls':
    case 'function_call':
    case 'tool_use':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'error':
      return 'error';
    default:
      return 'other';
  }
}
