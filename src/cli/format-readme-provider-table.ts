import type { ProviderListing } from './describe-providers.js';

const CAPABILITY_NAMES = ['chat', 'stream', 'embed', 'tools', 'images', 'reasoning'] as const;
const HEADER = ['Type', 'Default base URL', 'Key variable', 'Base URL variable', 'Capabilities'];

/**
 * The README's provider table, from the registry's listing (enabled or not is left out: it depends
 * on the reader's environment), aligned as Prettier aligns Markdown tables so that formatting the
 * README leaves it alone. scripts/update-readme-providers.mjs writes it between the README's
 * `<!-- providers:start -->` and `<!-- providers:end -->` markers; a test keeps the two in sync.
 */
export function formatReadmeProviderTable(listings: readonly ProviderListing[]): string {
  const rows = listings.map((listing) => [
    `\`${listing.name}\``,
    listing.baseURL === undefined ? '`base_url` required' : `\`${listing.baseURL}\``,
    listing.keyVariable === undefined ? '' : `\`${listing.keyVariable}\``,
    listing.baseURLVariable === undefined ? '' : `\`${listing.baseURLVariable}\``,
    CAPABILITY_NAMES.filter((name) => listing.capabilities[name]).join(', '),
  ]);
  const widths = HEADER.map((title, column) => Math.max(3, title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(HEADER), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
