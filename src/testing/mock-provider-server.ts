import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the mock server received, kept for field-by-field assertions. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  receivedAt: number;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** The whole body, or the chunks to write one by one (with `chunkDelayMs` between them). */
  body?: string | string[];
  /** Wait this long before sending the headers. */
  delayMs?: number;
  chunkDelayMs?: number;
  /** Split a string body into pieces of this many bytes (streams are then sent piecewise). */
  chunkSize?: number;
  /** Send the headers and this many chunks, then never finish (for abort and idle-timeout tests). */
  hangAfterChunks?: number;
  /** Destroy the socket without a response (for connection-reset tests). */
  destroy?: boolean;
  /** Send the headers and this many chunks, then destroy the socket (a connection that breaks mid-stream). */
  destroyAfterChunks?: number;
}

export type MockHandler = (request: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export interface MockProviderServerOptions {
  /** Answers requests when no scripted response is queued. */
  handler?: MockHandler;
  host?: string;
  port?: number;
}

/**
 * A local HTTP server that answers like a provider: scripted responses (usually recorded fixtures)
 * are served in order, every request is recorded, and connections the client closes early are
 * counted, so tests can see an abort arrive upstream.
 */
export class MockProviderServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose connection the client closed before the response was complete. */
  abortedRequests = 0;
  private readonly queue: ScriptedResponse[] = [];
  private abortWaiters: (() => boolean)[] = [];
  private inflight = 0;
  private maxInflightSeen = 0;

  private constructor(
    private readonly server: Server,
    private readonly handler: MockHandler | undefined,
  ) {}

  static async start(options: MockProviderServerOptions = {}): Promise<MockProviderServer> {
    const server = createServer();
    server.keepAliveTimeout = 5_000;
    const mock = new MockProviderServer(server, options.handler);
    server.on('request', (request, response) => void mock.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return mock;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The highest number of requests the server was answering at once. */
  get maxConcurrentRequests(): number {
    return this.maxInflightSeen;
  }

  get lastRequest(): RecordedRequest | undefined {
    return this.requests.at(-1);
  }

  enqueue(...responses: ScriptedResponse[]): this {
    this.queue.push(...responses);
    return this;
  }

  /** Resolves once `count` requests in total have been aborted by the client. */
  waitForAborts(count = 1, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} aborted request(s), saw ${this.abortedRequests}`)),
        timeoutMs,
      );
      const check = () => {
        if (this.abortedRequests >= count) {
          clearTimeout(timer);
          resolve();
          return true;
        }
        return false;
      };
      if (!check()) this.abortWaiters.push(check);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inflight++;
    this.maxInflightSeen = Math.max(this.maxInflightSeen, this.inflight);
    let completed = false;
    response.on('close', () => {
      this.inflight--;
      if (!completed) {
        this.abortedRequests++;
        this.abortWaiters = this.abortWaiters.filter((waiter) => !waiter());
      }
    });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
      ),
      body,
      json: parseJSON(body),
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);
    const scripted =
      this.queue.shift() ??
      (this.handler
        ? await this.handler(recorded)
        : { status: 500, body: JSON.stringify({ error: { message: 'mock server: no scripted response queued' } }) });
    if (scripted.delayMs) await sleep(scripted.delayMs);
    if (response.destroyed) return;
    if (scripted.destroy) {
      request.socket.destroy();
      return;
    }
    response.writeHead(scripted.status ?? 200, scripted.headers ?? { 'content-type': 'application/json' });
    const pieces = splitBody(scripted);
    const breakAt = scripted.destroyAfterChunks;
    for (let index = 0; index < pieces.length; index++) {
      if (scripted.hangAfterChunks !== undefined && index >= scripted.hangAfterChunks) return;
      if (breakAt !== undefined && index >= breakAt) break;
      if (response.destroyed) return;
      // Before a scripted break, wait until each chunk is on the wire, or the reset could drop it.
      if (breakAt !== undefined) await new Promise<void>((resolve) => response.write(pieces[index], () => resolve()));
      else response.write(pieces[index]);
      if (scripted.chunkDelayMs && index < pieces.length - 1) await sleep(scripted.chunkDelayMs);
    }
    if (scripted.hangAfterChunks !== undefined) return;
    if (breakAt !== undefined) {
      completed = true;
      request.socket.destroy();
      return;
    }
    completed = true;
    response.end();
  }
}

function splitBody(scripted: ScriptedResponse): string[] {
  const body = scripted.body ?? '';
  if (Array.isArray(body)) return body;
  if (!scripted.chunkSize) return body.length > 0 ? [body] : [];
  const pieces: string[] = [];
  for (let offset = 0; offset < body.length; offset += scripted.chunkSize)
    pieces.push(body.slice(offset, offset + scripted.chunkSize));
  return pieces;
}

function parseJSON(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * How a provider reports a failure, for injecting failures into its echo (createFailingHandler):
 * its error response for a status, and the in-band error event that ends a broken stream.
 */
export interface ProviderFailureFormat {
  errorResponse(status: number, message: string): ScriptedResponse;
  /** The SSE text of an error event sent after a stream started (a 200 already went out). */
  streamErrorEvent(message: string): string;
}
