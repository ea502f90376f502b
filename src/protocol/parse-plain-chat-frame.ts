import type { ClientFrame } from './client-frame-schema.js';

type ChatFrame = Extract<ClientFrame, { method: 'chat' | 'chat.stream' }>;

const FRAME_KEYS = new Set(['id', 'method', 'params']);
const NUMBER_PARAMS = new Set(['temperature', 'topP', 'maxTokens', 'seed']);
const TEXT_ROLES = new Set(['system', 'user', 'assistant']);

/**
 * The frame most calls are, checked by hand instead of by clientFrameSchema: a `chat` or
 * `chat.stream` frame without `options`, whose params are a model, plain-text messages (system,
 * user, assistant; `name` on user and assistant) and numeric or string settings (temperature, topP,
 * maxTokens, seed, user, stop). zod's walk of the discriminated unions cost ~14 µs of a stdio
 * chat call's CPU in the engine, where this costs well under one.
 *
 * It accepts only what the schema accepts, and returns the value unchanged (the schema's output
 * equals its input: it has no defaults or transforms), so a frame it takes is the frame zod would
 * have produced; a property test holds the two together. Anything else (tools, content parts, tool
 * results, response formats, provider options, call options, any field it does not know, any
 * wrong type) is `undefined`, and the caller runs the schema, whose error names the field at fault:
 * the fast path never decides what a bad frame's error says. Its frames nest 4 levels deep at most.
 */
export function parsePlainChatFrame(frame: Record<string, unknown>, method: string): ChatFrame | undefined {
  if ((method !== 'chat' && method !== 'chat.stream') || !isPlainObject(frame)) return undefined;
  for (const key in frame) if (!FRAME_KEYS.has(key)) return undefined;
  const params = frame['params'];
  if (!isPlainObject(params)) return undefined;
  let model = false;
  let messages = false;
  for (const key in params) {
    const value = params[key];
    if (key === 'model') model = typeof value === 'string';
    else if (key === 'messages') messages = arePlainMessages(value);
    else if (NUMBER_PARAMS.has(key)) {
      // JSON.parse reads 1e999 as Infinity, which the schema's z.number() refuses.
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    } else if (key === 'user') {
      if (typeof value !== 'string') return undefined;
    } else if (key === 'stop') {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
    } else return undefined;
  }
  // The id was checked by the caller (callIdSchema) before the method was looked at.
  return model && messages ? (frame as unknown as ChatFrame) : undefined;
}

function arePlainMessages(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const message of value) {
    if (!isPlainObject(message)) return false;
    const role = message['role'];
    if (typeof role !== 'string' || !TEXT_ROLES.has(role) || typeof message['content'] !== 'string') return false;
    for (const key in message) {
      if (key === 'role' || key === 'content') continue;
      if (key !== 'name' || role === 'system' || typeof message[key] !== 'string') return false;
    }
  }
  return true;
}

// What JSON.parse makes of `{...}`; zod refuses an object without a prototype, so this does too.
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
