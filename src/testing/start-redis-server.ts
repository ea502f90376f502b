import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './find-free-port.js';
import { findBinary, requireBinary, startTestServerProcess, type TestServerProcess } from './test-server-process.js';

/** A redis-server this process started on 127.0.0.1, for tests; `restart` brings it back on the same port, empty (nothing is saved). */
export interface RedisServerHandle extends TestServerProcess {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (with the password, when one was set). */
  readonly url: string;
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
  return findBinary('redis-server');
}

/**
 * For tests that need Redis: the binary, or undefined (skip with REDIS_SERVER_MISSING). With CI set a
 * missing server throws, so a CI image without Redis fails loudly instead of skipping every shared-limit test.
 */
export function requireRedisServer(env: Record<string, string | undefined> = process.env): string | undefined {
  return requireBinary('redis-server', REDIS_SERVER_MISSING, env);
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
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory];
  if (password !== undefined) args.push('--requirepass', password);
  const server = await startTestServerProcess({
    binary,
    args,
    directory,
    isReady: () => answersPing(port, password),
    readyTimeoutMs: 10_000,
    pollMs: 20,
    notReadyMessage: `redis-server on port ${port} did not answer PING`,
  });
  return {
    port,
    url,
    get pid() {
      return server.pid;
    },
    stop: server.stop,
    restart: server.restart,
    close: server.close,
  };
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
