import type { LiterLLMConfig } from '../engine/config/index.js';
import { createConfigSource } from '../host/create-config-source.js';

/**
 * The config named by --config, or the defaults derived from the environment, for a one-shot
 * command (chat, embed): read once (with its config_source store's keys, when it names one),
 * warnings not printed, never watched. An invalid one throws an InvalidRequestError listing every
 * issue. The source is closed at once, so a store's client does not keep the process alive.
 */
export async function loadCLIConfig(path: string | undefined): Promise<LiterLLMConfig> {
  const source = createConfigSource(path);
  try {
    return (await source.load()).config;
  } finally {
    source.close();
  }
}
