import {
  type AttemptContext,
  engineChannels,
  type LimitStoreErrorEvent,
  type LimitStoreStateEvent,
  type RateLimitedEvent,
  type RequestContext,
  type RetryEvent,
} from '../engine/engine-events.js';

/** What an observer may handle; each handler is optional. */
export interface EngineEventHandlers {
  requestStart?: (context: RequestContext) => void;
  requestEnd?: (context: RequestContext) => void;
  attemptStart?: (attempt: AttemptContext) => void;
  attemptEnd?: (attempt: AttemptContext) => void;
  firstToken?: (context: RequestContext) => void;
  rateLimited?: (event: RateLimitedEvent) => void;
  retry?: (event: RetryEvent) => void;
  limitStoreError?: (event: LimitStoreErrorEvent) => void;
  limitStoreState?: (event: LimitStoreStateEvent) => void;
}

type ChannelName = keyof typeof engineChannels;
const CHANNEL_NAMES = Object.keys(engineChannels) as ChannelName[];
const warned = new Set<string>();

/**
 * Subscribes the handlers to the engine's diagnostics channels and returns the unsubscribe
 * function. A handler that throws is caught here: diagnostics_channel would otherwise rethrow
 * on the next tick as an uncaught exception, and telemetry must never take a call (or the
 * process) down. The first failure per observer and channel is reported as a process warning.
 */
export function subscribeEngineEvents(observer: string, handlers: EngineEventHandlers): () => void {
  const subscriptions: [ChannelName, (message: unknown) => void][] = [];
  for (const name of CHANNEL_NAMES) {
    const handler = handlers[name] as ((message: unknown) => void) | undefined;
    if (!handler) continue;
    const listener = (message: unknown) => {
      try {
        handler(message);
      } catch (error) {
        reportOnce(`${observer}:${name}`, error);
      }
    };
    engineChannels[name].subscribe(listener);
    subscriptions.push([name, listener]);
  }
  return () => {
    for (const [name, listener] of subscriptions.splice(0)) engineChannels[name].unsubscribe(listener);
  };
}

function reportOnce(key: string, error: unknown): void {
  if (warned.has(key)) return;
  warned.add(key);
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(`liter-llm telemetry (${key}) failed and was skipped: ${message}`, { code: 'LITER_LLM_TELEMETRY' });
}
