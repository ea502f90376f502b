import type { Readable, Writable } from 'node:stream';
import type { ModelInfo, ProviderStats } from '../engine/engine.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import { createError, type LiterLLMError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import type { CallOptions } from './client-frame-schema.js';
import { createFrameDecoder } from './create-frame-decoder.js';
import { encodeFrame } from './encode-frame.js';
import type { ChatStreamResult, EngineFrame, InitializeResult, ProtocolError } from './engine-frame-schema.js';
import { PROTOCOL_VERSION } from './protocol-version.js';
import { toProtocolError } from './to-protocol-error.js';

/** A streamed call over the protocol: iterate it for events; `break` sends `cancel`. */
export interface ProtocolChatStream extends AsyncIterable<StreamEvent> {
  /** The call's protocol id (for `cancel`). */
  readonly id: number;
  /** The final `result` frame, once the stream has ended. */
  readonly result: Promise<ChatStreamResult>;
}

export interface ProtocolClientOptions {
  /** The engine's frames (its stdout). */
  input: Readable;
  /** Where the client's frames go (the engine's stdin). */
  output: Writable;
  /** The version sent in `initialize` (default PROTOCOL_VERSION): tests of a mismatched binding. */
  protocolVersion?: string;
  /** The name sent in `initialize`, for the engine's logs (default `typescript`). */
  clientName?: string;
}

export interface ProtocolClient {
  /** The engine's answer to `initialize` (sent when the client is created). */
  readonly initialized: Promise<InitializeResult>;
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
  chatStream(request: ChatRequest, options?: CallOptions): ProtocolChatStream;
  embed(request: EmbedRequest, options?: CallOptions): Promise<EmbedResponse>;
  models(): Promise<ModelInfo[]>;
  stats(): Promise<ProviderStats[]>;
  /** Cancels the call with that protocol id; true when it was in flight. */
  cancel(id: number): Promise<boolean>;
  /** Sends `shutdown` and resolves with the engine's answer, sent once its calls in flight have ended. */
  requestShutdown(): Promise<void>;
  /** Any frame, for tests of what a client may get wrong: an object is encoded, bytes are sent as they are. */
  send(frame: object | Uint8Array): void;
  /** Every frame the engine sent, decoded, in order. */
  readonly received: readonly EngineFrame[];
  /** The next frame for that id (null: frames about no readable id). */
  nextFrame(id: number | null): Promise<EngineFrame>;
  /** The id the next call will use. */
  nextId(): number;
}

/**
 * The client side of the stdio protocol over any pair of streams: the in-process loopback's pipes
 * or a real engine process's stdin and stdout. Calls are multiplexed by id; errors come back as the
 * LiterLLMError subclass of their code, rebuilt from the error frame like a binding does.
 */
