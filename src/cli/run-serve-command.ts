import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createEngine } from '../create-engine.js';
import {
  formatConfigIssue,
  watchConfigFile,
  type ConfigIssue,
  type ConfigWatcher,
  type LiterLLMConfig,
} from '../engine/config/index.js';
import { createMetricsEndpoint } from '../gateway/metrics-endpoint.js';
import { startGateway } from '../gateway/start-gateway.js';
import { createTelemetry } from '../telemetry/create-telemetry.js';
import { capHeapGrowth } from './cap-heap-growth.js';
import { shutDownTelemetryWithin } from '../host/shut-down-telemetry-within.js';
import { formatListeningLine } from './format-listening-line.js';
import { listRestartOnlyChanges } from './list-restart-only-changes.js';
import { describeOpenGateway } from './describe-open-gateway.js';
import { loadCLIConfig } from './load-cli-config.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';

/**
 * How long the last span export may take once the gateway has drained: a collector that hangs or
 * refuses held the exit for the SDK's 10 s and then failed it (exit 1), which outlasts a pod's grace period.
 */
const FINAL_FLUSH_TIMEOUT_MS = 2_000;

/**
 * `liter-llm serve [--config FILE] [--host H] [--port P]`: the gateway until SIGTERM or SIGINT,
 * then a graceful drain (/readyz says 503 for server.drain_delay_ms while requests are still taken,
 * then in-flight requests get server.drain_timeout_ms), the engine closed, exit 0.
 * A second signal during the drain cuts it short (exit 1). With --config, the file is watched:
 * a valid change is applied live, an invalid one is reported on one line and the old config kept;
 * so is one that would turn authentication off (see describeAuthenticationRemoval). The config's
 * warnings, and "no authentication" when callers need no key beyond loopback, go to stderr at start.
 * Unless the operator sized the heap, its growth is capped as in a 2 GiB pod (see capHeapGrowth).
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
  const warn = (warnings: readonly ConfigIssue[]) => {
    for (const warning of warnings) log(`warning: ${oneLine(formatConfigIssue(warning))}`);
  };
  let loadedText: string | undefined;
  const config = await loadCLIConfig(values.config, { onWarnings: warn, onRead: (text) => (loadedText = text) });
  const engine = createEngine(config);
  // Metrics and JSON request logs always; spans only when OTEL_* asks for an exporter.
  const telemetry = await createTelemetry({ engine });

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
    await engine.close();
    await telemetry.shutdown();
    throw error;
  }
  process.stdout.write(`${formatListeningLine(gateway.url, gateway.server.address() as AddressInfo)}\n`);
  const open = describeOpenGateway((gateway.server.address() as AddressInfo).address, gateway.port, config.server.apiKeys);
  if (open !== undefined) log(`warning: ${open}`);
  if (Object.keys(config.providers).length === 0) {
    process.stdout.write(
      'no provider is configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or HF_TOKEN (or *_BASE_URL for a local server), or pass --config FILE\n',
    );
  }

  let watcher: ConfigWatcher | undefined;
  if (values.config !== undefined) {
    const path = values.config;
    let applied = config;
    watcher = watchConfigFile(path, {
      // What the engine runs on: a save made while the gateway was starting is then still applied.
      ...(loadedText !== undefined && { baseline: loadedText }),
      onChange(next: LiterLLMConfig, warnings) {
        const refusal = describeAuthenticationRemoval(applied.server.apiKeys, next.server.apiKeys);
        if (refusal !== undefined) {
          log(`config ${path} not reloaded, keeping the previous one: ${refusal}`);
          return;
        }
        try {
          engine.reload(next);
          // New API keys join the redaction list; new limits feed the gauges.
          telemetry.observeEngine(engine);
          gateway.handler.updateServerConfig(next.server);
          log(`config ${path} reloaded${describeRestartOnly(listRestartOnlyChanges(config, next))}`);
          applied = next;
          warn(warnings);
        } catch (error) {
          log(
            `config ${path} not reloaded, keeping the previous one: ${oneLine(error instanceof Error ? error.message : String(error))}`,
          );
        }
      },
      onError(issues) {
        const first = issues[0];
        const detail = first === undefined ? 'invalid' : formatConfigIssue(first);
        const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
        log(`config ${path} not reloaded, keeping the previous one: ${oneLine(detail)}${more}`);
      },
    });
  }

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
    watcher?.close();
    await engine.close();
    const failure = await shutDownTelemetryWithin(telemetry, FINAL_FLUSH_TIMEOUT_MS);
    if (failure !== undefined) log(failure);
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

/** ` (server.port and server.drain_timeout_ms take effect only on restart)`, or '' when there are none. */
function describeRestartOnly(keys: string[]): string {
  if (keys.length === 0) return '';
  const list = keys.length === 1 ? keys[0] : `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}`;
  return ` (${list} ${keys.length === 1 ? 'takes' : 'take'} effect only on restart)`;
}

/**
 * Why a reload must not turn authentication off: a file truncated or caught half-written (its
 * server section not there yet) looks exactly like one whose keys were removed on purpose, and
 * the safe reading of both is "keep the keys". Turning authentication off takes a restart.
 */
function describeAuthenticationRemoval(previous: readonly string[], next: readonly string[]): string | undefined {
  if (previous.length === 0 || next.length > 0) return undefined;
  return (
    'server.api_keys is gone or empty, which would turn authentication off; a file caught half-written looks the same, ' +
    'so turning authentication off takes a restart'
  );
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}
