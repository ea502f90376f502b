import type { OutgoingHttpHeaders } from 'node:http';
import type { Engine, RequestOptions } from '../engine/engine.js';
import { CancelledError, type LiterLLMError } from '../spec/errors.js';
import { LightAbortController } from '../spec/light-abort-controller.js';
import type { GatewayRequest, GatewayResponse } from './gateway-http.js';
import type { StreamOutcome } from './pipe-chat-stream.js';
import { readJSONBody } from './read-json-body.js';
import { toHeaderValue } from './to-header-value.js';
import type { Warning } from '../spec/warning.js';

/** The error body an endpoint's clients understand: OpenAI's, Anthropic's, or the stdio protocol's error frame (/v1/engine/*). */
export type ErrorFormat = 'openai' | 'anthropic' | 'engine';

const HEADER_SAFE_REQUEST_ID = /^[\x21-\x7e]+$/;

/** Everything one request's handler needs, created by the gateway handler per request. */
export class GatewayContext {
  /** The engine call's options: the request id, the trace context, and the disconnect signal. */
  readonly callOptions: RequestOptions;
  /** What served the call (the metrics labels and the x-liter-llm-* headers). */
  provider = '';
  model = '';
  /** The model the caller asked for (a route or `provider/model`), once the body was read. */
  requestedModel = '';
  /** The status that was sent; 499 when the client went away first. */
  status = 0;
  /** Links in the handler's list of requests in flight (LiveRequestList). */
  previousLive: GatewayContext | undefined = undefined;
  nextLive: GatewayContext | undefined = undefined;
  // One per request: the cheap kind (see LightAbortController), aborted when the client leaves.
  private readonly controller = new LightAbortController();
  private aborted = false;

  constructor(
    readonly engine: Engine,
    readonly request: GatewayRequest,
    readonly response: GatewayResponse,
    /** The caller's x-request-id, else a new UUID; a /v1/engine call's `options.requestId` replaces it (applyCallOptions). */
    public requestId: string,
    readonly maxBodyBytes: number,
    /** The gateway is draining: ask the client to close the connection after this response. */
    private closeConnection = false,
  ) {
    const headers = request.headers;
    const options: RequestOptions = { requestId, signal: this.controller.signal };
    const traceparent = headers['traceparent'];
    if (typeof traceparent === 'string') options.traceparent = traceparent;
    const tracestate = headers['tracestate'];
    if (typeof tracestate === 'string') options.tracestate = tracestate;
    this.callOptions = options;
    response.on('close', this.onClose);
  }

  readBody(): Promise<unknown> {
    return readJSONBody(this.request, this.maxBodyBytes);
  }

  /**
   * Per-call options from the body (/v1/engine/*: the stdio protocol's CallOptions), over those the
   * headers gave. A request id given there is the engine call's, as on stdio, and the response's
   * x-request-id when it can be a header value.
   */
  applyCallOptions(options: Pick<RequestOptions, 'timeoutMs' | 'maxRetries' | 'requestId' | 'traceparent' | 'tracestate'>): void {
    if (options.timeoutMs !== undefined) this.callOptions.timeoutMs = options.timeoutMs;
    if (options.maxRetries !== undefined) this.callOptions.maxRetries = options.maxRetries;
    if (options.traceparent !== undefined) this.callOptions.traceparent = options.traceparent;
    if (options.tracestate !== undefined) this.callOptions.tracestate = options.tracestate;
    if (options.requestId !== undefined) {
      this.callOptions.requestId = options.requestId;
      // The header only takes what the gateway accepts as an x-request-id (visible ASCII).
      if (HEADER_SAFE_REQUEST_ID.test(options.requestId)) this.requestId = options.requestId;
    }
  }

  /** True once the client went away before the response was complete. */
  get disconnected(): boolean {
    return this.aborted;
  }

  /** Aborts the engine call (the client is gone, or a stream is being abandoned). */
  readonly abort = (): void => {
    if (!this.aborted) {
      this.aborted = true;
      this.controller.abort(new CancelledError({ message: 'the client closed the connection before the response was complete' }));
    }
  };

  /**
   * Ends the engine call with `reason` while the client is still there (the drain deadline
   * passed): the handler then answers with that error, a 503 body or an in-band stream error
   * event, where a closed socket would leave the caller an empty reply.
   */
  cut(reason: LiterLLMError): void {
    this.closeConnection = true;
    this.controller.abort(reason);
  }

  sendJSON(status: number, body: string, headers?: OutgoingHttpHeaders): void {
    this.status = status;
    this.response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-request-id': this.requestId,
      ...(this.closeConnection && { connection: 'close' }),
      ...headers,
    });
    this.response.end(body);
  }

  /** The status line and headers of an SSE response; the events follow. */
  startSSE(headers?: OutgoingHttpHeaders): void {
    this.status = 200;
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // Tells nginx-style proxies in front of the gateway not to buffer the stream.
      'x-accel-buffering': 'no',
      'x-request-id': this.requestId,
      ...(this.closeConnection && { connection: 'close' }),
      ...headers,
    });
  }

  /** The x-liter-llm-* headers naming what actually served the call. */
  servedHeaders(provider: string, model: string, warnings: readonly Warning[]): OutgoingHttpHeaders {
    this.provider = provider;
    this.model = model;
    const headers: OutgoingHttpHeaders = {
      'x-liter-llm-provider': toHeaderValue(provider),
      'x-liter-llm-model': toHeaderValue(model),
    };
    // Settings the provider could not honour: the caller learns which, instead of a silent drop.
    if (warnings.length > 0)
      headers['x-liter-llm-warnings'] = toHeaderValue(warnings.map((warning) => warning.setting ?? warning.type).join(', '));
    return headers;
  }

  /** The metrics status of a stream: 499 when the client left, the error's status when it failed mid-way. */
  recordStreamOutcome(outcome: StreamOutcome): void {
    if (outcome.type === 'disconnected') this.status = 499;
    else if (outcome.errorStatus !== undefined) this.status = outcome.errorStatus;
  }

  /** Detaches the close listener once the handler is done. */
  finish(): void {
    this.response.off('close', this.onClose);
  }

  private readonly onClose = (): void => {
    if (!this.response.writableFinished) this.abort();
  };
}
