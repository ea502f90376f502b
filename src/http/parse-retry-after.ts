import { clampWaitMs, parseDecimal, parseWaitUntilMs } from './clamp-wait-ms.js';

/**
 * Reads how long the server asks us to wait, in milliseconds: `retry-after-ms` (OpenAI) first,
 * then `retry-after` as seconds or as an HTTP date. Returns undefined when absent or unreadable
 * (negative, NaN, text); a wait beyond a day (`1e308`, a far date) reads as a day (MAX_WAIT_MS).
 */
export function parseRetryAfterMs(headers: Record<string, string | undefined>, now = Date.now()): number | undefined {
  const milliseconds = headers['retry-after-ms']?.trim();
  if (milliseconds !== undefined) {
    const value = parseDecimal(milliseconds);
    if (value !== undefined) return clampWaitMs(value);
  }
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter === undefined || retryAfter === '') return undefined;
  const seconds = parseDecimal(retryAfter);
  if (seconds !== undefined) return clampWaitMs(seconds * 1000);
  return parseWaitUntilMs(retryAfter, now);
}
