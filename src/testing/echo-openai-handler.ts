import { randomBytes } from 'node:crypto';
import type { MockHandler, ProviderFailureFormat, ScriptedResponse } from './mock-provider-server.js';

/**
 * A stand-in for the OpenAI API (and so for any OpenAI-compatible server), for demos, the CLI's
 * `liter-llm mock-provider` and tests that need a live peer:
 * - `POST /v1/chat/completions` answers `Echo: <last user text>` (or the last tool result), as
 *   JSON or, with `stream: true`, as SSE shaped like the recorded OpenAI streams (role chunk,
 *   content chunks, finish chunk, then with `stream_options.include_usage` the `choices: []` usage
 *   chunk, then `[DONE]`). `max_tokens` / `max_completion_tokens` cut the echo (finish `length`);
 *   `tool_choice` "required" or a named function gets a tool call with `{}` arguments instead;
 *   `n` repeats the choice.
 * - `POST /v1/embeddings` returns deterministic unit vectors derived from each text (1536
 *   dimensions unless `dimensions` says otherwise), as floats or base64 float32.
 * - `GET /v1/models` lists one model.
 * Malformed requests get OpenAI's 400 `invalid_request_error` body; other paths a 404. The `/v1`
 * prefix is optional. No key is required, like a local vLLM.
 */
export const echoOpenAIHandler: MockHandler = (request) => {
  const requestId = `req_${randomHex(16)}`;
  const path = (request.url.split('?')[0] ?? '/').replace(/^\/v1(?=\/)/, '');
  if (request.method === 'GET' && path === '/models') {
    return json(200, { object: 'list', data: [{ id: 'echo', object: 'model', created: 0, owned_by: 'liter-llm' }] }, requestId);
  }
  if (request.method !== 'POST' || (path !== '/chat/completions' && path !== '/embeddings')) {
    return openAIError(404, `Invalid URL (${request.method} ${request.url})`, null, null, requestId);
  }
  const body = request.json;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return openAIError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      null,
      null,
      requestId,
    );
  }
  return path === '/chat/completions' ? answerChat(body, requestId) : answerEmbeddings(body, requestId);
};

interface ChatParams {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  n?: unknown;
  tools?: unknown;
  tool_choice?: unknown;
}

interface EmbeddingParams {
  model?: unknown;
  input?: unknown;
  dimensions?: unknown;
  encoding_format?: unknown;
}

export interface EchoWireMessage {
  role?: unknown;
  content?: unknown;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function answerChat(params: ChatParams, requestId: string): ScriptedResponse {
  if (params.model === undefined || params.model === null || params.model === '') {
    // The wording OpenAI uses (recorded in openai-chat/error-400-missing-model.json).
    return openAIError(400, 'you must provide a model parameter', null, null, requestId);
  }
  if (typeof params.model !== 'string') return invalidType('model', 'a string', params.model, requestId);
  if (params.messages === undefined)
    return openAIError(400, "Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter', requestId);
  if (!Array.isArray(params.messages)) return invalidType('messages', 'an array of objects', params.messages, requestId);
  if (params.messages.length === 0) {
    return openAIError(
      400,
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
      requestId,
    );
  }
  const messages = params.messages as EchoWireMessage[];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (typeof message !== 'object' || message === null)
      return invalidType(`messages[${index}]`, 'an object', message, requestId);
    if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
      return openAIError(
        400,
        `Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${index}].role`,
        'invalid_value',
        requestId,
      );
    }
  }
  if (params.stream !== true && params.stream_options !== undefined && params.stream_options !== null) {
    return openAIError(
      400,
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
      null,
      requestId,
    );
  }
  const limit = firstNumber(params.max_completion_tokens, params.max_tokens);
  const n = typeof params.n === 'number' && Number.isInteger(params.n) && params.n > 0 ? params.n : 1;

