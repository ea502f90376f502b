import type { AssistantContentPart, JSONObject, JSONValue, ToolCallPart } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { Warning } from '../../spec/warning.js';
import type { AnthropicMessagesResponse, AnthropicResponseBlock } from './anthropic-api.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

export interface ConvertFromAnthropicResponseOptions {
  provider: string;
  requestId: string | undefined;
  warnings: Warning[];
}

/** Top-level response fields the canonical response already carries. */
const MAPPED_FIELDS = new Set(['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']);

/**
 * Messages API response → ChatResponse. Content keeps the provider's order; blocks with no
 * canonical part (server_tool_use, web search results, compaction, ...) are kept, with their
 * position, under `providerMetadata.other_content` instead of being dropped.
 */
export function convertFromAnthropicResponse(
  body: AnthropicMessagesResponse,
  options: ConvertFromAnthropicResponseOptions,
): ChatResponse {
  const content: AssistantContentPart[] = [];
  const toolCalls: ToolCallPart[] = [];
  const otherContent: JSONObject[] = [];
  let text = '';
  const blocks = body.content ?? [];
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    const part = convertBlock(block);
    if (part === undefined) {
      otherContent.push({ index, block: block as JSONObject });
      continue;
    }
    content.push(part);
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') toolCalls.push(part);
  }

  // Wire names, like the other adapters: stop_sequence, the raw usage (service_tier, the
  // cache_creation breakdown, server_tool_use counts), container, context_management, and
  // whatever the API adds next; plus other_content for the blocks above.
  const providerMetadata: JSONObject = { stop_sequence: body.stop_sequence ?? null };
  if (body.usage !== undefined) providerMetadata['usage'] = body.usage as JSONObject;
  if (otherContent.length > 0) providerMetadata['other_content'] = otherContent;
  for (const key in body) {
    if (!MAPPED_FIELDS.has(key) && body[key] !== undefined) providerMetadata[key] = body[key] as JSONValue;
  }

  const stopReason = body.stop_reason ?? null;
  return {
    id: body.id ?? '',
    provider: options.provider,
    model: body.model ?? '',
    content,
    text,
    toolCalls,
    finishReason: mapAnthropicFinishReason(stopReason),
    rawFinishReason: stopReason,
    usage: mapAnthropicUsage(body.usage),
    warnings: options.warnings,
    ...(options.requestId !== undefined && { requestId: options.requestId }),
    providerMetadata,
  };
}

function convertBlock(block: AnthropicResponseBlock): AssistantContentPart | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text ?? '' };
    case 'thinking':
      return {
        type: 'reasoning',
        text: block.thinking ?? '',
        ...(block.signature !== undefined && { signature: block.signature }),
      };
    case 'redacted_thinking':
      return { type: 'redacted-reasoning', data: block.data ?? '' };
    case 'tool_use':
      return { type: 'tool-call', id: block.id ?? '', name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) };
    default:
      return undefined;
  }
}
