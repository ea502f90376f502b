// Writes the README's provider table from the provider registry, as built in dist/:
//   npx tsc -b && node scripts/update-readme-providers.mjs
// src/cli/readme-provider-table.test.ts fails while the README's table differs from this output.
import { readFileSync, writeFileSync } from 'node:fs';
import { describeProviders } from '../dist/cli/describe-providers.js';
import { formatReadmeProviderTable } from '../dist/cli/format-readme-provider-table.js';
import { defaultProviderRegistry } from '../dist/providers/default-provider-registry.js';

const target = new URL('../README.md', import.meta.url);
const text = readFileSync(target, 'utf8');
const table = formatReadmeProviderTable(describeProviders(defaultProviderRegistry, {}));
const updated = text.replace(
  /(<!-- providers:start -->\n)[\s\S]*?(\n<!-- providers:end -->)/,
  (_match, start, end) => `${start}${table}${end}`,
);
if (updated === text && !text.includes(table))
  throw new Error('README.md has no <!-- providers:start --> ... <!-- providers:end --> block');
writeFileSync(target, updated);
console.log(`wrote the provider table of ${target.pathname}`);
