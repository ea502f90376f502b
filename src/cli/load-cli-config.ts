import { InvalidRequestError } from '../spec/errors.js';
import { createDefaultConfig, formatConfigIssues, loadConfigFile, type LiterLLMConfig } from '../engine/config/index.js';

/** The config named by --config, or the defaults derived from the environment. */
export async function loadCLIConfig(path: string | undefined): Promise<LiterLLMConfig> {
  if (path === undefined) return createDefaultConfig(process.env);
  const result = await loadConfigFile(path, { env: process.env });
  if (!result.ok) {
    throw new InvalidRequestError({ message: `invalid config ${path}:\n${formatConfigIssues(result.errors)}` });
  }
  return result.config;
}
