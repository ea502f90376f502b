import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import type {
  AttemptContext,
  LimitStoreStateEvent,
  RateLimitedEvent,
  RequestContext,
  RetryEvent,
} from '../engine/engine-events.js';
import type { LiterLLMError } from '../spec/errors.js';
import { type BatchedLogDestination, createBatchedLogDestination } from './create-batched-log-destination.js';
import { createSecretScrubber, type SecretScrubber } from './create-secret-scrubber.js';
import { TRACE_ID_KEY } from './observer-keys.js';
import { subscribeEngineEvents } from './subscribe-engine-events.js';

import { type LogLevel, resolveLogLevel } from './resolve-log-level.js';

export { LOG_LEVELS, type LogLevel, resolveLogLevel } from './resolve-log-level.js';

export interface RequestLoggerOptions {
  /** Default: LITER_LLM_LOG_LEVEL (an unknown value throws), else `info`. `silent` turns logging off. */
  level?: LogLevel;
  /** Where LITER_LLM_LOG_LEVEL is read (default: process.env). */
  env?: Record<string, string | undefined>;
  /** A file path, a file descriptor, or a stream with `write(line)`. Default: stdout. */
  destination?: string | number | DestinationStream;
  /** Exact secrets to remove from every line (the configured API keys). */
  secrets?: Iterable<string | undefined>;
  /**
   * Write each line synchronously (default: true, as pino does). Asynchronous writes go through
   * libuv's thread pool, one round trip per line under light load, which cost more CPU per line
   * than the write itself in bench/telemetry-overhead.mjs; choose false for a destination that may block.
   */
  sync?: boolean;
  /** Share a scrubber with tracing, so both learn the same secrets. */
  scrubber?: SecretScrubber;
  /**
   * For a file or descriptor destination: gather lines until this many bytes are waiting (or
   * `flushIntervalMs` passed), then write them in one system call (create-batched-log-destination.ts).
   * Default 16 KiB; 0 writes every line at once. One write per request cost ~30 µs of a ~300 µs
   * gateway request in bench/; a line is at most `flushIntervalMs` late, and lines still waiting
   * are written on exit.
   */
  bufferBytes?: number;
  /** Longest a buffered line waits (default 200 ms). */
  flushIntervalMs?: number;
}

export interface RequestLogger {
  /** The logger for the gateway's and CLI's own events (same redaction, same destination). */
  readonly logger: Logger;
  readonly scrubber: SecretScrubber;
  /** Stops logging engine calls (the logger stays usable). */
  unsubscribe(): void;
  /** Writes the lines still buffered; resolves once they are written. */
  flush(): Promise<void>;
}

const RETRIES = 'liter_llm.log.retries';

/**
 * JSON logs with pino: one `info` line per engine call (`"msg":"request"`), one `warn` line per
 * failed upstream attempt (`"msg":"attempt failed"`) and per call the local limiter turned away
 * (`"msg":"rate limited"`), each with `request_id`. Credentials never reach the output: every
 * field named like a credential (authorization, x-api-key, api_key, apiKey, cookie…) is redacted
 * at any depth, and every string and message is scrubbed (known keys, bearer tokens, key shapes).
 *
 * That field walk stands in for pino's `redact` paths: it covers them at every depth, where
 * @pinojs/redact with a dozen wildcard paths cost ~20 µs per line, more than the rest of the line.
 */
export function createRequestLogger(options: RequestLoggerOptions = {}): RequestLogger {
  const scrubber = options.scrubber ?? createSecretScrubber();
  if (options.secrets) scrubber.addSecrets(options.secrets);
  const level = options.level ?? resolveLogLevel(options.env ?? process.env);
  const bufferBytes = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
  const destination = destinationOf(options.destination, options.sync ?? true, bufferBytes, options.flushIntervalMs ?? 200);
  // Only a destination made here is closed on unsubscribe; a caller's stream stays the caller's.
  const ownsBatchedDestination = isBuffered(options.destination) && bufferBytes > 0;
  const logger = pino(
    {
      level,
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"time":"${isoTimeNow()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubber.scrubValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          for (let index = 0; index < args.length; index++) {
            const argument: unknown = args[index];
            if (typeof argument === 'string') (args as unknown[])[index] = scrubber.scrub(argument);
          }
          method.apply(this, args);
        },
      },
    },
    destination,
  );

  const unsubscribe =
    level === 'silent'
      ? () => undefined
      : subscribeEngineEvents('logs', {
          retry(event: RetryEvent) {
            const observers = event.context.observers;
            observers[RETRIES] = ((observers[RETRIES] as number | undefined) ?? 0) + 1;
          },
          attemptEnd(attempt: AttemptContext) {
            if (attempt.error === undefined || !logger.isLevelEnabled('warn')) return;
            logger.warn(
              {
                request_id: boundText(attempt.request.requestId),
                provider: attempt.provider,
                model: boundText(attempt.model),
                attempt: attempt.attempt,
                duration_ms: roundMs(attempt.durationMs ?? 0),
                error: describeError(attempt.error, scrubber),
              },
              'attempt failed',
            );
          },
          rateLimited(event: RateLimitedEvent) {
            if (!logger.isLevelEnabled('warn')) return;
            logger.warn(
              {
                request_id: boundText(event.context.requestId),
                provider: event.provider,
                error: describeError(event.error, scrubber),
              },
              'rate limited',
            );
          },
          limitStoreState(event: LimitStoreStateEvent) {
            // One line when the shared store goes away and one when it is back, however many calls fail.
            const fields = { store: event.store, on_store_error: event.onStoreError };
            if (event.available) logger.info(fields, event.message);
            else logger.warn(fields, event.message);
          },
          requestEnd(context: RequestContext) {
            if (!logger.isLevelEnabled('info')) return;
            // The one line per call, written without pino's generic path (hooks, formatters, its
            // own serialiser) and without an intermediate object: same shape and scrubbing.
            destination.write(
              `{"level":"info","time":"${isoTimeNow()}",${formatRequestFields(context, scrubber)},"msg":"request"}\n`,
            );
          },
        });

  return {
    logger,
    scrubber,
    unsubscribe: () => {
      unsubscribe();
      if (ownsBatchedDestination) (destination as unknown as BatchedLogDestination).close();
    },
    flush: () => flushDestination(destination),
  };
}

