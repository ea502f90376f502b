import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { InvalidRequestError } from '../spec/errors.js';
import { collectTextResponse, type TextResponse } from './collect-text-response.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './default-max-response-bytes.js';
import { combineResponseObservers, flattenHeaders, notifyResponseObserver, type ResponseObserver } from './response-headers.js';
import { Pool, type PoolOptions, sendUndiciRequest } from './undici-parts.js';

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
  /**
   * The longest answer `requestText` collects, in bytes (default DEFAULT_MAX_RESPONSE_BYTES); a
   * longer one fails with ResponseTooLargeError and its connection is closed. Streams are not
   * bounded in total (a long generation is fine), only per line (sse-parser.ts).
   */
  maxResponseBytes?: number;
  /** Use this dispatcher instead of creating one (tests inject undici MockAgent here). */
  dispatcher?: Dispatcher;
  /**
   * Sees every response's status and headers (names lower-cased) before its body is read. The
   * engine uses it to feed the rate-limit headers of successful responses to the provider's
   * limiter. It must not throw; if it does, the error is ignored and the response goes on.
   */
  onResponse?: ResponseObserver;
}

export interface HTTPRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Sees this request's response (after the transport's own `onResponse`). */
  onResponse?: ResponseObserver;
}

export interface HTTPResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: HTTPResponseBody;
}

/** undici's response body: a Readable (destroying it aborts the request) with body helpers. */
export interface HTTPResponseBody extends Readable {
  text(): Promise<string>;
  /** Releases the connection without reading the rest. */
  dump(): Promise<void>;
}

/** Where one URL goes: the dispatcher for its origin and the path to ask it for. */
interface Route {
  dispatcher: Dispatcher;
  origin: string;
  path: string;
}

// URLs repeat (a provider has a handful of endpoints); parsing one costs more than the lookup.
const MAX_CACHED_ROUTES = 1_000;

/**
 * A provider's connections: one undici Pool per origin with keep-alive and a connection cap,
 * pipelining off (LLM calls are long; head-of-line blocking would hurt). Pools are used directly
 * rather than through an undici Agent: the Agent parses the URL and looks up the origin's pool on
 * every request, which measured about 15 µs of CPU per call on this project's benchmark machine.
 */
export class HTTPTransport {
  private readonly injected: Dispatcher | undefined;
  private readonly pools = new Map<string, Pool>();
  private readonly routes = new Map<string, Route>();
  private readonly poolOptions: PoolOptions;
  private readonly onResponse: HTTPTransportOptions['onResponse'];
  private closed = false;
  /** The longest answer this transport reads whole (see HTTPTransportOptions.maxResponseBytes). */
  readonly maxResponseBytes: number;

  constructor(options: HTTPTransportOptions = {}) {
    this.injected = options.dispatcher;
    this.onResponse = options.onResponse;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.poolOptions = {
      ...(options.connections !== undefined && { connections: options.connections }),
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      headersTimeout: options.headersTimeoutMs ?? 0,
      bodyTimeout: options.bodyTimeoutMs ?? 0,
    };
  }

  async request(request: HTTPRequest): Promise<HTTPResponse> {
    const route = this.routeOf(request.url);
    const response = await sendUndiciRequest(route.dispatcher, {
      origin: route.origin,
      path: route.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal ?? null,
    });
    const headers = flattenHeaders(response.headers);
    notifyResponseObserver(this.onResponse, response.statusCode, headers);
    notifyResponseObserver(request.onResponse, response.statusCode, headers);
    return { status: response.statusCode, headers, body: response.body };
  }

  /** Sends one request and reads its whole body as text (a JSON call); see collect-text-response.ts. */
  requestText(request: HTTPRequest): Promise<TextResponse> {
    let route: Route;
    try {
      route = this.routeOf(request.url);
    } catch (error) {
      // A refused URL or a closed transport rejects, as everything else here does.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return collectTextResponse(
      route.dispatcher,
      { origin: route.origin, path: route.path, method: request.method, headers: request.headers, body: request.body ?? null },
      request.signal,
      combineResponseObservers(this.onResponse, request.onResponse),
      this.maxResponseBytes,
    );
  }

  /** Lets in-flight requests finish, then closes every pooled connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }

  /** Closes every connection now, failing in-flight requests. */
  async destroy(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
  }

  private routeOf(url: string): Route {
    const cached = this.routes.get(url);
    if (cached !== undefined) return cached;
    const parsed = new URL(url);
    if (parsed.username !== '' || parsed.password !== '') {
      // Only the origin and the path are sent: credentials would be dropped without a word. The
      // message does not repeat the URL, which holds a password.
      throw new InvalidRequestError({
        message:
          'a provider URL cannot carry credentials (user:password@): they would not be sent; ' +
          'use apiKey or an authorization header instead',
        param: 'baseURL',
      });
    }
    const origin = parsed.origin;
    let dispatcher = this.injected;
    if (dispatcher === undefined) {
      let pool = this.pools.get(origin);
      if (pool === undefined) {
        // A pool opened after close() would never be closed; refuse as undici's closed pools do.
        if (this.closed) throw Object.assign(new Error(`the connections to ${origin} are closed`), { code: 'UND_ERR_CLOSED' });
        pool = new Pool(origin, this.poolOptions);
        this.pools.set(origin, pool);
      }
      dispatcher = pool;
    }
    const route = { dispatcher, origin, path: `${parsed.pathname}${parsed.search}` };
    if (this.routes.size >= MAX_CACHED_ROUTES) this.routes.clear();
    this.routes.set(url, route);
    return route;
  }
}
