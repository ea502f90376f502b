import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultProviderRegistry } from '../providers/default-provider-registry.js';
import { describeProviders } from './describe-providers.js';
import { formatReadmeProviderTable } from './format-readme-provider-table.js';

const README = new URL('../../README.md', import.meta.url);

describe("the README's provider table", () => {
  it('is the registry, as scripts/update-readme-providers.mjs writes it', () => {
    const block = /<!-- providers:start -->\n([\s\S]*?)\n<!-- providers:end -->/.exec(readFileSync(README, 'utf8'));
    expect(block, 'README.md lacks the <!-- providers:start --> block').not.toBeNull();
    // On a difference: npx tsc -b && node scripts/update-readme-providers.mjs
    expect(block![1]).toBe(formatReadmeProviderTable(describeProviders(defaultProviderRegistry, {})));
  });

  it('names every registered type once', () => {
    const table = formatReadmeProviderTable(describeProviders(defaultProviderRegistry, {}));
    for (const type of defaultProviderRegistry.types()) {
      expect(table.match(new RegExp(`^\\| \`${type}\` +\\|`, 'gm')), type).toHaveLength(1);
    }
  });
});