/**
 * The fields of the `request` line as JSON, without the braces (the schema is documented in
 * src/telemetry/README.md). Written directly, with the same text as serialising the scrubbed object
 * of those fields (a test holds them equal): building that object, walking it to scrub it and
 * serialising it was the larger part of the request log's cost. Strings that come from callers or
 * providers are scrubbed; the enums are not.
 */
export function formatRequestFields(context: RequestContext, scrubber: SecretScrubber): string {
  const text = (value: string) => JSON.stringify(boundText(scrubber.scrub(value)));
  const textOrNull = (value: string | undefined) => (value === undefined ? 'null' : text(value));
  let fields =
    `"request_id":${text(context.requestId)},"operation":"${context.operation}","requested_model":${text(context.requestedModel)}` +
    `,"route":${textOrNull(context.route)},"provider":${textOrNull(context.provider)},"model":${textOrNull(context.model)}` +
    `,"status":${context.error === undefined ? '"ok"' : text(context.error.code)}` +
    `,"latency_ms":${number(roundMs(performance.now() - context.startedAt))},"attempts":${number(context.attempts)}` +
    `,"retries":${number((context.observers[RETRIES] as number | undefined) ?? 0)},"rate_limit_wait_ms":${number(roundMs(context.rateLimitWaitMs))}`;
  if (context.usage !== undefined && context.error === undefined) {
    fields += optionalNumber('input_tokens', context.usage.inputTokens);
    if (context.operation !== 'embeddings') fields += optionalNumber('output_tokens', context.usage.outputTokens);
  }
  if (context.timeToFirstTokenMs !== undefined) fields += `,"ttft_ms":${number(roundMs(context.timeToFirstTokenMs))}`;
  if (context.finishReason !== undefined) fields += `,"finish_reason":${text(context.finishReason)}`;
  const traceId = context.observers[TRACE_ID_KEY];
  if (typeof traceId === 'string') fields += `,"trace_id":${text(traceId)}`;
  if (context.error !== undefined)
    fields += `,"error":${JSON.stringify(scrubber.scrubValue(describeError(context.error, scrubber)))}`;
  return fields;
}

/**
 * The longest string a log line carries from a caller or a provider (a request id, a model, an
 * error message), in UTF-16 units; the rest is cut and marked `…`. A line must stay whole: the
 * log destination drops a line it cannot hold (8 MiB), and a megabyte of one field helps no reader.
 * Applied after scrubbing, so a secret is never cut into a prefix that no longer looks like one.
 */
export const MAX_LOGGED_TEXT_LENGTH = 1_024;

function boundText(value: string): string {
  return value.length > MAX_LOGGED_TEXT_LENGTH ? `${value.slice(0, MAX_LOGGED_TEXT_LENGTH)}…` : value;
}

/** A number as JSON.stringify writes it (non-finite numbers are null). */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** A field JSON.stringify would leave out when its value is undefined. */
function optionalNumber(name: string, value: number | undefined): string {
  return value === undefined ? '' : `,"${name}":${number(value)}`;
}

function describeError(error: LiterLLMError, scrubber: SecretScrubber): Record<string, unknown> {
  return {
    code: error.code,
    message: boundText(scrubber.scrub(error.message)),
    retryable: error.retryable,
    ...(error.provider !== undefined && { provider: error.provider }),
    ...(error.status !== undefined && { upstream_status: error.status }),
    ...(error.requestId !== undefined && { provider_request_id: error.requestId }),
    ...(error.retryAfterMs !== undefined && { retry_after_ms: error.retryAfterMs }),
  };
}

const DEFAULT_BUFFER_BYTES = 16_384;

function isBuffered(destination: RequestLoggerOptions['destination']): destination is string | number | undefined {
  return destination === undefined || typeof destination === 'string' || typeof destination === 'number';
}

function destinationOf(
  destination: RequestLoggerOptions['destination'],
  sync: boolean,
  bufferBytes: number,
  flushIntervalMs: number,
): DestinationStream {
  if (!isBuffered(destination)) return destination;
  const dest = destination ?? 1;
  if (bufferBytes > 0) {
    // A path is opened here, synchronously, so the first batch never meets a file still opening.
    const fd = typeof dest === 'string' ? openLogFile(dest) : dest;
    return createBatchedLogDestination(fd, { bufferBytes, flushIntervalMs });
  }
  return pino.destination({ dest, sync, mkdir: typeof dest === 'string' });
}

function openLogFile(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, 'a');
}

function flushDestination(destination: DestinationStream): Promise<void> {
  const boom = destination as { flush?: (callback: (error?: Error) => void) => void };
  if (boom.flush === undefined) return Promise.resolve();
  // A failed write (stdout closed) must not fail the caller's shutdown.
  return new Promise((resolve) => boom.flush!(() => resolve()));
}

let cachedSecond = -1;
let cachedSecondPrefix = '';

/** `new Date().toISOString()`, with the part up to the second formatted once per second. */
export function isoTimeNow(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedSecondPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const millis = now - second * 1000;
  return `${cachedSecondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function roundMs(milliseconds: number): number {
  return Math.round(milliseconds * 100) / 100;
}
