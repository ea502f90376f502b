import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What the harness answers a line with (conformance/README.md, "The harness protocol"). */
export interface HarnessAnswer {
  ok?: boolean;
  ready?: boolean;
  vectors?: string[];
  error?: string;
  problems?: string[];
  configPath?: string;
  baseURL?: string;
  apiKey?: string;
  call?: ConformanceCall;
}

export interface ConformanceCall {
  method: 'chat' | 'chatStream' | 'embed' | 'models';
  request?: unknown;
  options?: { timeoutMs?: number; maxRetries?: number };
  cancelAfterEvents?: number;
}

export interface Harness {
  readonly vectors: readonly string[];
  /** Writes one message and resolves with the harness's one-line answer. */
  send(message: object): Promise<HarnessAnswer>;
  stderr(): string;
  /** Closes the harness's stdin (it tears down and exits) and waits for the exit. */
  close(): Promise<void>;
}

/** Starts `node conformance/harness.mjs` from the repository root and waits for its ready line. */
export async function startHarness(): Promise<Harness> {
  const child = spawn(process.execPath, ['conformance/harness.mjs'], { cwd: REPOSITORY_ROOT, stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiting: ((answer: HarnessAnswer) => void)[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line) as HarnessAnswer));
  const next = () => new Promise<HarnessAnswer>((resolve) => waiting.push(resolve));
  const ready = await Promise.race([
    next(),
    exited.then((): HarnessAnswer => ({ ready: false, error: `the harness exited before it was ready: ${stderr}` })),
  ]);
  if (ready.ready !== true) throw new Error(`conformance harness: ${ready.error ?? JSON.stringify(ready)}`);
  return {
    vectors: ready.vectors ?? [],
    send(message) {
      const answer = next();
      child.stdin.write(`${JSON.stringify(message)}\n`);
      return answer;
    },
    stderr: () => stderr,
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
