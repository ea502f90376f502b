import type { AssistantContentPart, ImagePart, JSONObject, Message, TextPart, UserContentPart } from '../../spec/chat-request.js';
import { InvalidRequestError, type LiterLLMError } from '../../spec/errors.js';
import type { Warning } from '../../spec/warning.js';
import type { AnthropicImageBlock, AnthropicMessage, AnthropicRequestBlock, AnthropicTextBlock } from './anthropic-api.js';

export interface AnthropicPrompt {
  system: string | AnthropicTextBlock[] | undefined;
  messages: AnthropicMessage[];
}

/**
 * Canonical messages → Anthropic `system` + `messages`.
 * - System messages (wherever they appear) become the top-level `system`: a lone string stays a
 *   string, anything else becomes text blocks in order.
 * - Tool results become `tool_result` blocks in a user message.
 * - Consecutive messages of the same role are merged, because the API requires user/assistant
 *   alternation (and wants all results of one assistant turn in one user message).
 */
export function convertToAnthropicMessages(messages: readonly Message[], provider: string, warnings: Warning[]): AnthropicPrompt {
  const systemBlocks: AnthropicTextBlock[] = [];
  let systemMessages = 0;
  let loneSystemString: string | undefined;
  const result: AnthropicMessage[] = [];

  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    let converted: AnthropicMessage;
    switch (message.role) {
      case 'system': {
        systemMessages++;
        if (typeof message.content === 'string') {
          loneSystemString = message.content;
          systemBlocks.push({ type: 'text', text: message.content });
        } else {
          loneSystemString = undefined;
          for (const part of message.content) systemBlocks.push(toTextBlock(part));
        }
        continue;
      }
      case 'user':
        if (message.name !== undefined) warnName(warnings, index);
        converted = {
          role: 'user',
          content:
            typeof message.content === 'string' ? message.content : convertUserParts(message.content, index, provider, warnings),
        };
        break;
      case 'assistant': {
        if (message.name !== undefined) warnName(warnings, index);
        const content =
          typeof message.content === 'string'
            ? message.content
            : convertAssistantParts(message.content, index, provider, warnings);
        // An assistant turn with nothing in it (e.g. only an unsigned reasoning part) would be rejected.
        if (content.length === 0) continue;
        converted = { role: 'assistant', content };
        break;
      }
      case 'tool':
        converted = {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: message.toolCallId,
              content: typeof message.content === 'string' ? message.content : message.content.map(toTextBlock),
              ...(message.isError !== undefined && { is_error: message.isError }),
            },
          ],
        };
        break;
      default:
        throw new InvalidRequestError({
          message: `messages[${index}] has an unknown role ${JSON.stringify((message as { role?: unknown }).role)}`,
          provider,
          param: `messages[${index}].role`,
        });
    }
    appendMerging(result, converted);
  }

  // One string system message is sent as a string (what most callers and SDKs send); blocks or
  // several system messages are sent as text blocks, in order, so nothing is concatenated away.
  const system =
    systemMessages === 0 ? undefined : systemMessages === 1 && loneSystemString !== undefined ? loneSystemString : systemBlocks;
  return { system, messages: result };
}

function appendMerging(result: AnthropicMessage[], message: AnthropicMessage): void {
  const previous = result.at(-1);
  if (previous === undefined || previous.role !== message.role) {
    result.push(message);
    return;
  }
  previous.content = [...toBlocks(previous.content), ...toBlocks(message.content)];
}

function toBlocks(content: string | AnthropicRequestBlock[]): AnthropicRequestBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function toTextBlock(part: TextPart): AnthropicTextBlock {
  return { type: 'text', text: part.text };
}

