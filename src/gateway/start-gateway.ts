import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONFIG_DEFAULTS } from '../engine/config/config-defaults.js';
import type { ServerConfig } from '../engine/config/liter-llm-config.js';
import type { Engine } from '../engine/engine.js';
import { createGatewayHandler, type GatewayHandler, type GatewayHandlerOptions } from './create-gateway-handler.js';

export interface StartGatewayOptions extends Omit<GatewayHandlerOptions, 'server'> {
  engine: Engine;
  /** The `server` block of the config; missing keys take the config defaults. */
  config?: Partial<ServerConfig>;
  /** Override config.host / config.port (port 0 picks a free one). */
  host?: string;
  port?: number;
}

export interface DrainResult {
  /** Every request in flight finished before the drain timeout. */
  completed: boolean;
  /** Requests still running when the timeout passed (their engine calls were cut, their connections closed). */
  abandoned: number;
}

export interface RunningGateway {
  /** `http://host:port`, with a loopback address when bound to every interface. */
  readonly url: string;
  readonly port: number;
  readonly handler: GatewayHandler;
  readonly server: Server;
  /**
   * Graceful stop: /readyz turns 503 at once, while new connections and requests are still served
   * for `delayMs` (server.drain_delay_ms) so that load balancers stop sending first; then no new
   * connection is accepted, idle keep-alive connections close, and requests in flight get up to
   * `timeoutMs` (server.drain_timeout_ms) to finish. Those still running then are cut: their engine
   * calls are aborted and their callers get a 503 (an error event in a stream that began), with up
   * to CUT_GRACE_MS to write it before every connection left is closed. Does not close the engine:
   * its owner does that next.
   */
  drain(timeoutMs?: number, delayMs?: number): Promise<DrainResult>;
  /** Stops now: every connection is closed, requests in flight are cut. */
  close(): Promise<void>;
}

/** Binds the gateway to a Node HTTP server (Node's own `http`: see docs/decisions/gateway-http-layer.md). */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const config = options.config ?? {};
  const host = options.host ?? config.host ?? CONFIG_DEFAULTS.host;
  const port = options.port ?? config.port ?? CONFIG_DEFAULTS.port;
  const drainTimeoutMs = config.drainTimeoutMs ?? CONFIG_DEFAULTS.drainTimeoutMs;
  const drainDelayMs = config.drainDelayMs ?? CONFIG_DEFAULTS.drainDelayMs;
  // Known once listening; no request arrives before.
  let boundAddress: string | undefined = undefined;
  const handler = createGatewayHandler(options.engine, {
    ...options,
    server: {
      apiKeys: config.apiKeys ?? [],
      maxBodyBytes: config.maxBodyBytes ?? CONFIG_DEFAULTS.maxBodyBytes,
      metricsRequireKey: config.metricsRequireKey ?? CONFIG_DEFAULTS.metricsRequireKey,
      allowedHosts: config.allowedHosts ?? [],
    },
    boundAddress: () => boundAddress,
  });
  const server = createServer(createServerOptions(config));
  server.maxConnections = config.maxConnections ?? CONFIG_DEFAULTS.maxConnections;
  server.on('drop', createDropLog(server.maxConnections, options.log ?? ((line) => process.stderr.write(`${line}\n`))));
  server.on('request', (request, response) => void handler.handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  boundAddress = address.address;
  const url = `http://${formatHost(address.address)}:${address.port}`;
  let closed: Promise<void> | undefined;
  // Ends the drain delay early: close() during a drain means now.
  let endDelay: (() => void) | undefined;

  function closeServer(): Promise<void> {
    closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    return closed;
  }

  return {
    url,
    port: address.port,
    handler,
    server,
    async drain(timeoutMs = drainTimeoutMs, delayMs = drainDelayMs) {
      handler.setDraining(true);
      if (delayMs > 0) await waitAtMost(new Promise<void>((resolve) => (endDelay = resolve)), delayMs);
      endDelay = undefined;
      const serverClosed = closeServer();
      server.closeIdleConnections();
      await waitAtMost(handler.whenIdle(), timeoutMs);
      const abandoned = handler.inFlight;
      const completed = abandoned === 0;
      if (abandoned > 0) {
        handler.cutInFlight();
        await waitAtMost(handler.whenIdle(), CUT_GRACE_MS);
      }
      // What is left (a stream whose client stopped reading) ends when its connection closes.
      server.closeAllConnections();
      await serverClosed;
      if (handler.inFlight > 0) await waitAtMost(handler.whenIdle(), CUT_GRACE_MS);
      return { completed, abandoned };
    },
    async close() {
      endDelay?.();
      handler.setDraining(true);
      const serverClosed = closeServer();
      server.closeAllConnections();
      await serverClosed;
    },
  };
}

/** How long cut requests get to write their 503 (and then to unwind) before the owner closes the engine. */
const CUT_GRACE_MS = 500;

/**
 * Timeouts for receiving a request (not for answering it: the engine's timeouts bound that). Node
 * checks them every `connectionsCheckingInterval` (30 s by default, far coarser than a 10 s header
 * timeout), so the check runs a few times per timeout. Only a request being received is timed:
 * an idle keep-alive connection waits for its next request under keepAliveTimeout alone.
 */
function createServerOptions(config: Partial<ServerConfig>): ServerOptions {
  const headersTimeout = config.headersTimeoutMs ?? CONFIG_DEFAULTS.headersTimeoutMs;
  const requestTimeout = config.requestTimeoutMs ?? CONFIG_DEFAULTS.requestTimeoutMs;
  return {
    // Longer than the 60 s idle timeout of common load balancers, so they never reuse a connection
    // the gateway is closing.
    keepAliveTimeout: 65_000,
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(headersTimeout / 4))),
  };
}

const DROP_LOG_INTERVAL_MS = 10_000;

/** One warning per 10 s at most while server.max_connections turns connections away (Node closes them at accept). */
function createDropLog(maxConnections: number, log: (line: string) => void): () => void {
  let dropped = 0;
  let lastLogged = -Infinity;
  return () => {
    dropped++;
    const now = Date.now();
    if (now - lastLogged < DROP_LOG_INTERVAL_MS) return;
    log(
      JSON.stringify({
        level: 'warn',
        msg: `server.max_connections (${maxConnections}) reached: new connections are closed at once`,
        dropped_connections: dropped,
      }),
    );
    lastLogged = now;
    dropped = 0;
  };
}

async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function formatHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}
