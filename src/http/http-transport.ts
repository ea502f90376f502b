import { Agent, type Dispatcher, request as undiciRequest } from 'undici';

export interface HTTPTransportOptions {
  /** Connection cap for each origin this transport talks to (undici Pool size). */
  connections?: number;
  /** How long an idle keep-alive socket is kept open. */
  keepAliveTimeoutMs?: number;
  /** TCP+TLS connect timeout. */
  connectTimeoutMs?: number;
  /** Time to the response headers (first byte). 0 disables. */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks; for streams this is the idle timeout. 0 disables. */
  bodyTimeoutMs?: number;
  /** Use this dispatcher instead of creating one (tests inject undici MockAgent here). */
  dispatcher?: Dispatcher;
}

export interface HTTPRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HTTPResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: HTTPResponseBody;
}

export interface HTTPResponseBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
  /** Releases the connection without reading the rest. */
  dump(): Promise<void>;
}

/**
 * One undici Agent per provider: a Pool per origin with keep-alive and a connection cap,
 * pipelining off (LLM calls are long; head-of-line blocking would hurt).
 */
export class HTTPTransport {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(options: HTTPTransportOptions = {}) {
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = new Agent({
        connections: options.connections ?? null,
        pipelining: 1,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
        connect: { timeout: options.connectTimeoutMs ?? 10_000 },
        headersTimeout: options.headersTimeoutMs ?? 0,
        bodyTimeout: options.bodyTimeoutMs ?? 0,
      });
      this.ownsDispatcher = true;
    }
  }

  async request(request: HTTPRequest): Promise<HTTPResponse> {
    const response = await undiciRequest(request.url, {
      dispatcher: this.dispatcher,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal ?? null,
    });
    return { status: response.statusCode, headers: flattenHeaders(response.headers), body: response.body };
  }

  /** Lets in-flight requests finish, then closes every pooled connection. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Closes every connection now, failing in-flight requests. */
  async destroy(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.destroy();
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
