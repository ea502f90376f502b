import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { GatewayHandler } from './create-gateway-handler.js';
import type { GatewayRequest, GatewayResponse } from './gateway-http.js';

export interface InjectRequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as given; an array of pieces as separate chunks. */
  body?: unknown;
}

export interface InjectedResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** Every write, in order (one per SSE event for streams). */
  chunks: string[];
  json<T = unknown>(): T;
}

/**
 * Sends one request through the gateway in memory, without a socket: the equivalent of hono's
 * `app.request(...)`, for tests and embedding.
 */
export async function injectRequest(
  handler: GatewayHandler,
  path: string,
  init: InjectRequestInit = {},
): Promise<InjectedResponse> {
  const response = createMemoryResponse();
  await handler.handle(createMemoryRequest(path, init), response);
  return response.result();
}

export function createMemoryRequest(path: string, init: InjectRequestInit = {}): GatewayRequest {
  const pieces = toPieces(init.body);
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  if (pieces.length > 0 && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  return Object.assign(Readable.from(pieces, { objectMode: false }), {
    method: init.method ?? (pieces.length > 0 ? 'POST' : 'GET'),
    url: path,
    headers,
  });
}

function toPieces(body: unknown): Buffer[] {
  if (body === undefined) return [];
  if (Buffer.isBuffer(body)) return [body];
  if (typeof body === 'string') return [Buffer.from(body)];
  if (Array.isArray(body) && body.every((piece) => typeof piece === 'string' || Buffer.isBuffer(piece))) {
    return body.map((piece) => (Buffer.isBuffer(piece) ? piece : Buffer.from(piece)));
  }
  return [Buffer.from(JSON.stringify(body))];
}

export interface MemoryResponse extends GatewayResponse {
  /** Simulates a full socket buffer: write() returns false after this many more writes, until drain(). */
  blockAfterWrites(count: number): void;
  /** Empties the simulated buffer and emits 'drain'. */
  drain(): void;
  /** Simulates the client closing the connection. */
  disconnect(): void;
  readonly chunks: string[];
  /** Resolves when the n-th write has happened. */
  waitForWrites(count: number): Promise<void>;
  result(): InjectedResponse;
}

/** A GatewayResponse that records what is written, with controllable back-pressure and disconnects. */
export function createMemoryResponse(): MemoryResponse {
  const events = new EventEmitter();
  const chunks: string[] = [];
  let status = 0;
  let headers: Record<string, string> = {};
  let headersSent = false;
  let ended = false;
  let finished = false;
  let closed = false;
  let writesUntilBlocked = Number.POSITIVE_INFINITY;
  let writeWaiters: { count: number; resolve: () => void }[] = [];

  function recordWrite(chunk: string): void {
    chunks.push(chunk);
    writeWaiters = writeWaiters.filter((waiter) => {
      if (chunks.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  const response: MemoryResponse = {
    writeHead(statusCode: number, outgoing: OutgoingHttpHeaders) {
      if (headersSent) throw new Error('writeHead called twice');
      status = statusCode;
      headers = {};
      for (const [name, value] of Object.entries(outgoing)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      headersSent = true;
      return response;
    },
    write(chunk: string) {
      if (closed) return false;
      if (!headersSent) response.writeHead(200, {});
      recordWrite(chunk);
      writesUntilBlocked--;
      return writesUntilBlocked > 0;
    },
    end(chunk?: string) {
      if (ended) return response;
      if (!headersSent) response.writeHead(200, {});
      if (chunk !== undefined && chunk !== '' && !closed) recordWrite(chunk);
      ended = true;
      if (!closed) {
        finished = true;
        closed = true;
        queueMicrotask(() => events.emit('close'));
      }
      return response;
    },
    on(event: 'close' | 'drain', listener: () => void) {
      events.on(event, listener);
      return response;
    },
    off(event: 'close' | 'drain', listener: () => void) {
      events.off(event, listener);
      return response;
    },
    get headersSent() {
      return headersSent;
    },
    get writableEnded() {
      return ended;
    },
    get writableFinished() {
      return finished;
    },
    blockAfterWrites(count) {
      writesUntilBlocked = count;
    },
    drain() {
      writesUntilBlocked = Number.POSITIVE_INFINITY;
      events.emit('drain');
    },
    disconnect() {
      if (closed) return;
      closed = true;
      events.emit('close');
    },
    destroy() {
      response.disconnect();
      return response;
    },
    chunks,
    waitForWrites(count) {
      if (chunks.length >= count) return Promise.resolve();
      return new Promise((resolve) => writeWaiters.push({ count, resolve }));
    },
    result() {
      const body = chunks.join('');
      return { status, headers: { ...headers }, body, chunks: [...chunks], json: <T>() => JSON.parse(body) as T };
    },
  };
  return response;
}
