import type {
  AssistantContentPart,
  ChatRequest,
  JSONObject,
  Message,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
  UserContentPart,
} from '../spec/chat-request.js';
import { collectExtraFields } from './collect-extra-fields.js';
import { InvalidRequestError } from '../spec/errors.js';
import {
  MAPPED_CHAT_FIELDS,
  type OpenAIChatBody,
  type OpenAIChatMessage,
  type OpenAIResponseFormat,
  type OpenAITool,
  type OpenAIToolChoice,
  type OpenAIUserContentPart,
} from './openai-chat-api.js';

export interface GatewayChatCall {
  request: ChatRequest;
  stream: boolean;
  /** `stream_options.include_usage`: send a usage chunk before `[DONE]`. */
  includeUsage: boolean;
}

// OpenAI's own default when a tool declares no parameters: an object with no properties.
const EMPTY_PARAMETERS: JSONObject = { type: 'object', properties: {} };

/**
 * Maps a validated Chat Completions body to the canonical request.
 *
 * Fields without a canonical home (frequency_penalty, logprobs, parallel_tool_calls,
 * reasoning_effort, any field OpenAI adds later...) go to `providerOptions.openai` verbatim: the
 * OpenAI and OpenAI-compatible adapters merge them into the upstream body, other provider types
 * ignore them. A typo thus reaches OpenAI, which names it in its 400, rather than vanishing here.
 */
export function convertFromOpenAIChatBody(body: OpenAIChatBody): GatewayChatCall {
  if (body.n != null && body.n !== 1) {
    throw new InvalidRequestError({ message: `n: only n=1 is supported by the gateway, got ${body.n}`, param: 'n' });
  }
  const request: ChatRequest = { model: body.model, messages: body.messages.map(convertMessage) };
  if (body.tools != null && body.tools.length > 0) request.tools = body.tools.map(convertTool);
  if (body.tool_choice != null) request.toolChoice = convertToolChoice(body.tool_choice);
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) request.maxTokens = maxTokens;
  if (body.stop != null) request.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.seed != null) request.seed = body.seed;
  if (body.response_format != null) request.responseFormat = convertResponseFormat(body.response_format);
  if (body.user != null) request.user = body.user;

  const extra = collectExtraFields(body, MAPPED_CHAT_FIELDS);
  if (extra !== undefined) request.providerOptions = { openai: extra };
  return { request, stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true };
}

function convertMessage(message: OpenAIChatMessage): Message {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: convertTextContent(message.content) };
    case 'user': {
      const content = message.content;
      const converted: Message = {
        role: 'user',
        content: typeof content === 'string' ? content : content.map(convertUserPart),
      };
      if (message.name != null) converted.name = message.name;
      return converted;
    }
    case 'assistant':
      return convertAssistantMessage(message);
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: convertTextContent(message.content) };
  }
}

function convertUserPart(part: OpenAIUserContentPart): UserContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const image: UserContentPart = { type: 'image', url: part.image_url.url };
  if (part.image_url.detail != null) image.detail = part.image_url.detail;
  return image;
}

function convertAssistantMessage(message: Extract<OpenAIChatMessage, { role: 'assistant' }>): Message {
  const content = message.content;
  const text =
    content == null
      ? ''
      : typeof content === 'string'
        ? content
        : content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  const toolCalls = message.tool_calls;
  const converted: Message = { role: 'assistant', content: text };
  if (toolCalls != null && toolCalls.length > 0) {
    const parts: AssistantContentPart[] = text === '' ? [] : [{ type: 'text', text }];
    for (const call of toolCalls) {
      parts.push({ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments });
    }
    converted.content = parts;
  }
  if (message.name != null) converted.name = message.name;
  return converted;
}

function convertTextContent(content: string | { type: 'text'; text: string }[]): string | TextPart[] {
  return typeof content === 'string' ? content : content.map((part) => ({ type: 'text', text: part.text }));
}

function convertTool(tool: OpenAITool): ToolDefinition {
  const definition: ToolDefinition = {
    type: 'function',
    name: tool.function.name,
    parameters: (tool.function.parameters as JSONObject | null | undefined) ?? EMPTY_PARAMETERS,
  };
  if (tool.function.description != null) definition.description = tool.function.description;
  if (tool.function.strict != null) definition.strict = tool.function.strict;
  return definition;
}

function convertToolChoice(choice: OpenAIToolChoice): ToolChoice {
  return typeof choice === 'string' ? choice : { type: 'tool', name: choice.function.name };
}

function convertResponseFormat(format: OpenAIResponseFormat): ResponseFormat {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const spec = format.json_schema;
      const converted: ResponseFormat = {
        type: 'json-schema',
        name: spec.name,
        schema: (spec.schema as JSONObject | null | undefined) ?? {},
      };
      if (spec.description != null) converted.description = spec.description;
      if (spec.strict != null) converted.strict = spec.strict;
      return converted;
    }
  }
}
