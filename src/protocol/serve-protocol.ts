import type { Readable, Writable } from 'node:stream';
import type { Engine, RequestOptions } from '../engine/engine.js';
import { readPackageVersion } from '../read-package-version.js';
import { CancelledError, InvalidRequestError, isLiterLLMError, ProviderUnavailableError } from '../spec/errors.js';
import { findDeepNestingInJSON } from '../spec/find-deep-nesting-in-json.js';
import { MAX_JSON_DEPTH } from '../spec/find-deep-nesting.js';
import { LightAbortController } from '../spec/light-abort-controller.js';
import { createSecretScrubber } from '../telemetry/create-secret-scrubber.js';
import { callIdSchema, clientFrameSchema, PROTOCOL_METHODS, type CallOptions, type ClientFrame } from './client-frame-schema.js';
import { createFrameDecoder, DEFAULT_MAX_FRAME_BYTES, type DecodedFrame } from './create-frame-decoder.js';
import { describeFrameIssue } from './describe-frame-issue.js';
import type { EngineFrame, InitializeResult } from './engine-frame-schema.js';
import { encodeFrame } from './encode-frame.js';
import { parsePlainChatFrame } from './parse-plain-chat-frame.js';
import { checkProtocolVersion, PROTOCOL_VERSION } from './protocol-version.js';
import { toProtocolError } from './to-protocol-error.js';

