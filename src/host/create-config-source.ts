import type { ConfigEnv } from '../engine/config/path-issue.js';
import type { ConfigSource } from './config-source.js';
import { createConfigStore } from './create-config-store.js';
import { createEnvironmentConfigSource } from './create-environment-config-source.js';
import { createFileConfigSource } from './create-file-config-source.js';
import { createOverlayConfigSource } from './create-overlay-config-source.js';

/**
 * The source an entry point's `--config FILE` names (`serve`, `chat`, `engine --stdio`): that file,
 * with the store its config_source names laid over it (createOverlayConfigSource), or without a
 * file the config derived from the environment, as every command does.
 */
export function createConfigSource(path: string | undefined, env: ConfigEnv = process.env): ConfigSource {
  if (path === undefined) return createEnvironmentConfigSource(env);
  return createOverlayConfigSource(createFileConfigSource(path, { env }), { openStore: createConfigStore });
}
