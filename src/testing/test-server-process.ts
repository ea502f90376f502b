import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

/** A server binary (redis-server, etcd) this process started for tests, on loopback. */
export interface TestServerProcess {
  /** The running server's PID (undefined while stopped). */
  readonly pid: number | undefined;
  /** Stops it (SIGTERM, then SIGKILL after 2 s); its ports and directory stay for `restart`. */
  stop(): Promise<void>;
  /** Starts it again with the same arguments. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. Safe to call twice. */
  close(): Promise<void>;
}

export interface TestServerProcessOptions {
  binary: string;
  args: readonly string[];
  /** Its working directory, removed by `close()`. */
  directory: string;
  env?: NodeJS.ProcessEnv;
  /** Answers true once the server serves (a PING, a health check). */
  isReady: () => Promise<boolean>;
  readyTimeoutMs: number;
  pollMs: number;
  /** How the error names a server that never got ready: `redis-server on port 6379 did not answer PING`. */
  notReadyMessage: string;
}

/** The binary `command` on PATH, or undefined. */
export function findBinary(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/**
 * For tests that need `command`: its path, or undefined (they skip with `missingMessage`). With CI
 * set a missing binary throws, so a CI image without it fails loudly instead of skipping the tests.
 */
export function requireBinary(
  command: string,
  missingMessage: string,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const binary = findBinary(command);
  if (binary === undefined && env.CI !== undefined && env.CI !== '' && env.CI !== 'false') {
    throw new Error(`${missingMessage}; CI is set, so these tests fail rather than skip`);
  }
  return binary;
}

/** Starts the server and resolves once `isReady` says so; a server that exits or never gets ready rejects with its output. */
export async function startTestServerProcess(options: TestServerProcessOptions): Promise<TestServerProcess> {
  let child: ChildProcess | undefined;
  let closed = false;

  const start = async (): Promise<void> => {
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    const started = spawn(options.binary, [...options.args], {
      cwd: options.directory,
      ...(options.env !== undefined && { env: options.env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout.on('data', keep);
    started.stderr.on('data', keep);
    const deadline = Date.now() + options.readyTimeoutMs;
    while (!(await options.isReady())) {
      if (started.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`${options.notReadyMessage}:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const killTimer = setTimeout(() => running.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(killTimer);
  };

  await start();
  return {
    get pid() {
      return child?.pid;
    },
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await stop();
      rmSync(options.directory, { recursive: true, force: true });
    },
  };
}
