import { spawn } from 'node:child_process';
import { createProtocolClient, type ProtocolClient, type ProtocolClientOptions } from './create-protocol-client.js';

export interface SpawnEngineClientOptions extends Pick<ProtocolClientOptions, 'protocolVersion' | 'clientName'> {
  /**
   * The engine's command line, started as it is (no shell): `[process.execPath, 'dist/cli/main.js',
   * 'engine', '--stdio', '--config', path]`, or a standalone `liter-llm` executable with its arguments.
   */
  command: readonly [string, ...string[]];
  /** The child's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EngineProcessClient extends ProtocolClient {
  readonly pid: number | undefined;
  /** What the engine wrote to stderr so far (its logs), for a failing test's message. */
  stderr(): string;
  /** Resolves when the engine process has exited. */
  readonly exited: Promise<EngineExit>;
  /** Sends `shutdown` (the engine drains its calls in flight) and waits for the process to exit. */
  shutdown(): Promise<EngineExit>;
  /** Closes the engine's stdin, as a dying parent does (calls in flight are cancelled), and waits for the exit. */
  close(): Promise<EngineExit>;
}

/**
 * A real engine process (`liter-llm engine --stdio`) driven over its stdin and stdout, the way the
 * Python and Go bindings drive it: the TypeScript conformance runner's stdio mode.
 */
export function spawnEngineClient(options: SpawnEngineClientOptions): EngineProcessClient {
  const [file, ...args] = options.command;
  const child = spawn(file, args, {
    stdio: 'pipe',
    env: options.env ?? process.env,
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // A write after the engine died must fail the call (its frame never gets an answer), not the process.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<EngineExit>((resolve, reject) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', reject);
  });
  exited.catch(() => undefined);
  const client = createProtocolClient({
    input: child.stdout,
    output: child.stdin,
    ...(options.protocolVersion !== undefined && { protocolVersion: options.protocolVersion }),
    ...(options.clientName !== undefined && { clientName: options.clientName }),
  });
  return {
    ...client,
    pid: child.pid,
    stderr: () => stderr,
    exited,
    shutdown: async () => (await client.requestShutdown(), exited),
    close: async () => (child.stdin.end(), exited),
  };
}
