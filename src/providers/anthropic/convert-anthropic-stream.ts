import { preview } from '../../http/send-request.js';
import type { SSEEvent } from '../../http/sse-parser.js';
import type { JSONObject, JSONValue } from '../../spec/chat-request.js';
import { ProviderUnavailableError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import type { Warning } from '../../spec/warning.js';
import type { AnthropicMessagesResponse, AnthropicResponseBlock, AnthropicStreamEvent, AnthropicUsage } from './anthropic-api.js';
import { mapAnthropicStreamError } from './anthropic-error.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

export interface ConvertAnthropicStreamOptions {
  provider: string;
  requestId: string | undefined;
  warnings: Warning[];
}

/** What we remember about one open content block, by its index. */
interface BlockState {
  type: string;
  /** Ordinal among this response's tool calls (0, 1, ...), the canonical tool-call index. */
  toolIndex: number;
  id: string;
  name: string;
  /** tool_use / server_tool_use: the input_json_delta fragments so far. */
  json: string;
  /** `json` holds the start block's own input, to be replaced if deltas follow after all. */
  jsonFromStart: boolean;
  /** Blocks with no canonical event: the start block, completed at stop for providerMetadata. */
  block: AnthropicResponseBlock | undefined;
  /** compaction_delta (and similar) text, for such blocks. */
  text: string;
}

const MESSAGE_FIELDS = new Set(['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']);

/**
 * Messages API SSE events → canonical stream events: one `start` (at message_start), deltas, and
 * one `finish` (at message_stop). `ping` and event types we do not know are skipped, so new API
 * features do not break old adapters. An `event: error` is thrown as the matching LiterLLMError.
 *
 * Tool calls are numbered 0, 1, ... among the response's tool calls (not by content-block index,
 * which counts text and thinking blocks too), matching what the OpenAI wire calls `index`.
 */
export async function* convertAnthropicStream(
  events: AsyncIterable<SSEEvent>,
  options: ConvertAnthropicStreamOptions,
): AsyncGenerator<StreamEvent> {
  const { provider } = options;
  const blocks: (BlockState | undefined)[] = [];
  const metadata: JSONObject = {};
  const otherContent: JSONObject[] = [];
  let usage: AnthropicUsage = {};
  let stopReason: string | null = null;
  let stopSequence: string | null = null;
  let started = false;
  let finished = false;
  let toolCount = 0;

  for await (const sse of events) {
    if (finished) continue; // drain to the end so the connection can be reused
    const event = parseEvent(sse, provider);
    const type = event.type ?? sse.event;
    // message_start always comes first; should anything else lead, `start` is still sent first.
    if (!started && type !== 'ping' && type !== 'error') {
      const message = type === 'message_start' ? event.message : undefined;
      started = true;
      yield startEvent(message, options);
      if (message !== undefined) {
        usage = { ...message.usage };
        copyExtraFields(message, MESSAGE_FIELDS, metadata);
      }
      if (type === 'message_start') continue;
    }
    switch (type) {
      case 'content_block_start': {
        const block = event.content_block ?? { type: 'unknown' };
        const state: BlockState = {
          type: block.type,
          toolIndex: -1,
          id: block.id ?? '',
          name: block.name ?? '',
          json: '',
          jsonFromStart: false,
          block: undefined,
          text: '',
        };
        blocks[event.index ?? blocks.length] = state;
        switch (block.type) {
          case 'text':
            if (block.text) yield { type: 'text-delta', text: block.text };
            break;
          case 'thinking':
            if (block.thinking) yield { type: 'reasoning-delta', text: block.thinking };
            if (block.signature) yield { type: 'reasoning-signature', signature: block.signature };
            break;
          case 'redacted_thinking':
            yield { type: 'redacted-reasoning', data: block.data ?? '' };
            break;
          case 'tool_use':
            state.toolIndex = toolCount++;
            // The start block carries `input: {}`; a non-empty one (no deltas follow) is the whole input.
            if (isNonEmptyObject(block.input)) {
              state.json = JSON.stringify(block.input);
              state.jsonFromStart = true;
            }
            yield { type: 'tool-call-start', index: state.toolIndex, id: state.id, name: state.name };
            break;
          default:
            state.block = block;
            break;
        }
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        const state = blocks[event.index ?? -1];
        if (delta === undefined) break;
        switch (delta.type) {
          case 'text_delta':
            if (delta.text) yield { type: 'text-delta', text: delta.text };
            break;
          case 'thinking_delta':
            if (delta.thinking) yield { type: 'reasoning-delta', text: delta.thinking };
            break;
          case 'signature_delta':
            if (delta.signature) yield { type: 'reasoning-signature', signature: delta.signature };
            break;
          case 'input_json_delta':
            if (!delta.partial_json || state === undefined) break;
            if (state.jsonFromStart) {
              state.json = '';
              state.jsonFromStart = false;
            }
            state.json += delta.partial_json;
            if (state.type === 'tool_use') {
              yield { type: 'tool-call-delta', index: state.toolIndex, argumentsDelta: delta.partial_json };
            }
            break;
          default:
            // compaction_delta, citations_delta, and deltas added later: kept for unknown blocks only.
            if (state?.block !== undefined && typeof delta.content === 'string') state.text += delta.content;
            break;
        }
        break;
      }
      case 'content_block_stop': {
        const state = blocks[event.index ?? -1];
        if (state === undefined) break;
        if (state.type === 'tool_use') {
          yield { type: 'tool-call-end', index: state.toolIndex, id: state.id, name: state.name, arguments: state.json || '{}' };
        } else if (state.block !== undefined) {
          otherContent.push({ index: event.index ?? -1, block: completeBlock(state) });
        }
        break;
      }
      case 'message_delta': {
        const delta = event.delta;
        if (delta !== undefined) {
          if (delta.stop_reason !== undefined) stopReason = delta.stop_reason;
          if (delta.stop_sequence !== undefined) stopSequence = delta.stop_sequence;
          copyExtraFields(delta, DELTA_FIELDS, metadata);
        }
        // message_delta usage is cumulative; newer API versions repeat the input counts here too.
        if (event.usage !== undefined) usage = mergeUsage(usage, event.usage);
        copyExtraFields(event, MESSAGE_DELTA_FIELDS, metadata);
        break;
      }
      case 'message_stop': {
        finished = true;
        // The same keys as a non-streamed response's providerMetadata.
        const providerMetadata: JSONObject = { stop_sequence: stopSequence, usage: usage as JSONObject, ...metadata };
        if (otherContent.length > 0) providerMetadata['other_content'] = otherContent;
        yield {
          type: 'finish',
          finishReason: mapAnthropicFinishReason(stopReason),
          rawFinishReason: stopReason,
          usage: mapAnthropicUsage(usage),
          providerMetadata,
        };
        break;
      }
      case 'error':
        throw mapAnthropicStreamError(event, provider, options.requestId);
      default:
        // ping, and event types added after this adapter was written.
        break;
    }
  }
  if (!finished) {
    throw new ProviderUnavailableError({
      message: `${provider} stream ended early (no message_stop)`,
      provider,
      retryable: true,
    });
  }
}

const DELTA_FIELDS = new Set(['type', 'stop_reason', 'stop_sequence']);
const MESSAGE_DELTA_FIELDS = new Set(['type', 'delta', 'usage', 'index']);

function startEvent(message: AnthropicMessagesResponse | undefined, options: ConvertAnthropicStreamOptions): StreamEvent {
  return {
    type: 'start',
    id: message?.id ?? '',
    provider: options.provider,
    model: message?.model ?? '',
    ...(options.requestId !== undefined && { requestId: options.requestId }),
    warnings: options.warnings,
  };
}

function parseEvent(sse: SSEEvent, provider: string): AnthropicStreamEvent {
  try {
    const value: unknown = JSON.parse(sse.data);
    if (typeof value === 'object' && value !== null) return value as AnthropicStreamEvent;
  } catch {
    // reported below
  }
  throw new ProviderUnavailableError({
    message: `${provider} sent a stream event that is not a JSON object: ${preview(sse.data)}`,
    provider,
  });
}

function mergeUsage(current: AnthropicUsage, update: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...current };
  for (const key in update) {
    const value = update[key];
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}

function copyExtraFields(source: Record<string, unknown>, known: Set<string>, target: JSONObject): void {
  for (const key in source) {
    if (known.has(key)) continue;
    const value = source[key];
    if (value !== undefined) target[key] = value as JSONValue;
  }
}

/** The start block with what its deltas carried, as the non-streamed response would show it. */
function completeBlock(state: BlockState): JSONObject {
  const block: JSONObject = { ...(state.block as JSONObject) };
  if (state.json.length > 0) {
    try {
      block['input'] = JSON.parse(state.json) as JSONValue;
    } catch {
      block['input'] = state.json;
    }
  }
  if (state.text.length > 0) block['content'] = state.text;
  return block;
}

function isNonEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const _ in value) return true;
  return false;
}
