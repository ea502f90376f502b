/**
 * A real redis-server for the fleet tests: on a free loopback port, no persistence, in a temp dir,
 * stopped by PID. `stop()` then `start()` brings it back on the same port, empty, as a Redis that
 * restarted without persistence.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisProcess {
  readonly url: string;
  /** Starts it again (after `stop`), on the same port. */
  start(): Promise<void>;
  /** Kills it (SIGKILL), keeping the port and dir for `start`. */
  stop(): Promise<void>;
  /** Kills it and removes its dir: the end of the test. */
  close(): Promise<void>;
  keys(pattern: string): Promise<string[]>;
  pttl(key: string): Promise<number>;
}

/** True when redis-server is on PATH; under CI its absence is a failure, not a skip. */
export function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('redis-server is not installed (scripts/ensure-redis.sh installs it)');
    console.warn('redis-server is not installed: the fleet tests are skipped');
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedisProcess(): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'liter-llm-redis-'));
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const client = () => new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });

  async function start(): Promise<void> {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 5_000;
    for (;;) {
      const probe = client();
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  }

  async function withClient<T>(use: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = client();
    try {
      await redis.connect();
      return await use(redis);
    } finally {
      redis.disconnect();
    }
  }

  await start();
  return {
    url,
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    keys: (pattern) => withClient((redis) => redis.keys(pattern)),
    pttl: (key) => withClient((redis) => redis.pttl(key)),
  };
}