export function createProtocolClient(options: ProtocolClientOptions): ProtocolClient {
  const { input, output, protocolVersion = PROTOCOL_VERSION, clientName = 'typescript' } = options;
  const decoder = createFrameDecoder();
  const received: EngineFrame[] = [];
  const waiting = new Map<number | null, ((frame: EngineFrame) => void)[]>();
  const unclaimed = new Map<number | null, EngineFrame[]>();
  let lastId = 0;

  const deliver = (frame: EngineFrame) => {
    const listener = waiting.get(frame.id)?.shift();
    if (listener) listener(frame);
    else unclaimed.set(frame.id, [...(unclaimed.get(frame.id) ?? []), frame]);
  };
  input.on('data', (chunk: Buffer) => {
    for (const decoded of decoder.push(chunk)) {
      if (decoded.type !== 'frame') throw new Error(`the engine sent a bad frame: ${decoded.type}`);
      const frame = JSON.parse(decoded.text) as EngineFrame;
      received.push(frame);
      deliver(frame);
    }
  });

  // Once the engine's output has ended no frame can come: every call still waiting fails at once
  // (a binding must never hang on an engine that died), as does any call made after.
  let ended: ProtocolError | undefined;
  const endedFrame = (id: number | null): EngineFrame => ({ type: 'error', id, error: ended! });
  input.once('close', () => {
    ended = { code: 'internal', message: 'the engine ended before answering the call', retryable: false };
    for (const [id, listeners] of waiting) for (const listener of listeners.splice(0)) listener(endedFrame(id));
  });

  const nextFrame = (id: number | null): Promise<EngineFrame> => {
    const queued = unclaimed.get(id)?.shift();
    if (queued) return Promise.resolve(queued);
    if (ended !== undefined) return Promise.resolve(endedFrame(id));
    return new Promise((resolve) => waiting.set(id, [...(waiting.get(id) ?? []), resolve]));
  };
  const send = (frame: object | Uint8Array) => {
    output.write(frame instanceof Uint8Array ? frame : encodeFrame(frame));
  };
  const call = async <T>(method: string, params?: unknown, callOptions?: CallOptions): Promise<T> => {
    const id = ++lastId;
    send({ id, method, ...(params !== undefined && { params }), ...(callOptions !== undefined && { options: callOptions }) });
    return settle<T>(await nextFrame(id));
  };

  const initialized = call<InitializeResult>('initialize', { protocolVersion, client: { name: clientName } });
  // A refused handshake surfaces on the first call; never an unhandled rejection on its own.
  initialized.catch(() => undefined);

  const chatStream = (request: ChatRequest, callOptions?: CallOptions): ProtocolChatStream => {
    const id = ++lastId;
    let resolveResult!: (result: ChatStreamResult) => void;
    let rejectResult!: (error: unknown) => void;
    const result = new Promise<ChatStreamResult>((resolve, reject) => ((resolveResult = resolve), (rejectResult = reject)));
    result.catch(() => undefined);
    let started = false;
    return {
      id,
      result,
      [Symbol.asyncIterator]() {
        if (!started) {
          started = true;
          void initialized.then(
            () => send({ id, method: 'chat.stream', params: request, ...(callOptions && { options: callOptions }) }),
            // The refused handshake becomes this stream's error, so iterating it throws, never hangs.
            (error: unknown) => deliver({ type: 'error', id, error: toProtocolError(error) }),
          );
        }
        let done = false;
        return {
          async next(): Promise<IteratorResult<StreamEvent>> {
            if (done) return { done: true, value: undefined };
            const frame = await nextFrame(id);
            if (frame.type === 'result') {
              done = true;
              resolveResult(frame.result as ChatStreamResult);
              return { done: true, value: undefined };
            }
            if (frame.type === 'error') {
              done = true;
              const error = toError(frame.error);
              rejectResult(error);
              throw error;
            }
            return { done: false, value: frame.event };
          },
          async return(): Promise<IteratorResult<StreamEvent>> {
            if (!done) {
              done = true;
              send({ id: ++lastId, method: 'cancel', params: { id } });
            }
            return { done: true, value: undefined };
          },
        };
      },
    };
  };

  return {
    initialized,
    chat: async (request, callOptions) => (await initialized, call<ChatResponse>('chat', request, callOptions)),
    chatStream,
    embed: async (request, callOptions) => (await initialized, call<EmbedResponse>('embed', request, callOptions)),
    models: async () => (await initialized, (await call<{ models: ModelInfo[] }>('models')).models),
    stats: async () => (await initialized, (await call<{ providers: ProviderStats[] }>('stats')).providers),
    cancel: async (id) => (await call<{ cancelled: boolean }>('cancel', { id })).cancelled,
    requestShutdown: async () => void (await call<object>('shutdown')),
    send,
    received,
    nextFrame,
    nextId: () => lastId + 1,
  };
}

function settle<T>(frame: EngineFrame): T {
  if (frame.type === 'error') throw toError(frame.error);
  if (frame.type === 'event') throw new Error(`unexpected event frame for call ${frame.id}`);
  return frame.result as T;
}

function toError(error: ProtocolError): LiterLLMError {
  const { code, ...fields } = error;
  return createError(code, fields);
}
