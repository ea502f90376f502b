import type { ProviderRegistry } from '../../providers/provider-registry.js';
import type { ConfigEnv } from './path-issue.js';
import { formatConfigIssues } from './format-config-issues.js';
import { loadConfigFile } from './load-config-file.js';

export interface CheckConfigOutput {
  /** 0 when the config is valid, 1 otherwise. */
  exitCode: 0 | 1;
  /** Exactly what `liter-llm check-config FILE` prints, ending in a newline. */
  output: string;
}

/**
 * `liter-llm check-config FILE`: "config OK: 2 providers, 1 route" (plus any warnings), or a count
 * and every error, one per line. The CLI only prints `output` and exits with `exitCode`.
 */
export async function checkConfigCommand(
  path: string,
  env: ConfigEnv = process.env,
  registry?: ProviderRegistry,
): Promise<CheckConfigOutput> {
  const result = await loadConfigFile(path, { env, ...(registry !== undefined && { registry }) });
  const warnings = result.warnings.map((warning) => `warning: ${formatConfigIssues([warning])}`);
  if (result.ok) {
    const providers = countNoun(Object.keys(result.config.providers).length, 'provider');
    const routes = countNoun(Object.keys(result.config.routes).length, 'route');
    return { exitCode: 0, output: [`config OK: ${providers}, ${routes}`, ...warnings].join('\n') + '\n' };
  }
  const header = `${path}: ${countNoun(result.errors.length, 'error')}`;
  return { exitCode: 1, output: [header, formatConfigIssues(result.errors), ...warnings].join('\n') + '\n' };
}

function countNoun(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
