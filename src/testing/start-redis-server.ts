import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server this process started on 127.0.0.1, for tests. */
export interface RedisServerHandle {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (with the password, when one was set). */
  readonly url: string;
  /** The running server's PID (undefined while stopped). */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s); the port stays reserved for `restart`. */
  stop(): Promise<void>;
  /** Starts it again on the same port (an empty data set: nothing is saved). */
  restart(): Promise<void>;
  /** Stops it and removes its temporary directory. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartRedisServerOptions {
  /** `requirepass`: clients must authenticate (the URL then carries `:password@`). */
  password?: string;
  /** redis-server binary (default: found on PATH). */
  binary?: string;
}

/** Why a Redis test is skipped; when CI is set, the test fails instead (the CI image has Redis). */
export const REDIS_SERVER_MISSING =
  'redis-server is not installed (run scripts/ensure-redis.sh, or apt-get install redis-server)';

/** The redis-server binary on PATH, or undefined. */
export function findRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/**
 * For tests that need Redis: the binary, or undefined (skip with REDIS_SERVER_MISSING). With CI set a
 * missing server throws, so a CI image without Redis fails loudly instead of skipping every shared-limit test.
 */
export function requireRedisServer(env: Record<string, string | undefined> = process.env): string | undefined {
  const binary = findRedisServer();
  if (binary === undefined && env.CI !== undefined && env.CI !== '' && env.CI !== 'false') {
    throw new Error(`${REDIS_SERVER_MISSING}; CI is set, so the Redis tests fail rather than skip`);
  }
  return binary;
}

/**
 * Starts redis-server on a free loopback port with persistence off (`--save '' --appendonly no`) in
 * a temporary directory, and resolves once it answers PING. Stop it with `close()` (tests do so in
 * `afterAll`/`finally`, also on failure).
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? findRedisServer();
  if (binary === undefined) throw new Error(REDIS_SERVER_MISSING);
  const directory = mkdtempSync(join(tmpdir(), 'liter-llm-redis-'));
  const port = await findFreePort();
  const password = options.password;
  const url = password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  let closed = false;

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory];
    if (password !== undefined) args.push('--requirepass', password);
    output = '';
    const started = spawn(binary, args, { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    started.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port, password))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server on port ${port} did not answer PING:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
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
    port,
    url,
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
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A port the kernel just handed out on 127.0.0.1 (closed again, so redis-server can bind it). */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket (AUTH first when a password is set): true on +PONG. */
function answersPing(port: number, password: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('+PONG')) finish(true);
      else if (reply.includes('-')) finish(false);
    });
    socket.once('connect', () => {
      const auth = password === undefined ? '' : `AUTH ${password}\r\n`;
      socket.write(`${auth}PING\r\n`);
    });
  });
}
