import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCertificates } from './create-test-certificates.js';
import { findFreePort } from './find-free-port.js';
import { findBinary, requireBinary, startTestServerProcess, type TestServerProcess } from './test-server-process.js';

/** An etcd this process started on 127.0.0.1, for tests; `restart` keeps its ports and data (the keys survive). */
export interface EtcdHandle extends TestServerProcess {
  /** `http://127.0.0.1:<client port>`. */
  readonly endpoint: string;
}

/** Why an etcd test is skipped; when CI is set the test fails instead. */
export const ETCD_MISSING = 'etcd is not installed (run scripts/ensure-etcd.sh, or apt-get install etcd-server)';

/** The etcd binary on PATH, or undefined. */
export function findEtcd(): string | undefined {
  return findBinary('etcd');
}

/**
 * For tests that need etcd: the binary, or undefined (skip with ETCD_MISSING). With CI set a missing
 * etcd throws, so a CI image without it fails loudly instead of skipping every etcd test.
 */
export function requireEtcd(env: Record<string, string | undefined> = process.env): string | undefined {
  return requireBinary('etcd', ETCD_MISSING, env);
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
  const server = await startTestServerProcess({
    binary,
    args,
    directory,
    env,
    isReady: () => isHealthy(endpoint, tls),
    readyTimeoutMs: 15_000,
    pollMs: 50,
    notReadyMessage: `etcd on ${endpoint} did not become healthy`,
  });
  return {
    endpoint,
    get pid() {
      return server.pid;
    },
    stop: server.stop,
    restart: server.restart,
    close: server.close,
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
