import type {
  AssistantMessage,
  ChatRequest,
  ImagePart,
  ResponseFormat,
  TextPart,
  ToolChoice,
  UserMessage,
} from '../../spec/chat-request.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type { Warning } from '../../spec/warning.js';
import type {
  OpenAIChatRequest,
  OpenAIContentPart,
  OpenAIMessage,
  OpenAIResponseFormat,
  OpenAIToolCall,
  OpenAIToolChoice,
} from './openai-api.js';

export interface OpenAIChatRequestOptions {
  /** Provider name, for error messages. */
  provider: string;
  /**
   * api.openai.com wants `max_completion_tokens` (reasoning models reject `max_tokens`, see the
   * recorded error-400-unsupported-parameter); most compatible servers only know `max_tokens`.
   */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** providerOptions keys merged into the body verbatim, in this order (later keys win). */
  providerOptionKeys: readonly string[];
  /**
   * Send text-only content arrays as one string (parts joined by a newline). Several compatible
   * servers (older TGI, llama.cpp) accept only string content; api.openai.com takes the parts.
   */
  flattenTextContent: boolean;
  stream: boolean;
  /** With `stream`: ask for the final usage chunk. */
  includeUsage: boolean;
}

export interface ConvertedOpenAIChatRequest {
  body: OpenAIChatRequest;
  warnings: Warning[];
}

/** Maps a canonical ChatRequest to the Chat Completions body. Pure; throws only on unusable input. */
export function convertToOpenAIChatRequest(request: ChatRequest, options: OpenAIChatRequestOptions): ConvertedOpenAIChatRequest {
  const warnings: Warning[] = [];
  const messages: OpenAIMessage[] = [];
  for (let index = 0; index < request.messages.length; index++) {
    const message = request.messages[index]!;
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: joinText(message.content) });
        break;
      case 'user':
        messages.push(convertUserMessage(message, index, options));
        break;
      case 'assistant':
        messages.push(convertAssistantMessage(message, index, warnings));
        break;
      case 'tool':
        if (message.isError) {
          warnings.push({
            type: 'unsupported-setting',
            setting: `messages[${index}].isError`,
            message: 'OpenAI tool messages have no error flag; the result is sent as ordinary content',
          });
        }
        messages.push({ role: 'tool', tool_call_id: message.toolCallId, content: joinText(message.content) });
        break;
      default:
        throw new InvalidRequestError({
          message: `messages[${index}].role must be system, user, assistant or tool`,
          provider: options.provider,
          param: `messages[${index}].role`,
        });
    }
  }

  const body: OpenAIChatRequest = { model: request.model, messages };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined && { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict !== undefined && { strict: tool.strict }),
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body[options.maxTokensField] = request.maxTokens;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.responseFormat !== undefined) body.response_format = convertResponseFormat(request.responseFormat);
  if (request.user !== undefined) body.user = request.user;

  const providerOptions = request.providerOptions;
  if (providerOptions !== undefined) {
    for (const key of options.providerOptionKeys) {
      const extra = providerOptions[key];
      if (extra !== undefined) Object.assign(body, extra);
    }
  }

  // Streaming is the adapter's decision (chat vs chatStream), not an option a caller can flip:
  // a JSON call answered with SSE (or the reverse) could not be parsed.
  if (options.stream) {
    body.stream = true;
    if (options.includeUsage) body.stream_options = { include_usage: true };
    else delete body.stream_options;
  } else if (body.stream === true) {
    delete body.stream;
    delete body.stream_options;
    warnings.push({
      type: 'unsupported-setting',
      setting: 'providerOptions.stream',
      message: 'use chatStream() to stream; stream was ignored',
    });
  }

  const n = body['n'];
  if (typeof n === 'number' && n > 1) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'providerOptions.n',
      message: `n=${n} asks for ${n} choices; only the first choice is returned`,
    });
  }
  return { body, warnings };
}

function convertUserMessage(message: UserMessage, index: number, options: OpenAIChatRequestOptions): OpenAIMessage {
  const content = message.content;
  let wire: string | OpenAIContentPart[];
  if (typeof content === 'string') {
    wire = content;
  } else if (options.flattenTextContent && content.every((part) => part.type === 'text')) {
    wire = joinText(content);
  } else {
    wire = content.map((part, partIndex) =>
      part.type === 'text'
        ? { type: 'text', text: part.text }
        : convertImagePart(part, `messages[${index}].content[${partIndex}]`, options.provider),
    );
  }
  return message.name !== undefined ? { role: 'user', content: wire, name: message.name } : { role: 'user', content: wire };
}

function convertImagePart(part: ImagePart, path: string, provider: string): OpenAIContentPart {
  let url: string;
  if (part.url !== undefined) {
    url = part.url;
  } else if (part.data !== undefined) {
    if (part.mediaType === undefined) {
      throw new InvalidRequestError({
        message: `${path}: base64 image data needs a mediaType`,
        provider,
        param: `${path}.mediaType`,
      });
    }
    url = `data:${part.mediaType};base64,${part.data}`;
  } else {
    throw new InvalidRequestError({ message: `${path}: an image needs a url or base64 data`, provider, param: path });
  }
  return { type: 'image_url', image_url: part.detail !== undefined ? { url, detail: part.detail } : { url } };
}

function convertAssistantMessage(message: AssistantMessage, index: number, warnings: Warning[]): OpenAIMessage {
  if (typeof message.content === 'string') {
    return message.name !== undefined
      ? { role: 'assistant', content: message.content, name: message.name }
      : { role: 'assistant', content: message.content };
  }
  let text: string | undefined;
  let toolCalls: OpenAIToolCall[] | undefined;
  let droppedReasoning = false;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        text = text === undefined ? part.text : text + part.text;
        break;
      case 'tool-call':
        (toolCalls ??= []).push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
        break;
      case 'reasoning':
      case 'redacted-reasoning':
        droppedReasoning = true;
        break;
    }
  }
  if (droppedReasoning) {
    warnings.push({
      type: 'unsupported-setting',
      setting: `messages[${index}].content`,
      message: 'Chat Completions cannot take reasoning back; reasoning parts were dropped',
    });
  }
  const wire: OpenAIMessage = { role: 'assistant' };
  // With tool calls and no text the content key is left out, as OpenAI's own clients do.
  if (text !== undefined || toolCalls === undefined) wire.content = text ?? '';
  if (toolCalls !== undefined) wire.tool_calls = toolCalls;
  if (message.name !== undefined) wire.name = message.name;
  return wire;
}

function convertToolChoice(choice: ToolChoice): OpenAIToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function convertResponseFormat(format: ResponseFormat): OpenAIResponseFormat {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json':
      return { type: 'json_object' };
    case 'json-schema':
      return {
        type: 'json_schema',
        json_schema: {
          name: format.name,
          schema: format.schema,
          ...(format.description !== undefined && { description: format.description }),
          ...(format.strict !== undefined && { strict: format.strict }),
        },
      };
  }
}

function joinText(content: string | TextPart[]): string {
  if (typeof content === 'string') return content;
  if (content.length === 1) return content[0]!.text;
  return content.map((part) => part.text).join('\n');
}
