import { InvalidRequestError } from '../spec/errors.js';
import {
  createDefaultConfig,
  formatConfigIssues,
  loadConfigFile,
  type ConfigIssue,
  type LiterLLMConfig,
} from '../engine/config/index.js';

export interface LoadCLIConfigOptions {
  /** The warnings of a valid config file (an unset variable, say), for commands that print them. */
  onWarnings?: (warnings: ConfigIssue[]) => void;
  /** The file's text as read, for a command that watches it afterwards. */
  onRead?: (text: string) => void;
}

/** The config named by --config, or the defaults derived from the environment. */
export async function loadCLIConfig(path: string | undefined, options: LoadCLIConfigOptions = {}): Promise<LiterLLMConfig> {
  if (path === undefined) return createDefaultConfig(process.env);
  const result = await loadConfigFile(path, {
    env: process.env,
    ...(options.onRead !== undefined && { onRead: options.onRead }),
  });
  if (!result.ok) {
    throw new InvalidRequestError({ message: `invalid config ${path}:\n${formatConfigIssues(result.errors)}` });
  }
  if (result.warnings.length > 0) options.onWarnings?.(result.warnings);
  return result.config;
}
