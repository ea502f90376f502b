import type { Attributes } from '@opentelemetry/api';
import type { RequestContext } from '../engine/engine-events.js';
import type { Message } from '../spec/chat-request.js';
import { ATTR } from './gen-ai-attributes.js';

type Part =
  | { type: 'text'; content: string }
  | { type: 'uri'; modality: 'image'; uri: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  | { type: 'tool_call_response'; id: string; response: string };

/**
 * Prompt and completion as the GenAI conventions' content attributes (JSON strings):
 * gen_ai.system_instructions, gen_ai.input.messages, gen_ai.output.messages. Only called when
 * the operator opted in to content recording. Images given as bytes are replaced by their size.
 */
export function convertContentAttributes(context: RequestContext): Attributes {
  const request = context.request;
  if (!request || !('messages' in request)) return {};
  const attributes: Attributes = {};
  const system: Part[] = [];
  const input: { role: string; parts: Part[] }[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') system.push(...partsOf(message));
    else input.push({ role: message.role, parts: partsOf(message) });
  }
  if (system.length > 0) attributes[ATTR.systemInstructions] = JSON.stringify(system);
  attributes[ATTR.inputMessages] = JSON.stringify(input);
  if (context.outputText !== undefined) {
    attributes[ATTR.outputMessages] = JSON.stringify([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: context.outputText }],
        ...(context.finishReason !== undefined && { finish_reason: context.finishReason }),
      },
    ]);
  }
  return attributes;
}

function partsOf(message: Message): Part[] {
  if (message.role === 'tool') {
    const text = typeof message.content === 'string' ? message.content : message.content.map((part) => part.text).join('');
    return [{ type: 'tool_call_response', id: message.toolCallId, response: text }];
  }
  if (typeof message.content === 'string') return [{ type: 'text', content: message.content }];
  const parts: Part[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text', content: part.text });
        break;
      case 'image':
        if (part.url !== undefined && !part.url.startsWith('data:'))
          parts.push({ type: 'uri', modality: 'image', uri: part.url });
        else parts.push({ type: 'text', content: `[image, ${(part.data ?? part.url ?? '').length} bytes]` });
        break;
      case 'tool-call':
        parts.push({ type: 'tool_call', id: part.id, name: part.name, arguments: part.arguments });
        break;
      case 'reasoning':
        parts.push({ type: 'reasoning', content: part.text });
        break;
      default:
        break;
    }
  }
  return parts;
}
