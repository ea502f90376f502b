/**
 * What a newcomer copies (the README, the example config, the guides, every command's --help) names
 * models the providers still serve. Recorded fixtures keep the ids they were recorded with, and
 * decision records the ids of their day: neither is scanned.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from './cli-process.js';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Model ids past (or announced for) their end of life, from the providers' deprecation pages
 * (platform.claude.com/docs/en/about-claude/model-deprecations, developers.openai.com/api/docs/deprecations).
 * Each id also covers its dated snapshots (`claude-sonnet-4-5-20250929`).
 */
const RETIRED: Record<string, string> = {
  'claude-sonnet-4-5': 'retired 2026-11-30',
  'claude-opus-4-5': 'deprecated 2026-11-23, retires 2027-01-22',
  'claude-sonnet-4': 'retired 2026-06-15',
  'claude-sonnet-4-0': 'retired 2026-06-15',
  'claude-opus-4': 'retired 2026-06-15',
  'claude-opus-4-0': 'retired 2026-06-15',
  'claude-3-7-sonnet': 'retired 2026-02-19',
  'claude-3-5-haiku': 'retired 2026-02-19',
  'claude-3-5-sonnet': 'retired 2025-10-28',
  'gpt-4o': 'shuts down 2027-01-14 (gpt-6-luna, gpt-6.1-sol)',
  'gpt-4o-mini': 'shuts down 2027-01-14 (gpt-6-luna)',
  'gpt-4.1': 'shuts down 2027-01-14',
  'gpt-4.1-mini': 'shuts down 2027-01-14',
  'gpt-4.1-nano': 'shut down 2026-10-23',
  'gpt-3.5-turbo': 'shut down 2026-10-23',
  'gpt-5': 'shuts down 2026-12-11',
  'gpt-5-mini': 'shuts down 2026-12-11',
  'gpt-5-nano': 'shuts down 2026-12-11',
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every retired id in `text`, with the reason; a longer current id (`gpt-4o-transcribe`) is not a match. */
function findRetired(text: string): string[] {
  const found: string[] = [];
  for (const [id, why] of Object.entries(RETIRED)) {
    const pattern = new RegExp(`(?<![\\w.-])${escape(id)}(?:-\\d{8}|-\\d{4}-\\d{2}-\\d{2})?(?![\\w-]|\\.\\w)`, 'g');
    for (const match of text.matchAll(pattern)) found.push(`${match[0]} (${why})`);
  }
  return found;
}

function guides(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === '__fixtures__' || entry.name === 'decisions' ? [] : guides(path);
    return entry.name.endsWith('.md') && entry.name !== 'provider-fixtures.md' ? [path] : [];
  });
}

describe('model ids a newcomer copies', () => {
  it('the matcher finds retired ids and their snapshots, not the ids that replaced them', () => {
    expect(findRetired('use anthropic/claude-sonnet-4-5, or claude-sonnet-4-5-20250929.')).toHaveLength(2);
    expect(findRetired('openai/gpt-4o-mini and `gpt-4o`')).toHaveLength(2);
    expect(findRetired('claude-sonnet-5-5 claude-haiku-5-5 gpt-6-luna gpt-6.1-sol gpt-5.6-sol text-embedding-3-small')).toEqual(
      [],
    );
  });

  it.each([
    'README.md',
    'examples/liter-llm.yaml',
    ...[...guides(join(ROOT, 'docs')), ...guides(join(ROOT, 'src'))].map((path) => relative(ROOT, path)),
  ])('%s names no retired model', (path) => {
    expect(findRetired(readFileSync(join(ROOT, path), 'utf8'))).toEqual([]);
  });

  it.each(['--help', 'serve --help', 'chat --help', 'embed --help', 'mock-provider --help'])(
    'liter-llm %s names no retired model',
    (args) => {
      const output = execFileSync(process.execPath, [CLI, ...args.split(' ')], { encoding: 'utf8' });
      expect(findRetired(output)).toEqual([]);
    },
  );
});
