import { parseArgs } from 'node:util';
import { defaultProviderRegistry } from '../providers/default-provider-registry.js';
import { describeProviders, formatProviderTable } from './describe-providers.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';

/** `liter-llm providers [--json]`: every registered provider and whether this environment enables it. */
export async function runProvidersCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCLIArgs(() =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } }),
  );
  if (positionals.length > 0) throw new UsageError(`takes no arguments (got "${positionals[0]}")`);
  const listings = describeProviders(defaultProviderRegistry, process.env);
  process.stdout.write(values.json === true ? `${JSON.stringify(listings, null, 2)}\n` : formatProviderTable(listings));
  return 0;
}
