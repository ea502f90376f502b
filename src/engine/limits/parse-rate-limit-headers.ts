import { clampWaitMs, parseDecimal, parseWaitUntilMs } from '../../http/clamp-wait-ms.js';
import { parseRetryAfterMs } from '../../http/parse-retry-after.js';

/** What a provider's response said about its limits; every field is optional. Times are ms from now. */
export interface RateLimitFeedback {
  /** `retry-after-ms` / `retry-after`: wait this long before sending anything. */
  retryAfterMs?: number;
  remainingRequests?: number;
  /** The scarcest token budget (Anthropic splits input and output tokens). */
  remainingTokens?: number;
  /** Until the request budget is back. */
  resetRequestsMs?: number;
  /** Until the token budget named by `remainingTokens` is back. */
  resetTokensMs?: number;
}

/** Anthropic token budgets as [remaining, reset] header names. */
const ANTHROPIC_TOKEN_HEADERS = [
  ['anthropic-ratelimit-tokens-remaining', 'anthropic-ratelimit-tokens-reset'],
  ['anthropic-ratelimit-input-tokens-remaining', 'anthropic-ratelimit-input-tokens-reset'],
  ['anthropic-ratelimit-output-tokens-remaining', 'anthropic-ratelimit-output-tokens-reset'],
] as const;

/**
 * Reads rate-limit feedback from response headers (names lower-cased, as undici delivers them):
 * OpenAI (and Groq, Together, ...) `x-ratelimit-{remaining,reset}-{requests,tokens}` with Go-style
 * durations (`1s`, `6m0s`, `20ms`); Anthropic `anthropic-ratelimit-*-{remaining,reset}` with RFC 3339
 * times; `retry-after-ms` / `retry-after`. Unreadable values are skipped, never thrown on.
 */
export function parseRateLimitHeaders(headers: Record<string, string | undefined>, now = Date.now()): RateLimitFeedback {
  const feedback: RateLimitFeedback = {};
  const retryAfterMs = parseRetryAfterMs(headers, now);
  if (retryAfterMs !== undefined) feedback.retryAfterMs = retryAfterMs;

  const remainingRequests =
    parseCount(headers['x-ratelimit-remaining-requests']) ?? parseCount(headers['anthropic-ratelimit-requests-remaining']);
  if (remainingRequests !== undefined) feedback.remainingRequests = remainingRequests;
  const resetRequestsMs =
    parseResetMs(headers['x-ratelimit-reset-requests'], now) ?? parseResetMs(headers['anthropic-ratelimit-requests-reset'], now);
  if (resetRequestsMs !== undefined) feedback.resetRequestsMs = resetRequestsMs;

  let remainingTokens = parseCount(headers['x-ratelimit-remaining-tokens']);
  let resetTokensMs = parseResetMs(headers['x-ratelimit-reset-tokens'], now);
  for (const [remainingName, resetName] of ANTHROPIC_TOKEN_HEADERS) {
    const remaining = parseCount(headers[remainingName]);
    if (remaining === undefined) continue;
    const reset = parseResetMs(headers[resetName], now);
    // Keep the scarcest budget; on a tie the later reset, since the call needs every budget back.
    const scarcer = remainingTokens === undefined || remaining < remainingTokens;
    const tieLater =
      remaining === remainingTokens && reset !== undefined && (resetTokensMs === undefined || reset > resetTokensMs);
    if (scarcer || tieLater) {
      remainingTokens = remaining;
      resetTokensMs = reset;
    }
  }
  if (remainingTokens !== undefined) feedback.remainingTokens = remainingTokens;
  if (resetTokensMs !== undefined) feedback.resetTokensMs = resetTokensMs;
  return feedback;
}

// The headers that say a budget is spent; a response without any of them is not parsed at all.
const REMAINING_HEADERS = [
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'anthropic-ratelimit-requests-remaining',
  ...ANTHROPIC_TOKEN_HEADERS.map(([remaining]) => remaining),
];

/**
 * What a successful response says about the provider's budget: its `remaining`/`reset` pairs, or
 * undefined when it carries none (most responses of most OpenAI-compatible servers). A
 * `retry-after` on a success is not a pause request and is left out.
 */
export function parseSuccessRateLimitHeaders(
  headers: Record<string, string | undefined>,
  now = Date.now(),
): RateLimitFeedback | undefined {
  if (!REMAINING_HEADERS.some((name) => headers[name] !== undefined)) return undefined;
  const { retryAfterMs: _ignored, ...feedback } = parseRateLimitHeaders(headers, now);
  return feedback;
}

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(count) && count >= 0 ? count : undefined;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * A reset given as a Go duration (`6m0s`, OpenAI), bare seconds, or an absolute RFC 3339 / HTTP
 * date (Anthropic), as whole milliseconds from `now` in [0, a day] (MAX_WAIT_MS: `99999h` or a date
 * in the year 9999 read as a day); undefined when unreadable (negative, NaN, text).
 */
export function parseResetMs(value: string | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  if (DURATION.test(text)) {
    let total = 0;
    for (const match of text.matchAll(DURATION_PART)) total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
    return clampWaitMs(total);
  }
  const seconds = parseDecimal(text);
  if (seconds !== undefined) return clampWaitMs(seconds * 1000);
  return parseWaitUntilMs(text, now);
}
