import { PassThrough } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import {
  createProtocolClient,
  type ProtocolChatStream,
  type ProtocolClient,
  type ProtocolClientOptions,
} from './create-protocol-client.js';
import { serveProtocol, type ServeProtocolEnd, type ServeProtocolOptions } from './serve-protocol.js';

/** A streamed call over the protocol: iterate it for events; `break` sends `cancel`. */
export type LoopbackChatStream = ProtocolChatStream;

export interface LoopbackClientOptions
  extends Omit<ServeProtocolOptions, 'engine' | 'input' | 'output'>, Pick<ProtocolClientOptions, 'protocolVersion'> {}

export interface LoopbackClient extends ProtocolClient {
  /** Sends `shutdown` (the engine drains its calls in flight) and waits for the loop to end. */
  shutdown(): Promise<ServeProtocolEnd>;
  /** Closes the input, as a dying parent does: the engine cancels its calls in flight. */
  close(): Promise<ServeProtocolEnd>;
}

/**
 * The stdio protocol in process: serveProtocol over in-memory pipes, every frame encoded and
 * decoded both ways exactly as over stdin/stdout, so the main test suite drives the real protocol
 * (Playwright's inprocess.ts does the same for its driver). The client side is createProtocolClient,
 * the one a real engine process is driven with too (spawnEngineClient).
 */
export function createLoopbackClient(engine: Engine, options: LoopbackClientOptions = {}): LoopbackClient {
  const { protocolVersion, ...serveOptions } = options;
  const toEngine = new PassThrough();
  const fromEngine = new PassThrough();
  const ended = serveProtocol({ ...serveOptions, engine, input: toEngine, output: fromEngine });
  const client = createProtocolClient({
    input: fromEngine,
    output: toEngine,
    clientName: 'loopback',
    ...(protocolVersion !== undefined && { protocolVersion }),
  });
  return {
    ...client,
    shutdown: async () => (await client.requestShutdown(), ended),
    close: async () => (toEngine.end(), ended),
  };
}
