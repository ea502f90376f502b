import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { LIVE_SERVER_KEYS } from '../gateway/create-gateway-handler.js';
import { listChangedKeys } from '../host/list-changed-keys.js';
import { listEngineRestartOnlyChanges } from '../host/list-engine-restart-only-changes.js';

/**
 * The server keys a running gateway applies on reload (GatewayHandler.updateServerConfig). Every
 * other one is read once, when the server starts, so a new server key is restart-only until the
 * handler applies it live.
 */
const LIVE_KEYS: ReadonlySet<string> = new Set<string>(LIVE_SERVER_KEYS);

/**
 * The keys that differ between the config `serve` started with and a reloaded one but take effect
 * only on restart, as file paths (`server.drain_timeout_ms`), so the reload can say so instead of
 * looking applied: the server block except its live keys, and the rate-limit store and config
 * source, which the engine builds once.
 */
export function listRestartOnlyChanges(running: LiterLLMConfig, next: LiterLLMConfig): string[] {
  return [...listChangedKeys('server', running.server, next.server, LIVE_KEYS), ...listEngineRestartOnlyChanges(running, next)];
}