/** A line for the engine's log (stderr as JSON lines in `engine --stdio`). */
export interface ProtocolLogEntry {
  level: 'debug' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

export interface ServeProtocolOptions {
  engine: Engine;
  /** Frames from the client (stdin). Its end means the client is gone. */
  input: Readable;
  /** Frames to the client (stdout). Nothing else may be written to it. */
  output: Writable;
  /** Where log entries go; default one JSON line each on stderr. */
  log?: (entry: ProtocolLogEntry) => void;
  /** Mirrors every frame, both ways, to `log` with secrets redacted (`LITER_LLM_DEBUG_PROTOCOL=1`). */
  debug?: boolean;
  /** Values never to show in a mirrored frame or an error message: the config's API keys. */
  secrets?: Iterable<string | undefined>;
  /** Default DEFAULT_MAX_FRAME_BYTES (64 MiB). */
  maxFrameBytes?: number;
  /** Reported by `initialize`; default this package's version. */
  packageVersion?: string;
}

/** Why the loop ended: a `shutdown` call, the input's end (the client died), or a dead output. */
export type ServeProtocolEnd = 'shutdown' | 'input-end' | 'output-closed';

interface Call {
  controller: LightAbortController;
  done: Promise<void>;
}

// Frames nest a few levels above the request itself (frame.params.tools[0].parameters): the engine
// checks the request's own depth precisely; this bound only keeps zod's recursion off a hostile frame.
export const MAX_FRAME_DEPTH = MAX_JSON_DEPTH + 8;

/**
 * Serves the stdio protocol (docs/protocol.md) over a pair of byte streams: decodes frames from
 * `input`, runs each call on `engine` concurrently (multiplexed by the client's id), and writes
 * the answers to `output`. A bad frame costs an error frame, never the loop or another call.
 * Resolves once the loop has ended and every call it started has settled; the engine itself is
 * left open (its owner closes it).
 */
export async function serveProtocol(options: ServeProtocolOptions): Promise<ServeProtocolEnd> {
  const { engine, input, output } = options;
  const log = options.log ?? writeStderrLine;
  const scrubber = createSecretScrubber(options.secrets);
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const decoder = createFrameDecoder(maxFrameBytes);
  const calls = new Map<number, Call>();
  let initialized = false;
  let draining = false;
  let outputClosed = false;
  let finish!: (end: ServeProtocolEnd) => void;
  const ended = new Promise<ServeProtocolEnd>((resolve) => (finish = resolve));

  const send = (frame: EngineFrame): boolean => {
    if (outputClosed) return true;
    if (options.debug) log({ level: 'debug', msg: 'protocol frame', direction: 'out', frame: scrubber.scrubValue(frame) });
    return output.write(encodeFrame(frame));
  };
  const sendError = (id: number | null, error: unknown) =>
    send({ type: 'error', id, error: toProtocolError(error, scrubber.scrub) });
  // A call's failure: its error frame, and the engine's log for what is not a typed error.
  const fail = (id: number, error: unknown) => {
    if (!isLiterLLMError(error))
      log({ level: 'error', msg: 'unexpected error in a protocol call', id, error: scrubber.scrub(describe(error)) });
    sendError(id, error);
  };
  const invalid = (id: number | null, message: string, param?: string) =>
    sendError(id, new InvalidRequestError({ message, ...(param !== undefined && { param }) }));

  // Resolves when the output can take more (or is gone): the back-pressure of a stream's events.
  // A cancel ends the wait too: a reader that stopped reading must still be able to stop the call.
  const drained = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (outputClosed || !output.writableNeedDrain || signal.aborted) return resolve();
      const done = () => {
        output.off('drain', done);
        output.off('close', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      output.on('drain', done);
      output.on('close', done);
      signal.addEventListener('abort', done);
    });

  const cancelAll = (message: string) => {
    for (const call of calls.values()) call.controller.abort(new CancelledError({ message }));
  };
  const settled = async () => {
    while (calls.size > 0) await Promise.all([...calls.values()].map((call) => call.done));
  };

  const start = (id: number, run: (signal: AbortSignal) => Promise<EngineFrame | undefined>) => {
    // The cheap kind, as the gateway's per-request signal: a Node AbortController (an EventTarget)
    // and the listeners the engine's deadlines add to it were ~10 µs of a stdio chat call's CPU.
    const controller = new LightAbortController();
    const done = run(controller.signal)
      .then((frame) => frame && send(frame))
      .catch((error: unknown) => fail(id, error))
      .finally(() => calls.delete(id))
      .then(() => undefined);
    calls.set(id, { controller, done });
  };

  const streamChat = async (
    frame: Extract<ClientFrame, { method: 'chat.stream' }>,
    signal: AbortSignal,
  ): Promise<EngineFrame> => {
    const stream = engine.chatStream(frame.params, requestOptions(frame.options, signal));
    for await (const event of stream) {
      if (!send({ type: 'event', id: frame.id, event })) await drained(signal);
      // The engine aborts upstream on the signal; leaving the loop (return()) also closes the stream.
      if (signal.aborted) throw signal.reason;
    }
    return { type: 'result', id: frame.id, result: { requestId: stream.requestId, attempts: [...stream.attempts] } };
  };

  const dispatch = (frame: ClientFrame) => {
    const { id } = frame;
    if (frame.method === 'initialize') {
      if (initialized) return invalid(id, 'initialize was already sent on this connection', 'method');
      const mismatch = checkProtocolVersion(frame.params.protocolVersion);
      if (mismatch !== undefined) return invalid(id, mismatch, 'params.protocolVersion');
      initialized = true;
      const result: InitializeResult = {
        protocolVersion: PROTOCOL_VERSION,
        packageVersion: options.packageVersion ?? readPackageVersion(),
        capabilities: { methods: PROTOCOL_METHODS.filter((method) => method !== 'initialize'), maxFrameBytes },
      };
      return send({ type: 'result', id, result });
    }
    if (!initialized) return invalid(id, `send initialize before ${frame.method}`, 'method');
    if (frame.method === 'cancel') {
      const call = calls.get(frame.params.id);
      call?.controller.abort(new CancelledError({ message: `call ${frame.params.id} was cancelled by the client` }));
      return send({ type: 'result', id, result: { cancelled: call !== undefined } });
    }
    if (calls.has(id)) return invalid(id, `id ${id} is already used by a call in flight`, 'id');
    if (draining) return sendError(id, new ProviderUnavailableError({ message: 'the engine is shutting down', retryable: true }));
    switch (frame.method) {
      case 'chat':
        return start(id, async (signal) =>
          resultFrame(id, await engine.chat(frame.params, requestOptions(frame.options, signal))),
        );
      case 'chat.stream':
        return start(id, (signal) => streamChat(frame, signal));
      case 'embed':
        return start(id, async (signal) =>
          resultFrame(id, await engine.embed(frame.params, requestOptions(frame.options, signal))),
        );
      case 'models':
        return send({ type: 'result', id, result: { models: engine.listModels() } });
      case 'stats':
        return send({ type: 'result', id, result: { providers: engine.stats() } });
      case 'shutdown':
        draining = true;
        // Calls in flight run to their end; frames keep being read so the client can still cancel.
        void settled().then(() => {
          send({ type: 'result', id, result: {} });
          finish('shutdown');
        });
        return;
    }
  };

  const receive = (decoded: DecodedFrame) => {
    if (decoded.type === 'too-large') {
      return invalid(null, `frame of ${decoded.length} bytes is over the limit of ${decoded.maxFrameBytes} bytes`, 'length');
    }
    if (decoded.type === 'invalid-utf8') return invalid(null, 'frame is not valid UTF-8', 'frame');
    let value: unknown;
    try {
      value = JSON.parse(decoded.text);
    } catch (error) {
      return invalid(null, `frame is not JSON: ${(error as Error).message}`, 'frame');
    }
    if (options.debug) log({ level: 'debug', msg: 'protocol frame', direction: 'in', frame: scrubber.scrubValue(value) });
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return invalid(null, 'a frame must be a JSON object', 'frame');
    const idResult = callIdSchema.safeParse((value as { id?: unknown }).id);
    if (!idResult.success) return invalid(null, 'id must be a non-negative integer', 'id');
    const id = idResult.data;
    const method = (value as { method?: unknown }).method;
    if (typeof method !== 'string' || !(PROTOCOL_METHODS as readonly string[]).includes(method)) {
      return invalid(id, `unknown method ${JSON.stringify(method)} (expected one of ${PROTOCOL_METHODS.join(', ')})`, 'method');
    }
    let frame: ClientFrame | undefined = parsePlainChatFrame(value as Record<string, unknown>, method);
    if (frame === undefined) {
      const deep = findDeepNestingInJSON(decoded.text, value, MAX_FRAME_DEPTH);
      if (deep !== undefined) return invalid(id, `${deep} nests deeper than ${MAX_FRAME_DEPTH} levels`, deep);
      const parsed = clientFrameSchema.safeParse(value);
      if (!parsed.success) {
        const { param, message } = describeFrameIssue(parsed.error.issues[0]!);
        return invalid(id, message, param);
      }
      frame = parsed.data;
    }
    try {
      dispatch(frame);
    } catch (error) {
      // models and stats answer synchronously: a throw there is still that call's error frame.
      fail(id, error);
    }
  };

  const onData = (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      try {
        receive(frame);
      } catch (error) {
        // A bug in handling one frame must not take the loop (and every other call) down.
        log({ level: 'error', msg: 'unexpected error handling a protocol frame', error: scrubber.scrub(describe(error)) });
      }
    }
  };
  let inputEnded = false;
  const onInputEnd = () => {
    if (inputEnded) return;
    inputEnded = true;
    if (decoder.pendingBytes > 0)
      log({ level: 'warn', msg: 'the input ended inside a frame', pendingBytes: decoder.pendingBytes });
    cancelAll('the client closed the connection');
    void settled().then(() => finish('input-end'));
  };
  const onOutputGone = () => {
    if (outputClosed) return;
    outputClosed = true;
    cancelAll('the client stopped reading');
    void settled().then(() => finish('output-closed'));
  };

  input.on('data', onData);
  input.once('end', onInputEnd);
  input.once('close', onInputEnd);
  input.on('error', onInputEnd);
  output.on('error', onOutputGone);
  output.once('close', onOutputGone);
  try {
    return await ended;
  } finally {
    input.off('data', onData);
    input.off('end', onInputEnd);
    input.off('close', onInputEnd);
    input.off('error', onInputEnd);
    output.off('error', onOutputGone);
    output.off('close', onOutputGone);
    input.pause();
  }
}

function resultFrame(id: number, result: Extract<EngineFrame, { type: 'result' }>['result']): EngineFrame {
  return { type: 'result', id, result };
}

function requestOptions(options: CallOptions | undefined, signal: AbortSignal): RequestOptions {
  return { ...options, signal };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function writeStderrLine(entry: ProtocolLogEntry): void {
  process.stderr.write(`${JSON.stringify({ time: Date.now(), ...entry })}\n`);
}
