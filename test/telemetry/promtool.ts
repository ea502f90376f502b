import { spawnSync } from 'node:child_process';

/** promtool (Debian package `prometheus`; scripts/ensure-promtool.sh installs it), or undefined when absent. */
export function findPromtool(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

export const PROMTOOL_MISSING = 'promtool is not installed (run scripts/ensure-promtool.sh, or apt-get install prometheus)';

export function runPromtool(promtool: string, args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(promtool, args, { encoding: 'utf8', ...(input !== undefined && { input }) });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
