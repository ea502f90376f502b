import { randomBytes } from 'node:crypto';
import type { MockHandler, ProviderFailureFormat, RecordedRequest, ScriptedResponse } from './mock-provider-server.js';

/**
 * A stand-in for the Anthropic Messages API: answers any well-formed `POST /v1/messages` with
 * `Echo: <last user text>`, as JSON or, when `stream: true`, as SSE framed exactly like the real
 * API (`event: <type>` + `data: <json>` per event: message_start, content_block_start, ping,
 * content_block_delta..., content_block_stop, message_delta, message_stop). Requests the real API
 * would reject get its error shape: 401 without credentials (either `x-api-key` or
 * `Authorization: Bearer`, which recent official SDKs send), 400 invalid_request_error for a
 * missing model / max_tokens / messages, 404 for other paths.
 */
export const echoAnthropicHandler: MockHandler = (request) => {
  const requestId = `req_011C${randomId(20)}`;
  const path = request.url.split('?')[0];
  if (request.method !== 'POST' || path !== '/v1/messages') {
    return errorResponse(404, 'not_found_error', 'Not Found', requestId);
  }
  if (!hasCredentials(request)) {
    return errorResponse(401, 'authentication_error', 'x-api-key header is required', requestId);
  }
  const body = request.json;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return errorResponse(
      400,
      'invalid_request_error',
      'There was an error parsing the body of your request: expected a JSON object',
      requestId,
    );
  }
  const params = body as MessagesParams;
  const problem = findProblem(params);
  if (problem !== undefined) return errorResponse(400, 'invalid_request_error', problem, requestId);

  const text = `Echo: ${lastUserText(params.messages as WireMessage[])}`;
  const message = {
    model: params.model as string,
    id: `msg_01${randomId(22)}`,
    type: 'message',
    role: 'assistant',
    usage: {
      input_tokens: estimateTokens(JSON.stringify([params.system ?? '', params.messages])),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: estimateTokens(text),
      service_tier: 'standard',
    },
  };
  if (params.stream === true) return streamResponse(message, text, requestId);
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'request-id': requestId },
    body: JSON.stringify({
      model: message.model,
      id: message.id,
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: message.usage,
    }),
  };
};

interface MessagesParams {
  model?: unknown;
  max_tokens?: unknown;
  messages?: unknown;
  system?: unknown;
  stream?: unknown;
}

interface WireMessage {
  role?: unknown;
  content?: unknown;
}

function hasCredentials(request: RecordedRequest): boolean {
  const apiKey = request.headers['x-api-key'];
  if (apiKey !== undefined && apiKey.trim() !== '') return true;
  const authorization = request.headers['authorization'];
  return authorization !== undefined && /^Bearer\s+\S+/i.test(authorization);
}

/** The first problem the real API would report, in its `field: reason` wording. */
function findProblem(params: MessagesParams): string | undefined {
  if (params.max_tokens === undefined) return 'max_tokens: Field required';
  if (typeof params.max_tokens !== 'number' || !Number.isInteger(params.max_tokens) || params.max_tokens < 1) {
    return 'max_tokens: Input should be a valid integer greater than or equal to 1';
  }
  if (params.messages === undefined) return 'messages: Field required';
  if (!Array.isArray(params.messages)) return 'messages: Input should be a valid list';
  if (params.messages.length === 0) return 'messages: at least one message is required';
  if (params.model === undefined) return 'model: Field required';
  if (typeof params.model !== 'string' || params.model === '') return 'model: Input should be a valid string';
  return undefined;
}

function lastUserText(messages: WireMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (!Array.isArray(message.content)) return '';
    const blocks = message.content as { type?: unknown; text?: unknown; content?: unknown }[];
    const texts = blocks.flatMap((block) => (block.type === 'text' && typeof block.text === 'string' ? [block.text] : []));
    if (texts.length > 0) return texts.join('\n');
    // A turn of only tool results: echo what the tools said.
    return blocks
      .flatMap((block) => (block.type === 'tool_result' && typeof block.content === 'string' ? [block.content] : []))
      .join('\n');
  }
  return '';
}

function streamResponse(
  message: { model: string; id: string; type: string; role: string; usage: { output_tokens: number } },
  text: string,
  requestId: string,
): ScriptedResponse {
  const event = (data: { type: string } & Record<string, unknown>) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
  const pieces = text.match(/\s*\S+\s*/g) ?? [];
  const chunks = [
    event({
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } },
    }),
    event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    event({ type: 'ping' }),
    ...pieces.map((piece) => event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })),
    event({ type: 'content_block_stop', index: 0 }),
    event({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: message.usage.output_tokens },
    }),
    event({ type: 'message_stop' }),
  ];
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': requestId },
    body: chunks,
  };
}

function errorResponse(status: number, type: string, message: string, requestId: string): ScriptedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'request-id': requestId, 'x-should-retry': 'false' },
    body: JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }),
  };
}

/** Roughly four characters per token, like the usual back-of-the-envelope estimate. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomId(length: number): string {
  const bytes = randomBytes(length);
  let id = '';
  for (let index = 0; index < length; index++) id += BASE62[bytes[index]! % 62];
  return id;
}

/** Anthropic's error types per status (https://docs.anthropic.com/en/api/errors). */
function anthropicErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** Failures in Anthropic's shapes: `{"type":"error","error":{type,message},"request_id"}`, and an `event: error` in a stream. */
export const anthropicFailureFormat: ProviderFailureFormat = {
  errorResponse(status, message) {
    const requestId = `req_011C${randomId(20)}`;
    return {
      status,
      headers: { 'content-type': 'application/json', 'request-id': requestId },
      body: JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message }, request_id: requestId }),
    };
  },
  streamErrorEvent: (message) =>
    `event: error\ndata: ${JSON.stringify({ type: 'error', error: { details: null, type: 'overloaded_error', message } })}\n\n`,
};
