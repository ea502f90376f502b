/** Exponential back-off with full jitter between `minMs` and a doubling ceiling capped at `maxMs`. */
export interface Backoff {
  /** The next wait in milliseconds. */
  next(): number;
  /** After a success: start from minMs again. */
  reset(): void;
}

export function createBackoff(minMs: number, maxMs: number, random: () => number = Math.random): Backoff {
  let ceiling = minMs;
  return {
    next() {
      const wait = minMs + random() * (ceiling - minMs);
      ceiling = Math.min(maxMs, ceiling * 2);
      return wait;
    },
    reset() {
      ceiling = minMs;
    },
  };
}
