/**
 * A key-value store that routes and provider flags are watched from (etcd, Consul). It hands over
 * the whole prefix each time: the overlay (applyConfigOverlay) is recomputed from all of it, so a
 * missed event can never leave a stale key behind.
 */
export interface ConfigStore {
  /** How log lines name it (`etcd http://127.0.0.1:2379 /liter-llm/`); never a credential. */
  readonly name: string;
  /** A key as an operator would type it, prefix included (`/liter-llm/routes/chat`). */
  describeKey(key: string): string;
  /** Reads the prefix, then watches it until close; reconnects with back-off by itself. */
  start(listener: ConfigStoreListener): void;
  /** Stops watching: no listener call follows. Idempotent. */
  close(): void;
}

export interface ConfigStoreListener {
  /** Every key under the prefix (the prefix removed) and its value, each time one changed. */
  onEntries(entries: ReadonlyMap<string, string>): void;
  /** The store became unreachable or answered again: one line for the log. */
  onNotice(message: string): void;
}
