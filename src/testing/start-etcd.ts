import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCertificates } from './create-test-certificates.js';
import { findFreePort } from './find-free-port.js';

/** An etcd this process started on 127.0.0.1, for tests. */
export interface EtcdHandle {
  /** `http://127.0.0.1:<client port>`. */
  readonly endpoint: string;
  /** The running server's PID (undefined while stopped). */
  readonly pid: number | undefined;
  /** Stops it (SIGTERM, then SIGKILL after 2 s); ports and data stay for `restart`. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data directory (the keys survive). */
  restart(): Promise<void>;
  /** Stops it and removes its data directory. Safe to call twice. */
  close(): Promise<void>;
}

/** Why an etcd test is skipped; when CI is set the test fails instead. */
export const ETCD_MISSING = 'etcd is not installed (run scripts/ensure-etcd.sh, or apt-get install etcd-server)';

/** The etcd binary on PATH, or undefined. */
export function findEtcd(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/**
 * For tests that need etcd: the binary, or undefined (skip with ETCD_MISSING). With CI set a missing
 * etcd throws, so a CI image without it fails loudly instead of skipping every etcd test.
 */
export function requireEtcd(env: Record<string, string | undefined> = process.env): string | undefined {
  const binary = findEtcd();
  if (binary === undefined && env.CI !== undefined && env.CI !== '' && env.CI !== 'false') {
    throw new Error(`${ETCD_MISSING}; CI is set, so the etcd tests fail rather than skip`);
  }
  return binary;
}

/**
 * Starts a one-member etcd on free loopback client and peer ports with a temporary data directory,
 * and resolves once `/health` says true. Stop it with `close()` (in `afterAll`/`finally`).
 */
export async function startEtcd(
  options: { binary?: string; clientPort?: number; tls?: TestCertificates } = {},
): Promise<EtcdHandle> {
  const binary = options.binary ?? findEtcd();
  if (binary === undefined) throw new Error(ETCD_MISSING);
  const directory = mkdtempSync(join(tmpdir(), 'liter-llm-etcd-'));
  const clientPort = options.clientPort ?? (await findFreePort());
  const peerPort = await findFreePort();
  const tls = options.tls;
  // With tls: https on the client port, and clients must present a certificate the CA signed.
  const endpoint = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  let child: ChildProcess | undefined;
  let output = '';
  let closed = false;

  const start = async (): Promise<void> => {
    // etcd 3.4 reads ETCD_* variables too: a stray one in the environment must not change the test.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ETCD_')));
    const args = [
      '--name=test',
      `--data-dir=${join(directory, 'data')}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=test=${peer}`,
      ...(tls === undefined
        ? []
        : [`--cert-file=${tls.certFile}`, `--key-file=${tls.keyFile}`, `--trusted-ca-file=${tls.caFile}`, '--client-cert-auth']),
      '--log-level=error',
      '--logger=zap',
    ];
    output = '';
    const started = spawn(binary, args, { cwd: directory, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    started.stdout.on('data', keep);
    started.stderr.on('data', keep);
    const deadline = Date.now() + 15_000;
    while (!(await isHealthy(endpoint, tls))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`etcd on ${endpoint} did not become healthy:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
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
    endpoint,
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

async function isHealthy(endpoint: string, tls: TestCertificates | undefined): Promise<boolean> {
  try {
    if (tls === undefined) {
      const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
      return isHealthBody(await response.text());
    }
    const body = await new Promise<string>((resolve, reject) => {
      const call = request(`${endpoint}/health`, {
        ca: readFileSync(tls.caFile),
        cert: readFileSync(tls.certFile),
        key: readFileSync(tls.keyFile),
        timeout: 1_000,
      });
      call.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      });
      call.on('timeout', () => call.destroy(new Error('timeout')));
      call.on('error', reject);
      call.end();
    });
    return isHealthBody(body);
  } catch {
    return false;
  }
}

function isHealthBody(text: string): boolean {
  const body = JSON.parse(text) as { health?: unknown };
  return body.health === 'true' || body.health === true;
}
