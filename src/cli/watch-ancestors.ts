import { readFileSync } from 'node:fs';

export interface AncestorWatchOptions {
  /** How many generations up to watch: the parent, its parent... (default 3; init is never watched). */
  depth?: number;
  /** How often to look (default 500 ms). */
  intervalMs?: number;
}

/**
 * Calls `onGone` once a process that started this one has exited: the parent or, on Linux, a
 * grandparent. The grandparents matter because of npx: `npx liter-llm mock-provider &` runs the CLI
 * under `npm exec` → `sh -c` → node, and `kill $!` stops only `npm exec`, which does not pass the
 * signal on; the `sh` in between lives on, waiting for node, so the parent alone never changes.
 * Elsewhere (no /proc) only the parent is watched. The timer does not keep the process alive.
 * Returns the function that stops watching.
 */
export function watchAncestors(onGone: () => void, options: AncestorWatchOptions = {}): () => void {
  const parent = process.ppid;
  const ancestors = listAncestors(parent, options.depth ?? 3);
  const timer = setInterval(() => {
    if (process.ppid === parent && ancestors.every(isRunning)) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}

/** `pid` and the processes above it, up to `depth` of them and below init; just `pid` without /proc. */
function listAncestors(pid: number, depth: number): number[] {
  const ancestors: number[] = [];
  for (let current = pid; current > 1 && ancestors.length < depth;) {
    ancestors.push(current);
    const stat = readStat(current);
    if (stat === undefined) break;
    current = stat.ppid;
  }
  return ancestors;
}

function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  if (stat !== undefined) return stat.state !== 'Z' && stat.state !== 'X';
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** State and parent from /proc/PID/stat (Linux); the name in parentheses may hold spaces and parentheses. */
function readStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state !== undefined && ppid !== undefined ? { state, ppid: Number(ppid) } : undefined;
  } catch {
    return undefined;
  }
}
