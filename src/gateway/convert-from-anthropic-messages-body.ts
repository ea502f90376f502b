import type {
  AssistantContentPart,
  ChatRequest,
  ImagePart,
  JSONObject,
  Message,
  TextPart,
  ToolChoice,
  UserContentPart,
} from '../spec/chat-request.js';
import { collectExtraFields } from './collect-extra-fields.js';
import { InvalidRequestError, type LiterLLMError } from '../spec/errors.js';
import {
  MAPPED_MESSAGES_FIELDS,
  type AnthropicContentBlock,
  type AnthropicImageBlock,
  type AnthropicMessage,
  type AnthropicMessagesBody,
  type AnthropicToolChoice,
} from './anthropic-messages-api.js';

export interface GatewayMessagesCall {
  request: ChatRequest;
  stream: boolean;
}

/**
 * Maps a validated Messages body to the canonical request: `system` becomes a system message,
 * `tool_result` blocks become tool messages (placed before the rest of their user turn, where
 * Anthropic requires them), `tool_use` input objects become JSON argument text, thinking blocks
 * keep their signatures. Fields without a canonical home (thinking, top_k, service_tier...) go
 * to `providerOptions.anthropic` verbatim, which Anthropic-type providers merge into their body.
 */
export function convertFromAnthropicMessagesBody(body: AnthropicMessagesBody): GatewayMessagesCall {
  const messages: Message[] = [];
  if (body.system !== undefined) {
    const system =
      typeof body.system === 'string' ? body.system : body.system.map((block): TextPart => ({ type: 'text', text: block.text }));
    if (system.length > 0) messages.push({ role: 'system', content: system });
  }
  body.messages.forEach((message, index) => convertMessage(message, index, messages));

  const request: ChatRequest = { model: body.model, messages, maxTokens: body.max_tokens };
  if (body.tools !== undefined && body.tools.length > 0) {
    request.tools = body.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      parameters: tool.input_schema as JSONObject,
      ...(tool.description !== undefined && { description: tool.description }),
    }));
  }
  if (body.tool_choice !== undefined) request.toolChoice = convertToolChoice(body.tool_choice);
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.topP = body.top_p;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) request.stop = body.stop_sequences;
  const user = body.metadata?.user_id;
  if (typeof user === 'string') request.user = user;

  const extra = collectExtraFields(body, MAPPED_MESSAGES_FIELDS);
  // disable_parallel_tool_use has a canonical-free meaning on both sides: OpenAI's parallel_tool_calls.
  if (
    body.tool_choice !== undefined &&
    'disable_parallel_tool_use' in body.tool_choice &&
    body.tool_choice.disable_parallel_tool_use
  ) {
    request.providerOptions = {
      openai: { parallel_tool_calls: false },
      anthropic: { ...extra, tool_choice: body.tool_choice as JSONObject },
    };
  } else if (extra !== undefined) {
    request.providerOptions = { anthropic: extra };
  }
  return { request, stream: body.stream === true };
}

function convertMessage(message: AnthropicMessage, index: number, into: Message[]): void {
  const content = message.content;
  if (typeof content === 'string') {
    into.push({ role: message.role, content });
    return;
  }
  if (message.role === 'assistant') {
    into.push({ role: 'assistant', content: content.map((block, position) => convertAssistantBlock(block, index, position)) });
    return;
  }
  const parts: UserContentPart[] = [];
  content.forEach((block, position) => {
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        parts.push(convertImage(block));
        break;
      case 'tool_result':
        into.push({
          role: 'tool',
          toolCallId: block.tool_use_id,
          content: convertToolResultContent(block.content, `messages[${index}].content[${position}].content`),
          ...(block.is_error === true && { isError: true }),
        });
        break;
      default:
        throw misplaced(block.type, 'assistant', index, position);
    }
  });
  if (parts.length > 0) into.push({ role: 'user', content: parts });
}

function convertAssistantBlock(block: AnthropicContentBlock, index: number, position: number): AssistantContentPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'thinking':
      return { type: 'reasoning', text: block.thinking, ...(block.signature !== undefined && { signature: block.signature }) };
    case 'redacted_thinking':
      return { type: 'redacted-reasoning', data: block.data };
    case 'tool_use':
      return { type: 'tool-call', id: block.id, name: block.name, arguments: JSON.stringify(block.input) };
    default:
      throw misplaced(block.type, 'user', index, position);
  }
}

function convertImage(block: AnthropicImageBlock): ImagePart {
  const source = block.source;
  return source.type === 'base64'
    ? { type: 'image', data: source.data, mediaType: source.media_type }
    : { type: 'image', url: source.url };
}

function convertToolResultContent(
  content: string | (AnthropicContentBlock & { type: 'text' | 'image' })[] | undefined,
  param: string,
): string | TextPart[] {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((block, position) => {
    if (block.type !== 'text') {
      throw new InvalidRequestError({
        message: `${param}[${position}]: images inside tool results are not supported by the gateway; send them in a user text turn`,
        param: `${param}[${position}]`,
      });
    }
    return { type: 'text', text: block.text };
  });
}

function convertToolChoice(choice: AnthropicToolChoice): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'tool', name: choice.name };
  }
}

function misplaced(type: string, belongsTo: 'user' | 'assistant', index: number, position: number): LiterLLMError {
  const param = `messages[${index}].content[${position}].type`;
  return new InvalidRequestError({
    message: `${param}: a ${type} block belongs in ${belongsTo === 'user' ? 'a user' : 'an assistant'} message`,
    param,
  });
}
