import type { ChatRequest } from '../spec/chat-request.js';
import type { EmbedRequest } from '../spec/embed.js';
import { InvalidRequestError } from '../spec/errors.js';
import { findDeepNesting, MAX_JSON_DEPTH } from '../spec/find-deep-nesting.js';

/**
 * The longest model name (a route or `provider/model`) a call may ask for, in UTF-8 bytes. Real
 * ids are far shorter (the longest Hugging Face repo id is 96 characters + `huggingface/`); the name
 * ends up in response headers, metric labels, log lines and span names, where a megabyte of it
 * broke clients (an oversized header), the log line and /metrics.
 */
export const MAX_MODEL_NAME_BYTES = 256;

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/**
 * The checks every entry point needs before any routing happens, with the field at fault named.
 * TypeScript callers are mostly caught by the types; this guards JavaScript callers and the
 * bindings. The gateway and the stdio protocol validate their wire input in full before this.
 */
export function validateChatRequest(request: ChatRequest): void {
  if (typeof request !== 'object' || request === null) fail('request', 'the request must be an object');
  checkModel(request.model);
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    fail('messages', 'messages must be a non-empty array');
  }
  request.messages.forEach((message, index) => {
    if (typeof message !== 'object' || message === null || !ROLES.has((message as { role?: string }).role ?? '')) {
      fail(`messages[${index}].role`, `messages[${index}].role must be one of system, user, assistant, tool`);
    }
    const content: unknown = message.content;
    if (typeof content !== 'string' && !Array.isArray(content)) {
      fail(`messages[${index}].content`, `messages[${index}].content must be a string or an array of parts`);
    }
    if (message.role === 'tool' && (typeof message.toolCallId !== 'string' || message.toolCallId === '')) {
      fail(`messages[${index}].toolCallId`, `messages[${index}] is a tool result without a toolCallId`);
    }
  });
  checkRange(request.temperature, 'temperature', 0, 2);
  checkRange(request.topP, 'topP', 0, 1);
  if (request.maxTokens !== undefined && (!Number.isInteger(request.maxTokens) || request.maxTokens <= 0)) {
    fail('maxTokens', `maxTokens must be a positive integer, got ${JSON.stringify(request.maxTokens)}`);
  }
  // Before anything recursive (the token estimate serialises tool schemas; adapters serialise the body).
  request.tools?.forEach((tool, index) => checkNesting(tool?.parameters, `tools[${index}].parameters`));
  if (request.responseFormat?.type === 'json-schema') checkNesting(request.responseFormat.schema, 'responseFormat.schema');
  checkNesting(request.providerOptions, 'providerOptions');
}

export function validateEmbedRequest(request: EmbedRequest): void {
  if (typeof request !== 'object' || request === null) fail('request', 'the request must be an object');
  checkModel(request.model);
  const input: unknown = request.input;
  const ok =
    (typeof input === 'string' && input.length > 0) ||
    (Array.isArray(input) && input.length > 0 && input.every((text) => typeof text === 'string'));
  if (!ok) fail('input', 'input must be a non-empty string or a non-empty array of strings');
  if (request.dimensions !== undefined && (!Number.isInteger(request.dimensions) || request.dimensions <= 0)) {
    fail('dimensions', `dimensions must be a positive integer, got ${JSON.stringify(request.dimensions)}`);
  }
  checkNesting(request.providerOptions, 'providerOptions');
}

function checkModel(model: unknown): void {
  if (typeof model !== 'string' || model.trim() === '')
    fail('model', 'model must be a non-empty string ("provider/model" or a route name)');
  // A UTF-8 byte is at least one UTF-16 unit: a longer string is too long without counting its bytes.
  const bytes = model.length > MAX_MODEL_NAME_BYTES ? model.length : Buffer.byteLength(model);
  if (bytes > MAX_MODEL_NAME_BYTES) {
    const got = model.length > MAX_MODEL_NAME_BYTES ? `${model.length} characters` : `${bytes} bytes`;
    fail('model', `model must be at most ${MAX_MODEL_NAME_BYTES} bytes (UTF-8), got ${got}`);
  }
}

/** Free-form JSON (schemas, providerOptions) nested past MAX_JSON_DEPTH is refused with its path. */
function checkNesting(value: unknown, param: string): void {
  const path = findDeepNesting(value, MAX_JSON_DEPTH, param);
  if (path !== undefined) fail(path, `${path}: the JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
}

function checkRange(value: number | undefined, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    fail(name, `${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function fail(param: string, message: string): never {
  throw new InvalidRequestError({ message, param });
}