  const pieces = splitPieces(`Echo: ${lastUserText(messages)}`);
  const cut = limit !== undefined && pieces.length > limit;
  const kept = cut ? pieces.slice(0, limit) : pieces;
  const toolName = pickTool(params);
  const reply = {
    id: `chatcmpl-${randomHex(12)}`,
    created: Math.floor(Date.now() / 1000),
    model: params.model,
    text: kept.join(''),
    pieces: kept,
    finishReason: toolName !== undefined ? 'tool_calls' : cut ? 'length' : 'stop',
    toolCall: toolName !== undefined ? { id: `call_${randomHex(12)}`, name: toolName } : undefined,
    usage: {
      prompt_tokens: estimateTokens(JSON.stringify(messages)),
      completion_tokens: toolName !== undefined ? 5 : kept.length,
    },
  };
  return params.stream === true
    ? streamChat(reply, n, params.stream_options?.include_usage === true, requestId)
    : jsonChat(reply, n, requestId);
}

interface EchoReply {
  id: string;
  created: number;
  model: string;
  text: string;
  pieces: string[];
  finishReason: string;
  toolCall: { id: string; name: string } | undefined;
  usage: { prompt_tokens: number; completion_tokens: number };
}

function jsonChat(reply: EchoReply, n: number, requestId: string): ScriptedResponse {
  const message = reply.toolCall
    ? {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: reply.toolCall.id, type: 'function', function: { name: reply.toolCall.name, arguments: '{}' } }],
        refusal: null,
        annotations: [],
      }
    : { role: 'assistant', content: reply.text, refusal: null, annotations: [] };
  return json(
    200,
    {
      id: reply.id,
      object: 'chat.completion',
      created: reply.created,
      model: reply.model,
      choices: Array.from({ length: n }, (_, index) => ({ index, message, logprobs: null, finish_reason: reply.finishReason })),
      usage: fullUsage(reply.usage.prompt_tokens, reply.usage.completion_tokens * n),
      service_tier: 'default',
      system_fingerprint: 'fp_echo',
    },
    requestId,
  );
}

