import { type LiterLLMError, RateLimitedError } from '../../../spec/errors.js';
import { engineChannels, type LimitStoreName } from '../../engine-events.js';

/** What a replica does while its shared limit store does not answer (`limits.on_store_error`). */
export type OnStoreError = 'fail_open' | 'fail_closed';

/** How often, at most, a replica whose store failed sends one call's command to it again. */
export const DEFAULT_STORE_PROBE_INTERVAL_MS = 3000;

export interface StoreFailoverOptions {
  store: LimitStoreName;
  onStoreError: OnStoreError;
  /** What the fallback does, for the log line (e.g. "local buckets at 1/3 of each limit"). */
  fallback: string;
  probeIntervalMs?: number;
  now?: () => number;
}

/** The health of one shared store, as seen by one replica: which calls go to it, and the events. */
export interface StoreFailover {
  readonly available: boolean;
  readonly probeIntervalMs: number;
  /**
   * Whether this call goes to the store: every call while it answers; while it does not, one call
   * per probe interval (and only one at a time), so a dead Redis costs no call more than its timeout.
   */
  shouldTry(): boolean;
  succeeded(): void;
  failed(operation: string, error: unknown): void;
  /** Runs `command` on the store and records how it went: its answer, or undefined when it failed. */
  attempt<T>(operation: string, command: () => Promise<T>): Promise<{ value: T } | undefined>;
  /**
   * fail_closed's answer for `provider` (the key's provider) while the store does not answer: a
   * RateLimitedError saying so, retried after one probe interval. `refused` says what is refused.
   */
  unavailableError(provider: string, refused: string): LiterLLMError;
}

/**
 * The state shared by the failover stores: counts every failure (`limitStoreError`, which the
 * metrics turn into liter_llm_limit_store_errors_total) and logs only the changes
 * (`limitStoreState`: once when the store stops answering, once when it is back).
 */
export function createStoreFailover(options: StoreFailoverOptions): StoreFailover {
  const now = options.now ?? Date.now;
  const probeIntervalMs = options.probeIntervalMs ?? DEFAULT_STORE_PROBE_INTERVAL_MS;
  let available = true;
  let lastProbeAt = Number.NEGATIVE_INFINITY;
  let probing = false;

  const publishState = (message: string) => {
    if (engineChannels.limitStoreState.hasSubscribers)
      engineChannels.limitStoreState.publish({ store: options.store, available, onStoreError: options.onStoreError, message });
  };

  const failover: StoreFailover = {
    get available() {
      return available;
    },
    probeIntervalMs,
    shouldTry() {
      if (available) return true;
      const at = now();
      if (probing || at - lastProbeAt < probeIntervalMs) return false;
      probing = true;
      lastProbeAt = at;
      return true;
    },
    succeeded() {
      probing = false;
      if (available) return;
      available = true;
      publishState(`the shared limit store (${options.store}) answers again; back to the shared limits`);
    },
    failed(operation, error) {
      probing = false;
      const cause = error instanceof Error ? error : new Error(String(error));
      if (engineChannels.limitStoreError.hasSubscribers)
        engineChannels.limitStoreError.publish({ store: options.store, operation, error: cause });
      if (!available) return;
      available = false;
      lastProbeAt = now();
      publishState(
        `the shared limit store (${options.store}) failed (${cause.message}); ${options.onStoreError}: ${options.fallback} until it answers again (checked every ${probeIntervalMs} ms)`,
      );
    },
    async attempt(operation, command) {
      try {
        const value = await command();
        failover.succeeded();
        return { value };
      } catch (error) {
        failover.failed(operation, error);
        return undefined;
      }
    },
    unavailableError(provider, refused) {
      return new RateLimitedError({
        message: `${provider}: the shared limit store is unavailable and limits.on_store_error is fail_closed, so ${refused} until it answers again; retry in ${probeIntervalMs} ms`,
        provider,
        origin: 'engine',
        retryAfterMs: probeIntervalMs,
      });
    },
  };
  return failover;
}
