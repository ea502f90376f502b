import { isDeepStrictEqual } from 'node:util';
import { convertCamelToSnake } from '../engine/config/convert-key-case.js';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { LIVE_SERVER_KEYS } from '../gateway/create-gateway-handler.js';

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
  return [
    ...listChangedKeys('server', running.server, next.server, LIVE_KEYS),
    ...listChangedKeys('limits', running.limits, next.limits),
    ...(isDeepStrictEqual(running.configSource, next.configSource) ? [] : ['config_source']),
  ];
}

function listChangedKeys(section: string, running: object, next: object, live: ReadonlySet<string> = new Set()): string[] {
  const before = running as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => !live.has(key) && !isDeepStrictEqual(before[key], after[key]))
    .map((key) => `${section}.${convertCamelToSnake(key)}`);
}
