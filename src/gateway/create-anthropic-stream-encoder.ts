import type { StreamEvent } from '../spec/stream-event.js';
import { convertToAnthropicStopReason, convertToAnthropicUsage } from './convert-to-anthropic-message.js';
import { createAnthropicErrorPayload } from './format-anthropic-error.js';
import type { StreamEncoder } from './stream-encoder.js';

type StartEvent = Extract<StreamEvent, { type: 'start' }>;

export interface AnthropicStreamEncoderOptions {
  start: StartEvent;
  requestedModel: string;
  fallbackId: string;
}

interface OpenBlock {
  kind: 'text' | 'thinking';
  index: number;
}

interface ToolBlock {
  index: number;
  /** Argument characters already sent as input_json_delta. */
  sent: number;
}

function frame(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

/**
 * The Messages stream framed exactly as Anthropic sends it: `event: <type>` + `data: <json>` for
 * message_start, ping, content_block_start / content_block_delta / content_block_stop per block,
 * message_delta (stop reason and the final usage, input tokens included, since the canonical
 * stream only knows them at the end) and message_stop. Text, thinking and tool calls each get
 * their own block, numbered in order, whatever provider produced them.
 */
export function createAnthropicStreamEncoder(options: AnthropicStreamEncoderOptions): StreamEncoder {
  const { start } = options;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  const tools = new Map<number, ToolBlock>();

  function closeOpen(): string {
    if (open === undefined) return '';
    const text = frame('content_block_stop', `{"type":"content_block_stop","index":${open.index}}`);
    open = undefined;
    return text;
  }

  function startBlock(block: object): { index: number; text: string } {
    const index = nextIndex++;
    return {
      index,
      text: frame(
        'content_block_start',
        `{"type":"content_block_start","index":${index},"content_block":${JSON.stringify(block)}}`,
      ),
    };
  }

  function ensureOpen(kind: OpenBlock['kind']): string {
    if (open?.kind === kind) return '';
    let text = closeOpen();
    const started = startBlock(kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' });
    open = { kind, index: started.index };
    text += started.text;
    return text;
  }

  function delta(index: number, body: string): string {
    return frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":${body}}`);
  }

  function startTool(toolIndex: number, id: string, name: string): string {
    const started = startBlock({ type: 'tool_use', id, name, input: {} });
    tools.set(toolIndex, { index: started.index, sent: 0 });
    return started.text;
  }

  return {
    encode(event: StreamEvent): string {
      switch (event.type) {
        case 'start': {
          const message = {
            id: start.id || `msg_${options.fallbackId}`,
            type: 'message',
            role: 'assistant',
            model: start.model || options.requestedModel,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          };
          return (
            frame('message_start', `{"type":"message_start","message":${JSON.stringify(message)}}`) +
            frame('ping', '{"type": "ping"}')
          );
        }
        case 'text-delta': {
          const text = ensureOpen('text');
          return text + delta(open!.index, `{"type":"text_delta","text":${JSON.stringify(event.text)}}`);
        }
        case 'reasoning-delta': {
          const text = ensureOpen('thinking');
          return text + delta(open!.index, `{"type":"thinking_delta","thinking":${JSON.stringify(event.text)}}`);
        }
        case 'reasoning-signature': {
          const text = ensureOpen('thinking');
          return text + delta(open!.index, `{"type":"signature_delta","signature":${JSON.stringify(event.signature)}}`);
        }
        case 'redacted-reasoning': {
          const started = startBlock({ type: 'redacted_thinking', data: event.data });
          return (
            closeOpen() + started.text + frame('content_block_stop', `{"type":"content_block_stop","index":${started.index}}`)
          );
        }
        case 'tool-call-start':
          return closeOpen() + startTool(event.index, event.id, event.name);
        case 'tool-call-delta': {
          const tool = tools.get(event.index);
          if (tool === undefined || event.argumentsDelta === '') return '';
          tool.sent += event.argumentsDelta.length;
          return delta(tool.index, `{"type":"input_json_delta","partial_json":${JSON.stringify(event.argumentsDelta)}}`);
        }
        case 'tool-call-end': {
          let text = '';
          if (!tools.has(event.index)) text += closeOpen() + startTool(event.index, event.id, event.name);
          const tool = tools.get(event.index)!;
          const rest = event.arguments.slice(tool.sent);
          if (rest !== '') text += delta(tool.index, `{"type":"input_json_delta","partial_json":${JSON.stringify(rest)}}`);
          tools.delete(event.index);
          return text + frame('content_block_stop', `{"type":"content_block_stop","index":${tool.index}}`);
        }
        case 'finish': {
          let text = closeOpen();
          for (const tool of tools.values())
            text += frame('content_block_stop', `{"type":"content_block_stop","index":${tool.index}}`);
          tools.clear();
          const stopSequence = event.providerMetadata?.['stop_sequence'];
          const messageDelta = {
            type: 'message_delta',
            delta: {
              stop_reason: convertToAnthropicStopReason(event.finishReason, event.rawFinishReason),
              stop_sequence: typeof stopSequence === 'string' ? stopSequence : null,
            },
            usage: convertToAnthropicUsage(event.usage),
          };
          return text + frame('message_delta', JSON.stringify(messageDelta)) + frame('message_stop', '{"type":"message_stop"}');
        }
      }
    },
    end: () => '',
    error: (info) => frame('error', JSON.stringify(createAnthropicErrorPayload(info))),
  };
}
