import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createMetricsEndpoint } from '../gateway/metrics-endpoint.js';
import { startGateway } from '../gateway/start-gateway.js';
import { createConfigSource } from '../host/create-config-source.js';
import { startEngineHost } from '../host/start-engine-host.js';
import { defaultProviderRegistry } from '../providers/default-provider-registry.js';
import { capHeapGrowth } from './cap-heap-growth.js';
import { formatListeningLine } from './format-listening-line.js';
import { listRestartOnlyChanges } from './list-restart-only-changes.js';
import { joinWithOr, listKeyVariables } from './list-key-variables.js';
import { describeOpenGateway } from './describe-open-gateway.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';

/**
 * `liter-llm serve [--config FILE] [--host H] [--port P]`: the gateway until SIGTERM or SIGINT,
 * then a graceful drain (/readyz says 503 for server.drain_delay_ms while requests are still taken,
 * then in-flight requests get server.drain_timeout_ms), the engine closed, exit 0.
 * A second signal during the drain cuts it short (exit 1). With --config, the file is watched:
 * a valid change is applied live, an invalid one is reported on one line and the old config kept;
 * so is one that would turn authentication off (see describeAuthenticationRemoval). The config's
 * warnings, and "no authentication" when callers need no key beyond loopback, go to stderr at start.
 * Unless the operator sized the heap, its growth is capped as in a 2 GiB pod (see capHeapGrowth).
 * The config, engine, telemetry and reloads are the engine host's (startEngineHost); serve adds the
 * gateway on its engine, applies reloads' live server keys to it, and drains it before the host closes.
 */
export async function runServeCommand(args: string[]): Promise<number> {
  const { values } = parseCLIArgs(() =>
    parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
      },
    }),
  );
  const port = values.port === undefined ? undefined : parsePort(values.port);
  capHeapGrowth();
  const log = (line: string) => process.stderr.write(`liter-llm serve: ${line}\n`);
  // Metrics and JSON request logs always (the host's default telemetry); spans only when OTEL_* asks for an exporter.
  const host = await startEngineHost(createConfigSource(values.config), { log, listRestartOnlyChanges });
  const { engine, telemetry, initialConfig: config } = host;

  let gateway;
  try {
    gateway = await startGateway({
      engine,
      metrics: createMetricsEndpoint(telemetry.metrics ? { registry: telemetry.metrics.registry } : {}),
      config: config.server,
      ...(values.host !== undefined && { host: values.host }),
      ...(port !== undefined && { port }),
    });
  } catch (error) {
    await host.close();
    throw error;
  }
  process.stdout.write(`${formatListeningLine(gateway.url, gateway.server.address() as AddressInfo)}\n`);
  const open = describeOpenGateway((gateway.server.address() as AddressInfo).address, gateway.port, config.server.apiKeys);
  if (open !== undefined) log(`warning: ${open}`);
  if (Object.keys(config.providers).length === 0) {
    process.stdout.write(
      `no provider is configured: set ${joinWithOr(listKeyVariables(defaultProviderRegistry))} (or *_BASE_URL for a local server), or pass --config FILE\n`,
    );
  }

  // Reloads from now on: a save made while the gateway was starting is still applied (the source's baseline).
  host.watchConfig((next) => gateway.handler.updateServerConfig(next.server));

  const signal = await waitForSignal();
  const { drainDelayMs, drainTimeoutMs } = config.server;
  const delay = drainDelayMs > 0 ? `/readyz says 503 and requests are still accepted for ${drainDelayMs} ms, then ` : '';
  log(`${signal}: draining (${delay}up to ${drainTimeoutMs} ms for requests in flight)`);
  let forced = false;
  const onSecondSignal = () => {
    forced = true;
    void gateway.close();
  };
  process.once('SIGTERM', onSecondSignal);
  process.once('SIGINT', onSecondSignal);
  try {
    const result = await gateway.drain(drainTimeoutMs, drainDelayMs);
    if (!result.completed) log(`drain timeout: ${result.abandoned} request(s) were cut with a 503`);
  } finally {
    process.off('SIGTERM', onSecondSignal);
    process.off('SIGINT', onSecondSignal);
    await host.close();
  }
  return forced ? 1 : 0;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port expects a port number (0-65535), got "${text}"`);
  return port;
}
