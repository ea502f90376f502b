/**
 * `liter-llm serve` replicas in child processes, as an operator runs a fleet: each from its own
 * config file in a temp dir, on a free loopback port, stopped (or killed with SIGKILL, as a node
 * that dies) by the test that started it.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { spawnCLI, stopChild, waitForListeningURL } from '../cli-process.js';

export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything the replica wrote to stderr so far (its JSON log lines). */
  stderr(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: the replica dies without giving anything back. */
  kill(): Promise<void>;
}

/** Starts one replica on `config` (the YAML file's content as an object). */
export async function startGatewayProcess(config: object, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'liter-llm-fleet-'));
  const path = join(dir, 'liter-llm.yaml');
  writeFileSync(path, stringify(config));
  const child = spawnCLI(['serve', '--config', path, '--host', '127.0.0.1', '--port', '0'], {
    LITER_LLM_LOG_LEVEL: 'warn',
    ...env,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  // Listened for from the start, so `kill` also returns for a replica that already died by itself.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await waitForListeningURL(child, 'serve', { describeOutput: () => stderr, timeoutMs: 10_000 });
  return {
    url,
    child,
    stderr: () => stderr,
    stop: () => stopChild(child),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
