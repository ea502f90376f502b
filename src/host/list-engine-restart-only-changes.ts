import { isDeepStrictEqual } from 'node:util';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { listChangedKeys } from './list-changed-keys.js';

/**
 * The keys the engine reads once, when it is created, that differ between the config the host
 * started with and a reloaded one: the rate-limit store and the config source. An entry point
 * that reads keys of its own once (serve: most of the server block) adds them.
 */
export function listEngineRestartOnlyChanges(running: LiterLLMConfig, next: LiterLLMConfig): string[] {
  return [
    ...listChangedKeys('limits', running.limits, next.limits),
    ...(isDeepStrictEqual(running.configSource, next.configSource) ? [] : ['config_source']),
  ];
}
