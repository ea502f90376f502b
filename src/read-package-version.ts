import { readFileSync } from 'node:fs';

/**
 * The package's version as the bundle of the standalone engine was built with it
 * (scripts/build-engine-binary.mjs defines it); unbundled code has no such global and reads package.json.
 */
declare const LITER_LLM_BUNDLED_VERSION: string | undefined;

let version: string | undefined;

/**
 * The version in package.json, read once. The standalone executable (dist/bin/liter-llm) carries no
 * package.json beside it, so its bundle has the version built in instead.
 */
export function readPackageVersion(): string {
  if (typeof LITER_LLM_BUNDLED_VERSION === 'string') return LITER_LLM_BUNDLED_VERSION;
  // src/ and dist/ both sit one level below the package root.
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
