import type { MockHandler, ProviderFailureFormat, ScriptedResponse } from './mock-provider-server.js';

export type MidStreamFailure = 'disconnect' | 'error';

export interface FailureOptions {
  /**
   * The fraction of calls that fail, 0 to 1 (default 0). Failures are spread evenly and start with
   * the first call (0.5: calls 1, 3, 5... fail), so a run is reproducible and a retry succeeds.
   */
  failRate?: number;
  /** The status a failing call answers, with the provider's own error body (default 500). */
  status?: number;
  /** Sent as `retry-after` (seconds) with each failure. */
  retryAfterSeconds?: number;
  /** Wait this long before every response's headers. */
  latencyMs?: number;
  /**
   * A failing streamed call starts (200, the first half of its events) and then breaks: the
   * connection is reset (`disconnect`) or an in-band error event ends it (`error`).
   */
  failMidStream?: MidStreamFailure;
}

/**
 * Wraps an echo handler with the failures a user needs to see retries, fallbacks and stream errors
 * offline (`liter-llm mock-provider --fail-rate ...`). Requests the echo itself rejects (a 4xx for a
 * malformed body) are answered as they are and do not count as calls.
 */
export function createFailingHandler(handler: MockHandler, format: ProviderFailureFormat, options: FailureOptions): MockHandler {
  const failRate = options.failRate ?? 0;
  const status = options.status ?? 500;
  let calls = 0;
  return async (request) => {
    const answer = await handler(request);
    const latency = options.latencyMs ? { delayMs: options.latencyMs } : {};
    if ((answer.status ?? 200) >= 400) return { ...answer, ...latency };
    calls++;
    if (!isFailingCall(calls, failRate)) return { ...answer, ...latency };
    const isStream = (answer.headers?.['content-type'] ?? '').startsWith('text/event-stream') && Array.isArray(answer.body);
    if (isStream && options.failMidStream !== undefined)
      return { ...breakStream(answer, format, options.failMidStream), ...latency };
    const failure = format.errorResponse(status, `mock-provider: injected failure of call ${calls} (--status ${status})`);
    const headers: Record<string, string> = { ...failure.headers };
    if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
    return { ...failure, headers, ...latency };
  };
}

/** Call `call` (from 1) fails when it crosses the next multiple of 1/rate: evenly spread, the first call first. */
function isFailingCall(call: number, rate: number): boolean {
  // The epsilon keeps float error (0.1 * 10 = 1.0000000000000002) from adding a failure.
  return Math.ceil(call * rate - 1e-9) > Math.ceil((call - 1) * rate - 1e-9);
}

function breakStream(answer: ScriptedResponse, format: ProviderFailureFormat, mode: MidStreamFailure): ScriptedResponse {
  const events = answer.body as string[];
  const kept = Math.max(1, Math.floor(events.length / 2));
  if (mode === 'disconnect') return { ...answer, destroyAfterChunks: kept };
  return {
    ...answer,
    body: [...events.slice(0, kept), format.streamErrorEvent('mock-provider: injected stream error (--fail-mid-stream error)')],
  };
}
