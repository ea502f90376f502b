import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineChannels, type RequestContext } from '../engine/engine-events.js';
import fc from 'fast-check';
import { InternalError, InvalidRequestError, ProviderUnavailableError } from '../spec/errors.js';
import { createRequestLogger, formatRequestFields, isoTimeNow, resolveLogLevel } from './create-request-logger.js';
import { createSecretScrubber } from './create-secret-scrubber.js';
import { TRACE_ID_KEY } from './observer-keys.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function context(requestId: string): RequestContext {
  return {
    requestId,
    operation: 'chat',
    requestedModel: 'openai/gpt-4o-mini',
    route: undefined,
    startedAt: performance.now(),
    attempts: 1,
    rateLimitWaitMs: 0,
    provider: 'openai',
    model: 'gpt-4o-mini',
    observers: {},
  };
}

/**
 * The `request` line's fields as an object (src/telemetry/README.md), as the logger built it before
 * it wrote them directly: the expected value for formatRequestFields.
 */
function requestLineObject(context: RequestContext): Record<string, unknown> {
  const round = (milliseconds: number) => Math.round(milliseconds * 100) / 100;
  const line: Record<string, unknown> = {
    request_id: context.requestId,
    operation: context.operation,
    requested_model: context.requestedModel,
    route: context.route ?? null,
    provider: context.provider ?? null,
    model: context.model ?? null,
    status: context.error === undefined ? 'ok' : context.error.code,
    latency_ms: round(performance.now() - context.startedAt),
    attempts: context.attempts,
    retries: context.observers['liter_llm.log.retries'] ?? 0,
    rate_limit_wait_ms: round(context.rateLimitWaitMs),
  };
  if (context.usage !== undefined && context.error === undefined) {
    line['input_tokens'] = context.usage.inputTokens;
    if (context.operation !== 'embeddings') line['output_tokens'] = context.usage.outputTokens;
  }
  if (context.timeToFirstTokenMs !== undefined) line['ttft_ms'] = round(context.timeToFirstTokenMs);
  if (context.finishReason !== undefined) line['finish_reason'] = context.finishReason;
  const traceId = context.observers[TRACE_ID_KEY];
  if (typeof traceId === 'string') line['trace_id'] = traceId;
  const error = context.error;
  if (error !== undefined) {
    line['error'] = {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      ...(error.provider !== undefined && { provider: error.provider }),
      ...(error.status !== undefined && { upstream_status: error.status }),
      ...(error.requestId !== undefined && { provider_request_id: error.requestId }),
      ...(error.retryAfterMs !== undefined && { retry_after_ms: error.retryAfterMs }),
    };
  }
  return line;
}

describe('formatRequestFields', () => {
  it('writes the same text as serialising the scrubbed object of the fields, for every shape of call', () => {
    const scrubber = createSecretScrubber(['sk-known-secret-0123456789']);
    const now = vi.spyOn(performance, 'now').mockReturnValue(1_000);
    try {
      const base = { ...context('req-1'), startedAt: 987.654321 };
      const shapes: RequestContext[] = [
        base,
        { ...base, route: 'fast', usage: { inputTokens: 12, outputTokens: 20, totalTokens: 32 }, finishReason: 'stop' },
        { ...base, operation: 'embeddings', usage: { inputTokens: 5, outputTokens: 0, totalTokens: 5 } },
        {
          ...base,
          operation: 'chat_stream',
          timeToFirstTokenMs: 12.3456,
          observers: { [TRACE_ID_KEY]: 'abc123', 'liter_llm.log.retries': 2 },
        },
        // Strings a caller or provider chose, with secrets and characters JSON must escape.
        {
          ...base,
          requestId: 'Bearer abcdefgh12345678 "quoted" \\ é\n',
          requestedModel: 'x/sk-known-secret-0123456789',
          model: undefined,
          provider: undefined,
        },
        {
          ...base,
          rateLimitWaitMs: Number.NaN,
          error: new ProviderUnavailableError({
            message: 'upstream said api_key=sk-abcdefghijklmnopqrstuv',
            provider: 'openai',
            status: 503,
          }),
        },
      ];
      for (const shape of shapes) {
        expect(formatRequestFields(shape, scrubber)).toBe(
          JSON.stringify(scrubber.scrubValue(requestLineObject(shape))).slice(1, -1),
        );
      }
    } finally {
      now.mockRestore();
    }
  });
});

