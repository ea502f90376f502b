import type { ToolCallPart } from '../../spec/chat-request.js';
import type { OpenAIResponseToolCall } from './openai-api.js';

/**
 * One complete tool call from a response message. Tolerates TGI 1.4, which sends an integer id
 * and the arguments as an object rather than JSON text.
 */
export function convertOpenAIToolCall(call: OpenAIResponseToolCall, position: number): ToolCallPart {
  return {
    type: 'tool-call',
    id: convertOpenAIToolCallId(call.id, call.index ?? position),
    name: call.function?.name ?? '',
    arguments: convertOpenAIToolCallArguments(call.function?.arguments),
  };
}

export function convertOpenAIToolCallId(id: string | number | null | undefined, index: number): string {
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number') return String(id);
  // Some servers omit ids; a stable stand-in lets the caller answer the call.
  return `call_${index}`;
}

export function convertOpenAIToolCallArguments(value: string | Record<string, unknown> | null | undefined): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '{}';
  return JSON.stringify(value);
}
