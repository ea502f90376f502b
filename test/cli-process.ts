/**
 * The built `liter-llm` binary in a child process, as a user runs it: helpers for the CLI tests that
 * need more than test/cli.test.ts's run-to-completion (standard input, a reader that leaves early,
 * timing, `liter-llm mock-provider` with flags).
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';

export const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

/** How a test starts the CLI: node and the built main.js, or the standalone executable (dist/bin/liter-llm). */
export type CLILauncher = readonly [command: string, ...args: string[]];
export const NODE_CLI: CLILauncher = [process.execPath, CLI];

export interface CLIResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  elapsedMs: number;
}

export interface CLIRunOptions {
  env?: Record<string, string>;
  /** Written to standard input, which is then closed (default: closed at once, empty). */
  stdin?: string;
  /** Kill the child after this long (default 15 s); the result then has `signal`. */
  timeoutMs?: number;
  launcher?: CLILauncher;
}

/** Spawns the CLI with a clean environment (PATH plus `env`; `env` may replace PATH). */
export function spawnCLI(
  args: string[],
  env: Record<string, string> = {},
  [command, ...launcherArgs]: CLILauncher = NODE_CLI,
): ChildProcessWithoutNullStreams {
  return spawn(command, [...launcherArgs, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
}

/** Resolves when the child exits, with everything it printed. */
export function collectCLI(child: ChildProcessWithoutNullStreams, timeoutMs = 15_000): Promise<CLIResult> {
  const startedAt = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - startedAt });
    });
  });
}

export function runCLI(args: string[], options: CLIRunOptions = {}): Promise<CLIResult> {
  const child = spawnCLI(args, options.env, options.launcher);
  const result = collectCLI(child, options.timeoutMs);
  child.stdin.end(options.stdin ?? '');
  return result;
}

/**
 * Resolves with the URL a `serve` or `mock-provider` child prints on its "listening on" line.
 * Rejects when the child exits first, or after `timeoutMs` when given, naming `what` and adding
 * `describeOutput()` (what the child said on stderr, say) to the error.
 */
export function waitForListeningURL(
  child: ChildProcess,
  what: string,
  { describeOutput = () => '', timeoutMs }: { describeOutput?: () => string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms: ${describeOutput()}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before listening: ${describeOutput()}`));
    });
  });
}

/**
 * Starts `liter-llm mock-provider --port 0 ...args` and resolves with the child, the URL it prints
 * and its banner (what it printed up to the end of the line with the URL).
 */
export async function startMockProvider(
  args: string[],
  launcher: CLILauncher = NODE_CLI,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; banner: string }> {
  const child = spawnCLI(['mock-provider', '--port', '0', ...args], env, launcher);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`mock-provider exited with ${code}: ${output}`)));
  });
  return { child, url, banner: output };
}

/** Stops a child and waits for it to be gone. */
export async function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** A `liter-llm mock-provider` for the tests of one file: started before them, stopped after. */
export function useMockProvider(args: string[]): { readonly url: string } {
  let mock: Awaited<ReturnType<typeof startMockProvider>> | undefined;
  beforeAll(async () => {
    mock = await startMockProvider(args);
  });
  afterAll(async () => {
    if (mock) await stopChild(mock.child);
  });
  return {
    get url() {
      if (!mock) throw new Error('the mock provider is not started yet (use its url inside a test)');
      return mock.url;
    },
  };
}
