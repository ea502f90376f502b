import type { FinishReason, Usage } from './chat-response.js';
import type { JSONObject } from './chat-request.js';
import type { Warning } from './warning.js';

/**
 * The canonical stream. Always: one `start`, then deltas, then exactly one `finish` (a failed
 * stream throws a LiterLLMError from the iterator instead of sending `finish`).
 * Tool-call events carry an index, counted 0, 1, … among the tool calls of the response (as
 * OpenAI numbers them), so parallel calls can be told apart and re-encoded without gaps.
 */
export type StreamEvent =
  | { type: 'start'; id: string; provider: string; model: string; requestId?: string; warnings: Warning[] }
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  | { type: 'reasoning-signature'; signature: string }
  | { type: 'redacted-reasoning'; data: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; argumentsDelta: string }
  | { type: 'tool-call-end'; index: number; id: string; name: string; arguments: string }
  | {
      type: 'finish';
      finishReason: FinishReason;
      rawFinishReason: string | null;
      usage: Usage;
      providerMetadata?: JSONObject;
    };

export type StreamEventType = StreamEvent['type'];
