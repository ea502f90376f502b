import { execFileSync } from 'node:child_process';

/**
 * Tests that spawn the CLI run the built `dist/`; build it once before any test so `npx vitest`
 * alone is enough (the incremental build takes a second when nothing changed).
 */
export default function buildOnce(): void {
  // `make test` has just built; skip the second (no-op) build there.
  if (process.env.LITER_LLM_SKIP_BUILD === '1') return;
  execFileSync('npx', ['tsc', '-b'], { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname });
}
