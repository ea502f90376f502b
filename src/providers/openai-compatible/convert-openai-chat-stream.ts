import { preview } from '../../http/send-request.js';
import type { SSEEvent } from '../../http/sse-parser.js';
import type { JSONObject, JSONValue } from '../../spec/chat-request.js';
import type { Usage } from '../../spec/chat-response.js';
import { ProviderUnavailableError, type LiterLLMError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import type { Warning } from '../../spec/warning.js';
import { convertOpenAIToolCallId } from './convert-openai-tool-call.js';
import { copyExtraFields } from './copy-extra-fields.js';
import type { InBandErrorPlace } from './map-openai-error.js';
import { mapOpenAIErrorPayload } from './map-openai-in-band-error.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import type { OpenAIChatChunk, OpenAIChunkChoice, OpenAIResponseToolCall } from './openai-api.js';

export interface OpenAIStreamContext {
  provider: string;
  requestId?: string;
  /** Request-mapping warnings, reported in the `start` event. */
  warnings: Warning[];
  /**
   * Maps an error payload found inside the stream (`{"error": ...}`); return undefined when the
   * payload is not an error. Defaults to the OpenAI reading (object or TGI-style string `error`).
   * The same mapping reads an error object sent as a 200 JSON body (`place: 'json'`).
   */
  mapStreamError?: (
    payload: Record<string, unknown>,
    requestId: string | undefined,
    place: InBandErrorPlace,
  ) => LiterLLMError | undefined;
}

interface ToolCallState {
  /** The canonical index (0-based among the tool calls), not the wire index. */
  index: number;
  id: string;
  name: string;
  arguments: string;
  started: boolean;
  ended: boolean;
}

const KNOWN_CHUNK_FIELDS = new Set(['id', 'object', 'model', 'choices', 'usage', 'error', 'obfuscation']);
// `text` and `token_id` (Together) repeat the delta; logprobs are gathered separately.
const KNOWN_CHOICE_FIELDS = new Set(['index', 'delta', 'finish_reason', 'logprobs', 'text']);

/**
 * Turns a Chat Completions event stream into canonical StreamEvents: one `start`, deltas,
 * `tool-call-start/delta/end` per tool call (indexes renumbered 0, 1, … in order of appearance), then exactly one `finish` carrying the usage of the
 * final usage chunk (which arrives after the finish_reason, with `choices: []`).
 *
 * The stream counts as complete once a finish_reason or `[DONE]` arrived (TGI 1.x sends no
 * `[DONE]`). Anything else that ends is a cut connection: ProviderUnavailableError, retryable.
 * `finish` is yielded as soon as `[DONE]` is read; the rest of the body is then drained so the
 * connection can go back to the pool.
 */
export async function* convertOpenAIChatStream(
  events: AsyncIterable<SSEEvent>,
  context: OpenAIStreamContext,
): AsyncGenerator<StreamEvent> {
  const { provider, requestId } = context;
  const iterator = events[Symbol.asyncIterator]();
  let started = false;
  let id = '';
  let model = '';
  let rawFinishReason: string | null | undefined;
  let usage: Usage | undefined;
  let refusal = '';
  let sawDone = false;
  let logprobs: JSONValue[] | undefined;
  const toolCalls = new Map<number, ToolCallState>(); // keyed by the wire index
  const metadata: JSONObject = {};

  function startEvent(): StreamEvent {
    started = true;
    return {
      type: 'start',
      id,
      provider,
      model,
      ...(requestId !== undefined && { requestId }),
      warnings: context.warnings,
    };
  }

  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const event = next.value;
      const data = event.data;
      if (data === '[DONE]') {
        sawDone = true;
        break;
      }
      let chunk: OpenAIChatChunk;
      try {
        chunk = JSON.parse(data) as OpenAIChatChunk;
      } catch (error) {
        throw new ProviderUnavailableError({
          message: `${provider} sent a stream chunk that is not JSON: ${preview(data)}`,
          provider,
          retryable: false,
          ...(requestId !== undefined && { requestId }),
          cause: error,
        });
      }
      if (typeof chunk !== 'object' || chunk === null) {
        throw new ProviderUnavailableError({
          message: `${provider} sent a stream chunk that is not an object: ${preview(data)}`,
          provider,
          retryable: false,
          ...(requestId !== undefined && { requestId }),
        });
      }
      // `{"error": ...}` (OpenAI, TGI) or vLLM's `{"object": "error", "message": ...}`.
      if ((chunk.error !== undefined && chunk.error !== null) || chunk.object === 'error') throw toStreamError(chunk, context);
      if (event.event === 'error') throw toStreamError({ error: chunk }, context);

      if (id === '' && typeof chunk.id === 'string') id = chunk.id;
      if (model === '' && typeof chunk.model === 'string') model = chunk.model;
      // Chunk-level extras (system_fingerprint, service_tier, Azure's prompt_filter_results) do not
      // change mid-stream: read them from the chunks before the start and from the closing ones,
      // not from every delta (this loop is on the per-token path).
      if (!started) copyExtraFields(metadata, chunk, KNOWN_CHUNK_FIELDS);
      const choices = chunk.choices;
      // Azure opens with a chunk of prompt_filter_results only (no id, no choices): metadata, not a start.
      if (!started && ((Array.isArray(choices) && choices.length > 0) || (chunk.usage !== null && chunk.usage !== undefined))) {
        yield startEvent();
      }
      if (chunk.usage !== null && chunk.usage !== undefined) usage = mapOpenAIUsage(chunk.usage);
      if (!Array.isArray(choices)) {
        if (rawFinishReason !== undefined) copyExtraFields(metadata, chunk, KNOWN_CHUNK_FIELDS);
        continue;
      }
      for (let choiceIndex = 0; choiceIndex < choices.length; choiceIndex++) {
        const choice: OpenAIChunkChoice = choices[choiceIndex]!;
        // n>1 streams interleave choices; only the first is followed (the request warned).
        if ((choice.index ?? 0) !== 0) continue;
        copyExtraFields(metadata, choice, KNOWN_CHOICE_FIELDS);
        const content = choice.logprobs?.content;
        if (Array.isArray(content) && content.length > 0) (logprobs ??= []).push(...(content as JSONValue[]));
        const delta = choice.delta;
        if (delta !== null && delta !== undefined) {
          const reasoning = delta.reasoning_content ?? delta.reasoning;
          if (typeof reasoning === 'string' && reasoning !== '') yield { type: 'reasoning-delta', text: reasoning };
          if (typeof delta.content === 'string' && delta.content !== '') yield { type: 'text-delta', text: delta.content };
          if (typeof delta.refusal === 'string') refusal += delta.refusal;
          const wireToolCalls =
            delta.tool_calls ?? (delta.function_call ? [{ index: 0, function: delta.function_call }] : undefined);
          if (Array.isArray(wireToolCalls)) {
            for (let position = 0; position < wireToolCalls.length; position++) {
              yield* updateToolCall(toolCalls, wireToolCalls[position]!, position);
            }
          }
        }
        const finish = choice.finish_reason;
        if (finish !== null && finish !== undefined) {
          rawFinishReason = finish;
          yield* endToolCalls(toolCalls);
        }
      }
      if (rawFinishReason !== undefined) copyExtraFields(metadata, chunk, KNOWN_CHUNK_FIELDS);
    }

    if (!sawDone && rawFinishReason === undefined) {
      throw new ProviderUnavailableError({
        message: `${provider} stream ended early: the connection closed before a finish_reason or [DONE]`,
        provider,
        retryable: true,
        ...(requestId !== undefined && { requestId }),
      });
    }
    if (!started) yield startEvent();
    yield* endToolCalls(toolCalls);
    let finishReason = mapOpenAIFinishReason(rawFinishReason, toolCalls.size > 0);
    if (refusal !== '') {
      metadata['refusal'] = refusal;
      finishReason = 'content_filter';
    }
    if (logprobs !== undefined) metadata['logprobs'] = { content: logprobs };
    let hasMetadata = false;
    for (const _ in metadata) {
      hasMetadata = true;
      break;
    }
    yield {
      type: 'finish',
      finishReason,
      rawFinishReason: rawFinishReason ?? null,
      usage: usage ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      ...(hasMetadata && { providerMetadata: metadata }),
    };
    if (sawDone) {
      try {
        while (!(await iterator.next()).done) {
          // Nothing follows [DONE]; reading to the end keeps the connection reusable.
        }
      } catch {
        // The answer is complete; a transport error after it changes nothing.
      }
    }
  } finally {
    // Early exit (error or the consumer stopping): closes the upstream request.
    await iterator.return?.();
  }
}

