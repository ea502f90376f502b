import type { ConfigEnv } from '../engine/config/path-issue.js';
import type { ConfigSource } from './config-source.js';
import { createEnvironmentConfigSource } from './create-environment-config-source.js';
import { createFileConfigSource } from './create-file-config-source.js';

/**
 * The source an entry point's `--config FILE` names (`serve`, `chat`, `engine --stdio`): that file,
 * or without one the config derived from the environment, as every command does.
 */
export function createConfigSource(path: string | undefined, env: ConfigEnv = process.env): ConfigSource {
  return path === undefined ? createEnvironmentConfigSource(env) : createFileConfigSource(path, { env });
}
