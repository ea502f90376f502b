import type { LiterLLMConfig } from '../engine/config/index.js';
import { createConfigSource } from '../host/create-config-source.js';

/**
 * The config named by --config, or the defaults derived from the environment, for a one-shot
 * command (chat, embed): read once, warnings not printed, never watched. An invalid one throws an
 * InvalidRequestError listing every issue.
 */
export async function loadCLIConfig(path: string | undefined): Promise<LiterLLMConfig> {
  return (await createConfigSource(path).load()).config;
}