function* updateToolCall(
  toolCalls: Map<number, ToolCallState>,
  call: OpenAIResponseToolCall,
  position: number,
): Generator<StreamEvent> {
  const wireIndex = typeof call.index === 'number' ? call.index : position;
  let state = toolCalls.get(wireIndex);
  if (state === undefined) {
    // Canonical indexes count 0, 1, … in order of appearance, whatever the server numbered them
    // (an Anthropic-backed gateway starts at 1: gateway-tool-call-index-1.sse).
    state = { index: toolCalls.size, id: '', name: '', arguments: '', started: false, ended: false };
    toolCalls.set(wireIndex, state);
  }
  const index = state.index;
  // A stray fragment after the finish must not reopen a call that was already ended.
  if (state.ended) return;
  if (!state.started) {
    if ((typeof call.id === 'string' && call.id !== '') || typeof call.id === 'number') state.id = String(call.id);
    const name = call.function?.name;
    if (typeof name === 'string' && name !== '') state.name = name;
  }
  const fragment = call.function?.arguments;
  const text =
    typeof fragment === 'string' ? fragment : fragment !== null && fragment !== undefined ? JSON.stringify(fragment) : '';
  if (state.started) {
    if (text !== '') {
      state.arguments += text;
      yield { type: 'tool-call-delta', index, argumentsDelta: text };
    }
    return;
  }
  // The name usually comes with the first fragment; until it does, arguments are held back so
  // that `tool-call-start` is always the first event of a call.
  state.arguments += text;
  if (state.name !== '') yield* startToolCall(state);
}

function* startToolCall(state: ToolCallState): Generator<StreamEvent> {
  state.started = true;
  if (state.id === '') state.id = convertOpenAIToolCallId(undefined, state.index);
  yield { type: 'tool-call-start', index: state.index, id: state.id, name: state.name };
  if (state.arguments !== '') yield { type: 'tool-call-delta', index: state.index, argumentsDelta: state.arguments };
}

function* endToolCalls(toolCalls: Map<number, ToolCallState>): Generator<StreamEvent> {
  for (const state of toolCalls.values()) {
    if (state.ended) continue;
    if (!state.started) yield* startToolCall(state);
    state.ended = true;
    yield { type: 'tool-call-end', index: state.index, id: state.id, name: state.name, arguments: state.arguments };
  }
}

function toStreamError(payload: Record<string, unknown>, context: OpenAIStreamContext): LiterLLMError {
  return mapOpenAIErrorPayload(payload, context, 'stream');
}
