/**
 * The longest wait read from an upstream header (`retry-after`, `retry-after-ms`, a rate-limit
 * reset): a day. A provider asking for longer (`retry-after-ms: 1e308`, a date next year) is read as
 * asking for a day; the engine caps its own pauses much lower (`max_rate_limit_pause_ms`).
 */
export const MAX_WAIT_MS = 86_400_000;

/** A decimal number as servers write them (`7`, `0.5`, `1e308`, `Infinity`); no sign, hex or `NaN`. */
const DECIMAL = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|Infinity)$/i;

/**
 * A wait in milliseconds as a whole number in [0, MAX_WAIT_MS], rounded up (never early), or
 * undefined when it is no wait at all (NaN, negative). +Infinity reads as the longest wait.
 */
export function clampWaitMs(ms: number): number | undefined {
  if (!(ms >= 0)) return undefined;
  return ms >= MAX_WAIT_MS ? MAX_WAIT_MS : Math.ceil(ms);
}

/** Reads a header's decimal number, or undefined when the text is not one. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  return /^infinity$/i.test(text) ? Number.POSITIVE_INFINITY : Number(text);
}

/**
 * Milliseconds from `now` until an HTTP date or RFC 3339 time (0 when it has passed), clamped.
 * Only text with a month name or an ISO `T` is read as a date: `Date.parse` alone takes `-5` or
 * `1` for a year.
 */
export function parseWaitUntilMs(text: string, now: number): number | undefined {
  if (!/[a-z]{3}|\dT\d/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : clampWaitMs(Math.max(0, date - now));
}