function streamChat(reply: EchoReply, n: number, includeUsage: boolean, requestId: string): ScriptedResponse {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({
      id: reply.id,
      object: 'chat.completion.chunk',
      created: reply.created,
      model: reply.model,
      service_tier: 'default',
      system_fingerprint: 'fp_echo',
      choices,
      ...(includeUsage && { usage: null }),
      ...extra,
    })}\n\n`;
  const everyChoice = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    Array.from({ length: n }, (_, index) => ({ index, delta, logprobs: null, finish_reason: finishReason }));
  const events: string[] = [];
  if (reply.toolCall) {
    events.push(
      chunk(
        everyChoice({
          role: 'assistant',
          content: null,
          tool_calls: [
            { index: 0, id: reply.toolCall.id, type: 'function', function: { name: reply.toolCall.name, arguments: '' } },
          ],
          refusal: null,
        }),
      ),
      chunk(everyChoice({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] })),
    );
  } else {
    events.push(chunk(everyChoice({ role: 'assistant', content: '', refusal: null })));
    for (const piece of reply.pieces) events.push(chunk(everyChoice({ content: piece })));
  }
  events.push(chunk(everyChoice({}, reply.finishReason)));
  if (includeUsage) events.push(chunk([], { usage: fullUsage(reply.usage.prompt_tokens, reply.usage.completion_tokens * n) }));
  events.push('data: [DONE]\n\n');
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': requestId },
    body: events,
  };
}

function answerEmbeddings(params: EmbeddingParams, requestId: string): ScriptedResponse {
  if (params.model === undefined || params.model === null || params.model === '') {
    return openAIError(400, 'you must provide a model parameter', null, null, requestId);
  }
  if (params.input === undefined)
    return openAIError(400, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter', requestId);
  const inputs = typeof params.input === 'string' ? [params.input] : params.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((item) => typeof item === 'string' && item !== '')) {
    return openAIError(
      400,
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      'input',
      null,
      requestId,
    );
  }
  if (params.encoding_format !== undefined && params.encoding_format !== 'float' && params.encoding_format !== 'base64') {
    return openAIError(
      400,
      `Invalid value: '${JSON.stringify(params.encoding_format)}'. Supported values are: 'float' and 'base64'.`,
      'encoding_format',
      'invalid_value',
      requestId,
    );
  }
  const dimensions = params.dimensions === undefined ? 1536 : params.dimensions;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > 3072) {
    return openAIError(
      400,
      `Invalid value for 'dimensions' = ${JSON.stringify(dimensions)}. Must be an integer between 1 and 3072.`,
      'dimensions',
      'invalid_value',
      requestId,
    );
  }
  const base64 = params.encoding_format === 'base64';
  const texts = inputs as string[];
  const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
  return json(
    200,
    {
      object: 'list',
      data: texts.map((text, index) => {
        const vector = createEchoEmbedding(text, dimensions);
        return { object: 'embedding', index, embedding: base64 ? encodeFloat32(vector) : vector };
      }),
      model: params.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    requestId,
  );
}

/** Which tool the request forces, if any: `required` picks the first tool, a named choice that one. */
function pickTool(params: ChatParams): string | undefined {
  const tools = Array.isArray(params.tools) ? (params.tools as { function?: { name?: unknown } }[]) : [];
  const choice = params.tool_choice as { function?: { name?: unknown } } | string | undefined;
  if (typeof choice === 'object' && choice !== null && typeof choice.function?.name === 'string') return choice.function.name;
  if (choice === 'required' && typeof tools[0]?.function?.name === 'string') return tools[0].function.name;
  return undefined;
}

/** The text of the last user turn, or of the tool results that end the conversation. */
export function lastUserText(messages: readonly EchoWireMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role !== 'user' && message.role !== 'tool') continue;
    if (typeof message.content === 'string') return message.content;
    if (!Array.isArray(message.content)) return '';
    return (message.content as { type?: unknown; text?: unknown }[])
      .flatMap((part) => (part.type === 'text' && typeof part.text === 'string' ? [part.text] : []))
      .join('\n');
  }
  return '';
}

/**
 * A unit vector that depends only on the text and the size: FNV-1a of the text seeds xorshift32.
 * Values are rounded to float32 so the float and base64 encodings carry the same numbers.
 */
export function createEchoEmbedding(text: string, dimensions: number): number[] {
  let state = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    state ^= text.charCodeAt(index);
    state = Math.imul(state, 0x01000193) >>> 0;
  }
  if (state === 0) state = 1;
  const vector = new Array<number>(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const value = state / 0x80000000 - 1;
    vector[index] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index++) vector[index] = Math.fround(vector[index]! * scale);
  return vector;
}

/** Word-sized pieces with their spacing, so the pieces join back to the text: the stream's deltas. */
export function splitPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
}

/** Roughly four characters per token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function fullUsage(promptTokens: number, completionTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function firstNumber(...values: unknown[]): number | undefined {
  for (const value of values) if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  return undefined;
}

function encodeFloat32(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index]!, index * 4);
  return bytes.toString('base64');
}

function invalidType(param: string, expected: string, value: unknown, requestId: string): ScriptedResponse {
  const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  return openAIError(
    400,
    `Invalid type for '${param}': expected ${expected}, but got ${got} instead.`,
    param,
    'invalid_type',
    requestId,
  );
}

function openAIError(
  status: number,
  message: string,
  param: string | null,
  code: string | null,
  requestId: string,
): ScriptedResponse {
  return json(status, { error: { message, type: 'invalid_request_error', param, code } }, requestId);
}

function json(status: number, body: unknown, requestId: string): ScriptedResponse {
  return { status, headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify(body) };
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** OpenAI's error types per status, as the API answers them (401 and 404 are request errors there). */
function openAIErrorType(status: number): { type: string; code: string | null } {
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded' };
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: status === 401 ? 'invalid_api_key' : null };
}

/** Failures in OpenAI's shapes: `{"error":{message,type,param,code}}`, and the same object as a stream's `data:` line. */
export const openAIFailureFormat: ProviderFailureFormat = {
  errorResponse: (status, message) =>
    json(status, { error: { message, ...openAIErrorType(status), param: null } }, `req_${randomHex(16)}`),
  streamErrorEvent: (message) =>
    `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`,
};