function convertUserParts(
  parts: readonly UserContentPart[],
  messageIndex: number,
  provider: string,
  warnings: Warning[],
): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  for (let partIndex = 0; partIndex < parts.length; partIndex++) {
    const part = parts[partIndex]!;
    const path = `messages[${messageIndex}].content[${partIndex}]`;
    if (part.type === 'text') {
      // The API rejects empty text blocks; an empty part carries nothing.
      if (part.text.length > 0) blocks.push(toTextBlock(part));
    } else if (part.type === 'image') {
      blocks.push(convertImage(part, path, provider));
      if (part.detail !== undefined) {
        warnings.push({
          type: 'unsupported-setting',
          setting: `${path}.detail`,
          message: 'Anthropic has no image detail setting; it was ignored',
        });
      }
    } else {
      throw unknownPart(part, path, provider);
    }
  }
  return blocks;
}

const DATA_URL = /^data:([^;,]+)?((?:;[^;,]*)*?);base64,(.*)$/s;

function convertImage(part: ImagePart, path: string, provider: string): AnthropicImageBlock {
  if (part.data !== undefined) {
    if (part.mediaType === undefined) {
      throw new InvalidRequestError({
        message: `${path} has base64 data but no mediaType`,
        provider,
        param: `${path}.mediaType`,
      });
    }
    return { type: 'image', source: { type: 'base64', media_type: part.mediaType, data: part.data } };
  }
  if (part.url === undefined) {
    throw new InvalidRequestError({ message: `${path} is an image with neither url nor data`, provider, param: path });
  }
  if (part.url.startsWith('data:')) {
    const match = DATA_URL.exec(part.url);
    const mediaType = match?.[1] ?? part.mediaType;
    if (match === null || mediaType === undefined) {
      throw new InvalidRequestError({
        message: `${path}.url is a data: URL that is not base64 with a media type; Anthropic accepts only base64 image data`,
        provider,
        param: `${path}.url`,
      });
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data: match[3]! } };
  }
  return { type: 'image', source: { type: 'url', url: part.url } };
}

function convertAssistantParts(
  parts: readonly AssistantContentPart[],
  messageIndex: number,
  provider: string,
  warnings: Warning[],
): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  for (let partIndex = 0; partIndex < parts.length; partIndex++) {
    const part = parts[partIndex]!;
    const path = `messages[${messageIndex}].content[${partIndex}]`;
    switch (part.type) {
      case 'text':
        if (part.text.length > 0) blocks.push(toTextBlock(part));
        break;
      case 'reasoning':
        // Anthropic verifies the signature of every thinking block it gets back; unsigned reasoning
        // (from another provider, or edited) would fail the whole request.
        if (part.signature === undefined || part.signature === '') {
          warnings.push({
            type: 'other',
            setting: path,
            message: 'reasoning without a signature cannot be sent to Anthropic; it was left out',
          });
          break;
        }
        blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        break;
      case 'redacted-reasoning':
        blocks.push({ type: 'redacted_thinking', data: part.data });
        break;
      case 'tool-call':
        blocks.push({
          type: 'tool_use',
          id: part.id,
          name: part.name,
          input: parseToolArguments(part.arguments, path, provider),
        });
        break;
      default:
        throw unknownPart(part, path, provider);
    }
  }
  return blocks;
}

/** Tool-call arguments are JSON text canonically; Anthropic wants the object. */
function parseToolArguments(text: string, path: string, provider: string): JSONObject {
  // OpenAI-style callers send "" for a call without arguments.
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError({
      message: `${path}.arguments is not valid JSON: ${(error as Error).message}`,
      provider,
      param: `${path}.arguments`,
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError({
      message: `${path}.arguments must be a JSON object for Anthropic (tool_use.input), got ${Array.isArray(value) ? 'an array' : typeof value}`,
      provider,
      param: `${path}.arguments`,
    });
  }
  return value as JSONObject;
}

function unknownPart(part: { type?: unknown }, path: string, provider: string): LiterLLMError {
  return new InvalidRequestError({
    message: `${path} has a part type ${JSON.stringify(part.type)} that this message role cannot carry`,
    provider,
    param: `${path}.type`,
  });
}

function warnName(warnings: Warning[], index: number): void {
  warnings.push({
    type: 'unsupported-setting',
    setting: `messages[${index}].name`,
    message: 'Anthropic messages have no name field; it was ignored',
  });
}
