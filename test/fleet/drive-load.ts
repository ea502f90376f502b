/** Open-loop and closed-loop traffic for the fleet tests: what each caller got, and when. */

export interface CallOutcome {
  /** Which gateway URL was called. */
  gateway: string;
  status: number;
  retryAfter: string | null;
  /** performance.now() when the call was sent, and how long it took. */
  sentAt: number;
  elapsedMs: number;
  body: string;
}

const CHAT = JSON.stringify({ model: 'openai/gpt-6-luna', messages: [{ role: 'user', content: 'Hello there' }] });

/** One chat completion through a gateway; network failures come back as status 0 (never thrown). */
export async function callGateway(gateway: string, body = CHAT, timeoutMs = 15_000): Promise<CallOutcome> {
  const sentAt = performance.now();
  try {
    const response = await fetch(`${gateway}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      gateway,
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      sentAt,
      elapsedMs: performance.now() - sentAt,
      body: text,
    };
  } catch (error) {
    return { gateway, status: 0, retryAfter: null, sentAt, elapsedMs: performance.now() - sentAt, body: String(error) };
  }
}

/**
 * Sends `perSecond` calls a second, spread over `gateways` in turn, for `durationMs`, without
 * waiting for answers (an open loop, as independent clients do); resolves with every outcome.
 */
export async function driveOpenLoop(
  gateways: readonly string[],
  perSecond: number,
  durationMs: number,
  body = CHAT,
): Promise<CallOutcome[]> {
  const calls: Promise<CallOutcome>[] = [];
  const startedAt = performance.now();
  const intervalMs = 1000 / perSecond;
  for (let index = 0; ; index++) {
    const dueAt = startedAt + index * intervalMs;
    if (dueAt - startedAt >= durationMs) break;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(callGateway(gateways[index % gateways.length]!, body));
  }
  return Promise.all(calls);
}

/** The most events (times in ms) that fall in any window of `windowMs`. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
