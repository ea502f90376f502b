import { randomUUID } from 'node:crypto';
import type { ServerConfig } from '../engine/config/liter-llm-config.js';
import type { Engine } from '../engine/engine.js';
import { AuthenticationError, isLiterLLMError, ProviderUnavailableError } from '../spec/errors.js';
import { checkHostHeader } from './check-host-header.js';
import { createAPIKeyCheck, type APIKeyCheck } from './create-api-key-check.js';
import { formatAnthropicError } from './format-anthropic-error.js';
import { formatEngineError } from './format-engine-error.js';
import { formatOpenAIError } from './format-openai-error.js';
import { GatewayContext, type ErrorFormat } from './gateway-context.js';
import { GatewayHTTPError } from './gateway-http-error.js';
import type { GatewayRequest, GatewayResponse } from './gateway-http.js';
import { handleChatCompletions } from './handle-chat-completions.js';
import { handleEmbeddings } from './handle-embeddings.js';
import {
  handleEngineChat,
  handleEngineChatStream,
  handleEngineEmbed,
  handleEngineModels,
  handleEngineStats,
} from './handle-engine-calls.js';
import { handleMessages } from './handle-messages.js';
import { LiveRequestList } from './live-request-list.js';
import { handleListModels, handleRetrieveModel } from './handle-models.js';
import { formatRetryAfterSeconds, mapErrorToHTTP } from './map-error-to-http.js';
import { createMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';

/** The server keys the handler applies live on reload (updateServerConfig); every other one needs a restart. */
export const LIVE_SERVER_KEYS = [
  'apiKeys',
  'maxBodyBytes',
  'metricsRequireKey',
  'allowedHosts',
] as const satisfies readonly (keyof ServerConfig)[];
export type LiveServerConfig = Pick<ServerConfig, (typeof LIVE_SERVER_KEYS)[number]>;

export interface GatewayHandlerOptions {
  /** The live server keys (LIVE_SERVER_KEYS) of the server config (default: no keys, 10 MiB, false, no extra hosts). */
  server?: Partial<LiveServerConfig>;
  /** Where `/metrics` comes from and responses are counted; defaults to a registry of the gateway's own. */
  metrics?: MetricsEndpoint;
  /** One line per event the operator should see (unexpected errors). Default: standard error. */
  log?: (line: string) => void;
  /** An extra readiness condition for `/readyz`. */
  isReady?: () => boolean;
  /** The address the server listens on, once it does: bound to loopback, the Host header is checked (checkHostHeader). */
  boundAddress?: () => string | undefined;
}

export interface GatewayHandler {
  /** Answers one request; resolves once the response is complete (or the client left). */
  handle(request: GatewayRequest, response: GatewayResponse): Promise<void>;
  /**
   * Applies a reloaded config's live server keys (LIVE_SERVER_KEYS) to the requests that follow. Keys
   * that are all blank throw an InvalidRequestError and change nothing (as they do at creation).
   */
  updateServerConfig(server: Partial<LiveServerConfig>): void;
  /** Draining: `/readyz` answers 503 and responses ask clients to close their connection. */
  setDraining(draining: boolean): void;
  readonly draining: boolean;
  /** Requests being answered right now. */
  readonly inFlight: number;
  /**
   * Ends every request in flight now: their engine calls are aborted with a 503 error that the
   * caller receives (in a stream that began, as its last event). For the drain deadline.
   */
  cutInFlight(): void;
  /** Resolves when no request is in flight. */
  whenIdle(): Promise<void>;
  readonly metrics: MetricsEndpoint;
}

type RouteHandler = (context: GatewayContext, pathParam: string) => Promise<void>;

interface Route {
  methods: Record<string, RouteHandler>;
  /** Which error body the endpoint's clients understand. */
  format: ErrorFormat;
  /**
   * Checked against server.api_keys. Probes and metrics are not: orchestrators call them bare
   * (`/metrics` is, with server.metrics_require_key).
   */
  auth: boolean;
  /** The `endpoint` label in liter_llm_gateway_responses_total; absent for probes and metrics. */
  endpoint: string | undefined;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
// An unknown path under it is still answered as the protocol's error frame (a binding's parser reads it).
const ENGINE_PATH_PREFIX = '/v1/engine/';
const MAX_REQUEST_ID_LENGTH = 200;
const MAX_LOGGED_ERROR_LENGTH = 8 * 1024;
const VALID_REQUEST_ID = /^[\x21-\x7e]+$/;
const DRAIN_CUT_MESSAGE =
  'the gateway is shutting down and cut this call at its drain deadline (server.drain_timeout_ms); send it again';

/**
 * The gateway as a function of (request, response), with no server or socket of its own:
 * `startGateway` binds it to a Node HTTP server, `injectRequest` drives it in memory for tests.
 *
 * Every response carries `x-request-id` (the caller's, else a new UUID), which is also the engine
 * call's request id. Errors are answered in the endpoint's own format (Anthropic's for
 * /v1/messages, the stdio protocol's error frame for /v1/engine/*, OpenAI's elsewhere) with the
 * status from mapErrorToHTTP; nothing the caller sends
 * can produce a 500.
 */
export function createGatewayHandler(engine: Engine, options: GatewayHandlerOptions = {}): GatewayHandler {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const metrics = options.metrics ?? createMetricsEndpoint();
  let keyCheck: APIKeyCheck | undefined;
  let maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  let metricsRequireKey = false;
  let allowedHosts: readonly string[] = [];
  let draining = false;
  let inFlight = 0;
  // The requests being answered, for cutInFlight (see LiveRequestList for why not a Set).
  const live = new LiveRequestList<GatewayContext>();
  let idleWaiters: (() => void)[] = [];

  function applyServerConfig(server: Partial<LiveServerConfig>): void {
    // First: keys that are refused (all blank) throw before anything changes.
    if (server.apiKeys !== undefined) keyCheck = createAPIKeyCheck(server.apiKeys);
    if (server.maxBodyBytes !== undefined) maxBodyBytes = server.maxBodyBytes;
    if (server.metricsRequireKey !== undefined) metricsRequireKey = server.metricsRequireKey;
    if (server.allowedHosts !== undefined) allowedHosts = server.allowedHosts;
  }
  applyServerConfig(options.server ?? {});

  const probe = (handler: RouteHandler): Route => ({
    methods: { GET: handler, HEAD: handler },
    format: 'openai',
    auth: false,
    endpoint: undefined,
  });
  const api = (method: string, handler: RouteHandler, endpoint: string, format: ErrorFormat = 'openai'): Route => ({
    methods: { [method]: handler },
    format,
    auth: true,
    endpoint,
  });

  const chat = api('POST', handleChatCompletions, '/v1/chat/completions');
  const embeddings = api('POST', handleEmbeddings, '/v1/embeddings');
  const models = api('GET', handleListModels, '/v1/models');
  const routes = new Map<string, Route>([
    ['/v1/chat/completions', chat],
    ['/chat/completions', chat],
    ['/v1/embeddings', embeddings],
    ['/embeddings', embeddings],
    ['/v1/messages', api('POST', handleMessages, '/v1/messages', 'anthropic')],
    ['/v1/models', models],
    ['/models', models],
    // The stdio protocol's calls over HTTP, for the bindings' HTTP mode (docs/protocol.md).
    ['/v1/engine/chat', api('POST', handleEngineChat, '/v1/engine/chat', 'engine')],
    ['/v1/engine/chat.stream', api('POST', handleEngineChatStream, '/v1/engine/chat.stream', 'engine')],
    ['/v1/engine/embed', api('POST', handleEngineEmbed, '/v1/engine/embed', 'engine')],
    ['/v1/engine/models', api('GET', handleEngineModels, '/v1/engine/models', 'engine')],
    ['/v1/engine/stats', api('GET', handleEngineStats, '/v1/engine/stats', 'engine')],
    ['/healthz', probe(async (context) => context.sendJSON(200, '{"status":"ok"}'))],
    [
      '/readyz',
      probe(async (context) => {
        const ready = !draining && (options.isReady?.() ?? true);
        context.sendJSON(ready ? 200 : 503, ready ? '{"status":"ready"}' : `{"status":"${draining ? 'draining' : 'starting'}"}`);
      }),
    ],
    [
      '/metrics',
      probe(async (context) => {
        const { contentType, body } = await metrics.render();
        context.status = 200;
        context.response.writeHead(200, {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
          'x-request-id': context.requestId,
        });
        context.response.end(body);
      }),
    ],
  ]);
  const metricsRoute = routes.get('/metrics');
  const retrieveModel = api('GET', handleRetrieveModel, '/v1/models/{id}');

  function resolveRoute(path: string): { route: Route | undefined; pathParam: string } {
    const route = routes.get(path);
    if (route !== undefined) return { route, pathParam: '' };
    for (const prefix of ['/v1/models/', '/models/']) {
      if (path.startsWith(prefix) && path.length > prefix.length) {
        return { route: retrieveModel, pathParam: safeDecode(path.slice(prefix.length)) };
      }
    }
    return { route: undefined, pathParam: '' };
  }

  async function handle(request: GatewayRequest, response: GatewayResponse): Promise<void> {
    const requestId = pickRequestId(request.headers['x-request-id']);
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const method = request.method ?? 'GET';
    const { route, pathParam } = resolveRoute(path);
    const context = new GatewayContext(engine, request, response, requestId, maxBodyBytes, draining);
    inFlight++;
    live.add(context);
    try {
      checkHostHeader(request.headers.host, options.boundAddress?.(), allowedHosts);
      if (route === undefined) {
        throw new GatewayHTTPError({
          status: 404,
          type: 'not_found_error',
          code: 'not_found',
          message: `no route for ${method} ${path}; the gateway serves POST /v1/chat/completions, POST /v1/embeddings, POST /v1/messages, GET /v1/models, /v1/engine/{chat,chat.stream,embed,models,stats}, /healthz, /readyz and /metrics`,
          retryable: false,
        });
      }
      const run = route.methods[method];
      if (run === undefined) {
        const allowed = Object.keys(route.methods).join(', ');
        throw new GatewayHTTPError({
          status: 405,
          type: 'invalid_request_error',
          code: 'method_not_allowed',
          message: `${method} is not allowed on ${path}; use ${allowed}`,
          retryable: false,
          headers: { allow: allowed },
        });
      }
      if ((route.auth || (route === metricsRoute && metricsRequireKey)) && keyCheck !== undefined) {
        const verdict = keyCheck(request.headers);
        if (verdict !== 'ok') {
          throw new AuthenticationError({
            message:
              verdict === 'missing'
                ? 'missing API key: send one of the gateway keys (server.api_keys) as "Authorization: Bearer <key>" or "x-api-key: <key>"'
                : 'invalid API key: it is not one of the gateway keys (server.api_keys)',
          });
        }
      }
      await run(context, pathParam);
    } catch (error) {
      try {
        sendError(context, route?.format ?? (path.startsWith(ENGINE_PATH_PREFIX) ? 'engine' : 'openai'), error);
      } catch (failure) {
        // Even the error could not be written (writeHead threw): close the connection rather than
        // reject, which the server would see as an unhandled rejection.
        logUnexpected(context, failure);
        if (!response.writableEnded) (response.destroy ?? response.end).call(response);
      }
    } finally {
      context.finish();
      if (context.disconnected && !response.writableFinished) context.status = 499;
      if (route?.endpoint !== undefined) metrics.recordResponse(route.endpoint, context.status);
      inFlight--;
      live.delete(context);
      if (inFlight === 0 && idleWaiters.length > 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      }
    }
  }

  function logUnexpected(context: GatewayContext, error: unknown): void {
    // Bounded: a message can quote what a caller or an upstream sent (a 9 MB model name).
    const detail = (error instanceof Error ? (error.stack ?? error.message) : String(error)).slice(0, MAX_LOGGED_ERROR_LENGTH);
    log(JSON.stringify({ level: 'error', msg: 'unexpected error in the gateway', request_id: context.requestId, error: detail }));
  }

  function sendError(context: GatewayContext, format: ErrorFormat, error: unknown): void {
    const info = mapErrorToHTTP(error);
    if (!isLiterLLMError(error) && !(error instanceof GatewayHTTPError)) logUnexpected(context, error);
    if (info.provider !== undefined && context.provider === '') context.provider = info.provider;
    if (context.response.headersSent) {
      // A stream that already began reports its errors in-band (pipeChatStream); just make sure it ends.
      if (!context.response.writableEnded) context.response.end();
      return;
    }
    if (context.disconnected) {
      context.status = 499;
      return;
    }
    const headers: Record<string, string> = { ...info.headers };
    if (info.retryAfterMs !== undefined) headers['retry-after'] = formatRetryAfterSeconds(info.retryAfterMs);
    if (info.closeConnection) headers['connection'] = 'close';
    const body =
      format === 'anthropic'
        ? formatAnthropicError(info, context.requestId)
        : format === 'engine'
          ? formatEngineError(error)
          : formatOpenAIError(info);
    context.sendJSON(info.status, body, headers);
  }

  return {
    handle,
    updateServerConfig: applyServerConfig,
    setDraining(value) {
      draining = value;
    },
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    cutInFlight() {
      const reason = new ProviderUnavailableError({ message: DRAIN_CUT_MESSAGE, retryable: true });
      for (const context of live.toArray()) context.cut(reason);
    },
    whenIdle() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    metrics,
  };
}

function pickRequestId(header: string | string[] | undefined): string {
  if (typeof header === 'string' && header.length <= MAX_REQUEST_ID_LENGTH && VALID_REQUEST_ID.test(header)) return header;
  return randomUUID();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
