import type { StreamEvent } from '../spec/stream-event.js';
import { convertToOpenAIFinishReason, convertToOpenAIUsage } from './convert-to-openai-chat-completion.js';
import { formatOpenAIError } from './format-openai-error.js';
import type { StreamEncoder } from './stream-encoder.js';

type StartEvent = Extract<StreamEvent, { type: 'start' }>;

export interface OpenAIStreamEncoderOptions {
  start: StartEvent;
  /** Used when the provider named no model. */
  requestedModel: string;
  /** Used when the provider sent no id. */
  fallbackId: string;
  includeUsage: boolean;
}

/**
 * `chat.completion.chunk` events as OpenAI sends them: a first chunk with `role: assistant`,
 * content deltas, tool calls (index + id + name with empty arguments, then argument pieces), a
 * chunk with the finish_reason, the usage chunk (`choices: []`) when `include_usage` asked for it,
 * and `data: [DONE]`. The constant head and tail of every chunk are serialised once per stream,
 * so a delta costs one JSON.stringify of its text.
 */
export function createOpenAIStreamEncoder(options: OpenAIStreamEncoderOptions): StreamEncoder {
  const { start } = options;
  const created = Math.floor(Date.now() / 1000);
  const prefix = `data: {"id":${JSON.stringify(start.id || `chatcmpl-${options.fallbackId}`)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(start.model || options.requestedModel)},"choices":`;
  const head = `${prefix}[{"index":0,"delta":`;
  const tail = ',"logprobs":null,"finish_reason":null}]}\n\n';
  // Argument characters already sent per tool call: a provider that sends the arguments only in
  // tool-call-end (or sends fewer in deltas) gets the rest sent before the call is closed.
  const sentArguments = new Map<number, number>();

  function chunk(delta: string): string {
    return `${head}${delta}${tail}`;
  }

  return {
    encode(event: StreamEvent): string {
      switch (event.type) {
        case 'start':
          return chunk('{"role":"assistant","content":"","refusal":null}');
        case 'text-delta':
          return chunk(`{"content":${JSON.stringify(event.text)}}`);
        case 'reasoning-delta':
          return chunk(`{"reasoning_content":${JSON.stringify(event.text)}}`);
        case 'tool-call-start':
          sentArguments.set(event.index, 0);
          return chunk(
            JSON.stringify({
              tool_calls: [{ index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }],
            }),
          );
        case 'tool-call-delta':
          sentArguments.set(event.index, (sentArguments.get(event.index) ?? 0) + event.argumentsDelta.length);
          return chunk(JSON.stringify({ tool_calls: [{ index: event.index, function: { arguments: event.argumentsDelta } }] }));
        case 'tool-call-end': {
          const sent = sentArguments.get(event.index);
          let text = '';
          if (sent === undefined) {
            text += chunk(
              JSON.stringify({
                tool_calls: [
                  { index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } },
                ],
              }),
            );
          }
          const rest = event.arguments.slice(sent ?? 0);
          sentArguments.set(event.index, event.arguments.length);
          if (rest !== '') text += chunk(JSON.stringify({ tool_calls: [{ index: event.index, function: { arguments: rest } }] }));
          return text;
        }
        case 'finish': {
          const refusal = event.providerMetadata?.['refusal'];
          let text = typeof refusal === 'string' && refusal !== '' ? chunk(`{"refusal":${JSON.stringify(refusal)}}`) : '';
          text += `${head}{},"logprobs":null,"finish_reason":"${convertToOpenAIFinishReason(event.finishReason, event.rawFinishReason)}"}]}\n\n`;
          if (options.includeUsage) text += `${prefix}[],"usage":${JSON.stringify(convertToOpenAIUsage(event.usage))}}\n\n`;
          return text;
        }
        default:
          return '';
      }
    },
    end: () => 'data: [DONE]\n\n',
    error: (info) => `data: ${formatOpenAIError(info)}\n\n`,
  };
}