describe('createRequestLogger', () => {
  it('writes to a file path, one JSON object per line', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'liter-llm-logs-'));
    directories.push(directory);
    const file = join(directory, 'nested', 'requests.log');
    const logs = createRequestLogger({ destination: file, env: {} });
    try {
      engineChannels.requestEnd.publish(context('req-file'));
      logs.logger.info({ route: 'chat' }, 'gateway started');
      await logs.flush();
    } finally {
      logs.unsubscribe();
    }
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line['level'], line['msg'], line['request_id']])).toEqual([
      ['info', 'request', 'req-file'],
      ['info', 'gateway started', undefined],
    ]);
  });

  it('takes its level from LITER_LLM_LOG_LEVEL: warn drops request lines, silent does not even subscribe', () => {
    const lines: string[] = [];
    const warnOnly = createRequestLogger({
      env: { LITER_LLM_LOG_LEVEL: 'WARN' },
      destination: { write: (line) => lines.push(line) },
    });
    engineChannels.requestEnd.publish(context('req-quiet'));
    warnOnly.logger.warn('kept');
    warnOnly.unsubscribe();
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['kept']);

    const silent = createRequestLogger({
      env: { LITER_LLM_LOG_LEVEL: 'silent' },
      destination: { write: (line) => lines.push(line) },
    });
    expect(engineChannels.requestEnd.hasSubscribers).toBe(false);
    silent.logger.error('dropped');
    expect(lines).toHaveLength(1);
  });

  it('is info when LITER_LLM_LOG_LEVEL is unset or empty', () => {
    expect(resolveLogLevel({})).toBe('info');
    expect(resolveLogLevel({ LITER_LLM_LOG_LEVEL: '  ' })).toBe('info');
    expect(resolveLogLevel({ LITER_LLM_LOG_LEVEL: ' debug ' })).toBe('debug');
  });

  it('refuses an unknown level, naming the variable, the value and the valid levels', () => {
    const invalid = () => resolveLogLevel({ LITER_LLM_LOG_LEVEL: 'verbose' });
    expect(invalid).toThrow(InvalidRequestError);
    expect(invalid).toThrow('LITER_LLM_LOG_LEVEL is "verbose"; expected one of fatal, error, warn, info, debug, trace, silent');
    expect(() =>
      createRequestLogger({ env: { LITER_LLM_LOG_LEVEL: 'verbose' }, destination: { write: () => undefined } }),
    ).toThrow('LITER_LLM_LOG_LEVEL');
  });
});

describe('buffered destination', () => {
  it('gathers lines into few writes and still delivers each one within the flush interval', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'liter-llm-logs-'));
    directories.push(directory);
    const file = join(directory, 'buffered.log');
    const logs = createRequestLogger({ destination: file, env: {}, flushIntervalMs: 50 });
    try {
      for (let index = 0; index < 3; index++) engineChannels.requestEnd.publish(context(`req-buffered-${index}`));
      // Three short lines are far below the 4 KiB buffer: nothing is written yet...
      expect(readFileSync(file, 'utf8')).toBe('');
      // ...until the flush interval passes.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const ids = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { request_id: string }).request_id);
      expect(ids).toEqual(['req-buffered-0', 'req-buffered-1', 'req-buffered-2']);
    } finally {
      logs.unsubscribe();
    }
  });
});

describe('isoTimeNow', () => {
  it('matches Date#toISOString for any millisecond, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { minLength: 1, maxLength: 5 }), (times) => {
        for (const time of times) expect(isoTimeNow(time)).toBe(new Date(time).toISOString());
      }),
    );
  });
});

describe('the request line of a call with huge strings', () => {
  it('stays one short, valid JSON line: every caller or provider string is cut after scrubbing', () => {
    const scrubber = createSecretScrubber(['sk-known-secret-0123456789']);
    const huge = 'x'.repeat(9_000_000);
    const shape: RequestContext = {
      ...context(`req-${huge}`),
      requestedModel: `x/${huge}`,
      route: huge,
      model: huge,
      finishReason: huge,
      error: new InternalError({ message: `failed: ${huge} sk-known-secret-0123456789`, provider: 'openai' }),
    };
    const line = formatRequestFields(shape, scrubber);
    expect(line.length).toBeLessThan(8_000);
    const fields = JSON.parse(`{${line}}`) as Record<string, unknown>;
    expect(fields['requested_model']).toMatch(/^x\/x+…$/);
    expect((fields['error'] as { message: string }).message).toMatch(/^failed: x+…$/);
    // A secret near the start is redacted before the cut, and never half-cut into a visible prefix.
    const early = formatRequestFields(
      { ...shape, error: new InternalError({ message: `sk-known-secret-0123456789 ${huge}` }) },
      scrubber,
    );
    expect(early).toContain('[REDACTED]');
    expect(early).not.toContain('sk-known');
  });
});
