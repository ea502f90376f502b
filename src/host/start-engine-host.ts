import { createEngine, type CreateEngineOptions } from '../create-engine.js';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import type { ConfigIssue } from '../engine/config/config-issue.js';
import { formatConfigIssue } from '../engine/config/format-config-issues.js';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { createTelemetry, type Telemetry, type TelemetryOptions } from '../telemetry/create-telemetry.js';
import type { ConfigSource } from './config-source.js';
import { describeAuthenticationRemoval } from './describe-authentication-removal.js';
import { listEngineRestartOnlyChanges } from './list-engine-restart-only-changes.js';
import { shutDownTelemetryWithin } from './shut-down-telemetry-within.js';

/**
 * How long the last span export may take at close: a collector that hangs or refuses held the exit
 * for the SDK's 10 s and then failed it (exit 1), which outlasts a pod's grace period.
 */
const FINAL_FLUSH_TIMEOUT_MS = 2_000;

export interface EngineHostOptions {
  /** One line for the operator (warnings, reloads): serve writes it to stderr behind `liter-llm serve: `. */
  log: (line: string) => void;
  /**
   * Which telemetry runs (default: Prometheus metrics, JSON logs on stdout, spans when OTEL_* asks
   * for an exporter). The host passes the engine itself.
   */
  telemetry?: Omit<TelemetryOptions, 'engine'>;
  /** For createEngine: provider factories, a rate-limit store. */
  engine?: CreateEngineOptions;
  /**
   * The changed keys that a reload does not apply, named in its log line (default: those the engine
   * reads once, listEngineRestartOnlyChanges). Serve adds the server keys its gateway reads once.
   */
  listRestartOnlyChanges?: (running: LiterLLMConfig, next: LiterLLMConfig) => string[];
  /** How long close() waits for the telemetry's last export (default: 2 s). */
  flushTimeoutMs?: number;
}

export interface EngineHost {
  readonly engine: ReloadableEngine;
  readonly telemetry: Telemetry;
  readonly source: ConfigSource;
  /** The config the host started on; restart-only keys keep their values from it (engine.config is the current one). */
  readonly initialConfig: LiterLLMConfig;
  /**
   * Applies the source's versions from now on: engine.reload, the telemetry told of the new keys
   * and limits, then `onReload` for what the entry point built on the config (serve: the gateway's
   * live server keys); one log line for each version, applied or not. Call it once the entry point
   * is ready for reloads: a version saved since the start is reported then, not lost.
   * `onReload` may throw to refuse a version; the line then says why.
   */
  watchConfig(onReload?: (config: LiterLLMConfig) => void): void;
  /**
   * Stops watching, closes the engine (its pools, once calls in flight end) and shuts the telemetry
   * down within flushTimeoutMs, logging a line when the spans were not exported. Never rejects;
   * idempotent. Draining calls in flight first is the entry point's job: it knows its calls.
   */
  close(): Promise<void>;
}

/**
 * The one engine host every long-running entry point starts: the config from a ConfigSource, the
 * engine, its telemetry, reloads, and a bounded close. `liter-llm serve` starts a gateway on
 * `host.engine`; `liter-llm engine --stdio` needs only a few lines, with logs on stderr because
 * stdout carries the frames:
 *
 * ```ts
 * const log = (line: string) => process.stderr.write(`liter-llm engine: ${line}\n`);
 * const host = await startEngineHost(createConfigSource(values.config), {
 *   log,
 *   telemetry: { metrics: false, logs: { destination: 2 } },
 * });
 * host.watchConfig();
 * // ... serve frames on host.engine until `shutdown` or stdin ends, drain the calls in flight ...
 * await host.close();
 * ```
 *
 * A version is refused (and the last good config kept, with one line saying why) when it is
 * invalid, when the engine or `onReload` rejects it, or when it would remove every server.api_keys
 * entry (describeAuthenticationRemoval). A start-up that fails releases what it had started.
 */
export async function startEngineHost(source: ConfigSource, options: EngineHostOptions): Promise<EngineHost> {
  const { log } = options;
  const warn = (warnings: readonly ConfigIssue[]) => {
    for (const warning of warnings) log(`warning: ${oneLine(formatConfigIssue(warning))}`);
  };
  let engine: ReloadableEngine;
  let telemetry: Telemetry;
  let initialConfig: LiterLLMConfig;
  try {
    const snapshot = await source.load();
    initialConfig = snapshot.config;
    warn(snapshot.warnings);
    engine = createEngine(initialConfig, options.engine);
  } catch (error) {
    source.close();
    throw error;
  }
  try {
    telemetry = await createTelemetry({ ...options.telemetry, engine });
  } catch (error) {
    source.close();
    await engine.close();
    throw error;
  }

  const listRestartOnly = options.listRestartOnlyChanges ?? listEngineRestartOnlyChanges;
  const refuse = (reason: string) => log(`config ${source.name} not reloaded, keeping the previous one: ${oneLine(reason)}`);
  let applied = initialConfig;
  let watching = false;
  let closing: Promise<void> | undefined;

  return {
    engine,
    telemetry,
    source,
    initialConfig,
    watchConfig(onReload) {
      if (watching || closing !== undefined) return;
      watching = true;
      source.watch({
        onChange(next, warnings) {
          const refusal = describeAuthenticationRemoval(applied.server.apiKeys, next.server.apiKeys);
          if (refusal !== undefined) return refuse(refusal);
          try {
            engine.reload(next);
            // New API keys join the redaction list; new limits feed the gauges.
            telemetry.observeEngine(engine);
            onReload?.(next);
            log(`config ${source.name} reloaded${describeRestartOnly(listRestartOnly(initialConfig, next))}`);
            applied = next;
            warn(warnings);
          } catch (error) {
            refuse(error instanceof Error ? error.message : String(error));
          }
        },
        onNotice(message) {
          log(`config ${source.name}: ${oneLine(message)}`);
        },
        onError(issues) {
          const first = issues[0];
          const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
          refuse(`${first === undefined ? 'invalid' : formatConfigIssue(first)}${more}`);
        },
      });
    },
    close() {
      closing ??= (async () => {
        source.close();
        await engine.close();
        const failure = await shutDownTelemetryWithin(telemetry, options.flushTimeoutMs ?? FINAL_FLUSH_TIMEOUT_MS);
        if (failure !== undefined) log(failure);
      })();
      return closing;
    },
  };
}

/** ` (server.port and server.drain_timeout_ms take effect only on restart)`, or '' when there are none. */
function describeRestartOnly(keys: string[]): string {
  if (keys.length === 0) return '';
  const list = keys.length === 1 ? keys[0] : `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}`;
  return ` (${list} ${keys.length === 1 ? 'takes' : 'take'} effect only on restart)`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}
